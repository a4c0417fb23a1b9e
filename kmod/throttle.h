/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOTGUARD_THROTTLE_H
#define _IOTGUARD_THROTTLE_H

#include <linux/types.h>

enum iotguard_throttle_verdict {
	IOTGUARD_THROTTLE_PASS,
	IOTGUARD_THROTTLE_OVER,		/* the source is over its limit */
	IOTGUARD_THROTTLE_FULL,		/* no slot: every one is over its limit */
};

int iotguard_throttle_init(void);
void iotguard_throttle_uninit(void);

/*
 * Take one token from the bucket of a source: an IPv4 address (family
 * AF_INET, prefix = the address) or an IPv6 /64 (the first 64 bits).
 * Runs in softirq context; allocates nothing.
 */
enum iotguard_throttle_verdict
iotguard_throttle_take(u8 family, u64 prefix, u32 burst, u32 interval_ms);

unsigned int iotguard_throttle_table_size(void);
/* Sources whose buckets are not full, that is, that the table remembers. */
unsigned int iotguard_throttle_entries(u32 burst, u32 interval_ms);

#endif /* _IOTGUARD_THROTTLE_H */
