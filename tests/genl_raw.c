// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <arpa/inet.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include "genl_raw.h"

#define RAW_BUF 8192

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

void raw_put(struct raw_attrs *a, uint16_t type, const void *data, size_t len)
{
	struct nlattr nla = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };

	if (a->len + align4(NLA_HDRLEN + len) > sizeof(a->buf))
		return;
	memcpy(a->buf + a->len, &nla, sizeof(nla));
	if (len)
		memcpy(a->buf + a->len + NLA_HDRLEN, data, len);
	a->len += align4(NLA_HDRLEN + len);
}

void raw_put_u32(struct raw_attrs *a, uint16_t type, uint32_t value)
{
	raw_put(a, type, &value, sizeof(value));
}

void raw_put_u16(struct raw_attrs *a, uint16_t type, uint16_t value)
{
	raw_put(a, type, &value, sizeof(value));
}

void raw_put_u8(struct raw_attrs *a, uint16_t type, uint8_t value)
{
	raw_put(a, type, &value, sizeof(value));
}

size_t raw_nest_start(struct raw_attrs *a, uint16_t type)
{
	size_t mark = a->len;

	raw_put(a, type | NLA_F_NESTED, NULL, 0);
	return mark;
}

void raw_nest_end(struct raw_attrs *a, size_t mark)
{
	struct nlattr *nla = (struct nlattr *)(a->buf + mark);

	nla->nla_len = (uint16_t)(a->len - mark);
}

static int transact(int fd, uint16_t type, uint8_t cmd, uint8_t version,
		    uint16_t reserved, uint32_t seq, const void *attrs,
		    size_t attr_len, void *reply, size_t *reply_len)
{
	unsigned char buf[RAW_BUF] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	ssize_t n;

	if (attr_len > RAW_ATTRS_MAX)
		return -EMSGSIZE;
	memset(buf, 0, NLMSG_SPACE(GENL_HDRLEN));
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + attr_len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	gh->cmd = cmd;
	gh->version = version;
	gh->reserved = reserved;
	if (attr_len)
		memcpy((unsigned char *)gh + GENL_HDRLEN, attrs, attr_len);
	if (send(fd, buf, nlh->nlmsg_len, 0) < 0)
		return -errno;

	/* Read until the ack (NLMSG_ERROR) for our sequence number. */
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, (size_t)n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *err = NLMSG_DATA(nlh);

				return err->error;
			}
			if (reply && reply_len) {
				size_t len = nlh->nlmsg_len < *reply_len ?
					     nlh->nlmsg_len : *reply_len;

				memcpy(reply, nlh, len);
				*reply_len = len;
			}
		}
	}
}

/* Walk attributes after a genl header: calls fn for each. */
static void for_each_attr(const unsigned char *p, size_t len,
			  void (*fn)(const struct nlattr *, void *), void *arg)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *nla = (const struct nlattr *)p;

		if (nla->nla_len < NLA_HDRLEN || nla->nla_len > len)
			return;
		fn(nla, arg);
		if (align4(nla->nla_len) >= len)
			return;
		len -= align4(nla->nla_len);
		p += align4(nla->nla_len);
	}
}

static const void *payload(const struct nlattr *nla)
{
	return (const unsigned char *)nla + NLA_HDRLEN;
}

struct group_lookup {
	uint32_t id;
	int is_events;
};

static void group_member_attr(const struct nlattr *nla, void *arg)
{
	struct group_lookup *lookup = arg;

	if ((nla->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_ID)
		memcpy(&lookup->id, payload(nla), sizeof(uint32_t));
	if ((nla->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_NAME)
		lookup->is_events = !strcmp(payload(nla), IOTGUARD_MCGRP_EVENTS);
}

static void group_attr(const struct nlattr *nla, void *arg)
{
	struct raw_genl *g = arg;
	struct group_lookup lookup = { 0 };

	for_each_attr(payload(nla), nla->nla_len - NLA_HDRLEN, group_member_attr, &lookup);
	if (lookup.is_events)
		g->events_group = lookup.id;
}

static void family_attr(const struct nlattr *nla, void *arg)
{
	struct raw_genl *g = arg;

	if ((nla->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
		memcpy(&g->family, payload(nla), sizeof(uint16_t));
	if ((nla->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GROUPS)
		for_each_attr(payload(nla), nla->nla_len - NLA_HDRLEN, group_attr, g);
}

int raw_genl_open(struct raw_genl *g, const char *family)
{
	unsigned char reply[RAW_BUF] __attribute__((aligned(4)));
	size_t reply_len = sizeof(reply);
	struct raw_attrs name = { .len = 0 };
	struct nlmsghdr *nlh = (struct nlmsghdr *)reply;
	int ret;

	memset(g, 0, sizeof(*g));
	g->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (g->fd < 0)
		return -errno;
	raw_put(&name, CTRL_ATTR_FAMILY_NAME, family, strlen(family) + 1);
	ret = transact(g->fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0, ++g->seq,
		       name.buf, name.len, reply, &reply_len);
	if (!ret && reply_len > NLMSG_SPACE(GENL_HDRLEN))
		for_each_attr(reply + NLMSG_SPACE(GENL_HDRLEN),
			      nlh->nlmsg_len - NLMSG_SPACE(GENL_HDRLEN),
			      family_attr, g);
	if (!ret && !g->family)
		ret = -ENOENT;
	if (ret) {
		close(g->fd);
		g->fd = -1;
	}
	return ret;
}

void raw_genl_close(struct raw_genl *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

int raw_genl_send(struct raw_genl *g, uint8_t cmd, uint16_t reserved,
		  const struct raw_attrs *attrs, void *reply, size_t *reply_len)
{
	return transact(g->fd, g->family, cmd, IOTGUARD_GENL_VERSION, reserved,
			++g->seq, attrs ? attrs->buf : NULL, attrs ? attrs->len : 0,
			reply, reply_len);
}

int raw_genl_send_bytes(struct raw_genl *g, uint8_t cmd, uint8_t version,
			uint16_t reserved, const void *attrs, size_t attrs_len,
			void *reply, size_t *reply_len)
{
	return transact(g->fd, g->family, cmd, version, reserved, ++g->seq,
			attrs, attrs_len, reply, reply_len);
}

static void counter_attr(const struct nlattr *nla, void *arg)
{
	struct raw_status *st = arg;
	uint16_t type = nla->nla_type & NLA_TYPE_MASK;

	if (type > IOTGUARD_CTR_PAD && type <= IOTGUARD_CTR_MAX)
		memcpy(&st->counters[type], payload(nla), sizeof(uint64_t));
}

static void port_attr(const struct nlattr *nla, void *arg)
{
	struct raw_status *st = arg;

	if ((nla->nla_type & NLA_TYPE_MASK) == IOTGUARD_A_LOGIN_PORT &&
	    st->port_count < IOTGUARD_MAX_LOGIN_PORTS + 1)
		memcpy(&st->ports[st->port_count++], payload(nla), sizeof(uint16_t));
}

struct subnet_out {
	uint8_t *prefix_len;
	unsigned char *addr;
	size_t addr_len;
};

static void subnet_attr(const struct nlattr *nla, void *arg)
{
	const struct subnet_out *out = arg;

	if ((nla->nla_type & NLA_TYPE_MASK) == IOTGUARD_NET_A_PREFIX_LEN)
		memcpy(out->prefix_len, payload(nla), 1);
	if ((nla->nla_type & NLA_TYPE_MASK) == IOTGUARD_NET_A_ADDR &&
	    (size_t)(nla->nla_len - NLA_HDRLEN) == out->addr_len)
		memcpy(out->addr, payload(nla), out->addr_len);
}

static void status_attr(const struct nlattr *nla, void *arg)
{
	struct raw_status *st = arg;
	size_t len = nla->nla_len - NLA_HDRLEN;
	struct subnet_out net4 = { &st->net4_prefix_len, st->net4_addr, 4 };
	struct subnet_out net6 = { &st->net6_prefix_len, st->net6_addr, 16 };

	switch (nla->nla_type & NLA_TYPE_MASK) {
	case IOTGUARD_A_VERSION:
		memcpy(st->version, payload(nla),
		       len < sizeof(st->version) ? len : sizeof(st->version) - 1);
		break;
	case IOTGUARD_A_MODE:
		memcpy(&st->mode, payload(nla), sizeof(st->mode));
		break;
	case IOTGUARD_A_CRED_STATE:
		memcpy(&st->cred_state, payload(nla), sizeof(st->cred_state));
		break;
	case IOTGUARD_A_POLICY_GENERATION:
		memcpy(&st->policy_generation, payload(nla), sizeof(uint64_t));
		break;
	case IOTGUARD_A_COUNTERS:
		for_each_attr(payload(nla), len, counter_attr, st);
		break;
	case IOTGUARD_A_LOCKED:
		memcpy(&st->locked, payload(nla), 1);
		break;
	case IOTGUARD_A_LOGIN_PORTS:
		for_each_attr(payload(nla), len, port_attr, st);
		break;
	case IOTGUARD_A_PROV_IFNAME:
		memcpy(st->prov_ifname, payload(nla),
		       len < sizeof(st->prov_ifname) ? len : sizeof(st->prov_ifname) - 1);
		break;
	case IOTGUARD_A_PROV_NET4:
		for_each_attr(payload(nla), len, subnet_attr, &net4);
		break;
	case IOTGUARD_A_PROV_NET6:
		for_each_attr(payload(nla), len, subnet_attr, &net6);
		break;
	case IOTGUARD_A_THROTTLE_BURST:
		memcpy(&st->throttle_burst, payload(nla), sizeof(uint32_t));
		break;
	case IOTGUARD_A_THROTTLE_INTERVAL_MS:
		memcpy(&st->throttle_interval_ms, payload(nla), sizeof(uint32_t));
		break;
	case IOTGUARD_A_THROTTLE_TABLE_SIZE:
		memcpy(&st->throttle_table_size, payload(nla), sizeof(uint32_t));
		break;
	case IOTGUARD_A_THROTTLE_ENTRIES:
		memcpy(&st->throttle_entries, payload(nla), sizeof(uint32_t));
		break;
	case IOTGUARD_A_PROV_IFINDEX:
		memcpy(&st->prov_ifindex, payload(nla), sizeof(uint32_t));
		break;
	case IOTGUARD_A_THROTTLE_PRESSURE:
		memcpy(&st->throttle_pressure, payload(nla), 1);
		break;
	case IOTGUARD_A_HELD_LINKS:
		memcpy(&st->held_links, payload(nla), sizeof(uint32_t));
		break;
	case IOTGUARD_A_EGRESS_JUDGE:
		memcpy(&st->egress_judge, payload(nla), sizeof(uint32_t));
		break;
	}
}

int raw_genl_status(struct raw_genl *g, struct raw_status *st)
{
	unsigned char reply[RAW_BUF] __attribute__((aligned(4)));
	size_t reply_len = sizeof(reply);
	struct nlmsghdr *nlh = (struct nlmsghdr *)reply;
	int ret;

	memset(st, 0, sizeof(*st));
	ret = raw_genl_send(g, IOTGUARD_CMD_GET_STATUS, 0, NULL, reply, &reply_len);
	if (ret)
		return ret;
	if (reply_len <= NLMSG_SPACE(GENL_HDRLEN))
		return -EBADMSG;
	for_each_attr(reply + NLMSG_SPACE(GENL_HDRLEN),
		      nlh->nlmsg_len - NLMSG_SPACE(GENL_HDRLEN), status_attr, st);
	return 0;
}

int raw_genl_set_mode(struct raw_genl *g, uint32_t mode, uint32_t flags)
{
	struct raw_attrs a = { .len = 0 };

	raw_put_u32(&a, IOTGUARD_A_MODE, mode);
	if (flags)
		raw_put_u32(&a, IOTGUARD_A_FLAGS, flags);
	return raw_genl_send(g, IOTGUARD_CMD_SET_MODE, 0, &a, NULL, NULL);
}

int raw_genl_set_cred_state(struct raw_genl *g, uint32_t cred_state)
{
	struct raw_attrs a = { .len = 0 };

	raw_put_u32(&a, IOTGUARD_A_CRED_STATE, cred_state);
	return raw_genl_send(g, IOTGUARD_CMD_SET_CRED_STATE, 0, &a, NULL, NULL);
}

int raw_genl_set_gate(struct raw_genl *g, const struct raw_attrs *attrs)
{
	return raw_genl_send(g, IOTGUARD_CMD_SET_GATE, 0, attrs, NULL, NULL);
}

int raw_genl_set_throttle(struct raw_genl *g, uint32_t burst, uint32_t interval_ms)
{
	struct raw_attrs a = { .len = 0 };

	raw_put_u32(&a, IOTGUARD_A_THROTTLE_BURST, burst);
	raw_put_u32(&a, IOTGUARD_A_THROTTLE_INTERVAL_MS, interval_ms);
	return raw_genl_set_gate(g, &a);
}

int raw_genl_set_ports(struct raw_genl *g, const uint16_t *ports, size_t n)
{
	struct raw_attrs a = { .len = 0 };
	size_t nest = raw_nest_start(&a, IOTGUARD_A_LOGIN_PORTS);

	for (size_t i = 0; i < n; i++)
		raw_put_u16(&a, IOTGUARD_A_LOGIN_PORT, ports[i]);
	raw_nest_end(&a, nest);
	return raw_genl_set_gate(g, &a);
}

int raw_genl_set_subnet(struct raw_genl *g, uint16_t type, const char *addr,
			uint8_t prefix_len)
{
	struct raw_attrs a = { .len = 0 };
	unsigned char bytes[16];
	int family = type == IOTGUARD_A_PROV_NET4 ? AF_INET : AF_INET6;
	size_t nest = raw_nest_start(&a, type);

	if (prefix_len) {
		if (inet_pton(family, addr, bytes) != 1)
			return -EINVAL;
		raw_put(&a, IOTGUARD_NET_A_ADDR, bytes, family == AF_INET ? 4 : 16);
		raw_put_u8(&a, IOTGUARD_NET_A_PREFIX_LEN, prefix_len);
	}
	raw_nest_end(&a, nest);
	return raw_genl_set_gate(g, &a);
}

int raw_genl_set_ifname(struct raw_genl *g, const char *ifname)
{
	struct raw_attrs a = { .len = 0 };

	raw_put(&a, IOTGUARD_A_PROV_IFNAME, ifname, strlen(ifname) + 1);
	return raw_genl_set_gate(g, &a);
}

int raw_genl_lock(struct raw_genl *g)
{
	return raw_genl_send(g, IOTGUARD_CMD_LOCK, 0, NULL, NULL, NULL);
}

int raw_events_open(const struct raw_genl *g)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int group = (int)g->events_group;

	struct sockaddr_nl local = { .nl_family = AF_NETLINK };

	if (fd < 0)
		return -errno;
	/* Unbound, the socket has the kernel's port id 0 and gets nothing. */
	if (!group || bind(fd, (struct sockaddr *)&local, sizeof(local)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group))) {
		int err = group ? -errno : -ENOENT;

		close(fd);
		return err;
	}
	return fd;
}

static void kind_attr(const struct nlattr *nla, void *arg)
{
	if ((nla->nla_type & NLA_TYPE_MASK) == IOTGUARD_A_EVENT_KIND)
		memcpy(arg, payload(nla), sizeof(uint32_t));
}

uint32_t raw_event_next(int fd, int timeout_ms)
{
	unsigned char buf[RAW_BUF] __attribute__((aligned(4)));
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	uint32_t kind = 0;
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) != 1)
		return 0;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n < 0 && errno == ENOBUFS)
		return RAW_EVENT_OVERRUN;
	if (n < (ssize_t)NLMSG_SPACE(GENL_HDRLEN) || !NLMSG_OK(nlh, (size_t)n))
		return 0;
	for_each_attr(buf + NLMSG_SPACE(GENL_HDRLEN), nlh->nlmsg_len - NLMSG_SPACE(GENL_HDRLEN),
		      kind_attr, &kind);
	return kind;
}
