// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
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

static int transact(int fd, uint16_t type, uint8_t cmd, uint16_t reserved,
		    uint32_t seq, const struct raw_attrs *attrs,
		    void *reply, size_t *reply_len)
{
	unsigned char buf[RAW_BUF] __attribute__((aligned(4)));
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *gh = NLMSG_DATA(nlh);
	size_t attr_len = attrs ? attrs->len : 0;
	ssize_t n;

	memset(buf, 0, NLMSG_SPACE(GENL_HDRLEN));
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + attr_len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	gh->cmd = cmd;
	gh->version = 1;
	gh->reserved = reserved;
	if (attr_len)
		memcpy((unsigned char *)gh + GENL_HDRLEN, attrs->buf, attr_len);
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

static void family_attr(const struct nlattr *nla, void *arg)
{
	if ((nla->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
		memcpy(arg, payload(nla), sizeof(uint16_t));
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
	ret = transact(g->fd, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0, ++g->seq,
		       &name, reply, &reply_len);
	if (!ret && reply_len > NLMSG_SPACE(GENL_HDRLEN))
		for_each_attr(reply + NLMSG_SPACE(GENL_HDRLEN),
			      nlh->nlmsg_len - NLMSG_SPACE(GENL_HDRLEN),
			      family_attr, &g->family);
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
	return transact(g->fd, g->family, cmd, reserved, ++g->seq, attrs,
			reply, reply_len);
}

static void counter_attr(const struct nlattr *nla, void *arg)
{
	struct raw_status *st = arg;
	uint16_t type = nla->nla_type & NLA_TYPE_MASK;

	if (type > IOTGUARD_CTR_PAD && type <= IOTGUARD_CTR_MAX)
		memcpy(&st->counters[type], payload(nla), sizeof(uint64_t));
}

static void status_attr(const struct nlattr *nla, void *arg)
{
	struct raw_status *st = arg;
	size_t len = nla->nla_len - NLA_HDRLEN;

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
