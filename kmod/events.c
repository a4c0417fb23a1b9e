// SPDX-License-Identifier: GPL-2.0
/*
 * Gate events on the genetlink multicast group "events". An attacker
 * decides how many refusals there are, so events are rate-limited by one
 * token bucket (IOTGUARD_EVENTS_PER_SEC, bursts of IOTGUARD_EVENT_BURST);
 * the rest are only counted. Nothing is built when nobody listens.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/spinlock.h>
#include <linux/ktime.h>
#include <net/genetlink.h>
#include "events.h"
#include "netlink.h"
#include "state.h"

static DEFINE_SPINLOCK(limit_lock);
static u64 limit_stamp_ns;
static u32 limit_tokens;

void iotguard_events_init(void)
{
	limit_stamp_ns = ktime_get_ns();
	limit_tokens = IOTGUARD_EVENT_BURST;
}

static bool within_rate_limit(void)
{
	u64 interval_ns = NSEC_PER_SEC / IOTGUARD_EVENTS_PER_SEC;
	u64 now, gained;
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&limit_lock, flags);
	/*
	 * The clock is read under the lock: read before it, a CPU that takes
	 * the lock after another with a later time would see now before
	 * limit_stamp_ns, and the difference, unsigned, would refill the whole
	 * burst (storm_test saw 46 events too many over a million refusals).
	 */
	now = ktime_get_ns();
	gained = now > limit_stamp_ns ? div64_u64(now - limit_stamp_ns, interval_ns) : 0;
	if (gained) {
		limit_tokens = min_t(u64, IOTGUARD_EVENT_BURST, limit_tokens + gained);
		limit_stamp_ns += gained * interval_ns;
	}
	ok = limit_tokens > 0;
	if (ok)
		limit_tokens--;
	spin_unlock_irqrestore(&limit_lock, flags);
	return ok;
}

static void send_event(struct net *net, const struct iotguard_event *event)
{
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!skb)
		goto dropped;
	hdr = genlmsg_put(skb, 0, 0, &iotguard_genl_family, 0, IOTGUARD_CMD_EVENT);
	if (!hdr)
		goto dropped_free;
	if (nla_put_u32(skb, IOTGUARD_A_EVENT_KIND, event->kind) ||
	    nla_put_u32(skb, IOTGUARD_A_MODE, event->mode) ||
	    nla_put(skb, IOTGUARD_A_EVENT_SADDR,
		    event->family == AF_INET ? 4 : 16, &event->saddr) ||
	    nla_put_u16(skb, IOTGUARD_A_EVENT_DPORT, event->dport) ||
	    nla_put_u32(skb, IOTGUARD_A_EVENT_IFINDEX, event->ifindex))
		goto dropped_free;
	genlmsg_end(skb, hdr);
	/* ESRCH only means the last listener just left. */
	genlmsg_multicast_netns(&iotguard_genl_family, net, skb, 0,
				IOTGUARD_MCGRP_EVENTS_ID, GFP_ATOMIC);
	iotguard_state_count(IOTGUARD_CTR_EVENTS_SENT);
	return;

dropped_free:
	nlmsg_free(skb);
dropped:
	iotguard_state_count(IOTGUARD_CTR_EVENTS_DROPPED);
}

void iotguard_event_send(struct net *net, const struct iotguard_event *event)
{
	if (!genl_has_listeners(&iotguard_genl_family, net, IOTGUARD_MCGRP_EVENTS_ID))
		return;
	if (!within_rate_limit()) {
		iotguard_state_count(IOTGUARD_CTR_EVENTS_DROPPED);
		return;
	}
	send_event(net, event);
}

void iotguard_event_send_rare(struct net *net, const struct iotguard_event *event)
{
	if (genl_has_listeners(&iotguard_genl_family, net, IOTGUARD_MCGRP_EVENTS_ID))
		send_event(net, event);
}
