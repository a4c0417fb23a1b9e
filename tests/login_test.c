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
	char line[512];
	FILE *f;

	struct raw_genl g;

	ASSERT_EQ(0, setup_network());
	ASSERT_EQ(0, raw_genl_open(&g, IOTGUARD_GENL_NAME));
	ASSERT_EQ(0, raw_genl_set_subnet(&g, IOTGUARD_A_PROV_NET4, "10.99.0.0", 24));
	ASSERT_EQ(0, raw_genl_set_throttle(&g, IOTGUARD_MAX_THROTTLE_BURST,
					   IOTGUARD_MIN_THROTTLE_INTERVAL_MS));
	raw_genl_close(&g);
	ASSERT_EQ(0, run_capture("cp -p /etc/passwd /tmp/passwd.saved && "
				 "cp -p /etc/shadow /tmp/shadow.saved", NULL, 0));
	/* A careless vendor account: the same password on every unit. */
	f = fopen("/etc/passwd", "a");
	ASSERT_NE(NULL, f);
	fputs(USER ":x:1000:1000:" USER ":/tmp:/bin/sh\n", f);
	fclose(f);
	snprintf(line, sizeof(line), USER ":%s:19000:0:99999:7:::\n",
		 crypt(VENDOR_PASSWORD, "$6$vendorsalt$"));
	f = fopen("/etc/shadow", "a");
	ASSERT_NE(NULL, f);
	fputs(line, f);
	fclose(f);
	ASSERT_LE(0, wait_cred_state("default", 10000)) TH_LOG("the agent did not flag " USER);
}

FIXTURE_TEARDOWN(login)
{
	run_capture("cp -p /tmp/passwd.saved /etc/passwd && cp -p /tmp/shadow.saved /etc/shadow",
		    NULL, 0);
	wait_cred_state("provisioned", 10000);
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
	ASSERT_LE(0, wait_cred_state("provisioned", 10000));
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

TEST_F(login, refusals_reach_the_log)
{
	EXPECT_OUTCOME(REFUSED, ssh_login(USER, VENDOR_PASSWORD));
	wait_for_log("login guard: refused", "refused dropbear", self->out, sizeof(self->out));
	EXPECT_NE(NULL, strstr(self->out, "refused dropbear (pid ")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "/usr/sbin/dropbear) becoming account '" USER "'"))
		TH_LOG("%s", self->out);
}

TEST_HARNESS_MAIN
