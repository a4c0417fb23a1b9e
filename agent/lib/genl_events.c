// SPDX-License-Identifier: GPL-2.0
/* The kernel gate's events: joining their multicast group, decoding, one line for a person. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include "genl_client.h"
#include "genl_events.h"
#include "iotguard.h"

struct genl_events {
	struct nl_sock *sock;
	gate_event_fn fn;
	void *arg;
};

static const char *const kind_names[] = IOTGUARD_EVENT_NAMES;

const char *gate_event_kind_name(uint32_t kind)
{
	return kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "unknown";
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct genl_events *events = arg;
	struct nlattr *attrs[IOTGUARD_A_MAX + 1];
	struct gate_event event = { 0 };
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	int len;

	if (gh->cmd != IOTGUARD_CMD_EVENT ||
	    genlmsg_parse(nlmsg_hdr(msg), 0, attrs, IOTGUARD_A_MAX, NULL) < 0 ||
	    !attrs[IOTGUARD_A_EVENT_KIND] || !attrs[IOTGUARD_A_EVENT_SADDR])
		return NL_SKIP;
	event.kind = nla_get_u32(attrs[IOTGUARD_A_EVENT_KIND]);
	if (attrs[IOTGUARD_A_MODE])
		event.mode = nla_get_u32(attrs[IOTGUARD_A_MODE]);
	len = nla_len(attrs[IOTGUARD_A_EVENT_SADDR]);
	if (len != 4 && len != 16)
		return NL_SKIP;
	event.family = len == 4 ? AF_INET : AF_INET6;
	memcpy(event.saddr, nla_data(attrs[IOTGUARD_A_EVENT_SADDR]), (size_t)len);
	if (attrs[IOTGUARD_A_EVENT_DPORT])
		event.dport = nla_get_u16(attrs[IOTGUARD_A_EVENT_DPORT]);
	if (attrs[IOTGUARD_A_EVENT_IFINDEX])
		event.ifindex = nla_get_u32(attrs[IOTGUARD_A_EVENT_IFINDEX]);
	events->fn(&event, events->arg);
	return NL_OK;
}

int genl_events_open(struct genl_events **out, gate_event_fn fn, void *arg)
{
	struct genl_events *events = calloc(1, sizeof(*events));
	int ret;

	if (!events)
		return -ENOMEM;
	events->fn = fn;
	events->arg = arg;
	ret = genl_subscribe(IOTGUARD_GENL_NAME, IOTGUARD_MCGRP_EVENTS, on_event, events,
			     &events->sock);
	if (ret) {
		free(events);
		return ret;
	}
	*out = events;
	return 0;
}

void genl_events_close(struct genl_events *events)
{
	if (!events)
		return;
	nl_socket_free(events->sock);
	free(events);
}

int genl_events_fd(const struct genl_events *events)
{
	return nl_socket_get_fd(events->sock);
}

void genl_events_read(struct genl_events *events)
{
	while (nl_recvmsgs_default(events->sock) >= 0)
		;
}

void gate_event_format(const struct gate_event *event, char *out, size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "?", ifname[IF_NAMESIZE] = "?";
	const char *what;

	inet_ntop(event->family, event->saddr, addr, sizeof(addr));
	if (!if_indextoname(event->ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "ifindex %u", event->ifindex);
	switch (event->kind) {
	case IOTGUARD_EVENT_LOCKOUT:
		what = "default credentials: remote login locked";
		break;
	case IOTGUARD_EVENT_THROTTLE:
		what = "too many connection attempts";
		break;
	case IOTGUARD_EVENT_TABLE_FULL:
		what = "throttle table full of over-limit sources";
		break;
	case IOTGUARD_EVENT_TABLE_PRESSURE:
		what = "throttle table under pressure: newcomers from outside the provisioning "
		       "paths are refused while it lasts";
		break;
	default:
		what = "unknown reason";
		break;
	}
	snprintf(out, len, "%s: %s %s to port %u on %s (%s)", gate_event_kind_name(event->kind),
		 event->mode == IOTGUARD_MODE_ENFORCE ? "refused" : "would refuse (audit mode)",
		 addr, event->dport, ifname, what);
}
