// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the policy's egress section: the issue's example and
 * the shipped example parse to exactly the rules they state, numbered as
 * egress_policy.h says; the limits hold (the bad values are in
 * policy_egress_errors_test.c). Built with ASan and UBSan; each test ends
 * with a leak check. The tests open alike (a policy's text, then what it
 * must parse to): data, not logic, which is load() in policy_lib.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "egress_family.h"
#include "policy.h"
#include "policy_lib.h"

static void expect_prefix(struct __test_metadata *_metadata, const struct egress_rule *rule,
			  int family, const char *addr, unsigned int prefix_len)
{
	uint8_t want[16] = { 0 };

	ASSERT_EQ(1, inet_pton(family, addr, want));
	EXPECT_EQ(EGRESS_TARGET_PREFIX, rule->kind);
	EXPECT_EQ(family, rule->family);
	EXPECT_EQ(prefix_len, rule->prefix_len);
	EXPECT_EQ(0, memcmp(want, rule->addr, sizeof(want)));
}

static void expect_ports(struct __test_metadata *_metadata, const struct egress_rule *rule,
			 size_t count, const uint16_t *first_last)
{
	ASSERT_EQ(count, rule->port_count);
	for (size_t i = 0; i < count; i++) {
		EXPECT_EQ(first_last[2 * i], rule->ports[i].first);
		EXPECT_EQ(first_last[2 * i + 1], rule->ports[i].last);
	}
}

/* The issue's example, word for word, from line 2. */
static const char issue_example[] =
	"version = 1;\n"
	"egress = {\n"
	"  mode = \"enforce\";            # \"enforce\" | \"audit\"\n"
	"  default = \"deny\";\n"
	"  allow = (\n"
	"    { to = \"203.0.113.0/24\"; ports = [ 443 ]; proto = \"tcp\"; },\n"
	"    { to = \"2001:db8::/32\"; proto = \"any\"; },\n"
	"    { to = \"cloud.example.com\"; ports = [ \"8883\", \"10000-10100\" ]; "
	"proto = \"tcp\"; }\n"
	"  );\n"
	"  deny = ( { to = \"192.168.0.0/16\"; proto = \"any\"; } );   # a matching deny wins\n"
	"  raw_sockets = false;         # raw IP and packet sockets, device-wide\n"
	"  services = (\n"
	"    { name = \"camera\"; cgroup = \"camera\"; raw_sockets = false;\n"
	"      allow = ( { to = \"cloud.example.com\"; ports = [ 443 ]; proto = \"tcp\"; } ); }\n"
	"  );\n"
	"};\n";

/* A rule as a test states it: to is an address ("/len" apart) or a name. */
struct want_rule {
	enum egress_action action;
	int family;			/* 0: a name */
	const char *to;
	unsigned int prefix_len;
	uint32_t protos;
	size_t port_count;
	uint16_t ports[4];		/* first, last, first, last */
	int service;
	int line;
};

static void expect_rule(struct __test_metadata *_metadata, const struct egress_rule *r,
			uint32_t id, const struct want_rule *w)
{
	EXPECT_EQ(id, r->id);
	EXPECT_EQ(w->action, r->action);
	if (w->family) {
		expect_prefix(_metadata, r, w->family, w->to, w->prefix_len);
	} else {
		EXPECT_EQ(EGRESS_TARGET_NAME, r->kind);
		EXPECT_STREQ(w->to, r->name);
	}
	EXPECT_EQ(w->protos, r->protos);
	expect_ports(_metadata, r, w->port_count, w->ports);
	EXPECT_EQ(w->service, r->service);
	EXPECT_EQ(w->line, r->line);
}

TEST_F(policy, issue_example_parses_to_its_rules)
{
	static const struct want_rule want[] = {
		{ EGRESS_ACTION_ALLOW, AF_INET, "203.0.113.0", 24, EGRESS_PROTO_TCP,
		  1, { 443, 443 }, -1, 6 },
		{ EGRESS_ACTION_ALLOW, AF_INET6, "2001:db8::", 32, EGRESS_PROTO_ANY,
		  0, { 0 }, -1, 7 },
		{ EGRESS_ACTION_ALLOW, 0, "cloud.example.com", 0, EGRESS_PROTO_TCP,
		  2, { 8883, 8883, 10000, 10100 }, -1, 8 },
		{ EGRESS_ACTION_DENY, AF_INET, "192.168.0.0", 16, EGRESS_PROTO_ANY,
		  0, { 0 }, -1, 10 },
		{ EGRESS_ACTION_ALLOW, 0, "cloud.example.com", 0, EGRESS_PROTO_TCP,
		  1, { 443, 443 }, 0, 14 },
	};
	const struct egress_policy *e = &self->policy.egress;

	ASSERT_TRUE(load(_metadata, self, issue_example));
	ASSERT_TRUE(self->policy.has_egress);
	EXPECT_EQ(2, e->line);
	EXPECT_EQ(EGRESS_MODE_ENFORCE, e->mode);
	EXPECT_EQ(EGRESS_ACTION_DENY, e->default_action);
	EXPECT_FALSE(e->raw_sockets);
	EXPECT_EQ(EGRESS_DEFAULT_MAX_RULES, e->limits.rules);
	EXPECT_EQ(EGRESS_DEFAULT_MAX_NAMES, e->limits.names);
	EXPECT_EQ(EGRESS_DEFAULT_MAX_SERVICES, e->limits.services);
	EXPECT_EQ(EGRESS_DEFAULT_MAX_ADDRESSES_PER_NAME, e->limits.addresses_per_name);
	ASSERT_EQ(sizeof(want) / sizeof(want[0]), e->rule_count);
	for (size_t i = 0; i < e->rule_count; i++)
		expect_rule(_metadata, &e->rules[i], (uint32_t)i + 1, &want[i]);
	ASSERT_EQ(1, e->service_count);
	EXPECT_STREQ("camera", e->services[0].name);
	EXPECT_STREQ("camera", e->services[0].cgroup);
	EXPECT_FALSE(e->services[0].raw_sockets);
	EXPECT_EQ(13, e->services[0].line);
}

TEST_F(policy, absent_section_means_no_outbound_policy)
{
	ASSERT_TRUE(load(_metadata, self, "version = 1;\n"));
	EXPECT_FALSE(self->policy.has_egress);
	EXPECT_EQ(NULL, self->policy.egress.rules);
	EXPECT_EQ(0, self->policy.egress.rule_count);
	EXPECT_EQ(NULL, self->policy.egress.services);
}

TEST_F(policy, empty_section_is_enforce_default_deny)
{
	const struct egress_policy *e = &self->policy.egress;

	ASSERT_TRUE(load(_metadata, self, "egress = {\n  allow = [];\n};\n"));
	ASSERT_TRUE(self->policy.has_egress);
	EXPECT_EQ(EGRESS_MODE_ENFORCE, e->mode);
	EXPECT_EQ(EGRESS_ACTION_DENY, e->default_action);
	EXPECT_FALSE(e->raw_sockets);
	EXPECT_EQ(0, e->rule_count);
	EXPECT_EQ(0, e->service_count);
	EXPECT_EQ(EGRESS_DEFAULT_MAX_RULES, e->limits.rules);

	EXPECT_EQ(0, e->families);

	ASSERT_TRUE(load(_metadata, self, "egress = {\n  mode = \"audit\";\n  default = \"allow\";\n"
			 "  raw_sockets = true;\n};\n"));
	EXPECT_EQ(EGRESS_MODE_AUDIT, e->mode);
	EXPECT_EQ(EGRESS_ACTION_ALLOW, e->default_action);
	EXPECT_TRUE(e->raw_sockets);
}

/* families: by name into bits (the kernel's AF_* numbers), device-wide and per service. */
TEST_F(policy, families_are_named)
{
	const struct egress_policy *e = &self->policy.egress;
	char text[128];

	ASSERT_TRUE(load(_metadata, self, "egress = {\n  families = [ \"bluetooth\", \"can\" ];\n"
			 "  services = ( { name = \"car\"; families = [ \"vsock\", \"rds\" ]; },\n"
			 "    { name = \"none\"; families = [ ]; } );\n};\n"));
	EXPECT_EQ(1ull << 31 | 1ull << 29, e->families);
	ASSERT_EQ(2, e->service_count);
	EXPECT_EQ(1ull << 40 | 1ull << 21, e->services[0].families);
	EXPECT_EQ(0, e->services[1].families);
	egress_families_text(e->families, text, sizeof(text));
	EXPECT_STREQ("can, bluetooth", text);
	/* Truncated, always terminated. */
	egress_families_text(e->families, text, 6);
	EXPECT_STREQ("can, ", text);
	egress_families_text(0, text, sizeof(text));
	EXPECT_STREQ("", text);
	EXPECT_STREQ("qipcrtr", egress_family_name(42));
	EXPECT_EQ(NULL, egress_family_name(0));
	EXPECT_EQ(NULL, egress_family_name(EGRESS_FAMILY_NAMES));
}

/* Device allow, device deny, each service's allow: whatever the file's order. */
TEST_F(policy, rules_are_numbered_allow_deny_then_services)
{
	const struct egress_policy *e = &self->policy.egress;

	ASSERT_TRUE(load(_metadata, self,
			 "egress = {\n"
			 "  services = (\n"
			 "    { name = \"b\"; allow = ( { to = \"10.0.0.2\"; } ); },\n"
			 "    { name = \"a\"; allow = ( { to = \"10.0.0.3\"; },\n"
			 "                            { to = \"10.0.0.4\"; } ); }\n"
			 "  );\n"
			 "  deny = ( { to = \"10.0.0.1\"; } );\n"
			 "  allow = ( { to = \"10.0.0.0\"; } );\n"
			 "  limits = { rules = 5; };\n"
			 "};\n"));
	ASSERT_EQ(5, e->rule_count);
	for (size_t i = 0; i < e->rule_count; i++) {
		EXPECT_EQ(i + 1, e->rules[i].id);
		/* The last byte of each address is its position in the numbering. */
		EXPECT_EQ(i, e->rules[i].addr[3]);
		EXPECT_EQ(32, e->rules[i].prefix_len);
	}
	EXPECT_EQ(EGRESS_ACTION_ALLOW, e->rules[0].action);
	EXPECT_EQ(-1, e->rules[0].service);
	EXPECT_EQ(8, e->rules[0].line);
	EXPECT_EQ(EGRESS_ACTION_DENY, e->rules[1].action);
	EXPECT_EQ(-1, e->rules[1].service);
	EXPECT_EQ(7, e->rules[1].line);
	EXPECT_EQ(0, e->rules[2].service);
	EXPECT_EQ(3, e->rules[2].line);
	EXPECT_EQ(1, e->rules[3].service);
	EXPECT_EQ(1, e->rules[4].service);
	EXPECT_EQ(5, e->rules[4].line);
	ASSERT_EQ(2, e->service_count);
	EXPECT_STREQ("b", e->services[0].name);
	EXPECT_STREQ("iotguard/b", e->services[0].cgroup);
	EXPECT_STREQ("iotguard/a", e->services[1].cgroup);
}

TEST_F(policy, destinations_in_every_form)
{
	const struct egress_rule *r = self->policy.egress.rules;

	ASSERT_TRUE(load(_metadata, self,
			 "egress = { allow = (\n"
			 "  { to = \"192.0.2.7\"; },\n"
			 "  { to = \"2001:db8::1\"; },\n"
			 "  { to = \"::ffff:192.0.2.9\"; },\n"
			 "  { to = \"::ffff:198.51.100.0/120\"; },\n"
			 "  { to = \"::ffff:0:0/96\"; },\n"
			 "  { to = \"0.0.0.0/0\"; },\n"
			 "  { to = \"::/0\"; },\n"
			 "  { to = \"Cloud.Example.COM.\"; },\n"
			 "  { to = \"localhost\"; },\n"
			 "  { to = \"a-1.b2.example\"; }\n"
			 "); };\n"));
	r = self->policy.egress.rules;
	ASSERT_EQ(10, self->policy.egress.rule_count);
	expect_prefix(_metadata, &r[0], AF_INET, "192.0.2.7", 32);
	expect_prefix(_metadata, &r[1], AF_INET6, "2001:db8::1", 128);
	/* IPv4-mapped IPv6 is what the kernel judges as IPv4: stored as such. */
	expect_prefix(_metadata, &r[2], AF_INET, "192.0.2.9", 32);
	expect_prefix(_metadata, &r[3], AF_INET, "198.51.100.0", 24);
	expect_prefix(_metadata, &r[4], AF_INET, "0.0.0.0", 0);
	expect_prefix(_metadata, &r[5], AF_INET, "0.0.0.0", 0);
	expect_prefix(_metadata, &r[6], AF_INET6, "::", 0);
	EXPECT_EQ(EGRESS_TARGET_NAME, r[7].kind);
	EXPECT_STREQ("cloud.example.com", r[7].name);
	EXPECT_STREQ("localhost", r[8].name);
	EXPECT_STREQ("a-1.b2.example", r[9].name);
}

TEST_F(policy, protocols_and_ports)
{
	const struct egress_rule *r;
	static const uint16_t dns[] = { 53, 53 };
	static const uint16_t ranges[] = { 1, 1, 65535, 65535, 20, 21, 100, 200, 7, 7, 8, 8,
					   9, 9, 10, 10 };

	ASSERT_TRUE(load(_metadata, self,
			 "egress = { allow = (\n"
			 "  { to = \"192.0.2.1\"; ports = [ 53 ]; },\n"
			 "  { to = \"192.0.2.2\"; ports = [ 53 ]; proto = \"any\"; },\n"
			 "  { to = \"192.0.2.3\"; ports = ( 53 ); proto = \"udp\"; },\n"
			 "  { to = \"192.0.2.4\"; proto = \"icmp\"; },\n"
			 "  { to = \"192.0.2.5\"; },\n"
			 "  { to = \"192.0.2.6\"; ports = ( 1, \"65535\", \"20-21\", \"100-200\", 7, 8,"
			 " 9, \"10-10\" ); }\n"
			 "); };\n"));
	r = self->policy.egress.rules;
	ASSERT_EQ(6, self->policy.egress.rule_count);
	/* Ports are TCP's and UDP's: "any" (stated or not) with ports means those two. */
	EXPECT_EQ(EGRESS_PROTO_TCP | EGRESS_PROTO_UDP, r[0].protos);
	expect_ports(_metadata, &r[0], 1, dns);
	EXPECT_EQ(EGRESS_PROTO_TCP | EGRESS_PROTO_UDP, r[1].protos);
	EXPECT_EQ(EGRESS_PROTO_UDP, r[2].protos);
	expect_ports(_metadata, &r[2], 1, dns);
	EXPECT_EQ(EGRESS_PROTO_ICMP, r[3].protos);
	EXPECT_EQ(0, r[3].port_count);
	EXPECT_EQ(EGRESS_PROTO_ANY, r[4].protos);
	EXPECT_EQ(0, r[4].port_count);
	expect_ports(_metadata, &r[5], EGRESS_MAX_PORT_RANGES, ranges);
}

TEST_F(policy, services_parse)
{
	const struct egress_policy *e = &self->policy.egress;

	ASSERT_TRUE(load(_metadata, self,
			 "egress = {\n  services = (\n"
			 "    { name = \"ping-er_1.0\"; raw_sockets = true; },\n"
			 "    { name = \"cam\"; cgroup = \"system.slice/cam.service\"; allow = (); }\n"
			 "  );\n};\n"));
	ASSERT_EQ(2, e->service_count);
	EXPECT_EQ(0, e->rule_count);
	EXPECT_STREQ("ping-er_1.0", e->services[0].name);
	EXPECT_STREQ("iotguard/ping-er_1.0", e->services[0].cgroup);
	EXPECT_TRUE(e->services[0].raw_sockets);
	EXPECT_EQ(3, e->services[0].line);
	EXPECT_STREQ("system.slice/cam.service", e->services[1].cgroup);
	EXPECT_FALSE(e->services[1].raw_sockets);
}

TEST_F(policy, limits_are_set_and_bounded)
{
	const struct egress_limits *l = &self->policy.egress.limits;

	ASSERT_TRUE(load(_metadata, self, "egress = {\n  limits = { rules = 65535; names = 1024;\n"
			 "    services = 64; addresses_per_name = 64; };\n};\n"));
	EXPECT_EQ(EGRESS_CAP_RULES, l->rules);
	EXPECT_EQ(EGRESS_CAP_NAMES, l->names);
	EXPECT_EQ(EGRESS_CAP_SERVICES, l->services);
	EXPECT_EQ(EGRESS_CAP_ADDRESSES_PER_NAME, l->addresses_per_name);
	ASSERT_TRUE(load(_metadata, self, "egress = {\n  limits = { addresses_per_name = 1; };\n};\n"));
	EXPECT_EQ(1, l->addresses_per_name);
	EXPECT_EQ(EGRESS_DEFAULT_MAX_RULES, l->rules);

	expect_refused(_metadata, self, "egress = {\n  limits = { rules = 0; };\n};\n",
		"2: 'rules' must be from 1 to 65535");
	expect_refused(_metadata, self, "egress = {\n  limits = {\n    names = 1025; };\n};\n",
		"3: 'names' must be from 1 to 1024");
	expect_refused(_metadata, self, "egress = {\n  limits = { services = 65; };\n};\n",
		"2: 'services' must be from 1 to 64");
	expect_refused(_metadata, self, "egress = {\n  limits = { addresses_per_name = 65; };\n};\n",
		"2: 'addresses_per_name' must be from 1 to 64");
	expect_refused(_metadata, self, "egress = {\n  limits = { address_per_name = 2; };\n};\n",
		"2: unknown setting 'address_per_name' in 'limits'");
	expect_refused(_metadata, self, "egress = {\n  limits = 5;\n};\n",
		"2: 'limits' must be a group: limits = { rules = N; ... };");
}

TEST_F(policy, over_a_limit_is_refused_where_it_is_passed)
{
	/* The limit stands after the lists: it holds all the same. */
	expect_refused(_metadata, self,
		"egress = {\n  allow = ( { to = \"192.0.2.1\"; } );\n"
		"  services = ( { name = \"a\"; allow = (\n    { to = \"192.0.2.2\"; },\n"
		"    { to = \"192.0.2.3\"; } ); } );\n  limits = { rules = 2; };\n};\n",
		"5: more than 2 rules: raise egress.limits.rules (up to 65535)");
	/* A name counts once however many rules name it. */
	expect_refused(_metadata, self,
		"egress = {\n  limits = { names = 1; };\n  allow = (\n"
		"    { to = \"a.example\"; ports = [ 443 ]; },\n    { to = \"A.example.\"; },\n"
		"    { to = \"192.0.2.1\"; },\n    { to = \"b.example\"; }\n  );\n};\n",
		"7: more than 1 DNS names: raise egress.limits.names (up to 1024)");
	/* Names count across deny rules and services' rules too. */
	expect_refused(_metadata, self,
		"egress = {\n  deny = (\n"
		"    { to = \"a.example\"; } );\n  services = (\n    { name = \"s\"; allow = (\n"
		"      { to = \"b.example\"; } ); } );\n  limits = { names = 1; };\n};\n",
		"6: more than 1 DNS names: raise egress.limits.names (up to 1024)");
	expect_refused(_metadata, self,
		"egress = {\n  limits = { services = 2; };\n  services = (\n"
		"    { name = \"a\"; },\n    { name = \"b\"; },\n    { name = \"c\"; }\n  );\n};\n",
		"6: more than 2 services: raise egress.limits.services (up to 64)");
}

static void expect_load(struct __test_metadata *_metadata, FIXTURE_DATA(policy) *self,
			const char *text, size_t rules)
{
	ASSERT_TRUE(load(_metadata, self, text));
	EXPECT_EQ(rules, self->policy.egress.rule_count);
}

TEST_F(policy, exactly_at_the_limits_parses)
{
	expect_load(_metadata, self,
		    "egress = {\n  limits = { rules = 2; names = 1; services = 1; };\n"
		    "  allow = ( { to = \"a.example\"; } );\n"
		    "  services = ( { name = \"a\"; allow = ( { to = \"a.example\"; } ); } );\n"
		    "};\n", 2);
}

/* A policy of rules rules, each its own /32 (and a name every 100th). */
static char *many_rules(size_t rules, const char *limits)
{
	size_t len = 128 + strlen(limits) + rules * 64, used;
	char *text = malloc(len);

	if (!text)
		return NULL;
	used = (size_t)snprintf(text, len, "egress = {\n  limits = { %s };\n  allow = (\n",
				limits);
	for (size_t i = 0; i < rules; i++) {
		if (i % 100 == 99)
			used += (size_t)snprintf(text + used, len - used,
						 "    { to = \"n%zu.example\"; ports = [ 443 ]; },\n",
						 i / 100);
		else
			used += (size_t)snprintf(text + used, len - used,
						 "    { to = \"10.%zu.%zu.%zu\"; proto = \"tcp\"; },\n",
						 i >> 16, (i >> 8) & 0xff, i & 0xff);
	}
	snprintf(text + used - 2, len - used + 2, "\n  );\n};\n");
	return text;
}

TEST_F(policy, ten_thousand_rules_parse)
{
	const struct egress_policy *e = &self->policy.egress;
	char *text = many_rules(10000, "rules = 10000; names = 100;");
	const struct egress_rule *last;

	ASSERT_NE(NULL, text);
	ASSERT_TRUE(load(_metadata, self, text));
	ASSERT_EQ(10000, e->rule_count);
	last = &e->rules[9998];
	EXPECT_EQ(9999, last->id);
	EXPECT_EQ(4 + 9998, last->line);
	expect_prefix(_metadata, last, AF_INET, "10.0.39.14", 32);
	EXPECT_STREQ("n99.example", e->rules[9999].name);
	EXPECT_EQ(10000, e->rules[9999].id);

	/* One more than the limit: refused at the rule past it. */
	free(text);
	text = many_rules(10001, "rules = 10000; names = 101;");
	ASSERT_NE(NULL, text);
	expect_refused(_metadata, self, text, "10004: more than 10000 rules: raise egress.limits.rules "
		"(up to 65535)");
	free(text);
}

/* The shipped policy's commented-out example, uncommented, is a valid section. */
TEST_F(policy, shipped_example_parses_when_uncommented)
{
	char line[512], *text = NULL;
	size_t len = 0;
	bool inside = false, seen = false;
	FILE *in = fopen(DEFAULT_POLICY, "r"), *out;

	ASSERT_NE(NULL, in);
	out = open_memstream(&text, &len);
	ASSERT_NE(NULL, out);
	while (fgets(line, sizeof(line), in)) {
		if (!strcmp(line, "#egress = {\n"))
			inside = seen = true;
		fputs(inside ? line + 1 : line, out);
		if (!strcmp(line, "#};\n"))
			inside = false;
	}
	fclose(in);
	fclose(out);
	EXPECT_TRUE(seen);
	EXPECT_FALSE(inside);

	ASSERT_TRUE(load(_metadata, self, text));
	free(text);
	EXPECT_TRUE(self->policy.has_egress);
	EXPECT_LT(0, self->policy.egress.rule_count);
	EXPECT_LT(0, self->policy.egress.service_count);

	/* As shipped, commented out: no outbound policy. */
	policy_release(&self->policy);
	ASSERT_EQ(0, policy_load(DEFAULT_POLICY, &self->policy, &self->error));
	EXPECT_FALSE(self->policy.has_egress);
}

TEST_HARNESS_MAIN
