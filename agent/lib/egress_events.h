/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outbound policy's refusals as people and programs read them: reading
 * the programs' ring buffers (egress.h: the agent's and the watchers') and
 * putting an event into words or JSON, with the policy's rule and service
 * names when the policy is at hand.
 */
#ifndef IOTGUARD_EGRESS_EVENTS_H
#define IOTGUARD_EGRESS_EVENTS_H

#include <stddef.h>
#include <json-c/json.h>
#include <linux/types.h>
#include "egress.h"
#include "egress_policy.h"
#include "error.h"

typedef void (*egress_event_fn)(const struct egress_event *event, void *arg);

struct egress_events;

/*
 * Read the ring buffer pinned at pin (EGRESS_EVENTS_PIN or
 * EGRESS_WATCH_PIN), calling fn for each event. 0, or a negative errno with
 * err set (-ENOENT: the outbound policy's programs are not loaded).
 */
int egress_events_open(struct egress_events **events, const char *pin, egress_event_fn fn,
		       void *arg, struct iotguard_error *err);
void egress_events_close(struct egress_events *events);
/* An fd to poll for input. */
int egress_events_fd(const struct egress_events *events);
/* Call fn for every event waiting. The count, or a negative errno. */
int egress_events_read(struct egress_events *events);

/*
 * "outbound: refused tcp to 203.0.113.9 port 80: pid 412 (curl), service
 * camera, by the default" and the like. policy may be NULL: rules and
 * services are then given by number.
 */
void egress_event_format(const struct egress_event *event, const struct egress_policy *policy,
			 char *out, size_t len);
/* The same as a JSON object (the caller puts it). */
json_object *egress_event_json(const struct egress_event *event,
			       const struct egress_policy *policy);

#endif
