// SPDX-License-Identifier: GPL-2.0
/*
 * Every login path of a real device, with a vendor default password and
 * then with a provisioned one: busybox login on a pty, su, telnet (busybox
 * telnetd) and SSH (dropbear) from a second network namespace over veth.
 * With the default, the kernel refuses each (and the agent logs it); after
 * `iotguardctl provision` the new password works and the default does not.
 *
 * The network gate would refuse the remote paths before any login program
 * runs (gate_test covers that); here the attacker's subnet is a
 * provisioning exemption, so these tests show the second layer: even from
 * an exempt network a default password cannot log in.
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "kselftest_harness.h"
#include "genl_raw.h"
#include "login_guard.h"
#include "sessions.h"
#include "util.h"

#define USER "tester"
#define VENDOR_PASSWORD "admin"		/* Mirai's root:admin, admin:admin */

/* Both ways the guard refuses: a setuid-family call, or an exec. */
static __u64 refusals(void)
{
	return guard_stat(LOGIN_GUARD_STAT_SETUID_DENIED) +
	       guard_stat(LOGIN_GUARD_STAT_EXEC_DENIED);
}

FIXTURE(login) {
	char out[8192];
	char password[64];
};

FIXTURE_SETUP(login)
{
	SKIP_SETUP_WITHOUT_BPF_LSM();
	ASSERT_EQ(0, exempt_attacker_subnet());
	ASSERT_EQ(0, run_capture("cp -p /etc/passwd /tmp/passwd.saved && "
				 "cp -p /etc/shadow /tmp/shadow.saved", NULL, 0));
	ASSERT_EQ(0, add_vendor_account(USER, 1000, VENDOR_PASSWORD));
	ASSERT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS)) TH_LOG("the agent did not flag " USER);
}

FIXTURE_TEARDOWN(login)
{
	run_capture("cp -p /tmp/passwd.saved /etc/passwd && cp -p /tmp/shadow.saved /etc/shadow",
		    NULL, 0);
	wait_cred_state("provisioned", AUDIT_SETTLE_MS);
	agent_reapply();	/* the policy's gate settings again */
}

static void provision(struct __test_metadata *_metadata, FIXTURE_DATA(login) *self)
{
	char line[128];
	FILE *f = fopen("/tmp/login-test.conf", "w");

	ASSERT_NE(NULL, f);
	fputs("version = 1;\nprovisioning = {\n  accounts = [\"" USER "\"];\n"
	      "  deliver_file = \"/tmp/login-test-password\";\n  deliver_console = false;\n};\n", f);
	fclose(f);
	ASSERT_EQ(0, run_capture("iotguardctl provision --config /tmp/login-test.conf",
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	f = fopen("/tmp/login-test-password", "r");
	ASSERT_NE(NULL, f);
	self->password[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, USER ":", strlen(USER) + 1))
			sscanf(line + strlen(USER) + 1, "%63s", self->password);
	fclose(f);
	ASSERT_NE(0, self->password[0]);
	ASSERT_LE(0, wait_cred_state("provisioned", AUDIT_SETTLE_MS));
}

#define EXPECT_OUTCOME(want, got) do {						\
	enum outcome _got = (got);						\
	EXPECT_EQ(want, _got) TH_LOG("%s: %s", #got, outcome_names[_got]);	\
} while (0)

/* Each path: refused with the default (and counted); the new password works. */
/* Guest timeout: the longest run measured was 8.7 s (TCG, 6.12, a CPU hog on each host core). */
TEST_F_TIMEOUT(login, busybox_login_on_a_pty, 45)
{
	__u64 before = refusals();

	EXPECT_OUTCOME(REFUSED, login_on_pty(USER, VENDOR_PASSWORD));
	EXPECT_LT(before, refusals());
	provision(_metadata, self);
	EXPECT_OUTCOME(LOGGED_IN, login_on_pty(USER, self->password));
	EXPECT_OUTCOME(REFUSED, login_on_pty(USER, VENDOR_PASSWORD));
}

TEST_F(login, su)
{
	__u64 before = refusals();

	EXPECT_OUTCOME(REFUSED, su_to(USER));
	EXPECT_LT(before, refusals());
	provision(_metadata, self);
	EXPECT_OUTCOME(LOGGED_IN, su_to(USER));
}

/* Guest timeout: the longest run measured was 8.8 s (TCG, 6.1). */
TEST_F_TIMEOUT(login, telnet_from_another_host, 45)
{
	__u64 before = refusals();

	EXPECT_OUTCOME(REFUSED, telnet_login(USER, VENDOR_PASSWORD));
	EXPECT_LT(before, refusals());
	provision(_metadata, self);
	EXPECT_OUTCOME(LOGGED_IN, telnet_login(USER, self->password));
	EXPECT_OUTCOME(REFUSED, telnet_login(USER, VENDOR_PASSWORD));
}

/* Guest timeout: the longest run measured was 15 s (TCG, 6.12, a CPU hog on each host core). */
TEST_F_TIMEOUT(login, ssh_from_another_host, 60)
{
	__u64 before = refusals();

	EXPECT_OUTCOME(REFUSED, ssh_login(USER, VENDOR_PASSWORD));
	EXPECT_LT(before, refusals());
	provision(_metadata, self);
	EXPECT_OUTCOME(LOGGED_IN, ssh_login(USER, self->password));
	EXPECT_OUTCOME(REFUSED, ssh_login(USER, VENDOR_PASSWORD));
}

/*
 * Root with the vendor default: login runs as root already (root to root).
 * The first time a process asks, its name buffer is clean; run another
 * login before, so a guard that reads stale bytes after the name misses.
 */
TEST_F(login, root_with_a_default_on_a_pty)
{
	char line[512];
	__u64 before;
	FILE *f;

	EXPECT_OUTCOME(REFUSED, login_on_pty(USER, VENDOR_PASSWORD));
	ASSERT_EQ(0, run_capture("sed -i '/^root:/d' /etc/shadow", NULL, 0));
	snprintf(line, sizeof(line), "root:%s:19000:0:99999:7:::\n",
		 crypt(VENDOR_PASSWORD, "$6$vendorsalt$"));
	f = fopen("/etc/shadow", "a");
	ASSERT_NE(NULL, f);
	fputs(line, f);
	fclose(f);
	usleep(1000 * 1000);	/* the audit flags root */
	before = refusals();
	EXPECT_OUTCOME(REFUSED, login_on_pty("root", VENDOR_PASSWORD));
	EXPECT_LT(before, refusals());
}

/* Buildroot installs busybox setuid root: any user's `busybox su` runs as root. */
static int setuid_busybox(bool on)
{
	return chmod("/bin/busybox", on ? 04755 : 0755) ? -errno : 0;
}

#define ECHO_MARK "echo MARK$((6*7))"

static const struct su_way {
	const char *path;
	char *const argv[8];
} su_ways[] = {
	{ "/bin/su", { "su", USER, "-c", ECHO_MARK, NULL } },
	{ "/bin/busybox", { "busybox", "su", USER, "-c", ECHO_MARK, NULL } },
	{ "/bin/busybox", { "su", USER, "-c", ECHO_MARK, NULL } },
	{ "/bin/busybox", { "-su", USER, "-c", ECHO_MARK, NULL } },
	{ "/bin/busybox", { "/no/such/dir/su", USER, "-c", ECHO_MARK, NULL } },
	{ "/bin/busybox", { "busybox", "busybox", "su", USER, "-c", ECHO_MARK, NULL } },
	{ "/tmp/innocent", { "su", USER, "-c", ECHO_MARK, NULL } },
	{ "/tmp/innocent", { "busybox", "su", USER, "-c", ECHO_MARK, NULL } },
};

/* Each way of running the su applet, as nobody with the default: refused and killed. */
static void su_every_way(struct __test_metadata *_metadata, const char *password,
			 enum outcome want)
{
	for (size_t i = 0; i < sizeof(su_ways) / sizeof(su_ways[0]); i++) {
		const struct su_way *way = &su_ways[i];
		enum outcome got;
		int status;

		got = su_as_nobody(way->path, way->argv, password, &status);
		EXPECT_EQ(want, got) TH_LOG("%s as %s %s: %s", way->path, way->argv[0],
					    way->argv[1], outcome_names[got]);
		if (want == REFUSED)
			EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
				TH_LOG("%s as %s %s: not killed (status %#x)", way->path,
				       way->argv[0], way->argv[1], status);
	}
}

/* A non-login applet of the same binary, as nobody: it runs. */
static int busybox_id_as_nobody(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		if (setgid(65534) || setuid(65534))
			_exit(126);
		execl("/bin/busybox", "busybox", "id", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

TEST_F_TIMEOUT(login, su_applet_however_invoked, 180)
{
	__u64 before = refusals();

	ASSERT_EQ(0, setuid_busybox(true));
	ASSERT_EQ(0, symlink("/bin/busybox", "/tmp/innocent"));
	su_every_way(_metadata, VENDOR_PASSWORD, REFUSED);
	EXPECT_LE(before + sizeof(su_ways) / sizeof(su_ways[0]), refusals());
	EXPECT_EQ(0, busybox_id_as_nobody());
	provision(_metadata, self);
	su_every_way(_metadata, self->password, LOGGED_IN);
	unlink("/tmp/innocent");
	setuid_busybox(false);
}

/* A software update replaces busybox by rename: the new inode is guarded at once. */
/*
 * Wait until the agent has loaded path's inode. It does so as soon as
 * inotify reports the change, and again CRED_SETTLE_MS (200 ms) later;
 * 15 s is 75 times that, for a busy machine.
 */
static bool wait_registered(const char *path)
{
	for (int waited = 0; waited < 15000 && !program_registered(path); waited += 50)
		usleep(50 * 1000);
	return program_registered(path);
}

/* nobody runs path as su to USER with the default: refused, and killed. */
static void expect_su_killed(struct __test_metadata *_metadata, const char *path)
{
	char *const argv[] = { "su", USER, "-c", ECHO_MARK, NULL };
	int status;

	EXPECT_EQ(REFUSED, su_as_nobody(path, argv, VENDOR_PASSWORD, &status)) TH_LOG("%s", path);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("%s: status %#x", path, status);
}

/*
 * The agent reloads the programs on the directory's change, at once and
 * again CRED_SETTLE_MS (200 ms) later: 2 s is ten times that.
 */
#define AGENT_RELOAD_SETTLE_US (2000 * 1000)

TEST_F_TIMEOUT(login, busybox_replaced_by_rename, 120)
{
	char old_path[64];
	int old;

	/* An fd on the old, still setuid, inode: held by nobody's shell, say. */
	ASSERT_EQ(0, setuid_busybox(true));
	old = open("/bin/busybox", O_PATH);
	ASSERT_LE(0, old);
	ASSERT_EQ(0, run_capture("cp -p /bin/busybox /bin/busybox.new && "
				 "chmod 4755 /bin/busybox.new && mv /bin/busybox.new /bin/busybox",
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_TRUE(program_registered("/bin/busybox"));
	usleep(AGENT_RELOAD_SETTLE_US);
	ASSERT_EQ(0, symlink("/bin/busybox", "/tmp/innocent"));
	su_every_way(_metadata, VENDOR_PASSWORD, REFUSED);
	EXPECT_EQ(0, busybox_id_as_nobody());
	/* The old inode is still a login program after the agent's reload. */
	snprintf(old_path, sizeof(old_path), "/proc/self/fd/%d", old);
	expect_su_killed(_metadata, old_path);
	close(old);
	unlink("/tmp/innocent");
	setuid_busybox(false);
}

/*
 * A versioned install: /bin/su -> /opt/su/current/su, current -> v1, then
 * re-pointed to v2. The agent watches where the links lead.
 */
TEST_F_TIMEOUT(login, versioned_install_is_followed, 120)
{
	ASSERT_EQ(0, run_capture("mkdir -p /opt/su/v1 /opt/su/v2 && "
				 "cp -p /bin/busybox /opt/su/v1/su && chmod 4755 /opt/su/v1/su && "
				 "cp -p /bin/busybox /opt/su/v2/su && chmod 4755 /opt/su/v2/su && "
				 "ln -sfn v1 /opt/su/current && ln -sfn /opt/su/current/su /bin/su.new && "
				 "mv -f /bin/su.new /bin/su", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	ASSERT_TRUE(wait_registered("/opt/su/v1/su")) TH_LOG("v1 was not loaded in 15 s");
	usleep(AGENT_RELOAD_SETTLE_US);	/* and the watch moved to /opt/su */
	ASSERT_EQ(0, run_capture("ln -sfn v2 /opt/su/current.new && "
				 "mv -fT /opt/su/current.new /opt/su/current", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	EXPECT_TRUE(wait_registered("/opt/su/v2/su")) TH_LOG("v2 was not loaded in 15 s");
	expect_su_killed(_metadata, "/bin/su");
	run_capture("rm -f /bin/su && ln -s /bin/busybox /bin/su && rm -rf /opt/su", NULL, 0);
}

/*
 * A symlink replaced by a real binary: no rename over the old inode for the
 * kernel to follow; the agent, watching the directory, loads the new one.
 */
TEST_F_TIMEOUT(login, su_link_replaced_by_a_binary, 120)
{
	ASSERT_EQ(0, run_capture("cp -p /bin/busybox /bin/su.new && chmod 4755 /bin/su.new && "
				 "mv -f /bin/su.new /bin/su", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	EXPECT_TRUE(wait_registered("/bin/su")) TH_LOG("the new /bin/su was not loaded in 15 s");
	expect_su_killed(_metadata, "/bin/su");
	run_capture("rm -f /bin/su && ln -s /bin/busybox /bin/su", NULL, 0);
}

static __u64 relay_refusals(void)
{
	return guard_stat(LOGIN_GUARD_STAT_RELAY_DENIED);
}

#define TARGET_PORT 7777
#define LOCAL_FWD_PORT 9999
#define REMOTE_FWD_PORT 8888
#define FORWARD_WAIT_MS 30000

static void stop(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
}

/* Wait until the guard has refused one more relay than before, at most wait_ms. */
static bool relay_refused_since(__u64 before, long wait_ms)
{
	for (long waited = 0; waited < wait_ms; waited += 100) {
		if (relay_refusals() > before)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

/*
 * dropbear runs -L and -R inside the session process, which never calls
 * setuid: with the default password it must still relay nothing.
 */
TEST_F_TIMEOUT(login, ssh_forwarding_relays_nothing_while_flagged, 240)
{
	pid_t target = greeter(TARGET_PORT), client;
	__u64 before;

	ASSERT_LT(0, target);
	/* -L: the attacker reaches the device's loopback service through the session. */
	before = relay_refusals();
	client = ssh_forward(USER, VENDOR_PASSWORD, "-L 127.0.0.1:9999:127.0.0.1:7777");
	EXPECT_EQ(0, local_greeting(true, LOCAL_FWD_PORT, FORWARD_WAIT_MS));
	EXPECT_TRUE(relay_refused_since(before, 5000));
	stop(client);
	/* -R: the device listens for the attacker. */
	before = relay_refusals();
	client = ssh_forward(USER, VENDOR_PASSWORD, "-R 8888:" DEVICE_ADDR ":7777");
	EXPECT_TRUE(relay_refused_since(before, FORWARD_WAIT_MS));
	EXPECT_EQ(-1, local_greeting(false, REMOTE_FWD_PORT, 1000));
	stop(client);

	/* Provisioned: the same forwarding with the new password works. */
	provision(_metadata, self);
	client = ssh_forward(USER, self->password, "-L 127.0.0.1:9999:127.0.0.1:7777");
	EXPECT_EQ(1, local_greeting(true, LOCAL_FWD_PORT, FORWARD_WAIT_MS));
	stop(client);
	client = ssh_forward(USER, self->password, "-R 8888:" DEVICE_ADDR ":7777");
	EXPECT_EQ(1, local_greeting(false, REMOTE_FWD_PORT, FORWARD_WAIT_MS));
	stop(client);
	stop(target);
}

TEST_F(login, refusals_reach_the_log)
{
	EXPECT_OUTCOME(REFUSED, ssh_login(USER, VENDOR_PASSWORD));
	wait_for_log("login guard: refused", "refused dropbear", self->out, sizeof(self->out));
	EXPECT_NE(NULL, strstr(self->out, "refused dropbear (pid ")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "/usr/sbin/dropbear) becoming account '" USER "'"))
		TH_LOG("%s", self->out);
}

TEST_HARNESS_MAIN
