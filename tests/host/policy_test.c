// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the policy parser: good files parse to the right
 * values; each bad file is refused with the exact file:line of its error
 * and leaves the caller's policy untouched. Built with ASan and UBSan.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "iotguard.h"
#include "policy.h"
#include "policy_lib.h"

TEST_F(policy, shipped_default_policy_is_valid)
{
	ASSERT_EQ(0, policy_load(DEFAULT_POLICY, &self->policy, &self->error))
		TH_LOG("%s", self->error.msg);
	EXPECT_EQ(POLICY_VERSION, self->policy.version);
	EXPECT_EQ(IOTGUARD_MODE_ENFORCE, self->policy.mode);
}

TEST_F(policy, each_mode_parses)
{
	static const struct { const char *text; uint32_t mode; } cases[] = {
		{ "version = 1;\nmode = \"off\";\n", IOTGUARD_MODE_OFF },
		{ "version = 1;\nmode = \"audit\";\n", IOTGUARD_MODE_AUDIT },
		{ "version = 1;\nmode = \"enforce\";\n", IOTGUARD_MODE_ENFORCE },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		write_file(_metadata, self->path, cases[i].text);
		ASSERT_EQ(0, policy_load(self->path, &self->policy, &self->error))
			TH_LOG("%s", self->error.msg);
		EXPECT_EQ(cases[i].mode, self->policy.mode);
		policy_release(&self->policy);
	}
}

TEST_F(policy, empty_file_means_enforce)
{
	write_file(_metadata, self->path, "# nothing set\n");
	ASSERT_EQ(0, policy_load(self->path, &self->policy, &self->error));
	EXPECT_EQ(IOTGUARD_MODE_ENFORCE, self->policy.mode);
}

TEST_F(policy, syntax_error_names_its_line)
{
	expect_refused(_metadata, self,
		       "version = 1;\n# comment\nmode = = \"audit\";\nversion = 1;\n",
		       "3: syntax error");
}

/* libconfig would read past a NUL byte (and leak, found by fuzzing): refused by its line. */
TEST_F(policy, nul_byte_names_its_line)
{
	static const char text[] = "version = 1;\nmode = \"audit\";\nname = \"a\0b\";\n";
	FILE *f = fopen(self->path, "w");

	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fwrite(text, sizeof(text) - 1, 1, f));
	fclose(f);
	EXPECT_EQ(-EINVAL, policy_load(self->path, &self->policy, &self->error));
	EXPECT_NE(NULL, strstr(self->error.msg, ":3: a NUL byte")) TH_LOG("%s", self->error.msg);
}

TEST_F(policy, unknown_setting_names_its_line)
{
	expect_refused(_metadata, self,
		       "version = 1;\nmode = \"off\";\n\nmodes = \"audit\";\n",
		       "4: unknown setting 'modes'");
}

TEST_F(policy, mode_of_wrong_type)
{
	expect_refused(_metadata, self, "version = 1;\nmode = 2;\n",
		       "2: 'mode' must be a string: \"off\", \"audit\" or \"enforce\"");
}

TEST_F(policy, unknown_mode)
{
	expect_refused(_metadata, self, "\n\nmode = \"permissive\";\n",
		       "3: unknown mode \"permissive\": use \"off\", \"audit\" or \"enforce\"");
}

TEST_F(policy, unsupported_version)
{
	expect_refused(_metadata, self, "version = 2;\nmode = \"off\";\n",
		       "1: unsupported policy version 2 (this agent reads version 1)");
}

TEST_F(policy, version_of_wrong_type)
{
	expect_refused(_metadata, self, "mode = \"off\";\nversion = \"1\";\n",
		       "2: 'version' must be an integer");
}

TEST_F(policy, error_after_valid_settings_applies_nothing)
{
	/* "off" is valid and comes first, but the file as a whole is not. */
	expect_refused(_metadata, self,
		       "version = 1;\nmode = \"off\";\nextra = { a = 1; };\n",
		       "3: unknown setting 'extra'");
}

TEST_F(policy, shipped_policy_spells_out_the_defaults)
{
	ASSERT_EQ(0, policy_load(DEFAULT_POLICY, &self->policy, &self->error));
	EXPECT_STREQ("/etc/iotguard/credentials", self->policy.deny_lists);
	EXPECT_EQ(PROVISION_RANDOM, self->policy.provisioning.method);
	EXPECT_EQ(0, self->policy.provisioning.account_count);
	EXPECT_TRUE(self->policy.provisioning.first_boot);
	EXPECT_EQ(8, self->policy.login_guard.program_count);
	EXPECT_STREQ("/bin/busybox", self->policy.login_guard.multi_call[0]);
	EXPECT_EQ(4, self->policy.login_guard.console_count);
}

TEST_F(policy, derived_needs_its_secret)
{
	expect_refused(_metadata, self,
		       "provisioning = {\n  method = \"derived\";\n  device_id_file = \"/x\";\n};\n",
		       "2: method \"derived\" needs 'secret_file' (the per-device key)");
}

TEST_F(policy, random_password_must_reach_the_owner)
{
	expect_refused(_metadata, self,
		       "provisioning = {\n  deliver_file = \"\";\n  deliver_console = false;\n};\n",
		       "1: method \"random\" needs 'deliver_file' or 'deliver_console': "
		       "the password must reach the owner");
}

TEST_F(policy, unknown_setting_in_a_group)
{
	expect_refused(_metadata, self, "provisioning = {\n  methd = \"random\";\n};\n",
		       "2: unknown setting 'methd' in 'provisioning'");
}

TEST_F(policy, login_programs_are_absolute_paths)
{
	expect_refused(_metadata, self,
		       "login_guard = {\n  programs = [\"/bin/login\",\n    \"dropbear\"];\n};\n",
		       "3: invalid entry \"dropbear\" in 'programs' (an absolute path)");
}

TEST_F(policy, network_gate_defaults_and_additions)
{
	const struct gate_settings *gate = &self->policy.gate;

	ASSERT_EQ(0, policy_load(DEFAULT_POLICY, &self->policy, &self->error));
	ASSERT_EQ(3, gate->port_count);
	EXPECT_EQ(22, gate->ports[0]);
	EXPECT_EQ(23, gate->ports[1]);
	EXPECT_EQ(2323, gate->ports[2]);
	EXPECT_EQ(5, gate->throttle_burst);
	EXPECT_EQ(10000, gate->throttle_interval_ms);
	EXPECT_FALSE(gate->net4.set);
	policy_release(&self->policy);

	write_file(_metadata, self->path,
		   "network_gate = {\n  extra_login_ports = [ 8080, 23, 443 ];\n"
		   "  provisioning_interface = \"usb0\";\n"
		   "  provisioning_subnets = [ \"192.168.7.0/24\", \"fd00:7::/64\" ];\n"
		   "  throttle_burst = 3;\n  throttle_per_minute = 30;\n};\n");
	ASSERT_EQ(0, policy_load(self->path, &self->policy, &self->error)) TH_LOG("%s", self->error.msg);
	/* Sorted, the defaults kept, 23 not twice. */
	ASSERT_EQ(5, gate->port_count);
	EXPECT_EQ(443, gate->ports[2]);
	EXPECT_EQ(2323, gate->ports[3]);
	EXPECT_EQ(8080, gate->ports[4]);
	EXPECT_STREQ("usb0", gate->prov_ifname);
	EXPECT_TRUE(gate->net4.set);
	EXPECT_EQ(24, gate->net4.prefix_len);
	EXPECT_EQ(192, gate->net4.addr[0]);
	EXPECT_EQ(7, gate->net4.addr[2]);
	EXPECT_TRUE(gate->net6.set);
	EXPECT_EQ(64, gate->net6.prefix_len);
	EXPECT_EQ(0xfd, gate->net6.addr[0]);
	EXPECT_EQ(3, gate->throttle_burst);
	EXPECT_EQ(2000, gate->throttle_interval_ms);
}

TEST_F(policy, network_gate_bad_values_name_their_line)
{
	expect_refused(_metadata, self, "network_gate = {\n  extra_login_ports = [ 80, 0 ];\n};\n",
		       "2: port 0 is not a TCP port (1..65535)");
	expect_refused(_metadata, self, "network_gate = {\n  extra_login_ports = [ 70000 ];\n};\n",
		       "2: port 70000 is not a TCP port (1..65535)");
	expect_refused(_metadata, self,
		       "network_gate = {\n  provisioning_subnets = [\n \"10.0.0.1/24\" ];\n};\n",
		       "3: provisioning subnet \"10.0.0.1/24\": the address has bits set beyond "
		       "the prefix length");
	expect_refused(_metadata, self,
		       "network_gate = {\n  provisioning_subnets = [ \"10.0.0.0/0\" ];\n};\n",
		       "2: provisioning subnet \"10.0.0.0/0\": the prefix length must be 1..32");
	expect_refused(_metadata, self,
		       "network_gate = {\n  provisioning_subnets = [ \"fd00::/129\" ];\n};\n",
		       "2: provisioning subnet \"fd00::/129\": the prefix length must be 1..128");
	expect_refused(_metadata, self,
		       "network_gate = {\n  provisioning_subnets = [ \"usb0\" ];\n};\n",
		       "2: provisioning subnet \"usb0\": expected ADDRESS/PREFIX, such as "
		       "192.168.7.0/24 or fd00:7::/64");
	expect_refused(_metadata, self,
		       "network_gate = {\n  provisioning_subnets = [ \"10.1.0.0/16\",\n"
		       "    \"10.2.0.0/16\" ];\n};\n",
		       "3: one provisioning subnet per address family");
	expect_refused(_metadata, self,
		       "network_gate = {\n  provisioning_interface = \"a-very-long-ifname\";\n};\n",
		       "2: \"a-very-long-ifname\" is not an interface name (at most 15 characters, "
		       "no '/', ':' or spaces)");
	expect_refused(_metadata, self, "network_gate = {\n  throttle_burst = 0;\n};\n",
		       "2: 'throttle_burst' must be from 1 to 1000");
	expect_refused(_metadata, self, "network_gate = {\n  throttle_per_minute = 6001;\n};\n",
		       "2: 'throttle_per_minute' must be from 1 to 6000");
	expect_refused(_metadata, self, "network_gate = {\n  login_ports = [ 22 ];\n};\n",
		       "2: unknown setting 'login_ports' in 'network_gate'");
}

TEST_F(policy, publish_sections_parse)
{
	const struct publish_policy *pub = &self->policy.publish;

	ASSERT_EQ(0, policy_load(DEFAULT_POLICY, &self->policy, &self->error))
		TH_LOG("%s", self->error.msg);
	EXPECT_STREQ("Example Devices Ltd", pub->product.manufacturer);
	ASSERT_EQ(2, pub->disclosure.contact_count);
	EXPECT_STREQ("mailto:security@example.com", pub->disclosure.contacts[0]);
	EXPECT_EQ(7, pub->disclosure.acknowledge_days);
	EXPECT_TRUE(pub->support.set);
	EXPECT_EQ(180, pub->support.ending_soon_days);
	EXPECT_EQ(2, pub->compliance.declared_port_count);
}

TEST_F(policy, publish_bad_values_name_their_line)
{
	expect_refused(_metadata, self,
		       "disclosure = {\n  contact = [ \"security@example.com\" ];\n};\n",
		       "2: contact \"security@example.com\" must be a mailto:, tel: or https: URI");
	expect_refused(_metadata, self,
		       "disclosure = {\n  policy_url = \"http://example.com/p\";\n};\n",
		       "2: 'policy_url' must be an https:// URL");
	expect_refused(_metadata, self,
		       "disclosure = {\n  encryption = \"-----BEGIN PGP PUBLIC KEY BLOCK-----\";\n};\n",
		       "2: 'encryption' must be the URI of a key (https:, dns: or openpgp4fpr:), "
		       "never the key itself");
	expect_refused(_metadata, self, "disclosure = {\n  expires_days = 400;\n};\n",
		       "2: 'expires_days' must be from 1 to 365");
	expect_refused(_metadata, self, "disclosure = {\n  languages = [ \"en GB\" ];\n};\n",
		       "2: \"en GB\" is not a language tag such as \"en\" or \"de-CH\"");
	expect_refused(_metadata, self, "support = {\n  updates_until = \"2030-02-30\";\n};\n",
		       "2: 'updates_until' must be a real date, \"YYYY-MM-DD\" (got \"2030-02-30\")");
	expect_refused(_metadata, self, "support = {\n  updates_until = 2030;\n};\n",
		       "2: 'updates_until' must be a date: \"YYYY-MM-DD\"");
	expect_refused(_metadata, self, "compliance = {\n  declared_ports = [ 22, 0 ];\n};\n",
		       "2: port 0 is not a TCP port (1..65535)");
	expect_refused(_metadata, self, "product = {\n  version_file = \"os-release\";\n};\n",
		       "2: 'version_file' must be an absolute path");
}

TEST_F(policy, missing_file)
{
	char want[IOTGUARD_ERROR_MAX];

	unlink(self->path);
	EXPECT_EQ(-ENOENT, policy_load(self->path, &self->policy, &self->error));
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory",
		 self->path);
	EXPECT_STREQ(want, self->error.msg);
}

TEST_HARNESS_MAIN
