// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's own service, added to every outbound policy it installs:
 * its resolvers reachable over TCP and UDP, and nothing else for it; the
 * policy's own rules and services untouched.
 */
#include <arpa/inet.h>
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "egress_builder.h"
#include "egress_install.h"

static const uint8_t *v4(const char *text, uint8_t *buf)
{
	memset(buf, 0, 16);
	inet_pton(AF_INET, text, buf);
	return buf;
}

TEST(agent_service_reaches_its_resolvers_only)
{
	struct dns_server servers[2] = {
		{ .family = AF_INET, .port = 53 },
		{ .family = AF_INET6, .port = 5353 },
	};
	struct egress_policy p, with;
	struct egress_tables t = {};
	struct egress_decision d;
	struct iotguard_error err;
	uint8_t a[16];
	uint16_t agent_svc;

	inet_pton(AF_INET, "192.0.2.53", servers[0].addr);
	inet_pton(AF_INET6, "2001:db8::53", servers[1].addr);
	build_issue_example(&p);
	ASSERT_EQ(0, egress_with_agent_service(&p, "iotguard/iotguardd", servers, 2, &with, &err));
	/* The policy's rules and services are the same, numbered the same. */
	ASSERT_EQ(p.rule_count + 2, with.rule_count);
	ASSERT_EQ(p.service_count + 1, with.service_count);
	EXPECT_EQ(0, memcmp(p.rules, with.rules, p.rule_count * sizeof(*p.rules)));
	EXPECT_EQ(0, memcmp(p.services, with.services, p.service_count * sizeof(*p.services)));
	EXPECT_STREQ(EGRESS_AGENT_SERVICE, with.services[p.service_count].name);
	EXPECT_STREQ("iotguard/iotguardd", with.services[p.service_count].cgroup);
	for (size_t i = 0; i < with.rule_count; i++)
		EXPECT_EQ(i + 1, with.rules[i].id);
	/* Not counted against the integrator's limits. */
	EXPECT_EQ(p.limits.rules + 2, with.limits.rules);
	EXPECT_EQ(p.limits.services + 1, with.limits.services);

	ASSERT_EQ(0, egress_compile(&with, NULL, 0, &t, &err)) TH_LOG("%s", err.msg);
	agent_svc = (uint16_t)with.service_count;
	/* The agent reaches its resolvers on their port, over UDP and TCP... */
	egress_decide(&t, agent_svc, AF_INET, v4("192.0.2.53", a), 53, EGRESS_P_UDP, &d);
	EXPECT_TRUE(d.allowed);
	EXPECT_TRUE(d.by_service);
	egress_decide(&t, agent_svc, AF_INET, v4("192.0.2.53", a), 53, EGRESS_P_TCP, &d);
	EXPECT_TRUE(d.allowed);
	inet_pton(AF_INET6, "2001:db8::53", a);
	egress_decide(&t, agent_svc, AF_INET6, a, 5353, EGRESS_P_UDP, &d);
	EXPECT_TRUE(d.allowed);
	/* ...and nothing else of theirs, and no other process reaches them. */
	egress_decide(&t, agent_svc, AF_INET, v4("192.0.2.53", a), 80, EGRESS_P_TCP, &d);
	EXPECT_FALSE(d.allowed);
	egress_decide(&t, 0, AF_INET, v4("192.0.2.53", a), 53, EGRESS_P_UDP, &d);
	EXPECT_FALSE(d.allowed);
	egress_decide(&t, 1, AF_INET, v4("192.0.2.53", a), 53, EGRESS_P_UDP, &d);
	EXPECT_FALSE(d.allowed);
	egress_tables_free(&t);
	egress_policy_free_copy(&with);
	EXPECT_EQ(NULL, with.rules);
	builder_free(&p);
}

TEST_HARNESS_MAIN
