// SPDX-License-Identifier: GPL-2.0
/* Reading the outbound policy's refusals and putting them into words and JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "egress_events.h"
#include "egress_family.h"

#ifndef AF_PACKET
#define AF_PACKET 17
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif

struct egress_events {
	struct ring_buffer *rb;
	int map_fd;
	egress_event_fn fn;
	void *arg;
};

static int deliver(void *ctx, void *data, size_t size)
{
	struct egress_events *events = ctx;
	struct egress_event event = {};

	/* A shorter record (an older program): what it has, the rest zero. */
	memcpy(&event, data, size < sizeof(event) ? size : sizeof(event));
	events->fn(&event, events->arg);
	return 0;
}

int egress_events_open(struct egress_events **out, const char *pin, egress_event_fn fn,
		       void *arg, struct iotguard_error *err)
{
	struct egress_events *events = calloc(1, sizeof(*events));
	int ret;

	if (!events)
		return iotguard_fail_errno(err, ENOMEM, "reading %s", pin);
	events->fn = fn;
	events->arg = arg;
	events->map_fd = bpf_obj_get(pin);
	if (events->map_fd < 0) {
		ret = iotguard_fail_errno(err, errno, "opening %s", pin);
		free(events);
		return ret;
	}
	events->rb = ring_buffer__new(events->map_fd, deliver, events, NULL);
	if (!events->rb) {
		ret = iotguard_fail_errno(err, errno, "reading the ring buffer %s", pin);
		close(events->map_fd);
		free(events);
		return ret;
	}
	*out = events;
	return 0;
}

void egress_events_close(struct egress_events *events)
{
	if (!events)
		return;
	ring_buffer__free(events->rb);
	close(events->map_fd);
	free(events);
}

int egress_events_fd(const struct egress_events *events)
{
	return ring_buffer__epoll_fd(events->rb);
}

int egress_events_read(struct egress_events *events)
{
	return ring_buffer__consume(events->rb);
}

static const char *proto_name(int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "icmpv6";
	default:
		return NULL;
	}
}

static const char *hook_name(int hook)
{
	switch (hook) {
	case EGRESS_HOOK_CONNECT:
		return "connect";
	case EGRESS_HOOK_SENDMSG:
		return "send";
	case EGRESS_HOOK_SOCKET:
		return "socket";
	case EGRESS_HOOK_PACKET:
		return "packet";
	case EGRESS_HOOK_FAMILY:
		return "family";
	default:
		return "unknown";
	}
}

/* The destination as text: "203.0.113.9" or "2001:db8::1". */
static void dest_text(const struct egress_event *event, char *out, size_t len)
{
	if (!inet_ntop(event->family == AF_INET6 ? AF_INET6 : AF_INET, event->addr, out,
		       (socklen_t)len))
		snprintf(out, len, "?");
}

static void rule_text(const struct egress_event *event, const struct egress_policy *policy,
		      char *out, size_t len)
{
	if (event->hook == EGRESS_HOOK_SOCKET)
		snprintf(out, len, "raw_sockets is false");
	else if (event->hook == EGRESS_HOOK_FAMILY)
		snprintf(out, len, "families, which does not name it");
	else if (!event->rule)
		snprintf(out, len, "the default");
	else if (policy && event->rule <= policy->rule_count)
		snprintf(out, len, "rule %u (line %d)", event->rule,
			 policy->rules[event->rule - 1].line);
	else
		snprintf(out, len, "rule %u", event->rule);
}

static void service_text(const struct egress_event *event, const struct egress_policy *policy,
			 char *out, size_t len)
{
	if (!event->svc)
		snprintf(out, len, "no service");
	else if (policy && event->svc <= policy->service_count)
		snprintf(out, len, "service %s", policy->services[event->svc - 1].name);
	else
		snprintf(out, len, "service %u", event->svc);
}

void egress_event_format(const struct egress_event *event, const struct egress_policy *policy,
			 char *out, size_t len)
{
	char dest[INET6_ADDRSTRLEN], rule[64], svc[96], who[64];
	const char *verb = event->allowed ? "would refuse (audit mode)" : "refused";
	const char *proto = proto_name(event->proto);

	rule_text(event, policy, rule, sizeof(rule));
	service_text(event, policy, svc, sizeof(svc));
	if (event->hook == EGRESS_HOOK_PACKET) {
		snprintf(who, sizeof(who), "a packet of cgroup %llu",
			 (unsigned long long)event->cgroup_id);
	} else {
		char comm[EGRESS_COMM_LEN + 1];

		/* The process chose its name: no control characters into a log line. */
		for (size_t i = 0; i <= EGRESS_COMM_LEN; i++) {
			unsigned char c = i < EGRESS_COMM_LEN ? (unsigned char)event->comm[i] : 0;

			comm[i] = c && (c < 0x20 || c == 0x7f) ? '?' : (char)c;
			if (!c)
				break;
		}
		snprintf(who, sizeof(who), "pid %u (%s)", event->pid, comm);
	}
	if (event->hook == EGRESS_HOOK_SOCKET && !event->family) {
		snprintf(out, len, "outbound: %s a tun/tap device: %s, %s, by %s", verb, who, svc,
			 rule);
		return;
	}
	if (event->hook == EGRESS_HOOK_FAMILY) {
		const char *name = egress_family_name(event->family);

		if (name)
			snprintf(out, len, "outbound: %s a socket of family %s (type %u, protocol %u): "
				 "%s, %s, by %s", verb, name, event->sock_type, event->proto, who,
				 svc, rule);
		else
			snprintf(out, len, "outbound: %s a socket of family %u (type %u, protocol "
				 "%u): %s, %s, by %s", verb, event->family, event->sock_type,
				 event->proto, who, svc, rule);
		return;
	}
	if (event->hook == EGRESS_HOOK_SOCKET) {
		char kind[32];

		if (event->family == AF_INET || event->family == AF_INET6)
			snprintf(kind, sizeof(kind), "raw IP");
		else if (event->family == AF_PACKET)
			snprintf(kind, sizeof(kind), "packet");
		else if (event->family == AF_XDP)
			snprintf(kind, sizeof(kind), "AF_XDP");
		else
			snprintf(kind, sizeof(kind), "link-layer (family %u)", event->family);
		snprintf(out, len, "outbound: %s a %s socket (protocol %u): %s, %s, by %s", verb,
			 kind, event->proto, who, svc, rule);
		return;
	}
	dest_text(event, dest, sizeof(dest));
	if (proto && (event->proto == IPPROTO_ICMP || event->proto == IPPROTO_ICMPV6))
		snprintf(out, len, "outbound: %s %s to %s: %s, %s, by %s", verb, proto, dest, who,
			 svc, rule);
	else if (proto)
		snprintf(out, len, "outbound: %s %s to %s port %u: %s, %s, by %s", verb, proto,
			 dest, event->port, who, svc, rule);
	else
		snprintf(out, len, "outbound: %s protocol %u to %s port %u: %s, %s, by %s", verb,
			 event->proto, dest, event->port, who, svc, rule);
}

json_object *egress_event_json(const struct egress_event *event,
			       const struct egress_policy *policy)
{
	json_object *obj = json_object_new_object();
	const char *proto = proto_name(event->proto);
	char dest[INET6_ADDRSTRLEN];

	json_object_object_add(obj, "kind", json_object_new_string("outbound"));
	json_object_object_add(obj, "refused", json_object_new_boolean(!event->allowed));
	json_object_object_add(obj, "hook", json_object_new_string(hook_name(event->hook)));
	if (event->hook == EGRESS_HOOK_FAMILY) {
		const char *name = egress_family_name(event->family);

		json_object_object_add(obj, "family", name ? json_object_new_string(name) :
				       json_object_new_int(event->family));
		json_object_object_add(obj, "socket_type", json_object_new_int(event->sock_type));
	} else if (event->hook != EGRESS_HOOK_SOCKET) {
		dest_text(event, dest, sizeof(dest));
		json_object_object_add(obj, "destination", json_object_new_string(dest));
		json_object_object_add(obj, "port", json_object_new_int(event->port));
	}
	json_object_object_add(obj, "protocol", proto ? json_object_new_string(proto) :
				json_object_new_int(event->proto));
	json_object_object_add(obj, "pid", json_object_new_int64(event->pid));
	json_object_object_add(obj, "comm", json_object_new_string_len(event->comm,
				(int)strnlen(event->comm, sizeof(event->comm))));
	json_object_object_add(obj, "service", event->svc && policy &&
			       event->svc <= policy->service_count ?
			       json_object_new_string(policy->services[event->svc - 1].name) :
			       json_object_new_int(event->svc));
	json_object_object_add(obj, "rule", json_object_new_int(event->rule));
	json_object_object_add(obj, "cgroup_id", json_object_new_int64((int64_t)event->cgroup_id));
	return obj;
}
