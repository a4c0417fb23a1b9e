/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOTGUARD_EVENTS_H
#define _IOTGUARD_EVENTS_H

#include <linux/netdevice.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include "uapi/iotguard.h"

struct iotguard_event {
	u32 kind;		/* enum iotguard_event_kind */
	u32 mode;
	u8 family;		/* AF_INET or AF_INET6 */
	struct in6_addr saddr;	/* IPv4 in the first 4 bytes */
	u16 dport;
	int ifindex;
};

void iotguard_events_init(void);
/* Rate-limited multicast to the "events" group; softirq-safe. */
void iotguard_event_send(struct net *net, const struct iotguard_event *event);
/*
 * The same without the shared rate limit, for an event its caller already
 * limits (one per episode): a flood's own refusals cannot crowd it out.
 */
void iotguard_event_send_rare(struct net *net, const struct iotguard_event *event);

#endif /* _IOTGUARD_EVENTS_H */
