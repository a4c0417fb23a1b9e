// SPDX-License-Identifier: GPL-2.0
/*
 * The agent on the device: it applied the policy at boot, reloads a good
 * policy on SIGHUP, refuses a bad one whole, tells a service manager
 * (systemd's Type=notify) when it is ready and when it stops, and
 * iotguardctl reports it; `iotguardctl doctor` judges the running kernel
 * as the guard found it; a second agent exits and changes nothing; first
 * boot is recorded also when it had nothing to provision.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include "kselftest_harness.h"
#include "sessions.h"
#include "util.h"

#define POLICY "/etc/iotguard/iotguard.conf"
#define POLICY_SAVED "/tmp/iotguard.conf.saved"
#define READY_FILE "/run/iotguard/ready"
#define PROVISIONED "/var/lib/iotguard/provisioned"
/*
 * As long as the init script waits for the agent to be ready: verifying the
 * BPF programs takes about 10 s on an emulated device (QEMU TCG).
 */
#define READY_WAIT_MS 30000
/*
 * A test that starts the agent: each start may wait READY_WAIT_MS, and the
 * verdict after it AUDIT_SETTLE_MS; the harness's 30 s would cut a slow one.
 */
#define RESTART_TEST_S ((2 * READY_WAIT_MS + AUDIT_SETTLE_MS) / 1000)

/* Wait up to AUDIT_SETTLE_MS (a reload may wait behind an audit) for sysfs name to read want. */
static int wait_sysfs(const char *name, const char *want)
{
	char buf[64] = "";

	for (int i = 0; i < AUDIT_SETTLE_MS / 50; i++) {
		if (!sysfs_read(name, buf, sizeof(buf)) && !strcmp(buf, want))
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

static int wait_generation_above(uint64_t gen)
{
	for (int i = 0; i < AUDIT_SETTLE_MS / 50; i++) {
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
	/* Applied and settled: a test reading the generation next sees only its own reloads. */
	agent_reapply();
	agent_idle(agentd_pid(), AUDIT_SETTLE_MS);
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
	EXPECT_EQ(0, wait_for_log("policy refused", POLICY ":3: unknown setting 'bogus'", log,
				  sizeof(log))) TH_LOG("%s", log);
	EXPECT_EQ(0, wait_sysfs("mode", "enforce"));
	EXPECT_EQ(gen, sysfs_u64("policy_generation"));
}

TEST_F(agent, ctl_status_reports_the_device)
{
	char expect[64];

	EXPECT_EQ(0, run_capture("iotguardctl status", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "mode:               enforce")) TH_LOG("%s", self->out);
	/* Where no LSM program attaches (arm64 6.1), status says what is lost instead. */
	EXPECT_NE(NULL, strstr(self->out, bpf_lsm_missing() ?
			       "login guard (BPF):  DEGRADED: this kernel cannot attach BPF LSM "
			       "programs (ENOTSUPP); the account-level login guard is lost" :
			       "login guard (BPF):  attached")) TH_LOG("%s", self->out);
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
		/* The arm64 line may follow the configuration's: either order. */
		EXPECT_NE(NULL, strstr(self->out, "\nlogin guard: missing\n")) TH_LOG("%s", self->out);
		EXPECT_NE(NULL, strstr(self->out, "\n  missing: arm64 ")) TH_LOG("%s", self->out);
	} else {
		EXPECT_NE(NULL, strstr(self->out, "\nlogin guard: ok\n")) TH_LOG("%s", self->out);
		EXPECT_NE(NULL, strstr(self->out, "\nnetwork gate: ok\n")) TH_LOG("%s", self->out);
		EXPECT_NE(NULL, strstr(self->out, "\noutbound policy: ok\n"))
			TH_LOG("%s", self->out);
	}
}

/* The next datagram on fd within ms, or "" if none came. */
static const char *datagram_within(int fd, int ms)
{
	static char buf[256];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n = 0;

	if (poll(&pfd, 1, ms) == 1)
		n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* As systemd runs it: $NOTIFY_SOCKET names an abstract socket the manager holds. */
TEST_F_TIMEOUT(agent, tells_the_service_manager_ready_and_stopping, RESTART_TEST_S)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char name[64], cmd[256];
	socklen_t len;
	int fd, pid;

	snprintf(name, sizeof(name), "iotguard-notify-test-%d", getpid());
	memcpy(addr.sun_path + 1, name, strlen(name));	/* sun_path[0] = 0: abstract */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&addr, len));

	ASSERT_EQ(0, run_capture("/etc/init.d/S30iotguardd stop", self->out, sizeof(self->out)));
	ASSERT_NE(0, access(READY_FILE, F_OK));
	snprintf(cmd, sizeof(cmd), "NOTIFY_SOCKET=@%s start-stop-daemon -S -b -m -p "
		 "/run/iotguardd.pid -x /usr/sbin/iotguardd -- --syslog", name);
	ASSERT_EQ(0, run_capture(cmd, self->out, sizeof(self->out))) TH_LOG("%s", self->out);

	/* READY=1 once ready, and never before the file the init scripts wait for. */
	EXPECT_STREQ("READY=1", datagram_within(fd, READY_WAIT_MS));
	EXPECT_EQ(0, access(READY_FILE, F_OK));
	pid = agentd_pid();
	ASSERT_GT(pid, 1);
	ASSERT_EQ(0, kill(pid, SIGTERM));
	EXPECT_STREQ("STOPPING=1", datagram_within(fd, READY_WAIT_MS));
	close(fd);

	/* Back as the image runs it, for the tests after this one. */
	for (int i = 0; i < 100 && kill(pid, 0) == 0; i++)
		usleep(50 * 1000);
	EXPECT_EQ(0, run_capture("rm -f /run/iotguardd.pid; /etc/init.d/S30iotguardd start",
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
}

/*
 * Two agents once let default logins through for seconds, each writing the
 * kernel's state from its own audit: a second one now exits before it
 * touches anything, and says who holds the lock.
 */
TEST_F_TIMEOUT(agent, a_second_agent_changes_nothing, RESTART_TEST_S)
{
	int pid = agentd_pid();
	char want[64];
	uint64_t gen;

	ASSERT_GT(pid, 1);
	/* The last test's reload done: only the second agent could move the generation. */
	ASSERT_EQ(0, agent_idle(pid, 60000));
	gen = sysfs_u64("policy_generation");
	EXPECT_EQ(1, run_capture("/usr/sbin/iotguardd", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	snprintf(want, sizeof(want), "/run/iotguardd.lock is held by pid %d", pid);
	EXPECT_NE(NULL, strstr(self->out, "another iotguardd is running")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);
	/* Nothing reached the kernel, and the running agent carries on. */
	EXPECT_EQ(gen, sysfs_u64("policy_generation"));
	EXPECT_EQ(0, kill(pid, 0));
	EXPECT_EQ(pid, agentd_pid());
	/* An init script's restart waits for the old agent to let go. */
	EXPECT_EQ(0, run_capture("/etc/init.d/S30iotguardd restart", self->out,
				 sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_NE(pid, agentd_pid());
	EXPECT_LE(0, wait_cred_state("provisioned", AUDIT_SETTLE_MS));
}

/*
 * First boot with nothing to provision is first boot all the same: an
 * account flagged at a later start keeps its password until its owner
 * asks (iotguardctl provision); the agent once changed it unasked.
 */
TEST_F_TIMEOUT(agent, nothing_to_provision_at_first_boot_is_recorded, 2 * RESTART_TEST_S)
{
	char before[256], after[256];

	ASSERT_EQ(0, run_capture("cp -p /etc/passwd /tmp/agent-passwd && cp -p /etc/shadow "
				 "/tmp/agent-shadow && rm -f " PROVISIONED, self->out,
				 sizeof(self->out))) TH_LOG("%s", self->out);
	/* The image's store flags nothing: this start is a first boot with nothing to do. */
	EXPECT_EQ(0, run_capture("/etc/init.d/S30iotguardd restart", self->out,
				 sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_LE(0, wait_cred_state("provisioned", AUDIT_SETTLE_MS));
	EXPECT_EQ(0, access(PROVISIONED, F_OK));

	/* A vendor default added later, the agent restarted: flagged, not changed. */
	ASSERT_EQ(0, add_vendor_account("latecomer", 4501, "admin"));
	ASSERT_EQ(0, run_capture("grep '^latecomer:' /etc/shadow", before, sizeof(before)));
	EXPECT_EQ(0, run_capture("/etc/init.d/S30iotguardd restart", self->out,
				 sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS));
	ASSERT_EQ(0, agent_idle(agentd_pid(), 60000));
	ASSERT_EQ(0, run_capture("grep '^latecomer:' /etc/shadow", after, sizeof(after)));
	EXPECT_STREQ(before, after);

	EXPECT_EQ(0, run_capture("cp -p /tmp/agent-passwd /etc/passwd && cp -p /tmp/agent-shadow "
				 "/etc/shadow", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_LE(0, wait_cred_state("provisioned", AUDIT_SETTLE_MS));
}

TEST_HARNESS_MAIN
