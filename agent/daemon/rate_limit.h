/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A token bucket for log lines an attacker can cause: at most per_sec a
 * second after a burst; the rest are counted, and the count is logged with
 * the next line that gets through.
 */
#ifndef IOTGUARD_RATE_LIMIT_H
#define IOTGUARD_RATE_LIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct rate_limit {
	double per_sec;
	double burst;
	double tokens;
	struct timespec last;
	uint64_t suppressed;
};

void rate_limit_init(struct rate_limit *rl, double per_sec, double burst);
/* true: go ahead; false: counted as suppressed. */
bool rate_limit_take(struct rate_limit *rl);
/* The lines suppressed since the last call; resets the count. */
uint64_t rate_limit_suppressed(struct rate_limit *rl);

#endif
