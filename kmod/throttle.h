/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOTGUARD_THROTTLE_H
#define _IOTGUARD_THROTTLE_H

#include <linux/types.h>

enum iotguard_throttle_verdict {
	IOTGUARD_THROTTLE_PASS,
	IOTGUARD_THROTTLE_OVER,		/* the source is over its limit */
	IOTGUARD_THROTTLE_FULL,		/* no slot: every one is over its limit */
};

/*
 * The provisioning paths have a table of their own, so that no number of
 * sources outside them can fill the table they use.
 */
enum iotguard_throttle_table {
	IOTGUARD_THROTTLE_OPEN,		/* every other source */
	IOTGUARD_THROTTLE_PROVISIONING,	/* the provisioning interface and subnets */
	__IOTGUARD_THROTTLE_TABLES
};

int iotguard_throttle_init(void);
void iotguard_throttle_uninit(void);

/*
 * Take one token from the bucket of a source: an IPv4 address (family
 * AF_INET, prefix = the address) or an IPv6 /64 (the first 64 bits).
 * Runs in softirq context; allocates nothing.
 */
enum iotguard_throttle_verdict
iotguard_throttle_take(enum iotguard_throttle_table which, u8 family, u64 prefix,
		       u32 burst, u32 interval_ms);

/*
 * Note an IOTGUARD_THROTTLE_FULL refusal. True if it starts an episode of
 * pressure (none in the quiet period before it); one caller sees each start.
 */
bool iotguard_throttle_note_full(void);
/* Was there a table-full refusal within the quiet period? */
bool iotguard_throttle_under_pressure(void);

/* The open table's size (module parameter throttle_table_size). */
unsigned int iotguard_throttle_table_size(void);
/* Sources whose buckets are not full, that is, that the tables remember. */
unsigned int iotguard_throttle_entries(u32 burst, u32 interval_ms);

#endif /* _IOTGUARD_THROTTLE_H */
