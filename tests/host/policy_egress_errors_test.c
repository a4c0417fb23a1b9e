// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the policy's egress section, its bad values: each is
 * refused with the exact file:line and message that say what is wrong,
 * the caller's policy untouched and nothing leaked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "policy.h"
#include "policy_lib.h"

/*
 * The refusal tests below are lists of calls alike in shape (duplicates
 * pairs them, and with policy_test.c's): each is data, a file and the one
 * message it must get; the logic is expect_refused_at() in policy_lib.h.
 */

/* An egress section around rules (the first rule on line 3). */
static void refused_rule(struct __test_metadata *_metadata, FIXTURE_DATA(policy) *self,
			 const char *rules, const char *suffix)
{
	char text[1024];

	snprintf(text, sizeof(text), "egress = {\n  allow = (\n%s\n  );\n};\n", rules);
	expect_refused(_metadata, self, text, suffix);
}

TEST_F(policy, bad_destinations_name_their_line)
{
	refused_rule(_metadata, self, "    { to = \"10.0.0.1/24\"; }",
		     "3: \"10.0.0.1/24\" has bits set beyond the prefix length "
		     "(\"10.0.0.0/24\" is the network)");
	refused_rule(_metadata, self, "    { to = \"2001:db8::1/32\"; }",
		     "3: \"2001:db8::1/32\" has bits set beyond the prefix length "
		     "(\"2001:db8::/32\" is the network)");
	refused_rule(_metadata, self, "    { to = \"300.1.2.3\"; }",
		     "3: \"300.1.2.3\" is not an IPv4 or IPv6 address");
	refused_rule(_metadata, self, "    { to = \"10.1\"; }",
		     "3: \"10.1\" is not an IPv4 or IPv6 address");
	refused_rule(_metadata, self, "    { to = \"10.0.0.0/33\"; }",
		     "3: \"10.0.0.0/33\": the prefix length must be 0..32");
	refused_rule(_metadata, self, "    { to = \"10.0.0.0/\"; }",
		     "3: \"10.0.0.0/\": the prefix length must be 0..32");
	refused_rule(_metadata, self, "    { to = \"10.0.0.0/8x\"; }",
		     "3: \"10.0.0.0/8x\": the prefix length must be 0..32");
	refused_rule(_metadata, self, "    { to = \"fd00::/129\"; }",
		     "3: \"fd00::/129\": the prefix length must be 0..128");
	refused_rule(_metadata, self, "    { to = \"fe80::1%eth0\"; }",
		     "3: \"fe80::1%eth0\" is not an IPv4 or IPv6 address");
	refused_rule(_metadata, self, "    { to = \"cloud.example.com/24\"; }",
		     "3: \"cloud.example.com/24\" is not an IPv4 or IPv6 address");
#define NOT_A_NAME "\" is neither an address nor a DNS name (labels of 1..63 letters, " \
	"digits or '-', 253 characters in all)"
	refused_rule(_metadata, self, "    { to = \"cloud..example.com\"; }",
		     "3: \"cloud..example.com" NOT_A_NAME);
	refused_rule(_metadata, self, "    { to = \"-cloud.example.com\"; }",
		     "3: \"-cloud.example.com" NOT_A_NAME);
	refused_rule(_metadata, self, "    { to = \"cloud-.example.com\"; }",
		     "3: \"cloud-.example.com" NOT_A_NAME);
	refused_rule(_metadata, self, "    { to = \"cloud_1.example.com\"; }",
		     "3: \"cloud_1.example.com" NOT_A_NAME);
	refused_rule(_metadata, self, "    { to = \"host.123\"; }",
		     "3: \"host.123" NOT_A_NAME);
	refused_rule(_metadata, self, "    { to = \"\"; }", "3: \"" NOT_A_NAME);
	refused_rule(_metadata, self, "    { to = \".\"; }", "3: \"." NOT_A_NAME);
	refused_rule(_metadata, self, "    { to = 10; }",
		     "3: 'to' must be a string: an address, a prefix such as \"192.0.2.0/24\" "
		     "or a DNS name");
	refused_rule(_metadata, self, "    { ports = [ 443 ]; }",
		     "3: a rule needs 'to': an address, a prefix or a DNS name");
	refused_rule(_metadata, self, "    \"192.0.2.1\", { to = \"192.0.2.2\"; }",
		     "3: each rule must be a group: { to = \"...\"; ports = [ ... ]; "
		     "proto = \"...\"; }");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; port = 443; }",
		     "3: unknown setting 'port' in 'allow'");
}

TEST_F(policy, name_lengths)
{
	char label[80], name[4 * sizeof(label)], rule[400], want[512];

	/* 63 is the longest label, 253 the longest name. */
	memset(label, 'a', 64);
	label[64] = '\0';
	snprintf(rule, sizeof(rule), "    { to = \"%s.example\"; }", label);
	snprintf(want, sizeof(want), "3: \"%s.example" NOT_A_NAME, label);
	refused_rule(_metadata, self, rule, want);
	label[63] = '\0';
	snprintf(rule, sizeof(rule), "egress = { allow = ( { to = \"%s.example\"; } ); };\n",
		 label);
	ASSERT_TRUE(load(_metadata, self, rule));
	EXPECT_EQ(63 + strlen(".example"), strlen(self->policy.egress.rules[0].name));

	/* Four labels of 63 and a dot between: 255, then cut to 253 and 254. */
	snprintf(name, sizeof(name), "%s.%s.%s.%s", label, label, label, label);
	name[253] = '\0';
	name[252] = 'b';
	snprintf(rule, sizeof(rule), "egress = { allow = ( { to = \"%s.\"; } ); };\n", name);
	ASSERT_TRUE(load(_metadata, self, rule));
	EXPECT_STREQ(name, self->policy.egress.rules[0].name);
	strcat(name, "c");
	snprintf(rule, sizeof(rule), "    { to = \"%s\"; }", name);
	snprintf(want, sizeof(want), "3: \"%s" NOT_A_NAME, name);
	refused_rule(_metadata, self, rule, want);
}

TEST_F(policy, bad_ports_and_protocols_name_their_line)
{
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\";\n      ports = [ 0 ]; }",
		     "4: port 0 is out of range (1..65535)");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; ports = [ 65536 ]; }",
		     "3: port 65536 is out of range (1..65535)");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; ports = [ \"20-10\" ]; }",
		     "3: \"20-10\" is not a port or a range \"N-M\" (1 <= N <= M <= 65535)");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; ports = [ \"0-10\" ]; }",
		     "3: \"0-10\" is not a port or a range \"N-M\" (1 <= N <= M <= 65535)");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; ports = [ \"1-65536\" ]; }",
		     "3: \"1-65536\" is not a port or a range \"N-M\" (1 <= N <= M <= 65535)");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; ports = [ \"https\" ]; }",
		     "3: \"https\" is not a port or a range \"N-M\" (1 <= N <= M <= 65535)");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; ports = [ \"1 - 2\" ]; }",
		     "3: \"1 - 2\" is not a port or a range \"N-M\" (1 <= N <= M <= 65535)");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; ports = [ \"1-2-3\" ]; }",
		     "3: \"1-2-3\" is not a port or a range \"N-M\" (1 <= N <= M <= 65535)");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; ports = [ 1.5 ]; }",
		     "3: 'ports' must hold port numbers or \"N-M\" ranges");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; ports = 443; }",
		     "3: 'ports' must be a list of ports and ranges: [ 443, 8883 ] or "
		     "[ \"443\", \"8000-8100\" ]");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; ports = []; }",
		     "3: 'ports' is empty: leave it out for every port");
	refused_rule(_metadata, self,
		     "    { to = \"192.0.2.1\"; ports = [ 1, 2, 3, 4, 5, 6, 7, 8, 9 ]; }",
		     "3: 'ports' holds more than 8 ports and ranges: join them into ranges "
		     "(\"N-M\") or split the rule");
	refused_rule(_metadata, self,
		     "    { to = \"192.0.2.1\"; proto = \"icmp\";\n      ports = [ 7 ]; }",
		     "4: 'ports' with proto \"icmp\": ICMP has no ports");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; proto = \"sctp\"; }",
		     "3: unknown proto \"sctp\": use \"tcp\", \"udp\", \"icmp\" or \"any\"");
	refused_rule(_metadata, self, "    { to = \"192.0.2.1\"; proto = 6; }",
		     "3: 'proto' must be a string: \"tcp\", \"udp\", \"icmp\" or \"any\"");
}

TEST_F(policy, bad_section_settings_name_their_line)
{
	expect_refused(_metadata, self, "egress = {\n  mode = \"block\";\n};\n",
		"2: unknown mode \"block\": use \"enforce\" or \"audit\"");
	expect_refused(_metadata, self, "egress = {\n  default = \"reject\";\n};\n",
		"2: unknown default \"reject\": use \"allow\" or \"deny\"");
	expect_refused(_metadata, self, "egress = {\n  raw_sockets = \"no\";\n};\n",
		"2: 'raw_sockets' must be true or false");
	expect_refused(_metadata, self, "egress = {\n  allowed = ();\n};\n",
		"2: unknown setting 'allowed' in 'egress'");
	expect_refused(_metadata, self, "egress = {\n  allow = { to = \"192.0.2.1\"; };\n};\n",
		"2: 'allow' must be a list of rules: ( { to = \"...\"; }, ... )");
	expect_refused(_metadata, self, "egress = {\n  deny = [ \"192.0.2.1\" ];\n};\n",
		"2: 'deny' must be a list of rules: ( { to = \"...\"; }, ... )");
	expect_refused(_metadata, self, "egress = \"deny\";\n",
		"1: 'egress' must be a group: egress = { ... };");
	/* Device deny rules are checked like allow rules. */
	expect_refused(_metadata, self, "egress = {\n  deny = (\n    { to = \"11.0.0.0/7\"; } );\n};\n",
		"3: \"11.0.0.0/7\" has bits set beyond the prefix length "
		"(\"10.0.0.0/7\" is the network)");
}

TEST_F(policy, bad_families_name_their_line)
{
	expect_refused(_metadata, self, "egress = {\n  families = \"can\";\n};\n",
		"2: 'families' must be a list of strings: [\"...\", \"...\"]");
	expect_refused(_metadata, self, "egress = {\n  families = [ 29 ];\n};\n",
		"2: 'families' must hold strings");
	expect_refused(_metadata, self,
		"egress = {\n  families = [ \"can\",\n    \"canbus\" ];\n};\n",
		"3: unknown address family \"canbus\" (names as in AF_*, lower case, without AF_: "
		"\"can\", \"bluetooth\", \"vsock\"...)");
	expect_refused(_metadata, self, "egress = {\n  families = [ \"CAN\" ];\n};\n",
		"2: unknown address family \"CAN\" (names as in AF_*, lower case, without AF_: "
		"\"can\", \"bluetooth\", \"vsock\"...)");
	expect_refused(_metadata, self, "egress = {\n  families = [ \"inet6\" ];\n};\n",
		"2: family \"inet6\" is judged by destination: the allow and deny rules decide it");
	expect_refused(_metadata, self, "egress = {\n  families = [ \"packet\" ];\n};\n",
		"2: family \"packet\" puts frames on a link: raw_sockets decides it");
	expect_refused(_metadata, self, "egress = {\n  families = [ \"unix\" ];\n};\n",
		"2: family \"unix\" stays on the device and is never refused: leave it out");
	expect_refused(_metadata, self,
		"egress = {\n  families = [ \"can\", \"vsock\",\n \"can\" ];\n};\n",
		"3: family \"can\" is named twice");
	expect_refused(_metadata, self,
		"egress = {\n  services = (\n    { name = \"cam\";\n"
		"      families = [ \"tipc\" ]; }\n  );\n};\n",
		"4: family \"tipc\" puts frames on a link: raw_sockets decides it");
}

TEST_F(policy, bad_services_name_their_line)
{
	expect_refused(_metadata, self,
		"egress = {\n  services = (\n    { name = \"cam\";\n"
		"      deny = ( { to = \"192.0.2.1\"; } ); }\n  );\n};\n",
		"4: a service has no 'deny': deny rules are device-wide (egress.deny) "
		"and apply to every service");
	expect_refused(_metadata, self,
		"egress = {\n  services = (\n    { raw_sockets = true; }\n  );\n};\n",
		"3: a service needs a 'name'");
	expect_refused(_metadata, self,
		"egress = {\n  services = (\n    { name = \"cam era\"; }\n  );\n};\n",
		"3: \"cam era\" is not a service name (1..63 of A-Z, a-z, 0-9, '_', '.' and '-'; "
		"not \".\" or \"..\")");
	expect_refused(_metadata, self,
		"egress = {\n  services = (\n    { name = \"..\"; }\n  );\n};\n",
		"3: \"..\" is not a service name (1..63 of A-Z, a-z, 0-9, '_', '.' and '-'; "
		"not \".\" or \"..\")");
	expect_refused(_metadata, self,
		"egress = {\n  services = (\n    { name = \"cam\"; },\n"
		"    { name = \"cam\"; }\n  );\n};\n",
		"4: service \"cam\" is already defined at line 3");
	expect_refused(_metadata, self,
		"egress = {\n  services = (\n    { name = \"a\"; cgroup = \"iotguard/b\"; },\n"
		"    { name = \"b\"; }\n  );\n};\n",
		"4: service \"b\": cgroup \"iotguard/b\" is already service \"a\"'s");
	expect_refused(_metadata, self,
		"egress = {\n  services = (\n    { name = \"cam\"; allow = (\n"
		"      { to = \"192.0.2.1\"; proto = \"tcpp\"; } ); }\n  );\n};\n",
		"4: unknown proto \"tcpp\": use \"tcp\", \"udp\", \"icmp\" or \"any\"");
	expect_refused(_metadata, self,
		"egress = {\n  services = (\n    { name = \"cam\"; user = \"cam\"; }\n  );\n};\n",
		"3: unknown setting 'user' in 'services'");
	expect_refused(_metadata, self, "egress = {\n  services = { name = \"cam\"; };\n};\n",
		"2: 'services' must be a list of services: ( { name = \"...\"; allow = ( ... ); }, "
		"... )");
	expect_refused(_metadata, self, "egress = {\n  services = ( \"cam\" );\n};\n",
		"2: each service must be a group: { name = \"...\"; allow = ( ... ); }");
}

TEST_F(policy, cgroups_are_relative_paths)
{
	static const struct { const char *path, *message; } bad[] = {
		{ "/camera", "cgroup /camera: must be relative to the cgroup v2 root "
		  "(no leading '/')" },
		{ "camera/", "cgroup camera/: empty component (\"//\" or a trailing '/')" },
		{ "a//b", "cgroup a//b: empty component (\"//\" or a trailing '/')" },
		{ "a/../b", "cgroup a/../b: '.' and '..' are not allowed: a service's cgroup stays "
		  "below the root" },
		{ "./a", "cgroup ./a: '.' and '..' are not allowed: a service's cgroup stays "
		  "below the root" },
		{ "", "'cgroup' is empty: leave it out for \"iotguard/NAME\"" },
		{ "a\\tb", "cgroup \"a...\": control character 0x09" },
		{ "a/b/c/d/e/f/g/h/i", "cgroup a/b/c/d/e/f/g/h/i: 9 levels deep, more than the 8 "
		  "the kernel's programs look through" },
	};
	char text[1024], want[1024], long_path[300];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "egress = {\n  services = (\n    { name = \"cam\";\n"
			 "      cgroup = \"%s\"; }\n  );\n};\n", bad[i].path);
		snprintf(want, sizeof(want), "4: %s", bad[i].message);
		expect_refused(_metadata, self, text, want);
	}
	memset(long_path, 'c', 256);
	long_path[256] = '\0';
	snprintf(text, sizeof(text), "egress = { services = ( { name = \"cam\"; cgroup = \"%s\"; "
		 "} ); };\n", long_path);
	snprintf(want, sizeof(want), "1: cgroup %.64s...: longer than 255 characters", long_path);
	expect_refused(_metadata, self, text, want);
	long_path[255] = '\0';
	snprintf(text, sizeof(text), "egress = { services = ( { name = \"cam\"; cgroup = \"%s\"; "
		 "} ); };\n", long_path);
	ASSERT_TRUE(load(_metadata, self, text));
	ASSERT_TRUE(load(_metadata, self, "egress = { services = ( { name = \"cam\"; "
			 "cgroup = \"a/b/c/d/e/f/g/h\"; } ); };\n"));
	EXPECT_STREQ("a/b/c/d/e/f/g/h", self->policy.egress.services[0].cgroup);
}

TEST_HARNESS_MAIN
