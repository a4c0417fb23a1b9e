// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the outbound refusals' words and JSON (egress_events.c):
 * each kind of event (a destination, a raw or link-layer socket, a tun
 * device, a family the policy does not name), audit mode, names from the
 * policy, and a process name that carries control characters.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "egress_events.h"

static struct egress_event event(int hook, int family, int type, int proto)
{
	struct egress_event ev = {
		.pid = 412, .hook = (__u8)hook, .family = (__u8)family, .sock_type = (__u8)type,
		.proto = (__u8)proto,
	};

	strcpy(ev.comm, "malware");
	return ev;
}

static const char *format(const struct egress_event *ev, const struct egress_policy *policy)
{
	static char out[512];

	egress_event_format(ev, policy, out, sizeof(out));
	return out;
}

TEST(destination_refused_by_rule_and_default)
{
	struct egress_event ev = event(EGRESS_HOOK_CONNECT, AF_INET, SOCK_STREAM, IPPROTO_TCP);
	struct egress_rule rules[2] = { { .line = 7 }, { .line = 9 } };
	struct egress_service svc = { .name = "camera" };
	struct egress_policy policy = {
		.rules = rules, .rule_count = 2, .services = &svc, .service_count = 1,
	};

	inet_pton(AF_INET, "203.0.113.9", ev.addr);
	ev.port = 80;
	EXPECT_STREQ("outbound: refused tcp to 203.0.113.9 port 80: pid 412 (malware), no "
		     "service, by the default", format(&ev, NULL));
	ev.rule = 2;
	ev.svc = 1;
	EXPECT_STREQ("outbound: refused tcp to 203.0.113.9 port 80: pid 412 (malware), service "
		     "camera, by rule 2 (line 9)", format(&ev, &policy));
	ev.allowed = 1;
	EXPECT_NE(NULL, strstr(format(&ev, &policy), "would refuse (audit mode) tcp"));
}

TEST(sockets_refused_at_creation)
{
	struct egress_event ev = event(EGRESS_HOOK_SOCKET, AF_INET, SOCK_RAW, IPPROTO_UDP);

	EXPECT_STREQ("outbound: refused a raw IP socket (protocol 17): pid 412 (malware), no "
		     "service, by raw_sockets is false", format(&ev, NULL));
	ev = event(EGRESS_HOOK_SOCKET, 26 /* AF_LLC */, SOCK_DGRAM, 0);
	EXPECT_STREQ("outbound: refused a link-layer (family 26) socket (protocol 0): pid 412 "
		     "(malware), no service, by raw_sockets is false", format(&ev, NULL));
	ev = event(EGRESS_HOOK_SOCKET, 0, 0, 0);
	EXPECT_STREQ("outbound: refused a tun/tap device: pid 412 (malware), no service, by "
		     "raw_sockets is false", format(&ev, NULL));
}

TEST(family_not_named)
{
	struct egress_event ev = event(EGRESS_HOOK_FAMILY, 31 /* AF_BLUETOOTH */, SOCK_RAW, 1);
	json_object *obj, *v;

	EXPECT_STREQ("outbound: refused a socket of family bluetooth (type 3, protocol 1): pid "
		     "412 (malware), no service, by families, which does not name it",
		     format(&ev, NULL));
	obj = egress_event_json(&ev, NULL);
	ASSERT_TRUE(json_object_object_get_ex(obj, "hook", &v));
	EXPECT_STREQ("family", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(obj, "family", &v));
	EXPECT_STREQ("bluetooth", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(obj, "socket_type", &v));
	EXPECT_EQ(SOCK_RAW, json_object_get_int(v));
	EXPECT_FALSE(json_object_object_get_ex(obj, "destination", NULL));
	json_object_put(obj);
	/* A number no name is known for (a later kernel's family). */
	ev.family = 50;
	EXPECT_NE(NULL, strstr(format(&ev, NULL), "a socket of family 50 (type 3, protocol 1)"));
}

/* The process chose its name: no control character reaches a log line. */
TEST(comm_control_characters_replaced)
{
	struct egress_event ev = event(EGRESS_HOOK_FAMILY, 29, SOCK_RAW, 1);

	memcpy(ev.comm, "a\nb\x1b[0m\x7f", 9);
	EXPECT_NE(NULL, strstr(format(&ev, NULL), "pid 412 (a?b?[0m?)")) TH_LOG("%s",
									      format(&ev, NULL));
}

TEST_HARNESS_MAIN
