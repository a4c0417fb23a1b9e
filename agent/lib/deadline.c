// SPDX-License-Identifier: GPL-2.0
/* When deferred work is due: see deadline.h. */
#include <time.h>
#include "deadline.h"

int64_t deadline_clock_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void deadline_arm(struct deadline *d, int64_t now, int delay_ms)
{
	if (!d->at)
		/* 0 means none: a deadline at the clock's very start is 1 ms later. */
		d->at = now + delay_ms > 0 ? now + delay_ms : 1;
}

bool deadline_take(struct deadline *d, int64_t now)
{
	if (!d->at || d->at > now)
		return false;
	d->at = 0;
	return true;
}

int deadline_timeout(const struct deadline *d, int64_t now, int timeout)
{
	int64_t left;

	if (!d->at)
		return timeout;
	left = d->at > now ? d->at - now : 0;
	return timeout < 0 || left < timeout ? (int)left : timeout;
}
