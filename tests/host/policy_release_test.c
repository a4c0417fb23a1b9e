// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of `check-policy --release`'s judgement: which names are
 * reserved for examples (RFC 2606), which host a disclosure URI names, and
 * whole policies, one that may ship and ones that may not, each reason
 * with its line in the file. The shipped example policy must fail. Built
 * with ASan and UBSan.
 */
#include "kselftest_harness.h"
#include "policy_lib.h"
#include "policy_release.h"

TEST(reserved_names)
{
	static const char *const reserved[] = {
		"example.com", "EXAMPLE.COM", "cloud.example.com", "example.net", "a.b.example.org",
		"example.org.", "iot.example", "cam.test", "test", "x.invalid", "localhost",
		"api.localhost",
	};
	static const char *const ours[] = {
		"vendor.com", "myexample.com", "example.com.vendor.net", "examples.org",
		"testing.io", "test.vendor.com", "invalidate.me", "localhost.vendor.com", "",
	};

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		EXPECT_TRUE(reserved_example_name(reserved[i])) TH_LOG("%s", reserved[i]);
	}
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
		EXPECT_FALSE(reserved_example_name(ours[i])) TH_LOG("%s", ours[i]);
	}
}

TEST(uri_hosts)
{
	static const struct {
		const char *uri, *host;	/* host NULL: the URI names none */
	} cases[] = {
		{ "mailto:security@vendor.com", "vendor.com" },
		{ "mailto:psirt@vendor.com?subject=vuln", "vendor.com" },
		/* Several addresses: a reserved one is found wherever it is. */
		{ "mailto:a@vendor.com,b@example.org", "example.org" },
		{ "https://vendor.com/security", "vendor.com" },
		{ "https://user@psirt.vendor.com:8443/report?x=1", "psirt.vendor.com" },
		{ "https://example.com", "example.com" },
		{ "dns:keys.vendor.com", NULL },
		{ "https://[2001:db8::1]/report", NULL },
		{ "tel:+44-20-7946-0000", NULL },
		{ "openpgp4fpr:0123456789ABCDEF", NULL },
	};
	char host[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool found = uri_host(cases[i].uri, host, sizeof(host));

		EXPECT_EQ(cases[i].host != NULL, found) TH_LOG("%s", cases[i].uri);
		if (found && cases[i].host)
			EXPECT_STREQ(cases[i].host, host);
	}
}

/* Each problem as "line: why", one a line. */
static void collect(void *arg, int line, const char *why)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 4096 - n, "%d: %s\n", line, why);
}

#define OWN_PRODUCT \
	"product = { manufacturer = \"Vendor Ltd\"; model = \"Cam 3\"; };\n"
#define OWN_DISCLOSURE \
	"disclosure = { contact = [ \"mailto:psirt@vendor.com\" ];\n" \
	"  policy_url = \"https://vendor.com/psirt\"; };\n"
#define OWN_SUPPORT "support = { updates_until = \"2031-12-31\"; };\n"

TEST_F(policy, a_product_policy_may_ship)
{
	char problems[4096] = "";

	ASSERT_TRUE(load(_metadata, self, "version = 1;\n" OWN_PRODUCT OWN_DISCLOSURE OWN_SUPPORT
			 "egress = { allow = (\n"
			 "  { to = \"mqtt.vendor.com\"; ports = [ 8883 ]; } ); };\n"));
	EXPECT_EQ(0, policy_release_check(&self->policy, collect, problems));
	EXPECT_STREQ("", problems);
}

TEST_F(policy, example_names_fail_at_their_lines)
{
	char problems[4096] = "";

	ASSERT_TRUE(load(_metadata, self, "version = 1;\n" OWN_PRODUCT
			 "disclosure = {\n"
			 "  contact = [ \"mailto:psirt@vendor.com\",\n"
			 "              \"https://bugs.example.net/new\" ];\n"
			 "  policy_url = \"https://vendor.test/policy\";\n"
			 "  encryption = \"https://example.org/key.asc\";\n"
			 "};\n" OWN_SUPPORT
			 "egress = {\n"
			 "  allow = ( { to = \"mqtt.vendor.com\"; },\n"
			 "            { to = \"cloud.example.com\"; } );\n"
			 "};\n"));
	EXPECT_EQ(4, policy_release_check(&self->policy, collect, problems));
	/* Rule 2 is on line 12: the rule's own line, not the list's. */
	EXPECT_STREQ("5: disclosure.contact \"https://bugs.example.net/new\": bugs.example.net is "
		     "reserved for examples (RFC 2606), not yours\n"
		     "6: disclosure.policy_url \"https://vendor.test/policy\": vendor.test is "
		     "reserved for examples (RFC 2606), not yours\n"
		     "7: disclosure.encryption \"https://example.org/key.asc\": example.org is "
		     "reserved for examples (RFC 2606), not yours\n"
		     "12: egress rule 2: \"cloud.example.com\" is reserved for examples "
		     "(RFC 2606): "
		     "the device would depend on a name that is never its cloud\n", problems);
}

TEST_F(policy, unset_sections_fail)
{
	char problems[4096] = "";

	ASSERT_TRUE(load(_metadata, self, "version = 1;\n"));
	EXPECT_EQ(3, policy_release_check(&self->policy, collect, problems));
	EXPECT_STREQ("0: product: manufacturer and model must be set (the section is missing)\n"
		     "0: disclosure: no contact: a device must publish where to report a "
		     "vulnerability (the section is missing)\n"
		     "0: support: updates_until is not set: a device must publish how long it "
		     "gets security updates (the section is missing)\n", problems);

	/* Present but empty: the section's own line. */
	problems[0] = '\0';
	ASSERT_TRUE(load(_metadata, self, "version = 1;\nproduct = { model = \"Cam\"; };\n"
			 "disclosure = { policy_url = \"https://vendor.com/p\"; };\n"
			 "support = { ending_soon_days = 90; };\n"));
	EXPECT_EQ(3, policy_release_check(&self->policy, collect, problems));
	EXPECT_NE(NULL, strstr(problems, "2: product: manufacturer and model must be set"));
	EXPECT_NE(NULL, strstr(problems, "3: disclosure: no contact"));
	EXPECT_NE(NULL, strstr(problems, "4: support: updates_until is not set"));
}

/* The shipped policy is an example: it must never pass as a product's. */
TEST(shipped_example_fails)
{
	struct iotguard_policy policy;
	struct iotguard_error error;
	char problems[4096] = "";

	ASSERT_EQ(0, policy_load(DEFAULT_POLICY, &policy, &error)) TH_LOG("%s", error.msg);
	EXPECT_LT(0, policy_release_check(&policy, collect, problems));
	EXPECT_NE(NULL, strstr(problems, "example.com is reserved")) TH_LOG("%s", problems);
	policy_release(&policy);
}

TEST_HARNESS_MAIN
