// SPDX-License-Identifier: GPL-2.0
/* A token bucket for the log lines an attacker can cause (rate_limit.h). */
#include "rate_limit.h"

void rate_limit_init(struct rate_limit *rl, double per_sec, double burst)
{
	rl->per_sec = per_sec;
	rl->burst = burst;
	rl->tokens = burst;
	rl->suppressed = 0;
	clock_gettime(CLOCK_MONOTONIC, &rl->last);
}

bool rate_limit_take(struct rate_limit *rl)
{
	struct timespec now;
	double elapsed;

	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = (double)(now.tv_sec - rl->last.tv_sec) +
		  (double)(now.tv_nsec - rl->last.tv_nsec) / 1e9;
	rl->last = now;
	rl->tokens += elapsed * rl->per_sec;
	if (rl->tokens > rl->burst)
		rl->tokens = rl->burst;
	if (rl->tokens < 1.0) {
		rl->suppressed++;
		return false;
	}
	rl->tokens -= 1.0;
	return true;
}

uint64_t rate_limit_suppressed(struct rate_limit *rl)
{
	uint64_t n = rl->suppressed;

	rl->suppressed = 0;
	return n;
}
