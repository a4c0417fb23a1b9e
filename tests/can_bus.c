// SPDX-License-Identifier: GPL-2.0
/* Virtual CAN buses for the tests (can_bus.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/can/gw.h>
#include <linux/can/raw.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include "can_bus.h"
#include "util.h"

int can_bus_up(const char *bus)
{
	char cmd[160];

	if (run_capture("modprobe -a can_raw vcan", NULL, 0))
		return -1;
	snprintf(cmd, sizeof(cmd), "ip link show %s >/dev/null 2>&1 || ip link add %s type vcan; "
		 "ip link set %s up", bus, bus, bus);
	return run_capture(cmd, NULL, 0) ? -1 : 0;
}

int can_socket(const char *bus)
{
	struct sockaddr_can addr = { .can_family = AF_CAN };
	int fd = socket(AF_CAN, SOCK_RAW, CAN_RAW), err;

	if (fd < 0)
		return -errno;
	addr.can_ifindex = (int)if_nametoindex(bus);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int can_write(int fd, canid_t id)
{
	struct can_frame frame = { .can_id = id, .len = 1, .data = { 0x42 } };

	return write(fd, &frame, sizeof(frame)) == (ssize_t)sizeof(frame) ? 0 : -errno;
}

canid_t can_received(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct can_frame frame;

	if (poll(&p, 1, timeout_ms) != 1 || read(fd, &frame, sizeof(frame)) != sizeof(frame))
		return 0;
	return frame.can_id;
}

static void put_u32(char *buf, struct nlmsghdr *nlh, uint16_t type, uint32_t value)
{
	struct nlattr *nla = (struct nlattr *)(buf + NLMSG_ALIGN(nlh->nlmsg_len));

	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + sizeof(value);
	memcpy((char *)nla + NLA_HDRLEN, &value, sizeof(value));
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + NLA_ALIGN(nla->nla_len);
}

size_t can_gw_msg(char *buf, uint16_t type, int src_ifindex, int dst_ifindex)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct rtcanmsg *r = NLMSG_DATA(nlh);

	memset(buf, 0, 64);
	nlh->nlmsg_len = NLMSG_LENGTH(sizeof(*r));
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (type == RTM_NEWROUTE ? NLM_F_CREATE : 0);
	r->can_family = AF_CAN;
	r->gwtype = CGW_TYPE_CAN_CAN;
	/* vcan has no echo of its own: the CAN core's makes the copy visible on the bus's sockets. */
	r->flags = CGW_FLAGS_CAN_ECHO;
	/* Both are needed: both 0 deletes every route. */
	put_u32(buf, nlh, CGW_SRC_IF, (uint32_t)src_ifindex);
	put_u32(buf, nlh, CGW_DST_IF, (uint32_t)dst_ifindex);
	return nlh->nlmsg_len;
}
