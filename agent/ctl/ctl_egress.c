// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl egress: the outbound-connection policy; `egress explain`
 * prints which rule decides a destination and why.
 */
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "ctl.h"
#include "egress_explain.h"
#include "egress_maps.h"
#include "policy.h"

#define EXPLAIN_USAGE "iotguardctl egress explain ADDR PORT [--proto tcp|udp|icmp] " \
	"[--service NAME] [--config FILE]"

/*
 * A name's addresses as getaddrinfo gives them now; the compiler keeps the
 * ones the daemon would. One socket type, so each address comes once.
 */
static size_t resolve_now(const char *name, struct egress_address *out, size_t max, void *ctx)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res, *ai;
	size_t n = 0;

	(void)ctx;
	if (getaddrinfo(name, NULL, &hints, &res))
		return 0;
	for (ai = res; ai && n < max; ai = ai->ai_next) {
		memset(out[n].addr, 0, sizeof(out[n].addr));
		if (ai->ai_family == AF_INET)
			memcpy(out[n].addr, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
		else if (ai->ai_family == AF_INET6)
			memcpy(out[n].addr, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
		else
			continue;
		out[n++].family = ai->ai_family;
	}
	freeaddrinfo(res);
	return n;
}

/* ADDR and PORT (optional for ICMP, which has no ports); -1 after saying what is wrong. */
static int parse_query(int argc, char **argv, struct egress_query *q)
{
	unsigned long port = 0;
	char *end = NULL;

	if (argc < 1 || argc > 2 || (argc == 1 && q->proto != EGRESS_P_ICMP))
		return -1;
	memset(q->addr, 0, sizeof(q->addr));
	if (inet_pton(AF_INET, argv[0], q->addr) == 1) {
		q->family = AF_INET;
	} else if (inet_pton(AF_INET6, argv[0], q->addr) == 1) {
		q->family = AF_INET6;
	} else {
		fprintf(stderr, "iotguardctl: '%s' is not an IPv4 or IPv6 address\n", argv[0]);
		return -1;
	}
	if (argc == 2)
		port = strtoul(argv[1], &end, 10);
	if (argc == 2 && (!*argv[1] || *end || port > 65535)) {
		fprintf(stderr, "iotguardctl: '%s' is not a port (0-65535)\n", argv[1]);
		return -1;
	}
	q->port = (uint16_t)port;
	return 0;
}

static int parse_proto(const char *name, unsigned int *proto)
{
	*proto = !strcmp(name, "tcp") ? EGRESS_P_TCP : !strcmp(name, "udp") ? EGRESS_P_UDP :
		 !strcmp(name, "icmp") ? EGRESS_P_ICMP : 0;
	return *proto ? 0 : -1;
}

/* Exit 0 allowed, 1 denied (in audit mode too: the text says so), 2 usage or error. */
static int cmd_egress_explain(int argc, char **argv)
{
	static const struct option options[] = {
		{ "proto", required_argument, NULL, 'p' },
		{ "service", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct egress_query q = { .proto = EGRESS_P_TCP };
	const char *path = POLICY_DEFAULT_PATH;
	char text[EGRESS_EXPLAIN_TEXT_MAX];
	struct iotguard_policy policy;
	struct egress_decision d;
	struct egress_lock lock;
	struct iotguard_error error;
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'p' && !parse_proto(optarg, &q.proto)) {
			continue;
		} else if (opt == 's') {
			q.service = optarg;
		} else if (opt == 'c') {
			path = optarg;
		} else {
			fprintf(stderr, "iotguardctl: usage: " EXPLAIN_USAGE "\n");
			return EXIT_USAGE;
		}
	}
	if (parse_query(argc - optind, argv + optind, &q)) {
		fprintf(stderr, "iotguardctl: usage: " EXPLAIN_USAGE "\n");
		return EXIT_USAGE;
	}
	if (policy_load(path, &policy, &error)) {
		fprintf(stderr, "iotguardctl: %s\n", error.msg);
		return EXIT_USAGE;
	}
	ret = egress_explain(policy.has_egress ? &policy.egress : NULL, &q, resolve_now, NULL, &d,
			     text, sizeof(text), &error);
	policy_release(&policy);
	if (ret) {
		fprintf(stderr, "iotguardctl: %s: %s\n", path, error.msg);
		return EXIT_USAGE;
	}
	fputs(text, stdout);
	/* explain judges the file; after a lock the kernel also holds the floor. */
	if (!egress_lock_state(&lock) && lock.locked)
		printf("note: locked until reboot: the outbound policy in force at the lock must "
		       "allow it too (iotguardctl status shows that floor)\n");
	return d.allowed ? EXIT_OK : EXIT_FAIL;
}

int cmd_egress(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "explain"))
		return cmd_egress_explain(argc - 1, argv + 1);
	return EXIT_SHOW_USAGE;
}
