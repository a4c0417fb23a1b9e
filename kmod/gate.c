// SPDX-License-Identifier: GPL-2.0
/*
 * The network gate: a netfilter hook at LOCAL_IN, IPv4 and IPv6 (where the
 * kernel has IPv6: CONFIG_IPV6), in every network namespace. For a packet to any port that is not a login port the
 * whole cost is one bit test. A new connection (SYN) to a login port from
 * anything but loopback then meets, in order:
 *   1. the throttle: one token bucket per source (IPv4 address, IPv6 /64),
 *      so a locked-out attacker is throttled too;
 *   2. the lockout: while the credential state is not "provisioned", only
 *      the provisioning interface and subnets may connect.
 * The provisioning paths have a throttle table of their own, so that a flood
 * from elsewhere (spoofed sources need no handshake) cannot shut them out.
 * The interface is matched by ifindex and namespace, never by name: root
 * can rename any interface, even after lock.
 * A refusal is a TCP reset (clients fail fast), a counter and an event. In
 * audit mode it is only counted and reported; in mode off the gate is open.
 * A kernel with IPv6 but without CONFIG_NF_REJECT_IPV6 drops an IPv6 refusal
 * instead of resetting it: refused all the same, only slower for the client.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/inetdevice.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include "events.h"
#include "gate.h"
#include "gate_internal.h"
#include "state.h"
#include "throttle.h"

struct gate_packet {
	u8 family;
	struct in6_addr saddr;	/* IPv4 in the first 4 bytes */
	u64 source;		/* the throttle's key */
	u16 dport;
};

static bool exempt(const struct iotguard_gate_config *config,
		   const struct nf_hook_state *state, const struct gate_packet *pkt)
{
	const struct iotguard_subnet *net;

	int ifindex = READ_ONCE(config->prov_ifindex);	/* see gate_config.c */

	if (ifindex && state->in->ifindex == ifindex &&
	    state->net->net_cookie == config->prov_net_cookie)
		return true;
	if (pkt->family == AF_INET) {
		net = &config->prov_net4;
		return net->set &&
		       !((pkt->saddr.s6_addr32[0] ^ net->addr.s6_addr32[0]) &
			 inet_make_mask(net->prefix_len));
	}
	net = &config->prov_net6;
	return net->set &&
	       ipv6_prefix_equal(&pkt->saddr, &net->addr, net->prefix_len);
}

static unsigned int refuse(struct sk_buff *skb, const struct nf_hook_state *state,
			   const struct gate_packet *pkt, u32 mode,
			   enum iotguard_event_kind kind)
{
	static const enum iotguard_counter counter[] = {
		[IOTGUARD_EVENT_LOCKOUT] = IOTGUARD_CTR_LOCKOUT_REFUSED,
		[IOTGUARD_EVENT_THROTTLE] = IOTGUARD_CTR_THROTTLE_REFUSED,
		[IOTGUARD_EVENT_TABLE_FULL] = IOTGUARD_CTR_THROTTLE_TABLE_FULL,
	};
	struct iotguard_event event = {
		.kind = kind,
		.mode = mode,
		.family = pkt->family,
		.saddr = pkt->saddr,
		.dport = pkt->dport,
		.ifindex = state->in->ifindex,
	};

	iotguard_state_count(counter[kind]);
	iotguard_event_send(state->net, &event);
	if (mode != IOTGUARD_MODE_ENFORCE)
		return NF_ACCEPT;
	if (pkt->family == AF_INET)
		nf_send_reset(state->net, state->sk, skb, state->hook);
#if IS_ENABLED(CONFIG_NF_REJECT_IPV6)
	else
		nf_send_reset6(state->net, state->sk, skb, state->hook);
#endif
	return NF_DROP;
}

/* The first table-full refusal of an episode is reported on its own. */
static void table_pressure(const struct nf_hook_state *state,
			   const struct gate_packet *pkt, u32 mode)
{
	struct iotguard_event event = {
		.kind = IOTGUARD_EVENT_TABLE_PRESSURE,
		.mode = mode,
		.family = pkt->family,
		.saddr = pkt->saddr,
		.dport = pkt->dport,
		.ifindex = state->in->ifindex,
	};

	if (!iotguard_throttle_note_full())
		return;
	iotguard_state_count(IOTGUARD_CTR_THROTTLE_PRESSURE);
	iotguard_event_send_rare(state->net, &event);
}

static unsigned int gate_tcp(struct sk_buff *skb, const struct nf_hook_state *state,
			     const struct tcphdr *th, struct gate_packet *pkt)
{
	const struct iotguard_gate_config *config;
	enum iotguard_throttle_verdict throttled;
	bool provisioning;
	u32 mode;

	/* Hooks run under rcu_read_lock(). */
	config = rcu_dereference(iotguard_gate_config);
	if (!test_bit(ntohs(th->dest), config->login_port_map))
		return NF_ACCEPT;
	if (!th->syn || th->ack || th->rst)
		return NF_ACCEPT;	/* only new connections */
	mode = iotguard_state_mode();
	if (mode == IOTGUARD_MODE_OFF || (state->in->flags & IFF_LOOPBACK))
		return NF_ACCEPT;

	pkt->dport = ntohs(th->dest);
	provisioning = exempt(config, state, pkt);
	throttled = iotguard_throttle_take(provisioning ? IOTGUARD_THROTTLE_PROVISIONING :
							  IOTGUARD_THROTTLE_OPEN,
					   pkt->family, pkt->source,
					   config->throttle_burst,
					   config->throttle_interval_ms);
	if (throttled == IOTGUARD_THROTTLE_OVER)
		return refuse(skb, state, pkt, mode, IOTGUARD_EVENT_THROTTLE);
	if (throttled == IOTGUARD_THROTTLE_FULL) {
		table_pressure(state, pkt, mode);
		return refuse(skb, state, pkt, mode, IOTGUARD_EVENT_TABLE_FULL);
	}
	if (!iotguard_state_provisioned() && !provisioning)
		return refuse(skb, state, pkt, mode, IOTGUARD_EVENT_LOCKOUT);
	return NF_ACCEPT;
}

static unsigned int gate_ipv4(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct gate_packet pkt = { .family = AF_INET };
	const struct tcphdr *th;
	struct tcphdr _th;

	/* LOCAL_IN sees reassembled packets: no fragments here. */
	if (iph->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	th = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_th), &_th);
	if (!th)
		return NF_ACCEPT;
	pkt.saddr.s6_addr32[0] = iph->saddr;
	pkt.source = ntohl(iph->saddr);
	return gate_tcp(skb, state, th, &pkt);
}

#if IS_ENABLED(CONFIG_IPV6)
static unsigned int gate_ipv6(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct gate_packet pkt = { .family = AF_INET6 };
	const struct tcphdr *th;
	unsigned int thoff = 0;
	unsigned short fragoff;
	struct tcphdr _th;

	/*
	 * IPv6 reassembles after LOCAL_IN: only a first fragment carries the
	 * TCP header, and dropping it stops the reassembly too.
	 */
	if (likely(ip6h->nexthdr == IPPROTO_TCP))
		thoff = sizeof(*ip6h);
	else if (ipv6_find_hdr(skb, &thoff, IPPROTO_TCP, &fragoff, NULL) < 0)
		return NF_ACCEPT;
	th = skb_header_pointer(skb, thoff, sizeof(_th), &_th);
	if (!th)
		return NF_ACCEPT;
	pkt.saddr = ip6h->saddr;
	pkt.source = (u64)ntohl(ip6h->saddr.s6_addr32[0]) << 32 |
		     ntohl(ip6h->saddr.s6_addr32[1]);
	return gate_tcp(skb, state, th, &pkt);
}
#endif

/* Before the filter table, so a local ACCEPT rule cannot bypass the gate. */
static const struct nf_hook_ops gate_ops[] = {
	{
		.hook = gate_ipv4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_FILTER - 1,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = gate_ipv6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_FILTER - 1,
	},
#endif
};

static int __net_init gate_net_init(struct net *net)
{
	return nf_register_net_hooks(net, gate_ops, ARRAY_SIZE(gate_ops));
}

static void __net_exit gate_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, gate_ops, ARRAY_SIZE(gate_ops));
}

static struct pernet_operations gate_net_ops = {
	.init = gate_net_init,
	.exit = gate_net_exit,
};

int __init iotguard_gate_init(void)
{
	return register_pernet_subsys(&gate_net_ops);
}

/* Waits for every packet in a hook to leave it (synchronize_net). */
void iotguard_gate_uninit(void)
{
	unregister_pernet_subsys(&gate_net_ops);
}
