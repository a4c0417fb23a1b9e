// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of egress_explain: the words for each way a destination is
 * decided (a deny, an allow by a prefix, by a name, by a service's rule, the
 * default, loopback, no policy), and the notes (a name that did not
 * resolve, a name over its address limit, mapped IPv6, audit mode).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include "egress_builder.h"
#include "egress_explain.h"

/* A resolver that knows a few names; the rest do not resolve. */
struct fake_dns {
	const char *name;
	const char *addrs[4];
};

static size_t fake_resolve(const char *name, struct egress_address *out, size_t max, void *ctx)
{
	const struct fake_dns *dns = ctx;
	size_t n = 0;

	for (; dns && dns->name; dns++) {
		if (strcmp(dns->name, name))
			continue;
		for (size_t i = 0; i < 4 && dns->addrs[i] && n < max; i++, n++)
			out[n].family = builder_address(dns->addrs[i], out[n].addr);
	}
	return n;
}

static const struct fake_dns cloud[] = {
	{ "cloud.example.com", { "198.51.100.7", "2001:db8:1::7" } },
	{ NULL, { NULL } },
};

/* The issue's example with the lines of README's copy of it. */
static void readme_example(struct egress_policy *p)
{
	static const int lines[] = { 6, 7, 8, 10, 14 };

	build_issue_example(p);
	for (size_t i = 0; i < p->rule_count; i++)
		p->rules[i].line = lines[i];
}

static int explain(const struct egress_policy *p, const struct fake_dns *dns, const char *addr,
		   uint16_t port, unsigned int proto, const char *service,
		   struct egress_decision *d, char *text, struct iotguard_error *err)
{
	struct egress_query q = { .port = port, .proto = proto, .service = service };

	q.family = builder_address(addr, q.addr);
	return egress_explain(p, &q, fake_resolve, (void *)dns, d, text, EGRESS_EXPLAIN_TEXT_MAX,
			      err);
}

FIXTURE(explain) {
	struct egress_policy policy;
	struct egress_decision d;
	struct iotguard_error err;
	char text[EGRESS_EXPLAIN_TEXT_MAX];
};

FIXTURE_SETUP(explain)
{
	readme_example(&self->policy);
}

FIXTURE_TEARDOWN(explain)
{
	builder_free(&self->policy);
}

/* Explained as want says, with the decision want_allowed. */
static void expect_text(struct __test_metadata *_metadata, FIXTURE_DATA(explain) *self,
			const char *addr, uint16_t port, unsigned int proto, const char *service,
			bool want_allowed, const char *want)
{
	ASSERT_EQ(0, explain(&self->policy, cloud, addr, port, proto, service, &self->d,
			     self->text, &self->err)) TH_LOG("%s", self->err.msg);
	EXPECT_STREQ(want, self->text);
	EXPECT_EQ(want_allowed, self->d.allowed);
}

TEST_F(explain, a_deny)
{
	expect_text(_metadata, self, "192.168.1.10", 443, EGRESS_P_TCP, NULL, false,
		    "denied by rule 4 (line 10: deny 192.168.0.0/16 any): a matching deny wins "
		    "over any allow\n");
	EXPECT_EQ(4, self->d.rule);
}

TEST_F(explain, an_allow_by_prefix_and_by_name)
{
	expect_text(_metadata, self, "203.0.113.9", 443, EGRESS_P_TCP, NULL, true,
		    "allowed by rule 1 (line 6: allow 203.0.113.0/24 tcp 443)\n");
	expect_text(_metadata, self, "198.51.100.7", 8883, EGRESS_P_TCP, NULL, true,
		    "allowed by rule 3 (line 8: allow cloud.example.com tcp 8883,10000-10100; "
		    "198.51.100.7 is one of its addresses)\n");
}

TEST_F(explain, a_services_rule)
{
	expect_text(_metadata, self, "198.51.100.7", 443, EGRESS_P_TCP, "camera", true,
		    "allowed by service camera's rule 5 (line 14: allow cloud.example.com tcp "
		    "443; 198.51.100.7 is one of its addresses)\n");
	EXPECT_TRUE(self->d.by_service);
}

TEST_F(explain, the_default)
{
	expect_text(_metadata, self, "203.0.113.9", 80, EGRESS_P_TCP, NULL, false,
		    "denied by the default (no rule names 203.0.113.9 tcp 80)\n");
	expect_text(_metadata, self, "203.0.113.9", 53, EGRESS_P_UDP, "camera", false,
		    "denied by the default (no rule, device-wide or service camera's, names "
		    "203.0.113.9 udp 53)\n");
	self->policy.default_action = EGRESS_ACTION_ALLOW;
	expect_text(_metadata, self, "198.51.100.9", 0, EGRESS_P_ICMP, NULL, true,
		    "allowed by the default (no rule names 198.51.100.9 icmp)\n");
}

TEST_F(explain, loopback_and_mapped_ipv6)
{
	expect_text(_metadata, self, "127.0.0.1", 80, EGRESS_P_TCP, NULL, true,
		    "allowed: loopback is always allowed\n");
	EXPECT_TRUE(self->d.loopback);
	expect_text(_metadata, self, "::ffff:192.168.1.10", 0, EGRESS_P_ICMP, NULL, false,
		    "denied by rule 4 (line 10: deny 192.168.0.0/16 any): a matching deny wins "
		    "over any allow\n"
		    "note: ::ffff:192.168.1.10 is an IPv4-mapped IPv6 address: judged as "
		    "192.168.1.10\n");
}

TEST_F(explain, no_policy)
{
	ASSERT_EQ(0, explain(NULL, cloud, "192.168.1.10", 22, EGRESS_P_TCP, NULL, &self->d,
			     self->text, &self->err));
	EXPECT_STREQ("no outbound policy: everything is allowed\n", self->text);
	EXPECT_TRUE(self->d.allowed);
}

TEST_F(explain, a_name_that_did_not_resolve)
{
	ASSERT_EQ(0, explain(&self->policy, NULL, "198.51.100.7", 8883, EGRESS_P_TCP, NULL,
			     &self->d, self->text, &self->err));
	EXPECT_STREQ("denied by the default (no rule names 198.51.100.7 tcp 8883)\n"
		     "note: cloud.example.com did not resolve: its rules match no address\n",
		     self->text);
}

TEST_F(explain, a_name_over_its_limit)
{
	static const struct fake_dns many[] = {
		{ "cloud.example.com", { "198.51.100.9", "198.51.100.8", "198.51.100.7" } },
		{ NULL, { NULL } },
	};

	self->policy.limits.addresses_per_name = 2;
	ASSERT_EQ(0, explain(&self->policy, many, "198.51.100.9", 8883, EGRESS_P_TCP, NULL,
			     &self->d, self->text, &self->err));
	EXPECT_STREQ("denied by the default (no rule names 198.51.100.9 tcp 8883)\n"
		     "note: cloud.example.com resolved to 3 addresses; 2 are enforced, IPv4 "
		     "first, the lowest first (egress.limits.addresses_per_name)\n", self->text);
}

TEST_F(explain, audit_mode)
{
	self->policy.mode = EGRESS_MODE_AUDIT;
	expect_text(_metadata, self, "203.0.113.9", 80, EGRESS_P_TCP, NULL, false,
		    "denied by the default (no rule names 203.0.113.9 tcp 80)\n"
		    "note: audit mode: the connection is reported, not refused\n");
}

TEST_F(explain, rules_as_the_file_puts_them)
{
	builder_rule(&self->policy, EGRESS_ACTION_ALLOW, 0, "2001:db8::5", EGRESS_PROTO_ICMP, "");
	builder_rule(&self->policy, EGRESS_ACTION_ALLOW, 0, "10.0.0.0/8",
		     EGRESS_PROTO_TCP | EGRESS_PROTO_UDP, "53,5353-5355");
	self->policy.rules[5].line = 15;
	self->policy.rules[6].line = 16;
	expect_text(_metadata, self, "2001:db8::5", 0, EGRESS_P_ICMP, "camera", true,
		    "allowed by rule 2 (line 7: allow 2001:db8::/32 any)\n");
	expect_text(_metadata, self, "10.9.8.7", 5354, EGRESS_P_UDP, "camera", true,
		    "allowed by service camera's rule 7 (line 16: allow 10.0.0.0/8 tcp/udp "
		    "53,5353-5355)\n");
	self->policy.rules[1].prefix_len = 48;
	expect_text(_metadata, self, "2001:db8::5", 0, EGRESS_P_ICMP, "camera", true,
		    "allowed by rule 2 (line 7: allow 2001:db8::/48 any)\n");
	self->policy.rules[1].action = EGRESS_ACTION_DENY;
	self->policy.rules[1].protos = EGRESS_PROTO_TCP;
	expect_text(_metadata, self, "2001:db8::5", 0, EGRESS_P_ICMP, "camera", true,
		    "allowed by service camera's rule 6 (line 15: allow 2001:db8::5 icmp)\n");
}

TEST_F(explain, refusals)
{
	EXPECT_EQ(-EINVAL, explain(&self->policy, cloud, "10.0.0.1", 80, EGRESS_P_TCP, "doorbell",
				   &self->d, self->text, &self->err));
	EXPECT_STREQ("the outbound policy has no service named 'doorbell' (1 services)",
		     self->err.msg);
	EXPECT_STREQ("", self->text);
	/* The compiler's refusal is passed on. */
	self->policy.limits.addresses_per_name = 0;
	EXPECT_EQ(-EINVAL, explain(&self->policy, cloud, "10.0.0.1", 80, EGRESS_P_TCP, NULL,
				   &self->d, self->text, &self->err));
	EXPECT_NE(NULL, strstr(self->err.msg, "addresses_per_name"));
}

TEST_F(explain, short_buffer_is_cut_not_overflowed)
{
	struct egress_query q = { .port = 80, .proto = EGRESS_P_TCP };
	char small[12];

	memset(small, 'x', sizeof(small));
	q.family = builder_address("192.168.1.10", q.addr);
	ASSERT_EQ(0, egress_explain(&self->policy, &q, fake_resolve, (void *)cloud, &self->d,
				    small, 8, &self->err));
	EXPECT_STREQ("denied ", small);
	EXPECT_EQ('x', small[8]);
}

TEST_HARNESS_MAIN
