// SPDX-License-Identifier: GPL-2.0
/* Raw netlink messages (nl_raw.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/lwtunnel.h>
#include <linux/mpls_iptunnel.h>
#include <linux/netlink.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include "nl_raw.h"

/* One sendto() of len bytes to the kernel on a netlink socket of proto: 0 or -errno. */
int rawnl_send(int proto, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto), ret, room = 1 << 20;

	if (fd < 0)
		return -1000 - errno;
	/* Root's sends may be larger than the default buffer. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &room, sizeof(room))) {
		ret = -1000 - errno;
		close(fd);
		return ret;
	}
	ret = sendto(fd, buf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* A netlink message of type with a zeroed body of body bytes at *p; its length. */
size_t rawnl_put(char *p, uint16_t type, size_t body, uint8_t family)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)p;

	memset(p, 0, NLMSG_SPACE(body));
	nlh->nlmsg_len = NLMSG_LENGTH(body);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE;
	if (body)
		p[NLMSG_HDRLEN] = family;	/* tcmsg's and nfgenmsg's first byte */
	return NLMSG_SPACE(body);
}

static size_t batch_mark(char *p, uint16_t type)
{
	size_t n = rawnl_put(p, type, sizeof(struct nfgenmsg), AF_UNSPEC);

	((struct nfgenmsg *)NLMSG_DATA(p))->res_id = htons(NFNL_SUBSYS_NFTABLES);
	return n;
}

/* An nftables batch with one NEWTABLE of family: begin, the table, end. */
size_t nft_batch(char *buf, uint8_t msg, uint8_t family)
{
	size_t n = batch_mark(buf, NFNL_MSG_BATCH_BEGIN);

	n += rawnl_put(buf + n, NFNL_SUBSYS_NFTABLES << 8 | msg, sizeof(struct nfgenmsg), family);
	return n + batch_mark(buf + n, NFNL_MSG_BATCH_END);
}

/* An attribute of type with len bytes of data at p; its aligned length. */
static size_t nla_put(char *p, uint16_t type, const void *data, size_t len)
{
	struct nlattr *nla = (struct nlattr *)p;

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	memset(p + NLA_HDRLEN, 0, NLA_ALIGN(len));
	if (len)
		memcpy(p + NLA_HDRLEN, data, len);
	return NLA_ALIGN(nla->nla_len);
}

/* Close the nest that starts at nest and ends at end: its aligned length. */
static size_t nla_nest_end(char *nest, char *end)
{
	((struct nlattr *)nest)->nla_len = end - nest;
	return end - nest;
}

/*
 * An expression (NFTA_LIST_ELEM): name_len bytes of name, its data one u32
 * attribute reg_attr = 1 (none if 0).
 */
static size_t nft_expr(char *p, const char *name, size_t name_len, uint16_t reg_attr)
{
	char *q = p + NLA_HDRLEN, *data;
	uint32_t reg = htonl(1);

	((struct nlattr *)p)->nla_type = NLA_F_NESTED | NFTA_LIST_ELEM;
	q += nla_put(q, NFTA_EXPR_NAME, name, name_len);
	data = q;
	q += NLA_HDRLEN;
	if (reg_attr)
		q += nla_put(q, reg_attr, &reg, sizeof(reg));
	((struct nlattr *)data)->nla_type = NLA_F_NESTED | NFTA_EXPR_DATA;
	nla_nest_end(data, q);
	return nla_nest_end(p, q);
}

size_t nft_rule_batch(char *buf, uint8_t family, size_t pad, size_t before, const char *name,
		      size_t name_len, uint16_t reg_attr)
{
	size_t n = batch_mark(buf, NFNL_MSG_BATCH_BEGIN);
	char *msg = buf + n, *q, *exprs;

	rawnl_put(msg, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWRULE, sizeof(struct nfgenmsg),
		  family);
	q = msg + NLMSG_SPACE(sizeof(struct nfgenmsg));
	q += nla_put(q, NFTA_RULE_TABLE, "t", 2);
	q += nla_put(q, NFTA_RULE_CHAIN, "c", 2);
	for (size_t i = 0; i < pad; i++)
		q += nla_put(q, NFTA_RULE_USERDATA, NULL, 0);
	exprs = q;
	q += NLA_HDRLEN;
	for (size_t i = 0; i < before; i++)
		q += nft_expr(q, "counter", sizeof("counter"), 0);
	q += nft_expr(q, name, name_len, reg_attr);
	((struct nlattr *)exprs)->nla_type = NLA_F_NESTED | NFTA_RULE_EXPRESSIONS;
	nla_nest_end(exprs, q);
	((struct nlmsghdr *)msg)->nlmsg_len = q - msg;
	n += q - msg;
	return n + batch_mark(buf + n, NFNL_MSG_BATCH_END);
}

size_t nfq_verdict(char *buf, uint16_t msg, uint32_t value, bool payload)
{
	struct nfqnl_msg_verdict_hdr verdict = { .verdict = htonl(value), .id = htonl(1) };
	char *q = buf + rawnl_put(buf, NFNL_SUBSYS_QUEUE << 8 | msg, sizeof(struct nfgenmsg),
				  AF_UNSPEC);

	q += nla_put(q, NFQA_VERDICT_HDR, &verdict, sizeof(verdict));
	if (payload)
		q += nla_put(q, NFQA_PAYLOAD, "\x45\0\0\x14", 4);
	((struct nlmsghdr *)buf)->nlmsg_len = q - buf;
	return q - buf;
}

/* An MPLS encapsulation (label 100) on attribute types type_attr and encap_attr, at q; its length. */
static size_t mpls_encap(char *q, uint16_t type_attr, uint16_t encap_attr)
{
	uint16_t type = LWTUNNEL_ENCAP_MPLS;
	uint32_t label = htonl(100 << 12 | 1 << 8);
	char *nest = q + nla_put(q, type_attr, &type, sizeof(type)), *end;

	end = nest + NLA_HDRLEN;
	end += nla_put(end, MPLS_IPTUNNEL_DST, &label, sizeof(label));
	((struct nlattr *)nest)->nla_type = NLA_F_NESTED | encap_attr;
	return nla_nest_end(nest, end) + (nest - q);
}

size_t route_msg(char *buf, enum route_shape shape)
{
	bool object = shape == NEXTHOP_PLAIN || shape == NEXTHOP_ENCAP;
	size_t body = object ? sizeof(struct nhmsg) : sizeof(struct rtmsg);
	uint8_t family = shape == ROUTE_MPLS ? AF_MPLS : AF_INET;
	char *q = buf + rawnl_put(buf, object ? RTM_NEWNEXTHOP : RTM_NEWROUTE, body, family);
	uint32_t dst = htonl(0xcb00714d), oif = 1, id = 7;	/* 203.0.113.77, lo */

	if (object) {
		q += nla_put(q, NHA_ID, &id, sizeof(id));
		q += nla_put(q, NHA_OIF, &oif, sizeof(oif));
		if (shape == NEXTHOP_ENCAP)
			q += mpls_encap(q, NHA_ENCAP_TYPE, NHA_ENCAP);
	} else {
		((struct rtmsg *)NLMSG_DATA(buf))->rtm_dst_len = 32;
		q += nla_put(q, RTA_DST, &dst, sizeof(dst));
	}
	if (shape == ROUTE_ENCAP)
		q += mpls_encap(q, RTA_ENCAP_TYPE, RTA_ENCAP);
	if (shape == ROUTE_NEXTHOPS || shape == ROUTE_NEXTHOP_ENCAP) {
		char *mp = q, *nh;

		q += NLA_HDRLEN;
		/* A first nexthop of an unaligned length: the next starts aligned (rtnh_next). */
		nh = q;
		memset(nh, 0, RTNH_ALIGN(sizeof(struct rtnexthop) + 1));
		((struct rtnexthop *)nh)->rtnh_len = sizeof(struct rtnexthop) + 1;
		((struct rtnexthop *)nh)->rtnh_ifindex = 1;
		q += RTNH_ALIGN(sizeof(struct rtnexthop) + 1);
		nh = q;
		memset(nh, 0, sizeof(struct rtnexthop));
		((struct rtnexthop *)nh)->rtnh_ifindex = 1;
		q += sizeof(struct rtnexthop);
		if (shape == ROUTE_NEXTHOP_ENCAP)
			q += mpls_encap(q, RTA_ENCAP_TYPE, RTA_ENCAP);
		((struct rtnexthop *)nh)->rtnh_len = q - nh;
		((struct nlattr *)mp)->nla_type = RTA_MULTIPATH;
		nla_nest_end(mp, q);
	}
	((struct nlmsghdr *)buf)->nlmsg_len = q - buf;
	return q - buf;
}
