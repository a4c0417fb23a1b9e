// SPDX-License-Identifier: GPL-2.0
/*
 * The outbound policy's judge for packets no cgroup hook sees.
 *
 * The policy's cgroup_skb/egress program (bpf/egress.bpf.c) runs only for
 * a packet whose socket is the one the IP layer sends it with. Two kinds
 * of packet leave without that:
 *   - a tunnel's outer packet (vxlan, geneve, GRE, ipip, WireGuard, IPsec):
 *     the tunnel sends it from a socket of its own, or none, while the
 *     packet still belongs to the sender's socket;
 *   - a forwarded packet, which has no socket at all.
 * Root can create a tunnel to any address, or enable forwarding, and so
 * reach a destination the policy refuses. This hook, at POST_ROUTING in
 * every network namespace, runs that same program on exactly those
 * packets (the ones the cgroup hook skips), so that one policy, one set of
 * tables and one lock decide both.
 *
 * The program comes from the agent (IOTGUARD_CMD_SET_EGRESS_JUDGE) or,
 * at IOTGUARD_CMD_LOCK, from the outbound policy's held cgroup link. After
 * the lock it can be set where none was, never replaced. A refused packet
 * is dropped and counted (IOTGUARD_CTR_EGRESS_JUDGE_DROPPED); the program
 * reports it like its own refusals.
 *
 * The program passes the kernel's IGMP and its ICMPv6 of link upkeep
 * (MLD, neighbour and router discovery) unjudged. An nftables rule (root
 * may add one, after the lock too) can make another packet look like one
 * after it was judged, or readdress the kernel's own. So here, before the
 * cgroup hook: a packet of that shape from a socket that does not send
 * them is dropped (the program cannot tell the kernel's sockets apart),
 * and so is discovery routed through a gateway (the kernel sends it only
 * to neighbours: it would leave the link with addresses root chose).
 *
 * The hook is the last at POST_ROUTING: a rule added later at the same
 * priority runs before it (nf_register_net_hook inserts before equals),
 * so no netfilter rule can rewrite a destination after it was judged.
 *
 * A forwarded packet is judged at FORWARD as well, at the first priority.
 * An nftables flowtable (a rule's "flow add") sends the rest of a
 * forwarded flow from the ingress device straight out, past FORWARD and
 * POST_ROUTING, once its conntrack entry is confirmed. Confirmation runs
 * at POST_ROUTING too, and before this hook there, so a refused first
 * packet dropped there still confirms its flow, and the second offloads
 * it. Dropped at FORWARD, a refused packet never reaches a "flow add"
 * that runs after it (its destination is final there: NAT of
 * destinations is at PRE_ROUTING and OUTPUT). One that runs before it (a
 * chain added later at the first priority) could offload a flow that a
 * refused local send confirmed (conntrack confirms before the cgroup hook
 * drops it): after the lock no flowtable is made and no "flow add" added
 * (bpf/egress_netlink.bpf.h).
 *
 * And one inbound check, at LOCAL_IN, the last priority: a TCP SYN whose
 * source NAT rewrote (an SNAT at the input hook) is dropped. The program
 * lets an accepted connection's answers pass unjudged to its peer, by the
 * device its SYN came in on; a peer NAT made up sent no SYN, and once
 * conntrack stops undoing the NAT (a notrack rule, an expired entry) the
 * answers would leave for it. TCP drops the conntrack entry before the
 * program sees the SYN, so only a netfilter hook can tell.
 *
 * Being last (or first) holds against every hook but a queue's: a packet
 * given back with NF_STOP skips the rest of its hook point. After the lock
 * no such verdict is given (bpf/egress_netlink.bpf.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/bpf-cgroup.h>
#include <linux/filter.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/inet_sock.h>
#include <net/ip6_route.h>
#include <net/ndisc.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <linux/tcp.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include "judge.h"
#include "objects.h"
#include "state.h"

static DEFINE_MUTEX(judge_lock);
static struct bpf_prog __rcu *judge;

/*
 * The condition of BPF_CGROUP_RUN_PROG_INET_EGRESS and
 * __cgroup_bpf_run_filter_skb: true when the cgroup hook runs for this
 * packet, and so judged it already.
 */
static bool judged_by_cgroup(const struct nf_hook_state *state, const struct sk_buff *skb)
{
#ifdef CONFIG_CGROUP_BPF
	struct sock *sk = state->sk;

	if (!cgroup_bpf_enabled(CGROUP_INET_EGRESS) || !sk || sk != skb->sk)
		return false;
	sk = sk_to_full_sk(sk);
	return sk_fullsock(sk) &&
	       (sk->sk_family == AF_INET || sk->sk_family == AF_INET6) &&
	       cgroup_bpf_sock_enabled(sk, CGROUP_INET_EGRESS);
#else
	return false;
#endif
}

/*
 * Who may send what the program lets pass as the link's upkeep: IGMP the
 * kernel sends from no socket, MLD from its igmp socket and neighbour
 * discovery from its ndisc socket, or a process's raw socket (which the
 * program judges as such). Any other socket's packet of that shape was
 * made so after it was judged: a kernel socket's (an ICMP error, which
 * quotes a process's data, rewritten by nftables) or a tunnel's outer
 * packet, which still carries the inner packet's socket.
 */
static bool upkeep_sender(const struct sock *sk, const struct net *net, bool v6)
{
	if (!sk)
		return !v6;
	if (!sk_fullsock(sk))
		return false;
	if (!sk->sk_kern_sock)
		return sk->sk_type == SOCK_RAW;
#if IS_ENABLED(CONFIG_IPV6)
	return v6 && (sk == net->ipv6.ndisc_sk || sk == net->ipv6.igmp_sk);
#else
	return false;
#endif
}

/* The IGMP or ICMPv6 upkeep type a packet has the shape of, or 0. */
static u8 upkeep_shape(const struct nf_hook_state *state, struct sk_buff *skb)
{
	unsigned int off = skb_network_offset(skb);
	u8 buf[2], *p;

	if (state->pf == NFPROTO_IPV4)
		return ip_hdr(skb)->protocol == IPPROTO_IGMP ? IPPROTO_IGMP : 0;
	if (state->pf != NFPROTO_IPV6)
		return 0;
	buf[0] = ipv6_hdr(skb)->nexthdr;
	off += sizeof(struct ipv6hdr);
	/* MLD comes after a hop-by-hop header (its router alert). */
	if (buf[0] == NEXTHDR_HOP) {
		p = skb_header_pointer(skb, off, sizeof(buf), buf);
		if (!p)
			return 0;
		buf[0] = p[0];
		off += (p[1] + 1) * 8;
	}
	if (buf[0] != IPPROTO_ICMPV6)
		return 0;
	p = skb_header_pointer(skb, off, 1, buf);
	if (!p || ((*p < ICMPV6_MGM_QUERY || *p > NDISC_NEIGHBOUR_ADVERTISEMENT) &&
		   *p != ICMPV6_MLD2_REPORT))
		return 0;
	return *p;
}

/*
 * ICMPv6 neighbour or router discovery (RFC 4861: types 133-137, hop
 * limit 255) whose route leads through a gateway: readdressed after the
 * kernel made it.
 */
static bool discovery_off_link(const struct nf_hook_state *state, struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_IPV6)
	const struct ipv6hdr *ip6;
	struct dst_entry *dst;
	u8 type_buf, *type;

	if (state->pf != NFPROTO_IPV6)
		return false;
	ip6 = ipv6_hdr(skb);
	if (ip6->nexthdr != IPPROTO_ICMPV6 || ip6->hop_limit != 255)
		return false;
	type = skb_header_pointer(skb, skb_network_offset(skb) + sizeof(*ip6), sizeof(type_buf),
				  &type_buf);
	if (!type || *type < NDISC_ROUTER_SOLICITATION || *type > NDISC_REDIRECT)
		return false;
	dst = skb_dst(skb);
	return !dst || !ipv6_addr_equal(rt6_nexthop(container_of(dst, struct rt6_info, dst),
						    &ip6->daddr), &ip6->daddr);
#else
	return false;
#endif
}

/* Netfilter hooks run under rcu_read_lock; the program reads from there. */
static unsigned int judge_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct net_device *saved_dev;
	struct bpf_prog *prog;
	void *saved_data_end;
	struct sock *saved_sk;
	int saved_iif;
	u32 verdict;

	prog = rcu_dereference(judge);
	if (!prog)
		return NF_ACCEPT;
	if (discovery_off_link(state, skb))
		goto drop;
	if (upkeep_shape(state, skb) &&
	    !upkeep_sender(skb->sk, state->net, state->pf == NFPROTO_IPV6))
		goto drop;
	if (judged_by_cgroup(state, skb))
		return NF_ACCEPT;
	/*
	 * What the cgroup hook does around the program: its packet pointers,
	 * the control block saved; skb->data is at the network header here.
	 * The packet is judged without a socket: a tunnel's outer packet
	 * still belongs to the inner packet's sender, whose socket says
	 * nothing about where the outer one goes (a raw socket's packets pass
	 * the program, and root picks which inner packets ride a tunnel).
	 */
	saved_sk = skb->sk;
	saved_iif = skb->skb_iif;
	saved_dev = skb->dev;
	skb->sk = NULL;
	/* At FORWARD skb->dev is where it came in: the program asks where it leaves. */
	if (state->hook == NF_INET_FORWARD && state->out)
		skb->dev = state->out;
	/*
	 * A packet without a socket that did not come in anywhere is the
	 * kernel's own, to the program: a SYN cookie's SYN-ACK, an IGMP
	 * report. A tunnel's outer packet had a socket: it is judged as a
	 * forwarded one, as if it came in where it leaves.
	 */
	if (saved_sk && !skb->skb_iif && state->out)
		skb->skb_iif = state->out->ifindex;
	bpf_compute_and_save_data_end(skb, &saved_data_end);
	verdict = bpf_prog_run_save_cb(prog, skb);
	bpf_restore_data_end(skb, saved_data_end);
	skb->sk = saved_sk;
	skb->skb_iif = saved_iif;
	skb->dev = saved_dev;
	if (verdict & 1)
		return NF_ACCEPT;
drop:
	iotguard_state_count(IOTGUARD_CTR_EGRESS_JUDGE_DROPPED);
	return NF_DROP;
}

#if IS_ENABLED(CONFIG_NF_CONNTRACK)
/* The packet's TCP header, if it is TCP and not a fragment's tail; NULL otherwise. */
static const struct tcphdr *tcp_of(const struct nf_hook_state *state, struct sk_buff *skb,
				   struct tcphdr *buf)
{
	int off;

	if (state->pf == NFPROTO_IPV4) {
		if (ip_hdr(skb)->protocol != IPPROTO_TCP || ip_is_fragment(ip_hdr(skb)))
			return NULL;
		off = skb_network_offset(skb) + ip_hdrlen(skb);
	} else {
#if IS_ENABLED(CONFIG_IPV6)
		u8 nexthdr = ipv6_hdr(skb)->nexthdr;
		__be16 frag_off;

		off = ipv6_skip_exthdr(skb, skb_network_offset(skb) + sizeof(struct ipv6hdr),
				       &nexthdr, &frag_off);
		if (off < 0 || nexthdr != IPPROTO_TCP || frag_off)
			return NULL;
#else
		return NULL;
#endif
	}
	return skb_header_pointer(skb, off, sizeof(*buf), buf);
}

/*
 * Whether a connection request's source is not the one it came with.
 * Conntrack's tuple for the packet's direction is the packet as it came
 * in; the other direction's destination is where NAT mapped it, and the
 * header is what the packet says now (a stateless rewrite after
 * conntrack, such as ip6tables' SNPT, shows there). An untracked packet
 * cannot have been NATed.
 */
static bool syn_source_rewritten(const struct nf_hook_state *state, struct sk_buff *skb)
{
	const struct nf_conntrack_tuple *wire, *mapped;
	enum ip_conntrack_info ctinfo;
	const struct tcphdr *th;
	struct tcphdr buf;
	struct nf_conn *ct;
	int dir;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return false;
	th = tcp_of(state, skb, &buf);
	if (!th || !th->syn || th->ack)
		return false;
	dir = CTINFO2DIR(ctinfo);
	wire = &ct->tuplehash[dir].tuple;
	mapped = &ct->tuplehash[!dir].tuple;
	if (!nf_inet_addr_cmp(&wire->src.u3, &mapped->dst.u3) ||
	    wire->src.u.all != mapped->dst.u.all || th->source != wire->src.u.all)
		return true;
	if (state->pf == NFPROTO_IPV4)
		return ip_hdr(skb)->saddr != wire->src.u3.ip;
	return !ipv6_addr_equal(&ipv6_hdr(skb)->saddr, &wire->src.u3.in6);
}
#endif

/*
 * LOCAL_IN: while the judge is set, no connection request from a rewritten
 * source, unless it came in on loopback: it was sent on the device (a
 * blanket masquerade rewrites those too), and its answers pass unjudged
 * only while they stay on loopback.
 */
static unsigned int inbound_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	if (rcu_access_pointer(judge) && !(state->in && state->in->flags & IFF_LOOPBACK) &&
	    syn_source_rewritten(state, skb)) {
		iotguard_state_count(IOTGUARD_CTR_EGRESS_JUDGE_DROPPED);
		return NF_DROP;
	}
#endif
	return NF_ACCEPT;
}

static const struct nf_hook_ops judge_ops[] = {
	{
		.hook = judge_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_LAST,
	},
	{
		.hook = judge_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP_PRI_FIRST,
	},
	{
		.hook = inbound_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_LAST,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook = judge_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP6_PRI_LAST,
	},
	{
		.hook = judge_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP6_PRI_FIRST,
	},
	{
		.hook = inbound_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_LAST,
	},
#endif
};

static void prog_put(struct bpf_prog *prog)
{
	bpf_prog_put(prog);
	iotguard_object_gone(IOTGUARD_OBJ_BPF_REF);
}

static bool is_egress_skb(const struct bpf_prog *prog)
{
	return prog->type == BPF_PROG_TYPE_CGROUP_SKB &&
	       prog->expected_attach_type == BPF_CGROUP_INET_EGRESS;
}

/*
 * Takes over the reference to prog, whatever the outcome. only_if_none:
 * keep any program set already.
 */
static int install(struct bpf_prog *prog, bool only_if_none,
		   struct netlink_ext_ack *extack)
{
	struct bpf_prog *old;

	mutex_lock(&judge_lock);
	old = rcu_dereference_protected(judge, lockdep_is_held(&judge_lock));
	if (old == prog || (old && only_if_none)) {
		mutex_unlock(&judge_lock);
		prog_put(prog);
		return 0;
	}
	if (old && iotguard_state_locked()) {
		mutex_unlock(&judge_lock);
		prog_put(prog);
		NL_SET_ERR_MSG(extack, IOTGUARD_LOCKED_MSG ": the judge stays");
		return -EPERM;
	}
	rcu_assign_pointer(judge, prog);
	mutex_unlock(&judge_lock);
	/* A program is freed after an RCU grace period: a hook may hold it. */
	if (old)
		prog_put(old);
	pr_info("outbound judge: BPF program %u\n", prog->aux->id);
	return 0;
}

int iotguard_judge_set_fd(u32 fd, struct netlink_ext_ack *extack)
{
	struct bpf_prog *prog;

	prog = bpf_prog_get_type_dev(fd, BPF_PROG_TYPE_CGROUP_SKB, false);
	if (IS_ERR(prog)) {
		NL_SET_ERR_MSG(extack, "not a cgroup_skb BPF program");
		return PTR_ERR(prog);
	}
	iotguard_object_new(IOTGUARD_OBJ_BPF_REF);
	if (!is_egress_skb(prog)) {
		prog_put(prog);
		NL_SET_ERR_MSG(extack, "not a cgroup_skb/egress program");
		return -EINVAL;
	}
	return install(prog, false, extack);
}

/* At lock, before the state is locked: see links.c. */
int iotguard_judge_from_link(struct bpf_link *link, struct netlink_ext_ack *extack)
{
	if (link->type != BPF_LINK_TYPE_CGROUP || !is_egress_skb(link->prog))
		return 0;
	/* One the agent set stays: the same program, or its own choice. */
	bpf_prog_inc(link->prog);
	iotguard_object_new(IOTGUARD_OBJ_BPF_REF);
	return install(link->prog, true, extack);
}

u32 iotguard_judge_id(void)
{
	struct bpf_prog *prog;
	u32 id = 0;

	rcu_read_lock();
	prog = rcu_dereference(judge);
	if (prog)
		id = prog->aux->id;
	rcu_read_unlock();
	return id;
}

static int __net_init judge_net_init(struct net *net)
{
	return nf_register_net_hooks(net, judge_ops, ARRAY_SIZE(judge_ops));
}

static void __net_exit judge_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, judge_ops, ARRAY_SIZE(judge_ops));
}

static struct pernet_operations judge_net_ops = {
	.init = judge_net_init,
	.exit = judge_net_exit,
};

int __init iotguard_judge_init(void)
{
	return register_pernet_subsys(&judge_net_ops);
}

/* After the hooks are gone (synchronize_net), the program can go. */
void iotguard_judge_uninit(void)
{
	struct bpf_prog *prog;

	unregister_pernet_subsys(&judge_net_ops);
	mutex_lock(&judge_lock);
	prog = rcu_replace_pointer(judge, NULL, lockdep_is_held(&judge_lock));
	mutex_unlock(&judge_lock);
	if (prog)
		prog_put(prog);
}
