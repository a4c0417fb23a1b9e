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
#define NLMSG_HDRLEN 16
#define NLMSG_ALIGN(len) (((len) + 3) & ~3U)
#define NLA_HDRLEN 4
#define NLA_ALIGN(len) (((len) + 3) & ~3U)
#define NLA_TYPE_MASK 0x3fff
/* Where a netfilter message's attributes start: after its struct nfgenmsg. */
#define NFNL_ATTRS (NLMSG_HDRLEN + 4)
#define NFNL_SUBSYS_QUEUE 3
#define NFNL_SUBSYS_NFTABLES 10
#define NFT_MSG_NEWRULE 6
#define NFTA_RULE_EXPRESSIONS 4
#define NFTA_EXPR_NAME 1
#define NFTA_EXPR_DATA 2
#define NFTA_PAYLOAD_SREG 5
#define NFQNL_MSG_VERDICT 1
#define NFQA_PAYLOAD 10

/*
 * How much of a send is looked at. A send with more is refused whole: what
 * is not looked at is not let through. A rule has at most 128 expressions
 * (NFT_RULE_MAXEXPRS); a rule's own attributes, an expression's and a
 * payload expression's data are each a handful.
 */
#define NETLINK_MSGS_CHECKED 256
#define NFT_EXPRS_CHECKED 129
#define NLA_CHECKED 16

/* NFT_MSG_NEWTABLE, NEWCHAIN, NEWRULE, NEWSET, NEWSETELEM, NEWOBJ, NEWFLOWTABLE. */
static bool nft_adds(__u8 msg)
{
	return msg == 0 || msg == 3 || msg == NFT_MSG_NEWRULE || msg == 9 || msg == 12 ||
	       msg == 18 || msg == 22;
}

/* A walk over netlink attributes (or messages) in [off, end) of a send's data. */
struct nl_walk {
	const unsigned char *data;
	__u32 off, end;
	bool ended;	/* reached where the kernel stops reading */
	bool refuse;	/* found what is refused, or could not read */
};

/*
 * The attribute at w->off, or false where the kernel's nla_ok() stops: at
 * the end, or at one whose length does not fit.
 */
static __always_inline bool nla_next(struct nl_walk *w, struct nlattr *nla)
{
	if (w->off + NLA_HDRLEN > w->end) {
		w->ended = true;
		return false;
	}
	if (bpf_probe_read_kernel(nla, sizeof(*nla), w->data + w->off)) {
		w->refuse = true;
		return false;
	}
	if (nla->nla_len < NLA_HDRLEN || nla->nla_len > w->end - w->off) {
		w->ended = true;
		return false;
	}
	return true;
}

/* The walk inside the attribute at w->off, whose header is nla. */
static __always_inline struct nl_walk nla_inside(const struct nl_walk *w,
						 const struct nlattr *nla)
{
	return (struct nl_walk){ .data = w->data, .off = w->off + NLA_HDRLEN,
				 .end = w->off + nla->nla_len };
}

/*
 * Has w an attribute of type (flags aside, as the kernel compares)? More
 * attributes than are looked at, or one unreadable, count as yes.
 */
static __always_inline bool nla_has(struct nl_walk w, __u16 type)
{
	struct nlattr nla;

	for (int i = 0; i < NLA_CHECKED; i++) {
		if (!nla_next(&w, &nla))
			return w.refuse;
		if ((nla.nla_type & NLA_TYPE_MASK) == type)
			return true;
		w.off += NLA_ALIGN(nla.nla_len);
	}
	return true;
}

/* Is the string attribute at w->off "payload" (NUL-ended or not, as nla_strcmp)? */
static __always_inline bool names_payload(const struct nl_walk *w, const struct nlattr *nla)
{
	union { char c[8]; __u64 v; } name = {}, payload = { .c = "payload" };
	__u32 len = nla->nla_len - NLA_HDRLEN;

	if (len != 7 && len != 8)
		return false;
	if (bpf_probe_read_kernel(name.c, len == 8 ? 8 : 7, w->data + w->off + NLA_HDRLEN))
		return true;
	return name.v == payload.v;
}

/*
 * One expression of a rule (NFTA_LIST_ELEM): a payload expression that
 * writes (it has a source register) stops the walk as refused. The kernel
 * takes each attribute's last copy: any copy counts here.
 */
static long nft_expr_refused(__u32 i, void *ctx)
{
	struct nl_walk *exprs = ctx, in;
	bool payload = false, writes = false;
	struct nlattr elem, nla;

	if (!nla_next(exprs, &elem))
		return 1;
	in = nla_inside(exprs, &elem);
	exprs->off += NLA_ALIGN(elem.nla_len);
	for (int j = 0; j < NLA_CHECKED; j++) {
		if (!nla_next(&in, &nla))
			break;
		if ((nla.nla_type & NLA_TYPE_MASK) == NFTA_EXPR_NAME)
			payload |= names_payload(&in, &nla);
		else if ((nla.nla_type & NLA_TYPE_MASK) == NFTA_EXPR_DATA)
			writes |= nla_has(nla_inside(&in, &nla), NFTA_PAYLOAD_SREG);
		in.off += NLA_ALIGN(nla.nla_len);
	}
	if (!in.ended || in.refuse || (payload && writes)) {
		exprs->refuse = true;
		return 1;
	}
	return 0;
}

/* One attribute of an NFT_MSG_NEWRULE: its expressions, each looked at. */
static long nft_rule_attr_refused(__u32 i, void *ctx)
{
	struct nl_walk *rule = ctx, exprs;
	struct nlattr nla;

	if (!nla_next(rule, &nla))
		return 1;
	if ((nla.nla_type & NLA_TYPE_MASK) == NFTA_RULE_EXPRESSIONS) {
		exprs = nla_inside(rule, &nla);
		bpf_loop(NFT_EXPRS_CHECKED, nft_expr_refused, &exprs, 0);
		if (exprs.refuse || !exprs.ended) {
			rule->refuse = true;
			return 1;
		}
	}
	rule->off += NLA_ALIGN(nla.nla_len);
	return 0;
}

/* What one message of a send asks for. */
struct nl_send {
	const unsigned char *data;
	__u32 off, len;
	__u16 proto;
	bool ended, refuse;
};

static bool nl_msg_refused(struct nl_send *send, const struct nlmsghdr *nlh)
{
	__u32 end = nlh->nlmsg_len < send->len - send->off ? nlh->nlmsg_len : send->len - send->off;
	struct nl_walk attrs = {
		.data = send->data, .off = send->off + NFNL_ATTRS, .end = send->off + end,
	};
	__u8 subsys = nlh->nlmsg_type >> 8, msg = nlh->nlmsg_type & 0xff, family;

	if (send->proto == NETLINK_ROUTE)
		return nlh->nlmsg_type == RTM_NEWTFILTER || nlh->nlmsg_type == RTM_NEWACTION;
	/* A queued packet given back changed: any rewrite, inbound ones included. */
	if (subsys == NFNL_SUBSYS_QUEUE && msg == NFQNL_MSG_VERDICT)
		return nla_has(attrs, NFQA_PAYLOAD);
	if (subsys != NFNL_SUBSYS_NFTABLES || !nft_adds(msg))
		return false;
	if (bpf_probe_read_kernel(&family, 1, send->data + send->off + NLMSG_HDRLEN))
		return true;
	if (family == NFPROTO_NETDEV || family == NFPROTO_BRIDGE)
		return true;
	if (msg != NFT_MSG_NEWRULE)
		return false;
	bpf_loop(NLA_CHECKED, nft_rule_attr_refused, &attrs, 0);
	return attrs.refuse || !attrs.ended;
}

static long nl_msg_step(__u32 i, void *ctx)
{
	struct nl_send *send = ctx;
	struct nlmsghdr nlh;

	if (send->off + NLMSG_HDRLEN > send->len) {
		send->ended = true;
		return 1;
	}
	if (bpf_probe_read_kernel(&nlh, sizeof(nlh), send->data + send->off) ||
	    nl_msg_refused(send, &nlh)) {
		send->refuse = true;
		return 1;
	}
	/* The kernel stops at a message shorter than its header too. */
	if (nlh.nlmsg_len < NLMSG_HDRLEN) {
		send->ended = true;
		return 1;
	}
	send->off += NLMSG_ALIGN(nlh.nlmsg_len);
	return 0;
}

/*
 * tc and nftables can rewrite or copy a packet where no hook sees it
 * again: the qdisc layer (tc's pedit, nat, skbmod and mirred actions) and
 * nftables' netdev family (its egress chains, dup and fwd) run after
 * netfilter's IP hooks and the cgroup hook, and so does the bridge family
 * (a device bridged to an interface). After the lock, no tc filter or
 * action is added (RTM_NEWTFILTER, RTM_NEWACTION), and nothing is added
 * to a netdev- or bridge-family nftables table.
 * Nor is a packet's content rewritten in any family: a payload write
 * (`ip saddr set`, `@th,0,32 set`) at an inbound hook, or a queued packet
 * given back changed (NFQA_PAYLOAD), turns a packet the refused host's
 * kernel sent anyway into a connection from it, which the accepted-
 * connection exemption would answer. Rules that read the payload, NAT
 * (which conntrack undoes for the answers) and every other family and
 * message still work, and reading and deleting always.
 * A send is a batch of messages: each is looked at; more than is looked
 * at is refused whole.
 */
SEC("lsm/netlink_send")
int BPF_PROG(egress_netlink_send, struct sock *sk, struct sk_buff *skb, int ret)
{
	struct nl_send send = { .proto = BPF_CORE_READ(sk, sk_protocol) };

	if (ret)
		return ret;
	if ((send.proto != NETLINK_ROUTE && send.proto != NETLINK_NETFILTER) || !egress_locked())
		return 0;
	send.data = BPF_CORE_READ(skb, data);
	send.len = BPF_CORE_READ(skb, len);
	bpf_loop(NETLINK_MSGS_CHECKED, nl_msg_step, &send, 0);
	return send.refuse || !send.ended ? -EPERM : 0;
}

#endif /* IOTGUARD_EGRESS_NETLINK_BPF_H */
