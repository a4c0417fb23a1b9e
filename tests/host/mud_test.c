// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the MUD import: RFC 8520's example and a camera's
 * MUD file become exactly the expected rules and policy text; a hub's
 * controller, manufacturer and the like are listed, never dropped;
 * invalid files are refused naming the JSON path; iotguardctl mud import
 * exits 0, 3 or 2 accordingly and writes -o whole. Built with ASan and UBSan.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "mud.h"

#define FIXTURE_PATH(name) MUD_FIXTURES "/" name

/* A rule as a test states it: one port range at most, the target as text. */
struct want_rule {
	enum egress_action action;
	const char *to;			/* a DNS name, or a prefix "a.b.c.d/n" */
	uint32_t protos;
	uint16_t first, last;		/* 0, 0: no ports */
	const char *ace;
};

static void expect_rules(struct __test_metadata *_metadata, const struct mud_import *mud,
			 const struct want_rule *want, size_t n)
{
	ASSERT_EQ(n, mud->rule_count);
	for (size_t i = 0; i < n; i++) {
		const struct egress_rule *r = &mud->rules[i].rule;
		char to[EGRESS_NAME_MAX + 8], addr[INET6_ADDRSTRLEN];

		if (r->kind == EGRESS_TARGET_NAME) {
			snprintf(to, sizeof(to), "%s", r->name);
		} else {
			inet_ntop(r->family, r->addr, addr, sizeof(addr));
			snprintf(to, sizeof(to), "%s/%u", addr, r->prefix_len);
		}
		EXPECT_EQ(i + 1, r->id);
		EXPECT_EQ(want[i].action, r->action);
		EXPECT_STREQ(want[i].to, to);
		EXPECT_EQ(want[i].protos, r->protos);
		EXPECT_EQ(-1, r->service);
		if (want[i].first || want[i].last) {
			EXPECT_EQ(1, r->port_count);
			EXPECT_EQ(want[i].first, r->ports[0].first);
			EXPECT_EQ(want[i].last, r->ports[0].last);
		} else {
			EXPECT_EQ(0, r->port_count);
		}
		EXPECT_STREQ(want[i].ace, mud->rules[i].ace);
	}
}

TEST(rfc8520_example_is_one_rule_and_its_inbound_acl)
{
	static const struct want_rule want[] = {
		{ EGRESS_ACTION_ALLOW, "test.example.com", EGRESS_PROTO_TCP, 443, 443,
		  "cl0-frdev" },
	};
	struct iotguard_error err;
	struct mud_import mud;

	ASSERT_EQ(0, mud_parse_file(FIXTURE_PATH("lightbulb2000.json"), &mud, &err))
		TH_LOG("%s", err.msg);
	EXPECT_STREQ("https://lighting.example.com/lightbulb2000", mud.url);
	EXPECT_STREQ("The BMS Example Light Bulb", mud.systeminfo);
	expect_rules(_metadata, &mud, want, 1);
	EXPECT_STREQ("mud-76100-v6fr", mud.rules[0].acl);
	EXPECT_EQ(1, mud.allow_count);
	EXPECT_EQ(1, mud.name_count);
	ASSERT_EQ(1, mud.note_count);
	EXPECT_STREQ("mud-76100-v6to", mud.notes[0].acl);
	EXPECT_STREQ("", mud.notes[0].ace);
	mud_import_free(&mud);
}

static const char camera_text[] =
	"# Outbound policy imported by iotguardctl mud import from the MUD file\n"
	"# of https://camera.example.com/ipcam-4k (Example 4K IP camera).\n"
	"# Everything it asks of the device is enforced.\n"
	"egress = {\n"
	"  mode = \"enforce\";\n"
	"  default = \"deny\";\n"
	"  allow = (\n"
	"    { to = \"cloud.camera.example.com\"; ports = [ 443 ]; proto = \"tcp\"; },"
	"  # cam-v4fr/cloud0-frdev\n"
	"    { to = \"mqtt.camera.example.com\"; ports = [ 8883 ]; proto = \"tcp\"; },"
	"  # cam-v4fr/mqtt0-frdev\n"
	"    { to = \"pool.ntp.org\"; ports = [ 123 ]; proto = \"udp\"; },"
	"  # cam-v4fr/ntp0-frdev\n"
	"    { to = \"203.0.113.0/24\"; ports = [ \"10000-10100\" ]; proto = \"udp\"; },"
	"  # cam-v4fr/rtp0-frdev\n"
	"    { to = \"198.51.100.7/32\"; proto = \"icmp\"; },  # cam-v4fr/ping0-frdev\n"
	"    { to = \"cloud.camera.example.com\"; ports = [ 443 ]; proto = \"tcp\"; },"
	"  # cam-v6fr/cloud0-frdev\n"
	"    { to = \"2001:db8:10::/48\"; ports = [ \"8443-65535\" ]; proto = \"tcp\"; }"
	"  # cam-v6fr/relay0-frdev\n"
	"  );\n"
	"  deny = (\n"
	"    { to = \"192.0.2.0/24\"; proto = \"any\"; }  # cam-v4fr/block0-frdev\n"
	"  );\n"
	"  raw_sockets = false;\n"
	"};\n";

/* Names lower-cased without their dot, host bits cleared, operators and ranges, drop a deny. */
TEST(camera_file_gives_exactly_these_rules_and_text)
{
	static const struct want_rule want[] = {
		{ EGRESS_ACTION_ALLOW, "cloud.camera.example.com", EGRESS_PROTO_TCP, 443, 443,
		  "cloud0-frdev" },
		{ EGRESS_ACTION_ALLOW, "mqtt.camera.example.com", EGRESS_PROTO_TCP, 8883, 8883,
		  "mqtt0-frdev" },
		{ EGRESS_ACTION_ALLOW, "pool.ntp.org", EGRESS_PROTO_UDP, 123, 123, "ntp0-frdev" },
		{ EGRESS_ACTION_ALLOW, "203.0.113.0/24", EGRESS_PROTO_UDP, 10000, 10100,
		  "rtp0-frdev" },
		{ EGRESS_ACTION_ALLOW, "198.51.100.7/32", EGRESS_PROTO_ICMP, 0, 0, "ping0-frdev" },
		{ EGRESS_ACTION_ALLOW, "cloud.camera.example.com", EGRESS_PROTO_TCP, 443, 443,
		  "cloud0-frdev" },
		{ EGRESS_ACTION_ALLOW, "2001:db8:10::/48", EGRESS_PROTO_TCP, 8443, 65535,
		  "relay0-frdev" },
		{ EGRESS_ACTION_DENY, "192.0.2.0/24", EGRESS_PROTO_ANY, 0, 0, "block0-frdev" },
	};
	struct iotguard_error err;
	struct mud_import mud;
	char *text;

	ASSERT_EQ(0, mud_parse_file(FIXTURE_PATH("camera.json"), &mud, &err))
		TH_LOG("%s", err.msg);
	expect_rules(_metadata, &mud, want, sizeof(want) / sizeof(want[0]));
	EXPECT_EQ(7, mud.allow_count);
	EXPECT_EQ(3, mud.name_count);
	EXPECT_EQ(0, mud.note_count);
	ASSERT_EQ(0, mud_egress_text(&mud, &text, &err));
	EXPECT_STREQ(camera_text, text);
	free(text);
	mud_import_free(&mud);
}

/* Every abstraction the device cannot enforce is listed by name; local-networks is enforced. */
TEST(hub_file_lists_what_cannot_be_enforced)
{
	static const struct want_rule want[] = {
		{ EGRESS_ACTION_ALLOW, "10.0.0.0/8", EGRESS_PROTO_TCP, 80, 80, "loc0-frdev" },
		{ EGRESS_ACTION_ALLOW, "172.16.0.0/12", EGRESS_PROTO_TCP, 80, 80, "loc0-frdev" },
		{ EGRESS_ACTION_ALLOW, "192.168.0.0/16", EGRESS_PROTO_TCP, 80, 80, "loc0-frdev" },
		{ EGRESS_ACTION_ALLOW, "169.254.0.0/16", EGRESS_PROTO_TCP, 80, 80, "loc0-frdev" },
		{ EGRESS_ACTION_ALLOW, "10.0.0.0/8", EGRESS_PROTO_ANY, 0, 0, "loc1-frdev" },
		{ EGRESS_ACTION_ALLOW, "172.16.0.0/12", EGRESS_PROTO_ANY, 0, 0, "loc1-frdev" },
		{ EGRESS_ACTION_ALLOW, "192.168.0.0/16", EGRESS_PROTO_ANY, 0, 0, "loc1-frdev" },
		{ EGRESS_ACTION_ALLOW, "169.254.0.0/16", EGRESS_PROTO_ANY, 0, 0, "loc1-frdev" },
		{ EGRESS_ACTION_ALLOW, "fc00::/7", EGRESS_PROTO_ANY, 0, 0, "loc1-frdev" },
		{ EGRESS_ACTION_ALLOW, "fe80::/10", EGRESS_PROTO_ANY, 0, 0, "loc1-frdev" },
		{ EGRESS_ACTION_ALLOW, "api.hub.example.com", EGRESS_PROTO_TCP, 443, 443,
		  "api0-frdev" },
	};
	static const char *const notes[] = {
		"hub-fr/ctl0-frdev: controller https://hub.example.com/bridge (entry not imported)",
		"hub-fr/dns0-frdev: controller urn:ietf:params:mud:dns (entry not imported)",
		"hub-fr/myctl0-frdev: my-controller (entry not imported)",
		"hub-fr/man0-frdev: manufacturer lighting.example.com (entry not imported)",
		"hub-fr/sameman0-frdev: same-manufacturer (entry not imported)",
		("hub-fr/model0-frdev: model https://lighting.example.com/lightbulb2000 "
		 "(entry not imported)"),
		"hub-fr/api0-frdev: actions.logging (imported without it)",
		"hub-fr/src0-frdev: tcp.source-port (entry not imported)",
		"hub-fr/flags0-frdev: tcp.flags (entry not imported)",
		"hub-fr/in0-frdev: tcp.direction-initiated to-device (entry not imported)",
		"hub-to: to-device ACL: inbound, not the egress policy's",
	};
	struct iotguard_error err;
	struct mud_import mud;
	char line[MUD_NOTE_TEXT_MAX], *text;

	ASSERT_EQ(0, mud_parse_file(FIXTURE_PATH("partial.json"), &mud, &err))
		TH_LOG("%s", err.msg);
	expect_rules(_metadata, &mud, want, sizeof(want) / sizeof(want[0]));
	ASSERT_EQ(sizeof(notes) / sizeof(notes[0]), mud.note_count);
	ASSERT_EQ(0, mud_egress_text(&mud, &text, &err));
	for (size_t i = 0; i < mud.note_count; i++) {
		char comment[MUD_NOTE_TEXT_MAX + 8];

		mud_note_text(&mud.notes[i], line, sizeof(line));
		EXPECT_STREQ(notes[i], line);
		/* And each is a comment above the section. */
		snprintf(comment, sizeof(comment), "\n#   %s\n", notes[i]);
		EXPECT_NE(NULL, strstr(text, comment));
		EXPECT_LT(strstr(text, comment), strstr(text, "egress = {"));
	}
	free(text);
	mud_import_free(&mud);
}

/* Each invalid file is refused naming the file and the JSON path, and nothing is returned. */
TEST(invalid_files_are_refused_with_the_json_path)
{
	static const struct {
		const char *file, *msg;
	} cases[] = {
		{ "not-json.json", "not JSON: object value separator ',' expected at line 5, "
		  "column 5" },
		{ "wrong-shape.json", "acls.acl[1].aces.ace[0].matches.ipv6: not an object" },
		{ "bad-address.json", "acls.acl[0].aces.ace[4].matches.ipv4.destination-ipv4-network:"
		  " \"203.0.113.300/24\" is not an IPv4 prefix" },
		{ "bad-port.json", "acls.acl[0].aces.ace[1].matches.tcp.destination-port: no port "
		  "0-65535 (\"port\", or \"lower-port\" and \"upper-port\")" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[256], want[IOTGUARD_ERROR_MAX];
		struct iotguard_error err;
		struct mud_import mud;

		snprintf(path, sizeof(path), "%s/%s", MUD_FIXTURES, cases[i].file);
		snprintf(want, sizeof(want), "%s: %s", path, cases[i].msg);
		EXPECT_EQ(-EINVAL, mud_parse_file(path, &mud, &err));
		EXPECT_STREQ(want, err.msg);
		EXPECT_EQ(NULL, mud.rules);
		EXPECT_EQ(NULL, mud.notes);
		EXPECT_EQ(NULL, mud.url);
	}
}

/* A minimal MUD document whose one from-device ACL "a" holds aces ("[ ... ]"). */
static int parse_aces(const char *aces, struct mud_import *mud, struct iotguard_error *err)
{
	char text[4096];

	snprintf(text, sizeof(text),
		 "{ \"ietf-mud:mud\": { \"mud-version\": 1, \"from-device-policy\":"
		 " { \"access-lists\": { \"access-list\": [ { \"name\": \"a\" } ] } } },"
		 " \"ietf-access-control-list:acls\": { \"acl\": [ { \"name\": \"a\","
		 " \"aces\": { \"ace\": %s } } ] } }", aces);
	return mud_parse(text, strlen(text), mud, err);
}

TEST(invalid_entries_are_refused_with_the_json_path)
{
	static const struct {
		const char *aces, *msg;
	} cases[] = {
		{ "[ { \"name\": \"x\", \"actions\": { \"forwarding\": \"maybe\" } } ]",
		  "acls.acl[0].aces.ace[0].actions.forwarding: \"maybe\" (accept, drop or reject)" },
		{ "[ { \"name\": \"x\" } ]", "acls.acl[0].aces.ace[0].actions: missing" },
		{ "[ { \"actions\": { \"forwarding\": \"accept\" } } ]",
		  "acls.acl[0].aces.ace[0]: no \"name\" string" },
		{ "[ { \"name\": \"x\", \"matches\": { \"ipv4\": { \"protocol\": 17 }, \"tcp\": {} },"
		  " \"actions\": { \"forwarding\": \"accept\" } } ]",
		  "acls.acl[0].aces.ace[0].matches: protocol 17 does not agree with its tcp matches" },
		{ "[ { \"name\": \"x\", \"matches\": { \"udp\": { \"destination-port\":"
		  " { \"lower-port\": 200, \"upper-port\": 100 } } },"
		  " \"actions\": { \"forwarding\": \"accept\" } } ]",
		  "acls.acl[0].aces.ace[0].matches.udp.destination-port: lower-port and upper-port "
		  "must be ports 0-65535, lower first" },
		{ "[ { \"name\": \"x\", \"matches\": { \"ipv6\": { \"ietf-acldns:dst-dnsname\":"
		  " \"bad..name\" } }, \"actions\": { \"forwarding\": \"accept\" } } ]",
		  "acls.acl[0].aces.ace[0].matches.ipv6.dst-dnsname: \"bad..name\" is not a DNS "
		  "name" },
		{ "[ { \"name\": \"x\", \"matches\": { \"ipv6\": { \"destination-ipv6-network\":"
		  " \"2001:db8::/129\" } }, \"actions\": { \"forwarding\": \"accept\" } } ]",
		  "acls.acl[0].aces.ace[0].matches.ipv6.destination-ipv6-network: \"2001:db8::/129\""
		  " is not an IPv6 prefix" },
		{ "[ { \"name\": \"x\", \"matches\": { \"ipv4\": {}, \"ipv6\": {} },"
		  " \"actions\": { \"forwarding\": \"accept\" } } ]",
		  "acls.acl[0].aces.ace[0].matches: both ipv4 and ipv6" },
		{ "{}", "acls.acl[0].aces.ace: not an array" },
		{ "[ { \"name\": \"x\", \"matches\": { \"ipv4\": { \"ietf-acldns:dst-dnsname\":"
		  " \"_srv.example.com\" } }, \"actions\": { \"forwarding\": \"accept\" } } ]",
		  "acls.acl[0].aces.ace[0].matches.ipv4.dst-dnsname: \"_srv.example.com\" is not a "
		  "DNS name" },
		{ "[ { \"name\": \"x\", \"matches\": { \"ipv4\": { \"ietf-acldns:dst-dnsname\":"
		  " \"192.0.2.1\" } }, \"actions\": { \"forwarding\": \"accept\" } } ]",
		  "acls.acl[0].aces.ace[0].matches.ipv4.dst-dnsname: \"192.0.2.1\" is not a "
		  "DNS name" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct iotguard_error err;
		struct mud_import mud;

		EXPECT_EQ(-EINVAL, parse_aces(cases[i].aces, &mud, &err));
		EXPECT_STREQ(cases[i].msg, err.msg);
		EXPECT_EQ(NULL, mud.rules);
	}
}

TEST(invalid_documents_are_refused)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "", "not JSON: the text ends before the document does" },
		{ "[]", "(document): not a JSON object" },
		{ "{ \"mud\": 1 }", "mud: no \"ietf-mud:mud\" object: not a MUD file" },
		{ "{ \"ietf-mud:mud\": {} } x", "not JSON: unexpected character at line 1, "
		  "column 24" },
		{ "{ \"ietf-mud:mud\": { \"mud-version\": 2 } }",
		  "mud.mud-version: not 1, the version RFC 8520 defines" },
		{ "{ \"ietf-mud:mud\": { \"from-device-policy\": { \"access-lists\":"
		  " { \"access-list\": [ { \"name\": \"nope\" } ] } } } }",
		  "mud.from-device-policy.access-lists.access-list[0]: no ACL named \"nope\" in "
		  "acls.acl" },
		{ "{ \"ietf-mud:mud\": {}, \"ietf-access-control-list:acls\": { \"acl\":"
		  " [ { \"name\": \"a\" }, { \"name\": \"a\" } ] } }",
		  "acls.acl[1]: a second ACL named \"a\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct iotguard_error err;
		struct mud_import mud;

		EXPECT_EQ(-EINVAL, mud_parse(cases[i].text, strlen(cases[i].text), &mud, &err));
		EXPECT_STREQ(cases[i].msg, err.msg);
	}
}

/* lte and neq as the policy's ranges, which start at 1; port 0 alone is no rule, but a note. */
TEST(port_operators_become_ranges_from_1)
{
	struct iotguard_error err;
	struct mud_import mud;

	ASSERT_EQ(0, parse_aces("[ { \"name\": \"low\", \"matches\": { \"tcp\":"
				" { \"destination-port\": { \"operator\": \"lte\", \"port\": 1023 } } },"
				" \"actions\": { \"forwarding\": \"accept\" } },"
				" { \"name\": \"not80\", \"matches\": { \"ipv4\": { \"protocol\": 17 },"
				" \"udp\": { \"destination-port\": { \"operator\": \"neq\","
				" \"port\": 80 } } }, \"actions\": { \"forwarding\": \"reject\" } },"
				" { \"name\": \"zero\", \"matches\": { \"udp\": { \"destination-port\":"
				" { \"port\": 0 } } }, \"actions\": { \"forwarding\": \"accept\" } } ]",
				&mud, &err))
		TH_LOG("%s", err.msg);
	/* No ipv4 or ipv6 container: every address of both families. */
	ASSERT_EQ(3, mud.rule_count);
	EXPECT_EQ(2, mud.allow_count);
	EXPECT_EQ(AF_INET, mud.rules[0].rule.family);
	EXPECT_EQ(0, mud.rules[0].rule.prefix_len);
	EXPECT_EQ(AF_INET6, mud.rules[1].rule.family);
	EXPECT_EQ(0, mud.rules[1].rule.prefix_len);
	EXPECT_EQ(1, mud.rules[1].rule.port_count);
	EXPECT_EQ(1, mud.rules[1].rule.ports[0].first);
	EXPECT_EQ(1023, mud.rules[1].rule.ports[0].last);
	EXPECT_EQ(EGRESS_ACTION_DENY, mud.rules[2].rule.action);
	EXPECT_EQ(AF_INET, mud.rules[2].rule.family);
	EXPECT_EQ(EGRESS_PROTO_UDP, mud.rules[2].rule.protos);
	ASSERT_EQ(2, mud.rules[2].rule.port_count);
	EXPECT_EQ(1, mud.rules[2].rule.ports[0].first);
	EXPECT_EQ(79, mud.rules[2].rule.ports[0].last);
	EXPECT_EQ(81, mud.rules[2].rule.ports[1].first);
	EXPECT_EQ(65535, mud.rules[2].rule.ports[1].last);
	ASSERT_EQ(1, mud.note_count);
	EXPECT_STREQ("udp.destination-port 0", mud.notes[0].what);
	mud_import_free(&mud);
}

/* Control characters from the file never reach a comment line or the terminal. */
TEST(names_are_cleaned_for_comments)
{
	struct iotguard_error err;
	struct mud_import mud;
	char *text;

	ASSERT_EQ(0, parse_aces("[ { \"name\": \"x\\ny\", \"matches\": { \"ietf-mud:mud\":"
				" { \"controller\": \"a\\nb\" } }, \"actions\":"
				" { \"forwarding\": \"accept\" } } ]", &mud, &err))
		TH_LOG("%s", err.msg);
	ASSERT_EQ(1, mud.note_count);
	EXPECT_STREQ("x?y", mud.notes[0].ace);
	EXPECT_STREQ("controller a?b", mud.notes[0].what);
	ASSERT_EQ(0, mud_egress_text(&mud, &text, &err));
	EXPECT_NE(NULL, strstr(text, "#   a/x?y: controller a?b (entry not imported)\n"));
	free(text);
	mud_import_free(&mud);
}

/* The text of the file at path, "" if it cannot be read. */
static void read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

/* Run iotguardctl with args; its stdout into out, stderr into errout. Returns its exit status. */
static int ctl(const char *args, char *out, size_t len, char *errout, size_t errlen)
{
	char cmd[1024], errpath[] = "/tmp/iotguard-mud-err-XXXXXX";
	int fd = mkstemp(errpath), status;
	size_t n;
	FILE *p;

	if (fd < 0)
		return -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s mud import %s 2>%s", IOTGUARDCTL, args, errpath);
	p = popen(cmd, "r");
	if (!p) {
		unlink(errpath);
		return -1;
	}
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	status = pclose(p);
	read_text(errpath, errout, errlen);
	unlink(errpath);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(iotguardctl_exit_status_says_what_was_enforced)
{
	char out[8192], errout[4096];

	EXPECT_EQ(0, ctl(FIXTURE_PATH("camera.json"), out, sizeof(out), errout, sizeof(errout)));
	EXPECT_STREQ(camera_text, out);
	EXPECT_STREQ("", errout);

	EXPECT_EQ(3, ctl(FIXTURE_PATH("lightbulb2000.json"), out, sizeof(out), errout,
			 sizeof(errout)));
	EXPECT_NE(NULL, strstr(out, "  allow = (\n    { to = \"test.example.com\"; ports = [ 443 ];"
			       " proto = \"tcp\"; }  # mud-76100-v6fr/cl0-frdev\n  );\n"));
	EXPECT_STREQ("iotguardctl: not enforced: mud-76100-v6to: to-device ACL: inbound, not the "
		     "egress policy's\n", errout);

	EXPECT_EQ(2, ctl(FIXTURE_PATH("bad-port.json"), out, sizeof(out), errout,
			 sizeof(errout)));
	EXPECT_STREQ("", out);
	EXPECT_NE(NULL, strstr(errout, "acls.acl[0].aces.ace[1].matches.tcp.destination-port"));

	EXPECT_EQ(1, ctl(FIXTURE_PATH("absent.json"), out, sizeof(out), errout,
			 sizeof(errout)));
	EXPECT_EQ(2, ctl("", out, sizeof(out), errout, sizeof(errout)));
}

/* -o writes the whole text; an invalid file leaves what was there. */
TEST(iotguardctl_output_file_is_written_whole)
{
	char dir[] = "/tmp/iotguard-mud-XXXXXX", path[128], args[512], out[8192], errout[4096];
	char got[8192];

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/egress.conf", dir);
	snprintf(args, sizeof(args), "-o %s %s", path, FIXTURE_PATH("camera.json"));
	EXPECT_EQ(0, ctl(args, out, sizeof(out), errout, sizeof(errout)));
	EXPECT_STREQ("", out);
	read_text(path, got, sizeof(got));
	EXPECT_STREQ(camera_text, got);

	snprintf(args, sizeof(args), "%s -o %s", FIXTURE_PATH("not-json.json"), path);
	EXPECT_EQ(2, ctl(args, out, sizeof(out), errout, sizeof(errout)));
	read_text(path, got, sizeof(got));
	EXPECT_STREQ(camera_text, got);
	unlink(path);
	rmdir(dir);
}

TEST_HARNESS_MAIN
