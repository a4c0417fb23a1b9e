// SPDX-License-Identifier: GPL-2.0
/*
 * `iotguardctl lock`: until reboot the module refuses every weakening and
 * its own unload. A lock lasts until reboot, so this program runs in a boot
 * of its own (scripts/check), not in the main suite; its tests run in order.
 */
#include <crypt.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <linux/types.h>
#include "kselftest_harness.h"
#include "genl_raw.h"
#include "login_guard.h"
#include "sessions.h"
#include "netpath.h"
#include "util.h"

#define USER "tester"
#define VENDOR_PASSWORD "admin"

static const uint16_t ports[] = { 22, 23, 2323, 8080 };

PROBE_BPF_LSM_BEFORE_THE_TESTS();

FIXTURE(lock) {
	struct raw_genl g;
	struct raw_status before;
};

FIXTURE_SETUP(lock)
{
	ASSERT_EQ(0, raw_genl_open(&self->g, IOTGUARD_GENL_NAME));
}

FIXTURE_TEARDOWN(lock)
{
	raw_genl_close(&self->g);
}

static void expect_unchanged(struct __test_metadata *_metadata, struct raw_genl *g,
			     const struct raw_status *before, const char *what)
{
	struct raw_status now;

	ASSERT_EQ(0, raw_genl_status(g, &now));
	EXPECT_EQ(before->mode, now.mode) TH_LOG("%s", what);
	EXPECT_EQ(before->cred_state, now.cred_state) TH_LOG("%s", what);
	EXPECT_EQ(before->port_count, now.port_count) TH_LOG("%s", what);
	EXPECT_STREQ(before->prov_ifname, now.prov_ifname) TH_LOG("%s", what);
	EXPECT_EQ(before->net4_prefix_len, now.net4_prefix_len) TH_LOG("%s", what);
	EXPECT_EQ(before->net6_prefix_len, now.net6_prefix_len) TH_LOG("%s", what);
	EXPECT_EQ(before->throttle_burst, now.throttle_burst) TH_LOG("%s", what);
	EXPECT_EQ(before->throttle_interval_ms, now.throttle_interval_ms) TH_LOG("%s", what);
}

#define EXPECT_REFUSED(call) do {						\
	EXPECT_EQ(-EPERM, call) TH_LOG("%s was not refused", #call);		\
	expect_unchanged(_metadata, &self->g, &self->before, #call);		\
} while (0)

/* Before anything is locked: an account with the vendor's default password. */
TEST(a_vendor_account_is_flagged)
{
	ASSERT_EQ(0, add_vendor_account(USER, 1000, VENDOR_PASSWORD));
	ASSERT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS));
	SKIP_WITHOUT_BPF_LSM(return);
	EXPECT_EQ(REFUSED, su_to(USER));
	EXPECT_EQ(LOGGED_IN, su_to("root"));
}

TEST_F(lock, lock_is_reported)
{
	char buf[8];

	ASSERT_EQ(0, raw_genl_set_mode(&self->g, IOTGUARD_MODE_ENFORCE, 0));
	ASSERT_EQ(0, raw_genl_set_cred_state(&self->g, IOTGUARD_CRED_DEFAULT));
	ASSERT_EQ(0, raw_genl_set_ports(&self->g, ports, 4));
	ASSERT_EQ(0, raw_genl_set_throttle(&self->g, 5, 10000));
	ASSERT_EQ(0, raw_genl_set_subnet(&self->g, IOTGUARD_A_PROV_NET4, "10.99.0.0", 24));
	ASSERT_EQ(0, raw_genl_set_subnet(&self->g, IOTGUARD_A_PROV_NET6, "fd00:99::", 64));
	/* An exempt interface, for renamed_interface_is_not_exempt. */
	ASSERT_EQ(0, setup_rename_paths());
	ASSERT_EQ(0, raw_genl_set_ifname(&self->g, PROV_IF));
	ASSERT_EQ(0, raw_genl_status(&self->g, &self->before));
	EXPECT_EQ(0, self->before.locked);
	ASSERT_EQ(0, sysfs_read("locked", buf, sizeof(buf)));
	EXPECT_STREQ("0", buf);

	ASSERT_EQ(0, raw_genl_lock(&self->g));
	EXPECT_EQ(0, raw_genl_lock(&self->g));	/* idempotent */
	ASSERT_EQ(0, raw_genl_status(&self->g, &self->before));
	EXPECT_EQ(1, self->before.locked);
	ASSERT_EQ(0, sysfs_read("locked", buf, sizeof(buf)));
	EXPECT_STREQ("1", buf);
}

TEST_F(lock, every_weakening_is_refused)
{
	const uint16_t fewer[] = { 22, 23, 2323 };

	ASSERT_EQ(0, raw_genl_status(&self->g, &self->before));
	ASSERT_EQ(1, self->before.locked);
	EXPECT_REFUSED(raw_genl_set_mode(&self->g, IOTGUARD_MODE_AUDIT, 0));
	EXPECT_REFUSED(raw_genl_set_mode(&self->g, IOTGUARD_MODE_OFF, 0));
	EXPECT_REFUSED(raw_genl_set_cred_state(&self->g, IOTGUARD_CRED_PROVISIONED));
	EXPECT_REFUSED(raw_genl_set_ports(&self->g, fewer, 3));
	EXPECT_REFUSED(raw_genl_set_ports(&self->g, NULL, 0));
	EXPECT_REFUSED(raw_genl_set_ifname(&self->g, "veth0"));
	EXPECT_REFUSED(raw_genl_set_subnet(&self->g, IOTGUARD_A_PROV_NET4, "10.99.0.0", 16));
	EXPECT_REFUSED(raw_genl_set_subnet(&self->g, IOTGUARD_A_PROV_NET4, "10.98.0.0", 24));
	EXPECT_REFUSED(raw_genl_set_subnet(&self->g, IOTGUARD_A_PROV_NET6, "fd00:98::", 64));
	EXPECT_REFUSED(raw_genl_set_throttle(&self->g, 6, 10000));
	EXPECT_REFUSED(raw_genl_set_throttle(&self->g, 5, 9999));
}

TEST_F(lock, strengthening_is_still_allowed)
{
	const uint16_t more[] = { 22, 23, 2323, 8080, 9090 };
	struct raw_status st;

	EXPECT_EQ(0, raw_genl_set_ports(&self->g, more, 5));
	EXPECT_EQ(0, raw_genl_set_throttle(&self->g, 4, 20000));
	EXPECT_EQ(0, raw_genl_set_subnet(&self->g, IOTGUARD_A_PROV_NET4, "10.99.0.0", 25));
	EXPECT_EQ(0, raw_genl_set_subnet(&self->g, IOTGUARD_A_PROV_NET6, NULL, 0));
	/* The same device again is no move (clearing: see the last test). */
	EXPECT_EQ(0, raw_genl_set_ifname(&self->g, PROV_IF));
	EXPECT_EQ(0, raw_genl_set_mode(&self->g, IOTGUARD_MODE_ENFORCE, 0));
	EXPECT_EQ(0, raw_genl_set_cred_state(&self->g, IOTGUARD_CRED_DEFAULT));
	ASSERT_EQ(0, raw_genl_status(&self->g, &st));
	EXPECT_EQ(5, st.port_count);
	EXPECT_EQ(4, st.throttle_burst);
	EXPECT_EQ(25, st.net4_prefix_len);
	EXPECT_EQ(0, st.net6_prefix_len);
}

TEST_F(lock, unload_is_refused)
{
	char saved[256];

	ASSERT_EQ(0, modprobe_disable(saved, sizeof(saved)));
	EXPECT_EQ(-EWOULDBLOCK, module_unload());
	EXPECT_TRUE(module_loaded());
	EXPECT_NE(0, run_capture("rmmod iotguard", NULL, 0));
	EXPECT_TRUE(module_loaded());
	modprobe_restore(saved);
}

TEST_F(lock, ctl_names_the_lock)
{
	char out[1024];

	EXPECT_EQ(4, run_capture("iotguardctl mode off", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "locked until reboot")) TH_LOG("%s", out);
	EXPECT_EQ(0, run_capture("iotguardctl lock", out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(0, run_capture("iotguardctl status", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "locked:             yes")) TH_LOG("%s", out);
}

TEST_F(lock, agent_reload_cannot_weaken_and_says_why)
{
	char out[4096];
	struct raw_status st;
	int agent = agentd_pid();

	ASSERT_GT(agent, 1);
	ASSERT_EQ(0, kill(agent, SIGHUP));
	EXPECT_EQ(0, wait_for_log("locked until reboot", "locked until reboot", out, sizeof(out)))
		TH_LOG("%s", out);
	ASSERT_EQ(0, raw_genl_status(&self->g, &st));
	EXPECT_EQ(5, st.port_count);		/* the policy's 3 were refused */
	EXPECT_EQ(IOTGUARD_CRED_DEFAULT, st.cred_state);
	EXPECT_EQ(agent, agentd_pid());	/* and it keeps running */
}

/*
 * Root renames the attacker's interface to the exempt name. The exemption
 * is the device it was set on, so a connection over the renamed interface
 * to a login port is still reset by the lockout, and the exemption cannot
 * be moved to it either.
 */
TEST_F(lock, renamed_interface_is_not_exempt)
{
	uint64_t refused = 0;
	struct raw_status st;
	int listener;

	ASSERT_EQ(0, raw_genl_status(&self->g, &st));
	ASSERT_EQ(1, st.locked);
	ASSERT_EQ(IOTGUARD_CRED_DEFAULT, st.cred_state);
	ASSERT_STREQ(PROV_IF, st.prov_ifname);
	EXPECT_NE(0, st.prov_ifindex);
	listener = listen_on(2323);
	ASSERT_LE(0, listener);
	refused = st.counters[IOTGUARD_CTR_LOCKOUT_REFUSED];
	EXPECT_EQ(-ECONNREFUSED, attacker_connect(PATH2_ATTACKER_ADDR, PATH2_DEVICE_ADDR, 2323));

	ASSERT_EQ(0, rename_link(PROV_IF, "provold"));
	ASSERT_EQ(0, rename_link(PATH2_DEVICE_IF, PROV_IF));
	EXPECT_EQ(-ECONNREFUSED, attacker_connect(PATH2_ATTACKER_ADDR, PATH2_DEVICE_ADDR, 2323))
		TH_LOG("the rename opened the lockout");
	/* Applying the policy again would move the exemption: refused. */
	EXPECT_EQ(-EPERM, raw_genl_set_ifname(&self->g, PROV_IF));
	EXPECT_EQ(-ECONNREFUSED, attacker_connect(PATH2_ATTACKER_ADDR, PATH2_DEVICE_ADDR, 2323));
	ASSERT_EQ(0, raw_genl_status(&self->g, &st));
	/* Refused by the lockout, not the throttle: burst 4 covers these. */
	EXPECT_LE(refused + 3, st.counters[IOTGUARD_CTR_LOCKOUT_REFUSED]);
	drain(listener);
	close(listener);

	ASSERT_EQ(0, rename_link(PROV_IF, PATH2_DEVICE_IF));
	ASSERT_EQ(0, rename_link("provold", PROV_IF));
	/* Clearing the exemption is strengthening, allowed while locked. */
	EXPECT_EQ(0, raw_genl_set_ifname(&self->g, ""));
	ASSERT_EQ(0, raw_genl_status(&self->g, &st));
	EXPECT_EQ(0, st.prov_ifindex);
}

/* The guarantee after each attack: su to the flagged account is refused, to root works. */
#define EXPECT_SU_STILL_GUARDED(what) do {					\
	EXPECT_EQ(REFUSED, su_to(USER)) TH_LOG("after %s", what);		\
	EXPECT_EQ(LOGGED_IN, su_to("root")) TH_LOG("after %s", what);		\
} while (0)

static int pinned_map_update(const char *pin, const void *key, const void *value)
{
	return pinned_map_set(pin, key, value, true);
}

static int pinned_map_delete(const char *pin, const void *key)
{
	return pinned_map_set(pin, key, NULL, false);
}

/* (a) A policy in audit mode, sent with SIGHUP: refused whole, and said so. */
TEST_F(lock, audit_policy_is_refused_and_the_guard_still_refuses)
{
	char out[4096];
	int agent = agentd_pid();

	ASSERT_GT(agent, 1);
	ASSERT_EQ(0, run_capture("cp -p /etc/iotguard/iotguard.conf /tmp/policy.saved && "
				 "sed -i 's/^mode = .*/mode = \"audit\";/' /etc/iotguard/iotguard.conf",
				 out, sizeof(out))) TH_LOG("%s", out);
	ASSERT_EQ(0, kill(agent, SIGHUP));
	EXPECT_EQ(0, wait_for_log("policy refused", "mode audit would weaken", out, sizeof(out)))
		TH_LOG("%s", out);
	run_capture("cp -p /tmp/policy.saved /etc/iotguard/iotguard.conf", NULL, 0);
	/* The refusal holds everywhere; su's is the login guard's. */
	SKIP_WITHOUT_BPF_LSM(return);
	EXPECT_SU_STILL_GUARDED("an audit-mode policy");
}

/* Root writes the guard's maps by hand, as bpftool would. */
TEST_F(lock, the_guard_maps_cannot_weaken_it)
{
	struct login_guard_config weak = { .audit_only = 1, .audited = 1, .flagged = 0 };
	struct login_comm_key tty = { .comm = "pts0" };
	__u32 key = 0, one = 1, uid = 1000;

	SKIP_WITHOUT_BPF_LSM(return);
	ASSERT_EQ(0, pinned_map_update(LOGIN_GUARD_CONFIG_PIN, &key, &weak));
	EXPECT_SU_STILL_GUARDED("guard_config set to audit");
	ASSERT_EQ(0, pinned_map_delete(LOGIN_GUARD_DENIED_PIN, &uid));
	EXPECT_SU_STILL_GUARDED("the flagged uid deleted");
	{
		struct login_program_key bb;
		__u32 flags = 0;

		ASSERT_EQ(0, program_key("/bin/busybox", &bb));
		ASSERT_EQ(0, pinned_map_update(LOGIN_GUARD_PROGRAMS_PIN, &bb, &flags));
		EXPECT_SU_STILL_GUARDED("busybox's entry set to 0");
		flags = LOGIN_PROGRAM_MULTI_CALL | LOGIN_PROGRAM_ARGV1;
		ASSERT_EQ(0, pinned_map_update(LOGIN_GUARD_PROGRAMS_PIN, &bb, &flags));
		EXPECT_SU_STILL_GUARDED("busybox's entry given other rules");
		ASSERT_EQ(0, pinned_map_delete(LOGIN_GUARD_PROGRAMS_PIN, &bb));
		EXPECT_SU_STILL_GUARDED("busybox's entry deleted");
	}
	/* Frozen at lock: no syscall may change them. */
	EXPECT_EQ(-EPERM, pinned_map_update(LOGIN_GUARD_CONSOLES_PIN, &tty, &one));
	EXPECT_EQ(-EPERM, pinned_map_update(LOGIN_GUARD_LOCK_PIN, &key,
					    &(struct login_guard_lock){ 0 }));
	EXPECT_EQ(-EPERM, pinned_map_delete(LOGIN_GUARD_DENIED_LOCKED_PIN, &uid));
	/* A task's decision is keyed by a pidfd: clearing a session's is refused too. */
	{
		struct login_task none = {};
		int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);

		ASSERT_LE(0, pidfd);
		EXPECT_EQ(-EPERM, pinned_map_update(LOGIN_GUARD_TASKS_PIN, &pidfd, &none));
		close(pidfd);
	}
	EXPECT_SU_STILL_GUARDED("writes to the frozen maps");
}

/*
 * The maps only the guard's programs write get no new fd, by pin or by id:
 * no BPF program of root's can be loaded against them to clear a decision.
 */
TEST_F(lock, sealed_maps_give_no_fd)
{
	__u32 id = 0;
	int sealed = 0;

	SKIP_WITHOUT_BPF_LSM(return);
	EXPECT_GT(0, bpf_obj_get(LOGIN_GUARD_TASKS_PIN));
	EXPECT_EQ(EPERM, errno);
	EXPECT_GT(0, bpf_obj_get(LOGIN_GUARD_SCRATCH_PIN));
	EXPECT_EQ(EPERM, errno);
	while (!bpf_map_get_next_id(id, &id)) {
		int fd = bpf_map_get_fd_by_id(id);

		if (fd >= 0)
			close(fd);
		else if (errno == EPERM)
			sealed++;
	}
	EXPECT_EQ(2, sealed);
	/* The agent's own maps still open: it keeps flagging accounts. */
	EXPECT_LE(0, bpf_obj_get(LOGIN_GUARD_DENIED_PIN));
	EXPECT_SU_STILL_GUARDED("asking for the sealed maps");
}

/*
 * No new tracing, kprobe or LSM program after lock (one could rewrite argv
 * as the guard reads it, or skip a hook); a cgroup program still loads.
 */
TEST_F(lock, no_new_tracing_programs)
{
	struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd;

	SKIP_WITHOUT_BPF_LSM(return);
	fd = bpf_prog_load(BPF_PROG_TYPE_KPROBE, "probe", "GPL", ret0, 2, NULL);
	EXPECT_GT(0, fd);
	EXPECT_EQ(EPERM, errno);
	fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "tp", "GPL", ret0, 2, NULL);
	EXPECT_GT(0, fd);
	EXPECT_EQ(EPERM, errno);
	fd = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "skb", "GPL", ret0, 2, NULL);
	EXPECT_LE(0, fd) TH_LOG("a cgroup program: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	EXPECT_SU_STILL_GUARDED("loading BPF programs");
}

/* (b) The pins removed, bpffs unmounted, the links asked to detach: still attached. */
TEST_F(lock, removing_the_pins_does_not_detach_the_guard)
{
	__u32 id = 0;
	int detached = 0;

	SKIP_WITHOUT_BPF_LSM(return);
	EXPECT_EQ(0, run_capture("rm -rf " LOGIN_GUARD_PIN_DIR, NULL, 0));
	EXPECT_EQ(0, umount2("/sys/fs/bpf", MNT_DETACH)) TH_LOG("%s", strerror(errno));
	EXPECT_SU_STILL_GUARDED("the pins were removed");
	while (!bpf_link_get_next_id(id, &id)) {
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_link_detach(fd))
			detached++;
		close(fd);
	}
	EXPECT_EQ(0, detached);
	EXPECT_SU_STILL_GUARDED("BPF_LINK_DETACH on every link");
}

TEST_HARNESS_MAIN
