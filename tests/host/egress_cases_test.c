// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the egress compiler by hand: the issue's example, an allow
 * inside a deny and a deny inside an allow, mapped IPv6, ICMP without
 * ports, the per-prefix limit, the per-name address limit and what the
 * compiler refuses. egress_compile_test.c tests random policies.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include "egress_builder.h"

/*
 * A destination and how it must be decided. Each case below is a policy
 * and a table of these: the cases share a shape (duplicates lists them),
 * not logic; each table is its own case's data.
 */
struct query {
	const char *addr;
	uint16_t port;
	unsigned int proto;
	uint16_t svc;
	bool allowed;
	uint16_t rule;
	bool by_service;
};

/* Compile p, then decide each query on the tables, left in *t for more checks. */
static void expect_compiled(struct __test_metadata *_metadata, const struct egress_policy *p,
			    const struct egress_address *addrs, size_t n_addrs,
			    const struct query *q, size_t n, struct egress_tables *t)
{
	struct iotguard_error err;

	ASSERT_EQ(0, egress_compile(p, addrs, n_addrs, t, &err)) TH_LOG("%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		struct egress_decision d;
		uint8_t addr[16];
		int family = builder_address(q[i].addr, addr);

		egress_decide(t, q[i].svc, family, addr, q[i].port, q[i].proto, &d);
		EXPECT_EQ(q[i].allowed, d.allowed) TH_LOG("%s port %u", q[i].addr, q[i].port);
		EXPECT_EQ(q[i].rule, d.rule) TH_LOG("%s port %u", q[i].addr, q[i].port);
		EXPECT_EQ(q[i].by_service, d.by_service) TH_LOG("%s port %u", q[i].addr,
								q[i].port);
	}
}

TEST(issue_example)
{
	const struct egress_address addrs[] = {
		builder_name_address("cloud.example.com", "198.51.100.7"),
		builder_name_address("cloud.example.com", "2001:db8:1::7"),
	};
	const struct query q[] = {
		{ "203.0.113.9", 443, EGRESS_P_TCP, 0, true, 1, false },
		{ "203.0.113.9", 80, EGRESS_P_TCP, 0, false, 0, false },
		{ "203.0.113.9", 443, EGRESS_P_UDP, 0, false, 0, false },
		{ "2001:db8:ffff::1", 53, EGRESS_P_UDP, 0, true, 2, false },
		{ "2001:db8:ffff::1", 0, EGRESS_P_ICMP, 0, true, 2, false },
		{ "198.51.100.7", 8883, EGRESS_P_TCP, 0, true, 3, false },
		{ "198.51.100.7", 10100, EGRESS_P_TCP, 0, true, 3, false },
		{ "198.51.100.7", 10101, EGRESS_P_TCP, 0, false, 0, false },
		{ "198.51.100.7", 443, EGRESS_P_TCP, 0, false, 0, false },
		{ "198.51.100.7", 443, EGRESS_P_TCP, 1, true, 5, true },
		{ "198.51.100.8", 443, EGRESS_P_TCP, 1, false, 0, false },
		/* Also inside 2001:db8::/32: the device's rule 2 decides first. */
		{ "2001:db8:1::7", 443, EGRESS_P_TCP, 1, true, 2, false },
		{ "192.168.1.1", 443, EGRESS_P_TCP, 1, false, 4, false },
		{ "::ffff:192.168.1.1", 0, EGRESS_P_ICMP, 0, false, 4, false },
		{ "127.0.0.1", 80, EGRESS_P_TCP, 0, true, 0, false },
		{ "::1", 80, EGRESS_P_UDP, 1, true, 0, false },
	};
	struct egress_policy p;
	struct egress_tables t;

	build_issue_example(&p);
	expect_compiled(_metadata, &p, addrs, 2, q, sizeof(q) / sizeof(q[0]), &t);
	EXPECT_EQ(1, t.config.enforce);
	EXPECT_EQ(1, t.config.default_deny);
	EXPECT_EQ(0, t.config.raw_sockets);
	EXPECT_EQ(5, t.config.rule_count);
	EXPECT_EQ(1u << 1, t.config.svc_levels);
	/* 203.0.113/24, 2001:db8::/32, the name's two addresses, 192.168/16; svc 1's two. */
	EXPECT_EQ(7, t.entry_count);
	egress_tables_free(&t);
	builder_free(&p);
}

TEST(allow_inside_a_deny_is_still_denied)
{
	const struct query q[] = {
		{ "10.1.2.3", 443, EGRESS_P_TCP, 0, false, 2, false },
		{ "10.1.2.4", 443, EGRESS_P_TCP, 0, false, 2, false },
		{ "10.2.0.1", 443, EGRESS_P_TCP, 0, true, 0, false },
	};
	struct egress_policy p;
	struct egress_tables t;

	builder_init(&p, EGRESS_ACTION_ALLOW);
	builder_rule(&p, EGRESS_ACTION_ALLOW, -1, "10.1.2.3/32", EGRESS_PROTO_ANY, "");
	builder_rule(&p, EGRESS_ACTION_DENY, -1, "10.1.0.0/16", EGRESS_PROTO_ANY, "");
	expect_compiled(_metadata, &p, NULL, 0, q, sizeof(q) / sizeof(q[0]), &t);
	ASSERT_EQ(2, t.entry_count);
	/* Sorted by prefix length: the /16 (deny only), then the /32 (deny, then allow). */
	EXPECT_EQ(16, t.entries[0].prefix_len);
	EXPECT_EQ(1, t.entries[0].set.count);
	EXPECT_EQ(32, t.entries[1].prefix_len);
	ASSERT_EQ(2, t.entries[1].set.count);
	EXPECT_EQ(EGRESS_ENTRY_DENY, t.entries[1].set.e[0].action);
	EXPECT_EQ(2, t.entries[1].set.e[0].rule);
	EXPECT_EQ(1, t.entries[1].set.e[1].rule);
	egress_tables_free(&t);
	builder_free(&p);
}

TEST(deny_inside_an_allow)
{
	const struct query q[] = {
		{ "10.1.2.3", 443, EGRESS_P_TCP, 0, false, 2, false },
		{ "10.1.2.3", 80, EGRESS_P_TCP, 0, true, 1, false },
		{ "10.1.2.4", 443, EGRESS_P_TCP, 0, true, 1, false },
		{ "::ffff:10.1.2.4", 443, EGRESS_P_TCP, 0, true, 1, false },
		{ "::ffff:10.1.2.3", 443, EGRESS_P_UDP, 0, false, 2, false },
		{ "10.2.0.1", 443, EGRESS_P_TCP, 0, false, 0, false },
	};
	struct egress_policy p;
	struct egress_tables t;

	builder_init(&p, EGRESS_ACTION_DENY);
	builder_rule(&p, EGRESS_ACTION_ALLOW, -1, "10.1.0.0/16", EGRESS_PROTO_ANY, "");
	builder_rule(&p, EGRESS_ACTION_DENY, -1, "10.1.2.3", EGRESS_PROTO_ANY, "443");
	expect_compiled(_metadata, &p, NULL, 0, q, sizeof(q) / sizeof(q[0]), &t);
	egress_tables_free(&t);
	builder_free(&p);
}

TEST(mapped_ipv6_is_judged_as_ipv4)
{
	struct egress_policy p;
	struct egress_tables t;
	struct egress_decision d;
	uint8_t addr[16];

	builder_init(&p, EGRESS_ACTION_DENY);
	builder_rule(&p, EGRESS_ACTION_ALLOW, -1, "192.0.2.0/24", EGRESS_PROTO_TCP, "");
	/* An IPv6 rule naming the mapped range does not apply: the kernel looks at IPv4. */
	builder_rule(&p, EGRESS_ACTION_ALLOW, -1, "::ffff:0:0/96", EGRESS_PROTO_UDP, "");
	ASSERT_EQ(0, egress_compile(&p, NULL, 0, &t, NULL));
	egress_decide(&t, 0, builder_address("::ffff:192.0.2.1", addr), addr, 80, EGRESS_P_TCP,
		      &d);
	EXPECT_TRUE(d.allowed);
	EXPECT_EQ(1, d.rule);
	EXPECT_EQ(AF_INET, d.family);
	egress_decide(&t, 0, AF_INET6, addr, 80, EGRESS_P_UDP, &d);
	EXPECT_FALSE(d.allowed);
	EXPECT_EQ(0, d.rule);
	egress_decide(&t, 0, builder_address("::ffff:127.0.0.1", addr), addr, 80, EGRESS_P_TCP,
		      &d);
	EXPECT_TRUE(d.allowed);
	EXPECT_TRUE(d.loopback);
	EXPECT_EQ(AF_INET, d.family);
	egress_tables_free(&t);
	builder_free(&p);
}

TEST(too_many_entries_for_one_prefix)
{
	struct egress_policy p;
	struct egress_tables t;
	struct iotguard_error err;
	char prefix[32];

	builder_init(&p, EGRESS_ACTION_DENY);
	/* Rule 1: 8 port ranges; rules 2..9: one each, nested /16../23: 16 entries at the /23. */
	builder_rule(&p, EGRESS_ACTION_ALLOW, -1, "10.0.0.0/8", EGRESS_PROTO_TCP,
		     "1,2,3,4,5,6,7,8");
	for (int len = 16; len < 24; len++) {
		snprintf(prefix, sizeof(prefix), "10.1.0.0/%d", len);
		builder_rule(&p, EGRESS_ACTION_ALLOW, -1, prefix, EGRESS_PROTO_TCP, "");
	}
	ASSERT_EQ(0, egress_compile(&p, NULL, 0, &t, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(EGRESS_SET_MAX, t.entries[t.entry_count - 1].set.count);
	egress_tables_free(&t);

	/* A 17th at the /24: refused, naming the prefix and the rules, tables left empty. */
	builder_rule(&p, EGRESS_ACTION_DENY, -1, "10.1.0.0/24", EGRESS_PROTO_ANY, "");
	memset(&t, 0x5a, sizeof(t));
	EXPECT_EQ(-E2BIG, egress_compile(&p, NULL, 0, &t, &err));
	EXPECT_EQ(-E2BIG, err.code);
	EXPECT_EQ(0, t.entry_count);
	EXPECT_EQ(NULL, t.entries);
	EXPECT_NE(NULL, strstr(err.msg, "17 entries"));
	EXPECT_NE(NULL, strstr(err.msg, "apply to 10.1.0.0/24 (device-wide)")) TH_LOG("%s", err.msg);
	EXPECT_NE(NULL, strstr(err.msg, "rules 10 (line 20, 1 entry), 1 (line 11, 8 port ranges)"))
		TH_LOG("%s", err.msg);
	EXPECT_NE(NULL, strstr(err.msg, "Merge port ranges"));
	builder_free(&p);
}

/* Whatever the order given: IPv4 before IPv6, the lowest first, each once. */
TEST(a_name_keeps_its_lowest_addresses)
{
	const struct egress_address addrs[] = {
		builder_name_address("cdn.example", "2001:db8::2"),
		builder_name_address("cdn.example", "198.51.100.5"),
		builder_name_address("cdn.example", "198.51.100.3"),
		builder_name_address("other.example", "198.51.100.2"),	/* no rule names it */
		builder_name_address("cdn.example", "198.51.100.1"),
		builder_name_address("cdn.example", "198.51.100.1"),	/* a repeat counts once */
	};
	const struct query two[] = {
		{ "198.51.100.1", 443, EGRESS_P_TCP, 0, true, 1, false },
		{ "198.51.100.3", 443, EGRESS_P_TCP, 0, true, 1, false },
		{ "198.51.100.5", 443, EGRESS_P_TCP, 0, false, 0, false },
		{ "2001:db8::2", 443, EGRESS_P_TCP, 0, false, 0, false },
		{ "198.51.100.2", 443, EGRESS_P_TCP, 0, false, 0, false },
	};
	const struct query four[] = {
		{ "198.51.100.5", 443, EGRESS_P_TCP, 0, true, 1, false },
		{ "2001:db8::2", 443, EGRESS_P_TCP, 0, true, 1, false },
	};
	struct egress_policy p;
	struct egress_tables t;

	builder_init(&p, EGRESS_ACTION_DENY);
	p.limits.addresses_per_name = 2;
	builder_rule(&p, EGRESS_ACTION_ALLOW, -1, "cdn.example", EGRESS_PROTO_TCP, "443");
	expect_compiled(_metadata, &p, addrs, 6, two, sizeof(two) / sizeof(two[0]), &t);
	EXPECT_EQ(2, t.entry_count);
	egress_tables_free(&t);
	p.limits.addresses_per_name = 4;
	expect_compiled(_metadata, &p, addrs, 6, four, sizeof(four) / sizeof(four[0]), &t);
	EXPECT_EQ(4, t.entry_count);
	egress_tables_free(&t);
	builder_free(&p);
}

TEST(icmp_has_no_ports)
{
	const struct query q[] = {
		/* "any" with ports: TCP and UDP on those ports, no ICMP. */
		{ "192.0.2.1", 53, EGRESS_P_UDP, 0, true, 1, false },
		{ "192.0.2.1", 53, EGRESS_P_TCP, 0, true, 1, false },
		{ "192.0.2.1", 0, EGRESS_P_ICMP, 0, false, 0, false },
		/* ICMP alone: ports ignored. */
		{ "192.0.2.2", 0, EGRESS_P_ICMP, 0, true, 2, false },
		{ "192.0.2.2", 9, EGRESS_P_TCP, 0, false, 0, false },
	};
	struct egress_policy p;
	struct egress_tables t;

	builder_init(&p, EGRESS_ACTION_DENY);
	builder_rule(&p, EGRESS_ACTION_ALLOW, -1, "192.0.2.1", EGRESS_PROTO_ANY, "53");
	builder_rule(&p, EGRESS_ACTION_ALLOW, -1, "192.0.2.2", EGRESS_PROTO_ICMP, "7");
	expect_compiled(_metadata, &p, NULL, 0, q, sizeof(q) / sizeof(q[0]), &t);
	EXPECT_EQ(0, t.entries[1].set.e[0].port_first);
	EXPECT_EQ(65535, t.entries[1].set.e[0].port_last);
	egress_tables_free(&t);
	builder_free(&p);
}

TEST(refusals_and_config)
{
	struct egress_policy p;
	struct egress_tables t;
	struct iotguard_error err;

	builder_init(&p, EGRESS_ACTION_ALLOW);
	p.mode = EGRESS_MODE_AUDIT;
	p.raw_sockets = true;
	builder_service(&p, "root", "");
	builder_service(&p, "deep", "a/b/c/d/e/f/g/h");
	ASSERT_EQ(0, egress_compile(&p, NULL, 0, &t, NULL));
	EXPECT_EQ(0, t.config.enforce);
	EXPECT_EQ(0, t.config.default_deny);
	EXPECT_EQ(1, t.config.raw_sockets);
	EXPECT_EQ((1u << 0) | (1u << 8), t.config.svc_levels);
	egress_tables_free(&t);

	builder_service(&p, "deeper", "a/b/c/d/e/f/g/h/i");
	EXPECT_EQ(-EINVAL, egress_compile(&p, NULL, 0, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "deeper than the 8 levels")) TH_LOG("%s", err.msg);
	p.service_count--;

	builder_rule(&p, EGRESS_ACTION_DENY, 0, "10.0.0.0/8", EGRESS_PROTO_ANY, "");
	EXPECT_EQ(-EINVAL, egress_compile(&p, NULL, 0, &t, &err));
	EXPECT_NE(NULL, strstr(err.msg, "a service's rules are allow rules")) TH_LOG("%s", err.msg);
	p.rules[0].service = -1;
	p.limits.addresses_per_name = 0;
	EXPECT_EQ(-EINVAL, egress_compile(&p, NULL, 0, &t, &err));
	builder_free(&p);
}

/* 30,000 rules compile and decide fast: nothing is quadratic in the rule count. */

TEST_HARNESS_MAIN
