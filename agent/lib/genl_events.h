/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel gate's events (genetlink multicast group "events"): read by
 * iotguardd for the log and by `iotguardctl events --follow`. Joining the
 * group needs CAP_NET_ADMIN.
 */
#ifndef IOTGUARD_GENL_EVENTS_H
#define IOTGUARD_GENL_EVENTS_H

#include <stddef.h>
#include <stdint.h>

struct gate_event {
	uint32_t kind;		/* enum iotguard_event_kind */
	uint32_t mode;		/* only "enforce" refused it */
	int family;		/* AF_INET or AF_INET6 */
	uint8_t saddr[16];
	uint16_t dport;
	uint32_t ifindex;
};

typedef void (*gate_event_fn)(const struct gate_event *event, void *arg);

struct genl_events;
/* -ENOENT: no module; -EPERM: not an administrator. */
int genl_events_open(struct genl_events **events, gate_event_fn fn, void *arg);
void genl_events_close(struct genl_events *events);
int genl_events_fd(const struct genl_events *events);
/* Deliver every pending event to fn. Non-blocking. */
void genl_events_read(struct genl_events *events);

/* One line for a person: "lockout: refused 10.99.0.2 to port 23 on veth0". */
void gate_event_format(const struct gate_event *event, char *out, size_t len);
const char *gate_event_kind_name(uint32_t kind);

#endif
