/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of egress.bpf.c's object (included after egress_lock.bpf.h): the
 * netlink configuration that the outbound policy's lock refuses, because
 * it rewrites or copies packets where no hook judges them again, or makes
 * an inbound packet look as if it came from where it did not.
 */
#ifndef IOTGUARD_EGRESS_NETLINK_BPF_H
#define IOTGUARD_EGRESS_NETLINK_BPF_H

#define NETLINK_ROUTE 0
#define NETLINK_NETFILTER 12
#define NETLINK_GENERIC 16
#define NLMSG_HDRLEN 16
#define NLMSG_ALIGN(len) (((len) + 3) & ~3U)
#define NLA_HDRLEN 4
#define NLA_ALIGN(len) (((len) + 3) & ~3U)
#define NLA_TYPE_MASK 0x3fff
/*
 * Where a message's attributes start: after its struct nfgenmsg, rtmsg or
 * nhmsg; a multipath route's nexthops are a struct rtnexthop each.
 */
#define NFNL_ATTRS (NLMSG_HDRLEN + 4)
#define RTM_ATTRS (NLMSG_HDRLEN + 12)
#define NHM_ATTRS (NLMSG_HDRLEN + 8)
#define RTNH_HDRLEN 8
#define AF_CAN 29
#define AF_MPLS 28
#define NFNL_SUBSYS_QUEUE 3
#define NFNL_SUBSYS_NFTABLES 10
#define NFT_MSG_NEWRULE 6
#define NFT_MSG_NEWFLOWTABLE 22
#define NFTA_RULE_EXPRESSIONS 4
#define NFTA_EXPR_NAME 1
#define NFTA_EXPR_DATA 2
#define NFTA_PAYLOAD_SREG 5
#define NFQNL_MSG_VERDICT 1
#define NFQNL_MSG_VERDICT_BATCH 3
#define NFQA_VERDICT_HDR 2
#define NFQA_PAYLOAD 10
#define NF_VERDICT_MASK 0xff
#define NF_STOP 5

/*
 * How much of a send is looked at: its messages (but generic netlink's,
 * judged by their headers, one step each), and the steps of the whole
 * walk (a message or an attribute each; a rule's 128 expressions of a
 * dozen attributes take under 2,000). A send with more is refused whole:
 * what is not looked at is not let through.
 */
#define NETLINK_MSGS_CHECKED 256
#define NETLINK_STEPS 65536

/* NFT_MSG_NEWTABLE, NEWCHAIN, NEWRULE, NEWSET, NEWSETELEM, NEWOBJ, NEWFLOWTABLE. */
static bool nft_adds(__u8 msg)
{
	return msg == 0 || msg == 3 || msg == NFT_MSG_NEWRULE || msg == 9 || msg == 12 ||
	       msg == 18 || msg == NFT_MSG_NEWFLOWTABLE;
}

/* Which messages' attributes are walked, and for what. */
enum nl_kind {
	NL_SKIP,	/* judged by its header alone */
	NL_RULE,	/* an nftables rule: its expressions */
	NL_VERDICT,	/* a queued packet's verdict: a changed payload, NF_STOP */
	NL_ROUTE,	/* a route: an encapsulation, its nexthops' too */
	NL_NEXTHOP,	/* a nexthop object: an encapsulation */
};

/*
 * One walk over a send: its messages, and inside those that need it their
 * attributes, nested up to a rule's expression data (depth 3). A single
 * flat loop: 6.12's verifier does not finish nested loops over this.
 */
struct nl_walk {
	const unsigned char *data;
	__u32 len;		/* of the send */
	__u32 off;		/* the next message or attribute */
	__u32 msg_end;		/* inside a message: where it ends; else 0 */
	__u32 next_msg;
	__u32 nest_end[3];	/* the end of the attribute entered at each depth */
	__u32 msgs;
	__u8 depth;		/* 0: the message's own attributes */
	__u8 kind;
	__u16 proto;
	bool payload;		/* the expression walked is named "payload" */
	bool writes;		/* and has a source register */
	bool ended;		/* reached where the kernel stops reading */
	bool refuse;		/* found what is refused, or could not read */
};

/*
 * Is the string attribute at off the n bytes (under 16) of want? The
 * kernel's nla_strcmp() drops every trailing NUL: want and a NUL after it
 * name it, whatever follows (a name with more after its NUL names nothing
 * the kernel knows).
 */
static __always_inline bool names(const struct nl_walk *w, const struct nlattr *nla,
				  const char *want, __u32 n)
{
	union { char c[16]; __u64 v[2]; } got = {}, name = {};
	__u32 len = nla->nla_len - NLA_HDRLEN;

	if (len < n)
		return false;
	if (bpf_probe_read_kernel(got.c, len == n ? n : n + 1, w->data + w->off + NLA_HDRLEN))
		return true;
	__builtin_memcpy(name.c, want, n);
	return got.v[0] == name.v[0] && got.v[1] == name.v[1];
}

static __always_inline bool genl_refusals(void)
{
	const struct egress_lock *lock;
	__u32 key = 0;

	lock = bpf_map_lookup_elem(&egress_lock, &key);
	return lock && lock->genl[0].family;
}

/*
 * A generic netlink message to a family the lock named (egress.h), whose
 * command (the genlmsghdr's first byte) is not one that still works.
 */
static bool genl_refused(const struct nl_walk *w, const struct nlmsghdr *nlh)
{
	const struct egress_lock *lock;
	__u32 key = 0;
	__u8 cmd;

	lock = bpf_map_lookup_elem(&egress_lock, &key);
	if (!lock)
		return true;
	for (int i = 0; i < EGRESS_GENL_REFUSED_MAX; i++) {
		if (!lock->genl[i].family || lock->genl[i].family != nlh->nlmsg_type)
			continue;
		if (bpf_probe_read_kernel(&cmd, 1, w->data + w->off + NLMSG_HDRLEN))
			return true;
		return cmd > 31 || !(lock->genl[i].allowed_cmds & (1U << cmd));
	}
	return false;
}

/*
 * Whether a message is refused by its header alone (a tc filter or action,
 * an MPLS or CAN gateway route, anything added to a netdev or bridge table, a flowtable,
 * a change to Open vSwitch's datapath); if not, *kind says whether and how
 * its attributes are walked.
 */
static bool nl_refused_by_header(const struct nl_walk *w, const struct nlmsghdr *nlh, __u8 *kind)
{
	__u8 subsys = nlh->nlmsg_type >> 8, msg = nlh->nlmsg_type & 0xff, family;

	*kind = NL_SKIP;
	if (w->proto == NETLINK_GENERIC)
		return genl_refused(w, nlh);
	if (w->proto == NETLINK_ROUTE) {
		if (nlh->nlmsg_type == RTM_NEWNEXTHOP)
			*kind = NL_NEXTHOP;
		if (nlh->nlmsg_type != RTM_NEWROUTE)
			return nlh->nlmsg_type == RTM_NEWTFILTER || nlh->nlmsg_type == RTM_NEWACTION;
		/*
		 * An MPLS route forwards labelled packets where no IP hook runs;
		 * a CAN gateway's (can-gw: struct rtcanmsg, its family first too)
		 * copies, and rewrites, frames onto another CAN bus, where no
		 * CAN socket of the policy's sent them.
		 */
		if (bpf_probe_read_kernel(&family, 1, w->data + w->off + NLMSG_HDRLEN) ||
		    family == AF_MPLS || family == AF_CAN)
			return true;
		*kind = NL_ROUTE;
		return false;
	}
	if (subsys == NFNL_SUBSYS_QUEUE && (msg == NFQNL_MSG_VERDICT || msg == NFQNL_MSG_VERDICT_BATCH))
		*kind = NL_VERDICT;
	if (subsys != NFNL_SUBSYS_NFTABLES || !nft_adds(msg))
		return false;
	if (bpf_probe_read_kernel(&family, 1, w->data + w->off + NLMSG_HDRLEN))
		return true;
	/* A flowtable sends a forwarded flow on past every later hook. */
	if (family == NFPROTO_NETDEV || family == NFPROTO_BRIDGE || msg == NFT_MSG_NEWFLOWTABLE)
		return true;
	if (msg == NFT_MSG_NEWRULE)
		*kind = NL_RULE;
	return false;
}

/* A step between messages: the next one's header. 0 to go on, 1 to stop. */
static long nl_msg_step(struct nl_walk *w)
{
	struct nlmsghdr nlh;
	__u32 left = w->len - w->off;
	__u8 kind;

	if (w->off + NLMSG_HDRLEN > w->len) {
		w->ended = true;
		return 1;
	}
	/* Generic netlink's are judged by their headers alone: the steps bound them. */
	if ((++w->msgs > NETLINK_MSGS_CHECKED && w->proto != NETLINK_GENERIC) ||
	    bpf_probe_read_kernel(&nlh, sizeof(nlh), w->data + w->off) ||
	    nl_refused_by_header(w, &nlh, &kind)) {
		w->refuse = true;
		return 1;
	}
	/* The kernel stops at a message shorter than its header too. */
	if (nlh.nlmsg_len < NLMSG_HDRLEN) {
		w->ended = true;
		return 1;
	}
	if (kind == NL_SKIP) {
		w->off += NLMSG_ALIGN(nlh.nlmsg_len);
		return 0;
	}
	w->kind = kind;
	w->next_msg = w->off + NLMSG_ALIGN(nlh.nlmsg_len);
	w->msg_end = w->off + (nlh.nlmsg_len < left ? nlh.nlmsg_len : left);
	w->off += kind == NL_ROUTE ? RTM_ATTRS : kind == NL_NEXTHOP ? NHM_ATTRS : NFNL_ATTRS;
	w->depth = 0;
	return 0;
}

static __always_inline __u32 nest_end(const struct nl_walk *w)
{
	switch (w->depth) {
	case 0:
		return w->msg_end;
	case 1:
		return w->nest_end[0];
	case 2:
		return w->nest_end[1];
	default:
		return w->nest_end[2];
	}
}

/* Into the attribute (or nexthop) at off, whose length is len, past its header of hdr bytes. */
static __always_inline void nest_enter(struct nl_walk *w, __u16 len, __u32 hdr)
{
	switch (w->depth) {
	case 0:
		w->nest_end[0] = w->off + len;
		break;
	case 1:
		w->nest_end[1] = w->off + len;
		break;
	default:
		w->nest_end[2] = w->off + len;
		break;
	}
	w->depth++;
	w->off += hdr;
}

/*
 * The end of the nest walked, or of the message (as the kernel's nla_ok()
 * stops: at the end, or at an attribute whose length does not fit).
 * Leaving an expression (depth 2) that is a payload write refuses.
 */
static long nl_nest_done(struct nl_walk *w, __u32 end)
{
	if (!w->depth) {
		w->off = w->next_msg;
		w->msg_end = 0;
		return 0;
	}
	if (w->depth == 2 && w->payload && w->writes) {
		w->refuse = true;
		return 1;
	}
	/* Where the kernel reads next: nla_next() and rtnh_next() align. */
	w->off = NLA_ALIGN(end);
	w->depth--;
	return 0;
}

/*
 * A verdict of NF_STOP (a queue's verdict only: nftables and xtables give
 * none) sends the packet on past every later hook of its hook point: the
 * module's judge at POST_ROUTING and LOCAL_IN, the last, among them. A
 * header that cannot be read is taken to say so.
 */
static __always_inline bool verdict_skips_hooks(const struct nl_walk *w, const struct nlattr *nla)
{
	__be32 verdict;

	if (nla->nla_len < NLA_HDRLEN + sizeof(verdict) ||
	    bpf_probe_read_kernel(&verdict, sizeof(verdict), w->data + w->off + NLA_HDRLEN))
		return true;
	return (bpf_ntohl(verdict) & NF_VERDICT_MASK) == NF_STOP;
}

/*
 * A step inside a message: one attribute. In a rule: NFTA_RULE_EXPRESSIONS
 * (depth 0), each NFTA_LIST_ELEM (1), its NFTA_EXPR_NAME and NFTA_EXPR_DATA
 * (2), and the data's NFTA_PAYLOAD_SREG (3). The kernel takes each
 * attribute's last copy: any copy counts here.
 */
static long nl_attr_step(struct nl_walk *w)
{
	__u32 end = nest_end(w);
	struct nlattr nla;
	__u16 type;

	if (w->off + NLA_HDRLEN > end)
		return nl_nest_done(w, end);
	if (bpf_probe_read_kernel(&nla, sizeof(nla), w->data + w->off)) {
		w->refuse = true;
		return 1;
	}
	if (nla.nla_len < NLA_HDRLEN || nla.nla_len > end - w->off)
		return nl_nest_done(w, end);
	type = nla.nla_type & NLA_TYPE_MASK;
	if (w->kind == NL_ROUTE || w->kind == NL_NEXTHOP) {
		/*
		 * An encapsulation (MPLS, and every other kind) sends by its
		 * own output where neither POST_ROUTING nor the cgroup hook
		 * runs: on the route, on each of a multipath route's nexthops
		 * (RTA_MULTIPATH, depth 1: struct rtnexthop, rtnh_ok()), or on
		 * a nexthop object.
		 */
		if (w->depth == 1) {
			if (nla.nla_len < RTNH_HDRLEN)
				return nl_nest_done(w, end);
			nest_enter(w, nla.nla_len, RTNH_HDRLEN);
			return 0;
		}
		if (w->kind == NL_NEXTHOP ? type == NHA_ENCAP_TYPE || type == NHA_ENCAP :
					    type == RTA_ENCAP_TYPE || type == RTA_ENCAP) {
			w->refuse = true;
			return 1;
		}
		if (w->depth == 0 && w->kind == NL_ROUTE && type == RTA_MULTIPATH) {
			nest_enter(w, nla.nla_len, NLA_HDRLEN);
			return 0;
		}
	} else if (w->kind == NL_VERDICT) {
		/* A queued packet given back changed: any rewrite, inbound ones included. */
		if (type == NFQA_PAYLOAD || (type == NFQA_VERDICT_HDR && verdict_skips_hooks(w, &nla))) {
			w->refuse = true;
			return 1;
		}
	} else if ((w->depth == 0 && type == NFTA_RULE_EXPRESSIONS) || w->depth == 1) {
		if (w->depth == 1)
			w->payload = w->writes = false;
		nest_enter(w, nla.nla_len, NLA_HDRLEN);
		return 0;
	} else if (w->depth == 2 && type == NFTA_EXPR_NAME) {
		/* "flow add": the flow goes to a flowtable (made before the lock). */
		if (names(w, &nla, "flow_offload", 12)) {
			w->refuse = true;
			return 1;
		}
		w->payload |= names(w, &nla, "payload", 7);
	} else if (w->depth == 2 && type == NFTA_EXPR_DATA) {
		nest_enter(w, nla.nla_len, NLA_HDRLEN);
		return 0;
	} else if (w->depth == 3 && type == NFTA_PAYLOAD_SREG) {
		w->writes = true;
	}
	w->off += NLA_ALIGN(nla.nla_len);
	return 0;
}

static long nl_step(__u32 i, void *ctx)
{
	struct nl_walk *w = ctx;

	return w->msg_end ? nl_attr_step(w) : nl_msg_step(w);
}

/*
 * tc and nftables can rewrite or copy a packet where no hook sees it
 * again: the qdisc layer (tc's pedit, nat, skbmod and mirred actions) and
 * nftables' netdev family (its egress chains, dup and fwd) run after
 * netfilter's IP hooks and the cgroup hook, and so does the bridge family
 * (a device bridged to an interface). After the lock, no tc filter or
 * action is added (RTM_NEWTFILTER, RTM_NEWACTION), no route with a
 * lightweight-tunnel encapsulation (on the route, a multipath nexthop or a
 * nexthop object: `encap mpls` sends past every hook) and no MPLS route
 * (its forwarding runs none), and nothing is added
 * to a netdev- or bridge-family nftables table. Nor is a flowtable made or
 * a flow given to one (the "flow_offload" expression) in any family: it
 * sends the rest of a forwarded flow from the device it came in by
 * straight out. The module's judge drops a refused flow's packets before
 * conntrack confirms it, which a flowtable needs, but a flow has two
 * directions, and an answer's was never judged.
 * Nor is a packet's content rewritten in any family: a payload write
 * (`ip saddr set`, `tcp flags set`) at an inbound hook, or a queued packet
 * given back changed (NFQA_PAYLOAD), turns a packet the refused host's
 * kernel sent anyway into a connection from it, which the accepted-
 * connection exemption would answer. Nor is a queued packet sent on
 * with NF_STOP, past the hooks after the queue's: the judge's among them.
 * Nor is Open vSwitch's datapath changed (generic netlink: a datapath,
 * port or flow added or set, a packet executed): its flows rewrite and
 * send packets after every hook that judges. Rules that read the payload, NAT
 * (which conntrack undoes for the answers) and every other family and
 * message still work, and reading and deleting always.
 */
static const struct nl_walk nl_walk_start;

SEC("lsm/netlink_send")
int BPF_PROG(egress_netlink_send, struct sock *sk, struct sk_buff *skb, int ret)
{
	__u16 proto = BPF_CORE_READ(sk, sk_protocol);
	struct nl_walk w;

	if (ret)
		return ret;
	if ((proto != NETLINK_ROUTE && proto != NETLINK_NETFILTER && proto != NETLINK_GENERIC) ||
	    !egress_locked())
		return 0;
	/* The lock fills the table from its start: empty, no family to look for. */
	if (proto == NETLINK_GENERIC && !genl_refusals())
		return 0;
	/*
	 * Zeroed by a copy the verifier cannot see into: 6.1's verifies
	 * nl_step() once, with the walk as it starts, and would take its
	 * fields for the zeroes of that first step (and drop the code that
	 * runs inside a message as dead).
	 */
	if (bpf_probe_read_kernel(&w, sizeof(w), &nl_walk_start))
		return -EPERM;
	w.proto = proto;
	w.data = BPF_CORE_READ(skb, data);
	w.len = BPF_CORE_READ(skb, len);
	bpf_loop(NETLINK_STEPS, nl_step, &w, 0);
	if (w.refuse || !w.ended) {
		/*
		 * Kept a branch (an asm statement is not speculated): as
		 * arithmetic on the flags, 6.12's verifier cannot tell the
		 * result is 0 or -EPERM, and refuses the program.
		 */
		asm volatile("");
		return -EPERM;
	}
	return 0;
}

#endif /* IOTGUARD_EGRESS_NETLINK_BPF_H */
