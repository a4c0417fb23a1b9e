// SPDX-License-Identifier: GPL-2.0
/*
 * The agent on the device: it applied the policy at boot, reloads a good
 * policy on SIGHUP, refuses a bad one whole, and iotguardctl reports it;
 * `iotguardctl doctor` judges the running kernel as the guard found it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "kselftest_harness.h"
#include "util.h"

#define POLICY "/etc/iotguard/iotguard.conf"
#define POLICY_SAVED "/tmp/iotguard.conf.saved"

/* Wait up to ~5 s for sysfs name to read want. */
static int wait_sysfs(const char *name, const char *want)
{
	char buf[64] = "";

	for (int i = 0; i < 100; i++) {
		if (!sysfs_read(name, buf, sizeof(buf)) && !strcmp(buf, want))
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

static int wait_generation_above(uint64_t gen)
{
	for (int i = 0; i < 100; i++) {
		if (sysfs_u64("policy_generation") > gen)
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

FIXTURE(agent) {
	char out[4096];
};

FIXTURE_SETUP(agent)
{
	ASSERT_EQ(0, run_capture("cp " POLICY " " POLICY_SAVED, self->out, sizeof(self->out)));
	ASSERT_GT(agentd_pid(), 1) TH_LOG("iotguardd is not running");
}

FIXTURE_TEARDOWN(agent)
{
	run_capture("cp " POLICY_SAVED " " POLICY, NULL, 0);
	kill(agentd_pid(), SIGHUP);
	wait_sysfs("mode", "enforce");
}

static void write_policy(struct __test_metadata *_metadata, const char *text)
{
	FILE *f = fopen(POLICY, "w");

	ASSERT_NE(NULL, f);
	fputs(text, f);
	fclose(f);
}

TEST_F(agent, boot_applied_the_policy)
{
	/* The image's policy says enforce; the agent applied it once. */
	EXPECT_LE(1, sysfs_u64("policy_generation"));
	EXPECT_EQ(0, wait_sysfs("mode", "enforce"));
}

TEST_F(agent, sighup_applies_a_good_policy)
{
	uint64_t gen = sysfs_u64("policy_generation");

	write_policy(_metadata, "version = 1;\nmode = \"audit\";\n");
	ASSERT_EQ(0, kill(agentd_pid(), SIGHUP));
	EXPECT_EQ(0, wait_sysfs("mode", "audit"));
	EXPECT_LT(gen, sysfs_u64("policy_generation"));
}

TEST_F(agent, sighup_refuses_a_bad_policy_whole)
{
	uint64_t gen = sysfs_u64("policy_generation");
	char log[8192];

	/* Valid mode first, then an error: nothing of it may apply. */
	write_policy(_metadata, "version = 1;\nmode = \"off\";\nbogus = 1;\n");
	ASSERT_EQ(0, kill(agentd_pid(), SIGHUP));
	/* The refusal is logged with the file and line of the error. */
	for (int i = 0; i < 100; i++) {
		run_capture("grep 'policy refused' /var/log/messages", log, sizeof(log));
		if (strstr(log, POLICY ":3: unknown setting 'bogus'"))
			break;
		usleep(50 * 1000);
	}
	EXPECT_NE(NULL, strstr(log, POLICY ":3: unknown setting 'bogus'")) TH_LOG("%s", log);
	EXPECT_EQ(0, wait_sysfs("mode", "enforce"));
	EXPECT_EQ(gen, sysfs_u64("policy_generation"));
}

TEST_F(agent, ctl_status_reports_the_device)
{
	char expect[64];

	EXPECT_EQ(0, run_capture("iotguardctl status", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "mode:               enforce")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "login guard (BPF):  attached")) TH_LOG("%s", self->out);
	snprintf(expect, sizeof(expect), "policy generation:  %llu",
		 (unsigned long long)sysfs_u64("policy_generation"));
	EXPECT_NE(NULL, strstr(self->out, expect)) TH_LOG("%s", self->out);

	EXPECT_EQ(0, run_capture("iotguardctl status --json", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "\"mode\":\"enforce\"")) TH_LOG("%s", self->out);
}

TEST_F(agent, ctl_mode_needs_root)
{
	EXPECT_EQ(4, run_capture("su -s /bin/sh nobody -c 'iotguardctl mode off'",
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "permission denied")) TH_LOG("%s", self->out);
	EXPECT_EQ(0, wait_sysfs("mode", "enforce"));
	/* ...and anyone may read the status. */
	EXPECT_EQ(0, run_capture("su -s /bin/sh nobody -c 'iotguardctl status'",
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
}

TEST_F(agent, ctl_without_module_names_the_fix)
{
	char saved[256];

	ASSERT_EQ(0, modprobe_disable(saved, sizeof(saved)));
	ASSERT_EQ(0, module_unload());
	EXPECT_EQ(3, run_capture("iotguardctl status", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "modprobe iotguard")) TH_LOG("%s", self->out);
	modprobe_restore(saved);

	/*
	 * A module loaded again starts closed, and the agent, told by the
	 * genetlink controller that the family is back, applies its policy.
	 */
	ASSERT_EQ(0, module_load());
	EXPECT_EQ(0, wait_generation_above(0));
	EXPECT_EQ(0, wait_sysfs("mode", "enforce"));
}

/*
 * doctor on the live kernel: the login guard this image runs is ok. On
 * arm64 before 6.4 BPF LSM programs cannot attach, and doctor says so.
 */
TEST_F(agent, ctl_doctor_judges_the_running_kernel)
{
	struct utsname u;
	int major = 0, minor = 0;
	bool no_trampoline;

	ASSERT_EQ(0, uname(&u));
	sscanf(u.release, "%d.%d", &major, &minor);
	no_trampoline = !strcmp(u.machine, "aarch64") && (major < 6 || (major == 6 && minor < 4));
	/* Debian's kernels have CONFIG_MODULE_FORCE_UNLOAD=y: the lock is degraded. */
	EXPECT_EQ(1, run_capture("iotguardctl doctor", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "(running; configuration /boot/config-"))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\nlock: degraded\n  degraded: "
			       "CONFIG_MODULE_FORCE_UNLOAD=y")) TH_LOG("%s", self->out);
	if (no_trampoline) {
		EXPECT_NE(NULL, strstr(self->out, "\nlogin guard: missing\n  missing: arm64 "))
			TH_LOG("%s", self->out);
	} else {
		EXPECT_NE(NULL, strstr(self->out, "\nlogin guard: ok\n")) TH_LOG("%s", self->out);
		EXPECT_NE(NULL, strstr(self->out, "\nnetwork gate: ok\n")) TH_LOG("%s", self->out);
		EXPECT_NE(NULL, strstr(self->out, "\noutbound policy: ok\n"))
			TH_LOG("%s", self->out);
	}
}

TEST_HARNESS_MAIN
