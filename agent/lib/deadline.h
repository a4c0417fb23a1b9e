/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When deferred work is due, on CLOCK_MONOTONIC. A deadline is set when the
 * work becomes due and is never pushed back by what happens meanwhile: a
 * daemon woken by a flood of events (an attacker's refused logins) still
 * does its settled work on time.
 */
#ifndef IOTGUARD_DEADLINE_H
#define IOTGUARD_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

struct deadline {
	int64_t at;	/* ms on CLOCK_MONOTONIC; 0: none set */
};

/* CLOCK_MONOTONIC in ms: the now the functions below take. */
int64_t deadline_clock_ms(void);
/* Due delay_ms after now, unless a deadline is set already. */
void deadline_arm(struct deadline *d, int64_t now, int delay_ms);
/* Whether the deadline has come; if so it is cleared. */
bool deadline_take(struct deadline *d, int64_t now);
/* A poll timeout (ms, -1 for none) shortened to what is left until d. */
int deadline_timeout(const struct deadline *d, int64_t now, int timeout);

#endif
