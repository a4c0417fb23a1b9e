// SPDX-License-Identifier: GPL-2.0
/*
 * The module's generic netlink control plane: permissions, strict
 * validation of every malformed shape, and agreement with sysfs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include "kselftest_harness.h"
#include "genl_raw.h"
#include "util.h"

FIXTURE(genl) {
	struct raw_genl g;
	struct raw_status before;
};

FIXTURE_SETUP(genl)
{
	ASSERT_EQ(0, raw_genl_open(&self->g, IOTGUARD_GENL_NAME));
	ASSERT_EQ(0, raw_genl_status(&self->g, &self->before));
}

FIXTURE_TEARDOWN(genl)
{
	/* Leave the device as it was. */
	raw_genl_set_mode(&self->g, self->before.mode, 0);
	if (self->before.cred_state != IOTGUARD_CRED_UNKNOWN)
		raw_genl_set_cred_state(&self->g, self->before.cred_state);
	raw_genl_close(&self->g);
}

static void expect_unchanged(struct __test_metadata *_metadata,
			     struct raw_genl *g, const struct raw_status *before)
{
	struct raw_status now;

	ASSERT_EQ(0, raw_genl_status(g, &now));
	EXPECT_EQ(before->mode, now.mode);
	EXPECT_EQ(before->cred_state, now.cred_state);
	EXPECT_EQ(before->policy_generation, now.policy_generation);
	EXPECT_EQ(before->counters[IOTGUARD_CTR_MODE_CHANGES],
		  now.counters[IOTGUARD_CTR_MODE_CHANGES]);
	/* The gate too: a request applies whole or not at all. */
	EXPECT_EQ(before->port_count, now.port_count);
	EXPECT_EQ(0, memcmp(before->ports, now.ports, sizeof(now.ports)));
	EXPECT_STREQ(before->prov_ifname, now.prov_ifname);
	EXPECT_EQ(before->net4_prefix_len, now.net4_prefix_len);
	EXPECT_EQ(before->net6_prefix_len, now.net6_prefix_len);
	EXPECT_EQ(before->throttle_burst, now.throttle_burst);
	EXPECT_EQ(before->throttle_interval_ms, now.throttle_interval_ms);
	EXPECT_EQ(before->locked, now.locked);
}

TEST_F(genl, status_matches_sysfs)
{
	struct raw_status st;
	char buf[64];

	ASSERT_EQ(0, raw_genl_status(&self->g, &st));
	ASSERT_EQ(0, sysfs_read("version", buf, sizeof(buf)));
	EXPECT_STREQ(buf, st.version);
	ASSERT_EQ(0, sysfs_read("mode", buf, sizeof(buf)));
	EXPECT_STREQ(st.mode == IOTGUARD_MODE_ENFORCE ? "enforce" :
		     st.mode == IOTGUARD_MODE_AUDIT ? "audit" : "off", buf);
	ASSERT_EQ(0, sysfs_read("cred_state", buf, sizeof(buf)));
	EXPECT_STREQ(st.cred_state == IOTGUARD_CRED_UNKNOWN ? "unknown" :
		     st.cred_state == IOTGUARD_CRED_DEFAULT ? "default" :
		     "provisioned", buf);
	EXPECT_EQ(st.policy_generation, sysfs_u64("policy_generation"));
	EXPECT_EQ(st.counters[IOTGUARD_CTR_MODE_CHANGES],
		  sysfs_u64("counters/mode_changes"));
	EXPECT_EQ(st.counters[IOTGUARD_CTR_REFUSED_REQUESTS],
		  sysfs_u64("counters/refused_requests"));
	EXPECT_EQ(st.counters[IOTGUARD_CTR_CRED_STATE_CHANGES],
		  sysfs_u64("counters/cred_state_changes"));
}

TEST_F(genl, sysfs_is_read_only_and_world_readable)
{
	static const char *const names[] = {
		"version", "mode", "cred_state", "policy_generation",
		"counters/mode_changes", "counters/refused_requests",
		"counters/cred_state_changes",
	};
	char path[128];
	struct stat sb;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), SYSFS_DIR "/%s", names[i]);
		ASSERT_EQ(0, stat(path, &sb)) TH_LOG("%s", path);
		EXPECT_EQ(0444, sb.st_mode & 0777) TH_LOG("%s", path);
	}
}

TEST_F(genl, set_mode_changes_state_and_generation)
{
	struct raw_status st;
	char buf[32];

	ASSERT_EQ(0, raw_genl_set_mode(&self->g, IOTGUARD_MODE_AUDIT, 0));
	ASSERT_EQ(0, raw_genl_status(&self->g, &st));
	EXPECT_EQ(IOTGUARD_MODE_AUDIT, st.mode);
	EXPECT_EQ(self->before.policy_generation + 1, st.policy_generation);
	ASSERT_EQ(0, sysfs_read("mode", buf, sizeof(buf)));
	EXPECT_STREQ("audit", buf);
	EXPECT_EQ(self->before.counters[IOTGUARD_CTR_MODE_CHANGES] + 1,
		  st.counters[IOTGUARD_CTR_MODE_CHANGES]);
}

TEST_F(genl, set_mode_unprivileged_gets_eperm)
{
	pid_t pid = fork();
	int status;

	ASSERT_GE(pid, 0);
	if (pid == 0) {
		struct raw_genl g;
		struct raw_status st;

		/* nobody: no capabilities at all. */
		if (setgid(65534) || setuid(65534))
			_exit(10);
		if (raw_genl_open(&g, IOTGUARD_GENL_NAME))
			_exit(11);
		/* Reading is for anyone. */
		if (raw_genl_status(&g, &st))
			_exit(12);
		if (raw_genl_set_cred_state(&g, IOTGUARD_CRED_PROVISIONED) != -EPERM)
			_exit(14);
		if (raw_genl_set_throttle(&g, IOTGUARD_MAX_THROTTLE_BURST, 10) != -EPERM)
			_exit(15);
		if (raw_genl_set_ifname(&g, "veth0") != -EPERM)
			_exit(16);
		if (raw_genl_lock(&g) != -EPERM)
			_exit(17);
		/* Events name attackers' addresses: administrators only. */
		if (raw_events_open(&g) != -EPERM)
			_exit(18);
		_exit(raw_genl_set_mode(&g, IOTGUARD_MODE_OFF, 0) == -EPERM ? 0 : 13);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	expect_unchanged(_metadata, &self->g, &self->before);
}

TEST_F(genl, no_weaken_flag_refuses_a_weaker_mode)
{
	ASSERT_EQ(IOTGUARD_MODE_ENFORCE, self->before.mode);
	EXPECT_EQ(-EPERM, raw_genl_set_mode(&self->g, IOTGUARD_MODE_AUDIT,
					    IOTGUARD_SET_F_NO_WEAKEN));
	expect_unchanged(_metadata, &self->g, &self->before);
	EXPECT_EQ(self->before.counters[IOTGUARD_CTR_REFUSED_REQUESTS] + 1,
		  sysfs_u64("counters/refused_requests"));
	/* Same strength is not a weakening. */
	EXPECT_EQ(0, raw_genl_set_mode(&self->g, IOTGUARD_MODE_ENFORCE,
				       IOTGUARD_SET_F_NO_WEAKEN));
}

TEST_F(genl, set_cred_state_takes_only_an_audit_verdict)
{
	uint32_t other = self->before.cred_state == IOTGUARD_CRED_PROVISIONED ?
			 IOTGUARD_CRED_DEFAULT : IOTGUARD_CRED_PROVISIONED;
	struct raw_status st;
	char buf[32];

	/* "unknown" is the boot state only; nothing past the last is valid. */
	EXPECT_EQ(-EINVAL, raw_genl_set_cred_state(&self->g, IOTGUARD_CRED_UNKNOWN));
	EXPECT_EQ(-EINVAL, raw_genl_set_cred_state(&self->g, IOTGUARD_CRED_MAX + 1));
	expect_unchanged(_metadata, &self->g, &self->before);

	ASSERT_EQ(0, raw_genl_set_cred_state(&self->g, other));
	ASSERT_EQ(0, raw_genl_status(&self->g, &st));
	EXPECT_EQ(other, st.cred_state);
	ASSERT_EQ(0, sysfs_read("cred_state", buf, sizeof(buf)));
	EXPECT_STREQ(other == IOTGUARD_CRED_DEFAULT ? "default" : "provisioned", buf);
	EXPECT_EQ(self->before.counters[IOTGUARD_CTR_CRED_STATE_CHANGES] + 1,
		  st.counters[IOTGUARD_CTR_CRED_STATE_CHANGES]);
}

/* One malformed request, the error it must get, and why. */
struct malformed {
	const char *what;
	uint8_t cmd;
	uint16_t reserved;
	int expect;
	void (*build)(struct raw_attrs *a);
};

static void mode_as_u8(struct raw_attrs *a)
{
	uint8_t v = IOTGUARD_MODE_OFF;

	raw_put(a, IOTGUARD_A_MODE, &v, sizeof(v));
}

static void mode_as_u64(struct raw_attrs *a)
{
	uint64_t v = IOTGUARD_MODE_OFF;

	raw_put(a, IOTGUARD_A_MODE, &v, sizeof(v));
}

static void mode_out_of_range(struct raw_attrs *a)
{
	raw_put_u32(a, IOTGUARD_A_MODE, IOTGUARD_MODE_MAX + 1);
}

static void mode_huge(struct raw_attrs *a)
{
	raw_put_u32(a, IOTGUARD_A_MODE, UINT32_MAX);
}

static void mode_as_string(struct raw_attrs *a)
{
	raw_put(a, IOTGUARD_A_MODE, "off", 4);
}

static void mode_nested_flag(struct raw_attrs *a)
{
	uint32_t v = IOTGUARD_MODE_OFF;

	raw_put(a, IOTGUARD_A_MODE | NLA_F_NESTED, &v, sizeof(v));
}

static void no_attrs(struct raw_attrs *a)
{
	(void)a;
}

static void only_flags(struct raw_attrs *a)
{
	raw_put_u32(a, IOTGUARD_A_FLAGS, 0);
}

static void unknown_attr(struct raw_attrs *a)
{
	raw_put_u32(a, IOTGUARD_A_MODE, IOTGUARD_MODE_OFF);
	raw_put_u32(a, IOTGUARD_A_MAX + 1, 0);
}

static void attr_of_another_command(struct raw_attrs *a)
{
	raw_put_u32(a, IOTGUARD_A_MODE, IOTGUARD_MODE_OFF);
	raw_put_u32(a, IOTGUARD_A_CRED_STATE, IOTGUARD_CRED_PROVISIONED);
}

static void unknown_flag_bit(struct raw_attrs *a)
{
	raw_put_u32(a, IOTGUARD_A_MODE, IOTGUARD_MODE_OFF);
	raw_put_u32(a, IOTGUARD_A_FLAGS, 1U << 7);
}

static void truncated_attr(struct raw_attrs *a)
{
	struct nlattr *nla;

	raw_put_u32(a, IOTGUARD_A_MODE, IOTGUARD_MODE_OFF);
	/* Claim more payload than the message holds. */
	nla = (struct nlattr *)a->buf;
	nla->nla_len = 64;
}

static void valid_set_off(struct raw_attrs *a)
{
	raw_put_u32(a, IOTGUARD_A_MODE, IOTGUARD_MODE_OFF);
}

static void cred_state_as_u64(struct raw_attrs *a)
{
	uint64_t v = IOTGUARD_CRED_PROVISIONED;

	raw_put(a, IOTGUARD_A_CRED_STATE, &v, sizeof(v));
}

static void cred_state_with_mode(struct raw_attrs *a)
{
	raw_put_u32(a, IOTGUARD_A_CRED_STATE, IOTGUARD_CRED_PROVISIONED);
	raw_put_u32(a, IOTGUARD_A_MODE, IOTGUARD_MODE_OFF);
}

static void cred_state_with_flags(struct raw_attrs *a)
{
	raw_put_u32(a, IOTGUARD_A_CRED_STATE, IOTGUARD_CRED_PROVISIONED);
	raw_put_u32(a, IOTGUARD_A_FLAGS, 0);
}

static void status_with_attr(struct raw_attrs *a)
{
	raw_put_u32(a, IOTGUARD_A_MODE, IOTGUARD_MODE_OFF);
}

static void burst(struct raw_attrs *a, uint32_t v)
{
	raw_put_u32(a, IOTGUARD_A_THROTTLE_BURST, v);
}

static void burst_zero(struct raw_attrs *a) { burst(a, 0); }
static void burst_over_max(struct raw_attrs *a) { burst(a, IOTGUARD_MAX_THROTTLE_BURST + 1); }

static void burst_as_u16(struct raw_attrs *a)
{
	raw_put_u16(a, IOTGUARD_A_THROTTLE_BURST, 5);
}

static void interval(struct raw_attrs *a, uint32_t v)
{
	raw_put_u32(a, IOTGUARD_A_THROTTLE_INTERVAL_MS, v);
}

static void interval_under_min(struct raw_attrs *a)
{
	interval(a, IOTGUARD_MIN_THROTTLE_INTERVAL_MS - 1);
}

static void interval_over_max(struct raw_attrs *a)
{
	interval(a, IOTGUARD_MAX_THROTTLE_INTERVAL_MS + 1);
}

static void interval_as_u64(struct raw_attrs *a)
{
	uint64_t v = 1000;

	raw_put(a, IOTGUARD_A_THROTTLE_INTERVAL_MS, &v, sizeof(v));
}

static void ports_not_nested(struct raw_attrs *a)
{
	raw_put_u16(a, IOTGUARD_A_LOGIN_PORTS, 22);
}

static void ports_with(struct raw_attrs *a, uint16_t type, const void *v, size_t len, int n)
{
	size_t nest = raw_nest_start(a, IOTGUARD_A_LOGIN_PORTS);

	for (int i = 0; i < n; i++)
		raw_put(a, type, v, len);
	raw_nest_end(a, nest);
}

static void port_zero(struct raw_attrs *a)
{
	uint16_t v = 0;

	ports_with(a, IOTGUARD_A_LOGIN_PORT, &v, sizeof(v), 1);
}

static void port_as_u32(struct raw_attrs *a)
{
	uint32_t v = 22;

	ports_with(a, IOTGUARD_A_LOGIN_PORT, &v, sizeof(v), 1);
}

static void port_of_another_type(struct raw_attrs *a)
{
	uint16_t v = 22;

	ports_with(a, IOTGUARD_A_MODE, &v, sizeof(v), 1);
}

static void too_many_ports(struct raw_attrs *a)
{
	size_t nest = raw_nest_start(a, IOTGUARD_A_LOGIN_PORTS);

	for (int i = 0; i <= IOTGUARD_MAX_LOGIN_PORTS; i++)
		raw_put_u16(a, IOTGUARD_A_LOGIN_PORT, (uint16_t)(1000 + i));
	raw_nest_end(a, nest);
}

static void good_burst_bad_port(struct raw_attrs *a)
{
	burst(a, 1);
	port_zero(a);
}

static void ifname_too_long(struct raw_attrs *a)
{
	raw_put(a, IOTGUARD_A_PROV_IFNAME, "sixteen-chars-xx", 17);
}

static void ifname_unterminated(struct raw_attrs *a)
{
	raw_put(a, IOTGUARD_A_PROV_IFNAME, "veth0", 5);
}

static void subnet(struct raw_attrs *a, uint16_t type, const void *addr, size_t len,
		   int prefix_len, int extra_type)
{
	size_t nest = raw_nest_start(a, type);

	if (addr)
		raw_put(a, IOTGUARD_NET_A_ADDR, addr, len);
	if (prefix_len >= 0)
		raw_put_u8(a, IOTGUARD_NET_A_PREFIX_LEN, (uint8_t)prefix_len);
	if (extra_type)
		raw_put_u8(a, (uint16_t)extra_type, 0);
	raw_nest_end(a, nest);
}

static const unsigned char net4_addr[4] = { 10, 99, 0, 0 };
static const unsigned char net4_host[4] = { 10, 99, 0, 1 };
static const unsigned char net6_addr[16] = { 0xfd, 0, 0, 0x99 };
static const unsigned char net6_host[16] = { 0xfd, 0, 0, 0x99, [15] = 1 };

static void net4_prefix_zero(struct raw_attrs *a)
{
	subnet(a, IOTGUARD_A_PROV_NET4, net4_addr, 4, 0, 0);
}

static void net4_prefix_33(struct raw_attrs *a)
{
	subnet(a, IOTGUARD_A_PROV_NET4, net4_addr, 4, 33, 0);
}

static void net4_host_bits(struct raw_attrs *a)
{
	subnet(a, IOTGUARD_A_PROV_NET4, net4_host, 4, 24, 0);
}

static void net4_addr_16_bytes(struct raw_attrs *a)
{
	subnet(a, IOTGUARD_A_PROV_NET4, net6_addr, 16, 24, 0);
}

static void net4_no_prefix(struct raw_attrs *a)
{
	subnet(a, IOTGUARD_A_PROV_NET4, net4_addr, 4, -1, 0);
}

static void net4_unknown_member(struct raw_attrs *a)
{
	subnet(a, IOTGUARD_A_PROV_NET4, net4_addr, 4, 24, IOTGUARD_NET_A_MAX + 1);
}

static void net4_not_nested(struct raw_attrs *a)
{
	raw_put(a, IOTGUARD_A_PROV_NET4, net4_addr, 4);
}

static void net6_prefix_129(struct raw_attrs *a)
{
	subnet(a, IOTGUARD_A_PROV_NET6, net6_addr, 16, 129, 0);
}

static void net6_addr_4_bytes(struct raw_attrs *a)
{
	subnet(a, IOTGUARD_A_PROV_NET6, net4_addr, 4, 24, 0);
}

static void net6_host_bits(struct raw_attrs *a)
{
	subnet(a, IOTGUARD_A_PROV_NET6, net6_host, 16, 64, 0);
}

static void gate_with_mode(struct raw_attrs *a)
{
	burst(a, 5);
	raw_put_u32(a, IOTGUARD_A_MODE, IOTGUARD_MODE_OFF);
}

static void gate_with_read_only_attr(struct raw_attrs *a)
{
	raw_put_u32(a, IOTGUARD_A_THROTTLE_TABLE_SIZE, 8);
}

static const struct malformed cases[] = {
	{ "mode as u8 (wrong type)", IOTGUARD_CMD_SET_MODE, 0, -EINVAL, mode_as_u8 },
	{ "mode as string (wrong type)", IOTGUARD_CMD_SET_MODE, 0, -EINVAL, mode_as_string },
	{ "mode as u64 (oversize)", IOTGUARD_CMD_SET_MODE, 0, -EINVAL, mode_as_u64 },
	{ "mode one past the last", IOTGUARD_CMD_SET_MODE, 0, -EINVAL, mode_out_of_range },
	{ "mode UINT32_MAX", IOTGUARD_CMD_SET_MODE, 0, -EINVAL, mode_huge },
	{ "mode with NLA_F_NESTED", IOTGUARD_CMD_SET_MODE, 0, -EINVAL, mode_nested_flag },
	{ "no attributes (mode missing)", IOTGUARD_CMD_SET_MODE, 0, -EINVAL, no_attrs },
	{ "flags without mode", IOTGUARD_CMD_SET_MODE, 0, -EINVAL, only_flags },
	{ "unknown attribute", IOTGUARD_CMD_SET_MODE, 0, -EINVAL, unknown_attr },
	{ "attribute of another command", IOTGUARD_CMD_SET_MODE, 0, -EINVAL, attr_of_another_command },
	{ "unknown flag bit", IOTGUARD_CMD_SET_MODE, 0, -EINVAL, unknown_flag_bit },
	{ "truncated attribute", IOTGUARD_CMD_SET_MODE, 0, -EINVAL, truncated_attr },
	{ "reserved header field set", IOTGUARD_CMD_SET_MODE, 1, -EINVAL, valid_set_off },
	{ "cred state as u64 (oversize)", IOTGUARD_CMD_SET_CRED_STATE, 0, -EINVAL, cred_state_as_u64 },
	{ "cred state missing", IOTGUARD_CMD_SET_CRED_STATE, 0, -EINVAL, only_flags },
	{ "cred state with a mode attribute", IOTGUARD_CMD_SET_CRED_STATE, 0, -EINVAL, cred_state_with_mode },
	{ "cred state with flags (not its attribute)", IOTGUARD_CMD_SET_CRED_STATE, 0, -EINVAL, cred_state_with_flags },
	{ "get-status with an attribute", IOTGUARD_CMD_GET_STATUS, 0, -EINVAL, status_with_attr },
	{ "burst 0", IOTGUARD_CMD_SET_GATE, 0, -ERANGE, burst_zero },
	{ "burst over the maximum", IOTGUARD_CMD_SET_GATE, 0, -ERANGE, burst_over_max },
	{ "burst as u16", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, burst_as_u16 },
	{ "interval under the minimum", IOTGUARD_CMD_SET_GATE, 0, -ERANGE, interval_under_min },
	{ "interval over the maximum", IOTGUARD_CMD_SET_GATE, 0, -ERANGE, interval_over_max },
	{ "interval as u64", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, interval_as_u64 },
	{ "ports not nested", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, ports_not_nested },
	{ "port 0", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, port_zero },
	{ "port as u32", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, port_as_u32 },
	{ "port of another type", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, port_of_another_type },
	{ "one port too many", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, too_many_ports },
	{ "good burst, bad port (whole or nothing)", IOTGUARD_CMD_SET_GATE, 0, -EINVAL,
	  good_burst_bad_port },
	{ "interface name too long", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, ifname_too_long },
	{ "interface name unterminated", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, ifname_unterminated },
	{ "IPv4 prefix 0 (everyone)", IOTGUARD_CMD_SET_GATE, 0, -ERANGE, net4_prefix_zero },
	{ "IPv4 prefix 33", IOTGUARD_CMD_SET_GATE, 0, -ERANGE, net4_prefix_33 },
	{ "IPv4 host bits set", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, net4_host_bits },
	{ "IPv4 subnet with 16 bytes", IOTGUARD_CMD_SET_GATE, 0, -ERANGE, net4_addr_16_bytes },
	{ "IPv4 subnet without prefix", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, net4_no_prefix },
	{ "IPv4 subnet unknown member", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, net4_unknown_member },
	{ "IPv4 subnet not nested", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, net4_not_nested },
	{ "IPv6 prefix 129", IOTGUARD_CMD_SET_GATE, 0, -ERANGE, net6_prefix_129 },
	{ "IPv6 subnet with 4 bytes", IOTGUARD_CMD_SET_GATE, 0, -ERANGE, net6_addr_4_bytes },
	{ "IPv6 host bits set", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, net6_host_bits },
	{ "set-gate with a mode", IOTGUARD_CMD_SET_GATE, 0, -EINVAL, gate_with_mode },
	{ "set-gate with a read-only attribute", IOTGUARD_CMD_SET_GATE, 0, -EINVAL,
	  gate_with_read_only_attr },
	{ "lock with an attribute", IOTGUARD_CMD_LOCK, 0, -EINVAL, status_with_attr },
	{ "event sent to the kernel", IOTGUARD_CMD_EVENT, 0, -EOPNOTSUPP, no_attrs },
	{ "unknown command", IOTGUARD_CMD_MAX + 1, 0, -EOPNOTSUPP, no_attrs },
	{ "command 0 (unspec)", IOTGUARD_CMD_UNSPEC, 0, -EOPNOTSUPP, no_attrs },
};

TEST_F(genl, malformed_requests_are_refused_and_change_nothing)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct raw_attrs a = { .len = 0 };
		int ret;

		cases[i].build(&a);
		ret = raw_genl_send(&self->g, cases[i].cmd, cases[i].reserved,
				    &a, NULL, NULL);
		EXPECT_EQ(cases[i].expect, ret) TH_LOG("%s: got %d (%s)",
			cases[i].what, ret, strerror(-ret));
		expect_unchanged(_metadata, &self->g, &self->before);
	}
}

TEST_HARNESS_MAIN
