// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl events: what the kernel refuses, as it happens: the network
 * gate's events (genetlink) and the outbound policy's (its watch ring
 * buffer), one line or one JSON object each.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/types.h>
#include <json-c/json.h>
#include "ctl.h"
#include "egress.h"
#include "egress_events.h"
#include "genl_client.h"
#include "genl_events.h"
#include "policy.h"

struct follow {
	bool json;
	long remaining;		/* events still wanted; < 0: no limit */
	__u64 start_ns;		/* outbound events older than this are a backlog */
	const struct egress_policy *egress;	/* names for rules and services, or NULL */
};

static void emit(struct follow *follow, json_object *obj, const char *line)
{
	if (follow->json)
		puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
	else
		printf("%ld %s\n", (long)time(NULL), line);
	json_object_put(obj);
	fflush(stdout);
	if (follow->remaining > 0)
		follow->remaining--;
}

static void print_event(const struct gate_event *event, void *arg)
{
	struct follow *follow = arg;
	char line[256] = "", addr[64] = "?";
	json_object *obj = NULL;

	if (follow->remaining == 0)
		return;
	if (follow->json) {
		obj = json_object_new_object();
		inet_ntop(event->family, event->saddr, addr, sizeof(addr));
		json_object_object_add(obj, "kind",
				       json_object_new_string(gate_event_kind_name(event->kind)));
		json_object_object_add(obj, "refused",
				       json_object_new_boolean(event->mode == IOTGUARD_MODE_ENFORCE));
		json_object_object_add(obj, "source", json_object_new_string(addr));
		json_object_object_add(obj, "port", json_object_new_int(event->dport));
		json_object_object_add(obj, "ifindex", json_object_new_int64(event->ifindex));
	} else {
		gate_event_format(event, line, sizeof(line));
	}
	emit(follow, obj, line);
}

static void print_egress_event(const struct egress_event *event, void *arg)
{
	struct follow *follow = arg;
	char line[512] = "";

	if (follow->remaining == 0 || event->time_ns < follow->start_ns)
		return;
	if (!follow->json)
		egress_event_format(event, follow->egress, line, sizeof(line));
	emit(follow, follow->json ? egress_event_json(event, follow->egress) : NULL, line);
}

static __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

int cmd_events(int argc, char **argv)
{
	/* This command's own options; the getopt shape is shared on purpose (ctl.h). */
	static const struct option options[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct follow follow = { .remaining = -1 };
	struct iotguard_policy policy;
	struct egress_events *egress = NULL;
	struct genl_events *events = NULL;
	struct iotguard_error err;
	long timeout_s = -1;
	time_t deadline = 0;
	char *end;
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "fn:t:j", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			break;
		case 'n':
			follow.remaining = strtol(optarg, &end, 10);
			if (*end || follow.remaining < 1)
				goto usage;
			break;
		case 't':
			timeout_s = strtol(optarg, &end, 10);
			if (*end || timeout_s < 1)
				goto usage;
			break;
		case 'j':
			follow.json = true;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	/* Rule lines and service names, if the policy is readable; numbers otherwise. */
	policy_defaults(&policy);
	if (!policy_load(POLICY_DEFAULT_PATH, &policy, NULL) && policy.has_egress)
		follow.egress = &policy.egress;
	ret = genl_events_open(&events, print_event, &follow);
	if (ret) {
		policy_release(&policy);
		return report_genl_error(ret, "listening for events");
	}
	/* No outbound policy loaded: the gate's events alone. */
	follow.start_ns = monotonic_ns();
	if (egress_events_open(&egress, EGRESS_WATCH_PIN, print_egress_event, &follow, &err) &&
	    err.code != -ENOENT)
		fprintf(stderr, "iotguardctl: not showing outbound events: %s\n", err.msg);
	else if (egress)
		egress_events_read(egress);	/* the backlog, skipped: room for new ones */
	if (timeout_s > 0)
		deadline = time(NULL) + timeout_s;
	while (follow.remaining != 0) {
		struct pollfd pfd[2] = {
			{ .fd = genl_events_fd(events), .events = POLLIN },
			{ .fd = egress ? egress_events_fd(egress) : -1, .events = POLLIN },
		};
		int wait_ms = -1;

		if (deadline) {
			time_t left = deadline - time(NULL);

			if (left <= 0)
				break;
			wait_ms = (int)left * 1000;
		}
		ret = poll(pfd, 2, wait_ms);
		if (ret < 0 && errno != EINTR)
			break;
		if (ret > 0 && pfd[0].revents)
			genl_events_read(events);
		if (ret > 0 && pfd[1].revents)
			egress_events_read(egress);
	}
	egress_events_close(egress);
	genl_events_close(events);
	policy_release(&policy);
	return EXIT_OK;
usage:
	fprintf(stderr, "iotguardctl: usage: iotguardctl events [--follow] [--count N] "
		"[--timeout SECONDS] [--json]\n");
	return EXIT_USAGE;
}
