// SPDX-License-Identifier: GPL-2.0
/* Raw netlink messages (nl_raw.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include "nl_raw.h"

/* One sendto() of len bytes to the kernel on a netlink socket of proto: 0 or -errno. */
int rawnl_send(int proto, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto), ret;

	if (fd < 0)
		return -1000 - errno;
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

/* An nftables batch with one NEWTABLE of family: begin, the table, end. */
size_t nft_batch(char *buf, uint8_t family)
{
	size_t n = rawnl_put(buf, NFNL_MSG_BATCH_BEGIN, sizeof(struct nfgenmsg), AF_UNSPEC);

	((struct nfgenmsg *)NLMSG_DATA(buf))->res_id = htons(NFNL_SUBSYS_NFTABLES);
	n += rawnl_put(buf + n, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWTABLE,
		    sizeof(struct nfgenmsg), family);
	n += rawnl_put(buf + n, NFNL_MSG_BATCH_END, sizeof(struct nfgenmsg), AF_UNSPEC);
	((struct nfgenmsg *)NLMSG_DATA(buf + n - NLMSG_SPACE(sizeof(struct nfgenmsg))))->res_id =
		htons(NFNL_SUBSYS_NFTABLES);
	return n;
}
