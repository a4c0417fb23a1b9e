// SPDX-License-Identifier: GPL-2.0
/*
 * A login flood while the module is unloaded and reloaded ("Prove it under
 * abuse", item 5): telnet logins with a vendor default password, in a
 * loop, from the attacker namespace. The gate refuses them while the
 * module is in, the BPF login guard while it is out: none may ever log
 * in, the kernel must stay clean, and the right password must still work
 * afterwards. (storm_test.c floods connections.)
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "genl_raw.h"
#include "netpath.h"
#include "sessions.h"
#include "util.h"

#define LOGIN_USER "stormer"
#define LOGIN_UID 1077
#define VENDOR_PASSWORD "admin"
#define LOGIN_FLOODERS 2
#define RELOAD_CYCLES 5
#define LOADED_MS 400
#define UNLOADED_MS 400		/* long enough for a telnet session to reach login */
#define FRESH_SOURCE "10.99.0.33"	/* no login flooder used it: a full bucket */
#define LOGIN_FLOOD_TIMEOUT_S 240

struct login_count {
	uint64_t outcome[RESET + 1];
};

/* Logins with the vendor's password, one after the other, until told to stop. */
static pid_t login_flooder(int n, struct login_count *out, volatile int *stop)
{
	char src[64];
	pid_t pid = fork();

	if (pid)
		return pid;
	/* A test that fails or times out must not leave its flood running into the next. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL))
		_exit(1);
	session_source(source4(src, 25 + n));
	while (!*stop) {
		enum outcome got = telnet_login(LOGIN_USER, VENDOR_PASSWORD);

		if (got <= RESET)
			out->outcome[got]++;
	}
	_exit(0);
}

static int telnetd_pid(void)
{
	char buf[32];

	return read_text("/run/telnetd.pid", buf, sizeof(buf)) ? -1 : atoi(buf);
}

/* The kernel log from now on: read it later with kernel_log_clean(). */
static int kernel_log_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Did the kernel log anything that says it went wrong since kernel_log_open()? */
static bool kernel_log_clean(int fd, char *first, size_t len)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "Oops", "general protection", "kernel BUG", "Call Trace",
	};
	char rec[2048];
	bool clean = true;

	first[0] = '\0';
	if (fd < 0)
		return false;
	for (;;) {
		ssize_t got = read(fd, rec, sizeof(rec) - 1);

		if (got < 0 && errno == EPIPE)	/* overwritten before we read it */
			continue;
		if (got <= 0)
			break;
		rec[got] = '\0';
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strstr(rec, bad[i]) && clean) {
				size_t n = strnlen(rec, len - 1);

				memcpy(first, rec, n);
				first[n] = '\0';
				clean = false;
			}
	}
	close(fd);
	return clean;
}

FIXTURE(login_flood) {
	volatile int *stop;	/* the login flooders' */
	char saved_modprobe[256];
	char saved_passwd[64], saved_shadow[64];
	cpu_set_t telnetd_cpus;
	int telnetd;
	char out[4096];
};

FIXTURE_SETUP(login_flood)
{
	int fd;

	/* Without BPF LSM nothing but the gate stands before login: unloading opens it. */
	SKIP_SETUP_WITHOUT_BPF_LSM();
	ASSERT_EQ(0, setup_network());
	snprintf(self->saved_passwd, sizeof(self->saved_passwd), "/tmp/storm-passwd.XXXXXX");
	snprintf(self->saved_shadow, sizeof(self->saved_shadow), "/tmp/storm-shadow.XXXXXX");
	ASSERT_LE(0, fd = mkstemp(self->saved_passwd));
	close(fd);
	ASSERT_LE(0, fd = mkstemp(self->saved_shadow));
	close(fd);
	snprintf(self->out, sizeof(self->out), "cp -p /etc/passwd %s && cp -p /etc/shadow %s",
		 self->saved_passwd, self->saved_shadow);
	ASSERT_EQ(0, run_capture(self->out, NULL, 0));
	ASSERT_EQ(0, add_vendor_account(LOGIN_USER, LOGIN_UID, VENDOR_PASSWORD));
	ASSERT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS)) TH_LOG("the agent did not flag " LOGIN_USER);
	self->telnetd = telnetd_pid();
	ASSERT_GT(self->telnetd, 1);
	ASSERT_EQ(0, sched_getaffinity(self->telnetd, sizeof(self->telnetd_cpus),
				       &self->telnetd_cpus));
	/* Keep genetlink from loading the module behind our back. */
	ASSERT_EQ(0, modprobe_disable(self->saved_modprobe, sizeof(self->saved_modprobe)));
}

FIXTURE_TEARDOWN(login_flood)
{
	cpu_set_t all;

	/* A failed ASSERT leaves the flooders running: they finish their attempt and stop. */
	if (self->stop)
		*self->stop = 1;
	if (!module_loaded())
		module_load();
	modprobe_restore(self->saved_modprobe);
	sched_setaffinity(self->telnetd, sizeof(self->telnetd_cpus), &self->telnetd_cpus);
	CPU_ZERO(&all);
	CPU_SET(0, &all);
	CPU_SET(1, &all);
	sched_setaffinity(0, sizeof(all), &all);
	snprintf(self->out, sizeof(self->out), "cp -p %s /etc/passwd && cp -p %s /etc/shadow && rm -f %s %s",
		 self->saved_passwd, self->saved_shadow, self->saved_passwd, self->saved_shadow);
	run_capture(self->out, NULL, 0);
	unlink("/tmp/storm-test.conf");
	unlink("/tmp/storm-test-password");
	wait_cred_state("provisioned", AUDIT_SETTLE_MS);
	session_source(NULL);
	agent_reapply();
}

/* The account's own password, by `iotguardctl provision`, as the owner would. */
static void provision(struct __test_metadata *_metadata, char *password, size_t len, char *out,
		      size_t out_len)
{
	char line[128];
	FILE *f = fopen("/tmp/storm-test.conf", "w");

	ASSERT_NE(NULL, f);
	fputs("version = 1;\nprovisioning = {\n  accounts = [\"" LOGIN_USER "\"];\n"
	      "  deliver_file = \"/tmp/storm-test-password\";\n  deliver_console = false;\n};\n", f);
	fclose(f);
	ASSERT_EQ(0, run_capture("iotguardctl provision --config /tmp/storm-test.conf", out, out_len))
		TH_LOG("%s", out);
	f = fopen("/tmp/storm-test-password", "r");
	ASSERT_NE(NULL, f);
	password[0] = '\0';
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, LOGIN_USER ":", strlen(LOGIN_USER) + 1))
			sscanf(line + strlen(LOGIN_USER) + 1, "%63s", password);
	fclose(f);
	ASSERT_NE(0, password[0]);
	(void)len;
	ASSERT_LE(0, wait_cred_state("provisioned", AUDIT_SETTLE_MS));
}

TEST_F_TIMEOUT(login_flood, unload_during_a_login_flood, LOGIN_FLOOD_TIMEOUT_S)
{
	static struct login_count *counts;
	pid_t pids[LOGIN_FLOODERS];
	uint64_t total[RESET + 1] = { 0 };
	char mode[32], password[64], first_bad[512];
	volatile int *stop;
	cpu_set_t cpu0;
	int status, kmsg;

	counts = mmap(NULL, sizeof(*counts) * LOGIN_FLOODERS + sizeof(int), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, counts);
	stop = (volatile int *)&counts[LOGIN_FLOODERS];
	self->stop = stop;
	/*
	 * Everything that sends or answers on the flood's path on CPU 0, as in
	 * module_test's connect flood (see there: TCG can run stale translated
	 * code on another vCPU after the static key the first hook flips).
	 * telnetd's sessions are its children: they inherit its affinity.
	 */
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpu0), &cpu0));
	ASSERT_EQ(0, sched_setaffinity(self->telnetd, sizeof(cpu0), &cpu0));
	/* Only what the kernel logs from now on is judged. */
	kmsg = kernel_log_open();
	ASSERT_LE(0, kmsg);

	for (int i = 0; i < LOGIN_FLOODERS; i++)
		ASSERT_LT(0, pids[i] = login_flooder(i, &counts[i], stop));
	for (int i = 0; i < RELOAD_CYCLES; i++) {
		usleep(LOADED_MS * 1000);
		ASSERT_EQ(0, module_unload());
		usleep(UNLOADED_MS * 1000);
		ASSERT_EQ(0, module_load());
	}
	usleep(LOADED_MS * 1000);
	/* Each flooder finishes the attempt it is in: its result counts too. */
	*stop = 1;
	for (int i = 0; i < LOGIN_FLOODERS; i++) {
		EXPECT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
		for (int k = 0; k <= RESET; k++)
			total[k] += counts[i].outcome[k];
	}
	self->stop = NULL;
	munmap(counts, sizeof(*counts) * LOGIN_FLOODERS + sizeof(int));
	TH_LOG("%d reloads under %d telnet login flooders: reset by the gate %llu, refused by the "
	       "login guard %llu, broken %llu, logged in %llu", RELOAD_CYCLES, LOGIN_FLOODERS,
	       (unsigned long long)total[RESET], (unsigned long long)total[REFUSED],
	       (unsigned long long)total[BROKEN], (unsigned long long)total[LOGGED_IN]);

	EXPECT_EQ(0, total[LOGGED_IN]) TH_LOG("a default password logged in");
	/* The flood met both: the gate while loaded, the login guard while not. */
	EXPECT_LT(0, total[RESET]);
	EXPECT_LT(0, total[REFUSED]) TH_LOG("no attempt reached login while the module was out");
	/* An attempt whose result is unclear proves nothing: there must be none. */
	EXPECT_EQ(0, total[BROKEN]);
	EXPECT_TRUE(kernel_log_clean(kmsg, first_bad, sizeof(first_bad))) TH_LOG("%s", first_bad);
	ASSERT_TRUE(module_loaded());
	ASSERT_EQ(0, sysfs_read("mode", mode, sizeof(mode)));
	EXPECT_STREQ("enforce", mode);
	/* The agent told the new module its verdict: a default is present. */
	EXPECT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS));

	/* The owner's own password still gets in, through the gate, from a fresh source. */
	provision(_metadata, password, sizeof(password), self->out, sizeof(self->out));
	session_source(FRESH_SOURCE);
	EXPECT_EQ(LOGGED_IN, telnet_login(LOGIN_USER, password));
	EXPECT_NE(LOGGED_IN, telnet_login(LOGIN_USER, VENDOR_PASSWORD));
}

TEST_HARNESS_MAIN
