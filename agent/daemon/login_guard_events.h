/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The login guard's refusals, read from its pinned ring buffer and logged
 * with a rate limit (a brute-force run must not flood the log).
 */
#ifndef IOTGUARD_LOGIN_GUARD_EVENTS_H
#define IOTGUARD_LOGIN_GUARD_EVENTS_H

#include <stdint.h>
#include "policy.h"

/* Log at most this many events a second, with this burst. */
#define GUARD_EVENTS_PER_SEC 5
#define GUARD_EVENTS_BURST 20

struct guard_events;

int guard_events_open(struct guard_events **events,
		      const struct login_guard_policy *policy);
void guard_events_close(struct guard_events *events);
int guard_events_fd(const struct guard_events *events);
/* Consume what is pending. */
void guard_events_read(struct guard_events *events);

#endif
