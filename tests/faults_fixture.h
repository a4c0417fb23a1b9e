/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kselftest fixture `faults` of faults_test.c and what its tests share:
 * the watcher that tries a default login throughout (and its bounds), the
 * agent killed and restarted as the init script does, and the checks that
 * the store, the kernel's state and the published files are whole after.
 * The setup flags a vendor account and saves what the tests change; the
 * teardown puts it all back, whatever a failed test left. A harness
 * fixture defines functions: include this once, in faults_test.c.
 */
#ifndef IOTGUARD_TEST_FAULTS_FIXTURE_H
#define IOTGUARD_TEST_FAULTS_FIXTURE_H

#include <crypt.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <json-c/json.h>
#include <linux/types.h>
#include "kselftest_harness.h"
#include "login_guard.h"
#include "sessions.h"
#include "util.h"

#define POLICY "/etc/iotguard/iotguard.conf"
#define SECURITY_TXT_DIR "/var/www/.well-known"
#define SECURITY_TXT SECURITY_TXT_DIR "/security.txt"
#define STATE_DIR "/var/lib/iotguard"
#define SUPPORT_STATE STATE_DIR "/support-period.json"
#define PROVISIONED STATE_DIR "/provisioned"
#define RUN_DIR "/run/iotguard"
#define STATUS_JSON RUN_DIR "/status.json"
#define READY RUN_DIR "/ready"
#define PIDFILE "/run/iotguardd.pid"
#define SAVED "/tmp/faults-saved"
#define DELIVER "/root/faults-password"

/* The watcher's target stays flagged; provisioning gives PROV_USER its own password. */
#define WATCHED_USER "watched"
#define WATCHED_UID 4301
#define PROV_USER "provme"
#define PROV_UID 4302
#define VENDOR_PASSWORD "admin"
#define ECHO_MARK "echo MARK$((6*7))"

/*
 * One default login (fork, exec of the setuid busybox on a pty, a
 * sha512crypt of 1000 rounds, the guard's kill, su_as_nobody's 100 ms poll
 * for the refused child's exit) took 70-190 ms on average under TCG, at
 * most 1.7 s while a restarted agent loads and audits on both vCPUs. A
 * watcher that makes fewer than one attempt per ATTEMPT_EVERY_MS elapsed
 * (5 times the slowest average) did not watch; no gap between two attempts
 * may exceed ATTEMPT_GAP_MS (7 times the longest seen).
 */
#define ATTEMPT_EVERY_MS 1000
#define ATTEMPT_GAP_MS 12000
/*
 * The agent re-audits within CRED_SETTLE_MS (200 ms) of a change, and a
 * newly provisioned hash costs 110 crypt calls of 5000 rounds: 4 s under
 * TCG with the watcher running, and as agent_reapply allows, up to 60 s.
 */
#define SETTLE_MS 60000

#define RESTART "rm -f " PIDFILE "; /etc/init.d/S30iotguardd start"

struct watch {
	volatile int stop;
	volatile long attempts, successes, broken, max_gap_ms;
	volatile long first_success_ms, last_success_ms;	/* since the watcher started */
};

FIXTURE(faults) {
	char out[16384];
	struct watch *watch;
	pid_t watcher;
	long watch_start;
	unsigned int seed;
	int rounds;
	struct log_mark mark;	/* the log's end when the test proper starts */
};

/* A vendor account whose default the deny-list holds (cheap rounds: the audit runs often). */
static int add_account(const char *user, uid_t uid)
{
	return add_account_hashed(user, uid, crypt(VENDOR_PASSWORD, "$6$rounds=1000$faultsalt$"));
}

/* The password delivered for PROV_USER (the first word after "user:"), or "" . */
static void delivered_password(char password[64])
{
	char line[128];
	FILE *f = fopen(DELIVER, "r");

	password[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, PROV_USER ":", strlen(PROV_USER) + 1))
			sscanf(line + strlen(PROV_USER) + 1, "%63s", password);
	fclose(f);
}

static void watch_loop(struct watch *w)
{
	char *const argv[] = { "su", WATCHED_USER, "-c", ECHO_MARK, NULL };
	long last = now_ms(), origin = last;

	w->first_success_ms = origin;
	while (!w->stop) {
		long start = now_ms();
		enum outcome got;
		int status;

		if (start - last > w->max_gap_ms)
			w->max_gap_ms = start - last;
		last = start;
		got = su_as_nobody("/bin/busybox", argv, VENDOR_PASSWORD, &status);
		w->attempts++;
		if (got == LOGGED_IN) {
			if (!w->successes++)
				w->first_success_ms = start - w->first_success_ms;
			w->last_success_ms = now_ms() - origin;
		}
		else if (got == BROKEN)
			w->broken++;
		usleep(2000);
	}
	if (now_ms() - last > w->max_gap_ms)
		w->max_gap_ms = now_ms() - last;
	_exit(0);
}

static void watch_start(struct __test_metadata *_metadata, FIXTURE_DATA(faults) *self)
{
	memset(self->watch, 0, sizeof(*self->watch));
	self->watch_start = now_ms();
	self->watcher = fork();
	ASSERT_LE(0, self->watcher);
	if (self->watcher == 0)
		watch_loop(self->watch);
}

/* Enforcement was never off: no success, and attempts all along. */
static void watch_stop(struct __test_metadata *_metadata, FIXTURE_DATA(faults) *self)
{
	long elapsed = now_ms() - self->watch_start;
	struct watch *w = self->watch;

	w->stop = 1;
	waitpid(self->watcher, NULL, 0);
	self->watcher = 0;
	TH_LOG("watcher: %ld default logins in %ld ms (%ld broken), longest gap %ld ms",
	       w->attempts, elapsed, w->broken, w->max_gap_ms);
	EXPECT_EQ(0, w->successes) TH_LOG("a default login succeeded, from %ld to %ld ms",
					   w->first_success_ms, w->last_success_ms);
	if (w->successes) {
		run_capture("tail -n 60 /var/log/messages", self->out, sizeof(self->out));
		TH_LOG("%s", self->out);
	}
	EXPECT_LE(elapsed / ATTEMPT_EVERY_MS, w->attempts) TH_LOG("the watcher did not watch");
	EXPECT_GE(ATTEMPT_GAP_MS, w->max_gap_ms);
}

static int agent_start_background(int old_pid)
{
	run_capture("rm -f " READY " " PIDFILE "; start-stop-daemon -S -b -m -p " PIDFILE
		    " -x /usr/sbin/iotguardd -- --syslog", NULL, 0);
	for (int i = 0; i < 2000; i++) {
		int pid = agentd_pid();

		if (pid > 1 && pid != old_pid)
			return pid;
		usleep(1000);
	}
	return -1;
}

static int kill_agent(int pid)
{
	if (pid <= 1 || kill(pid, SIGKILL))
		return -1;
	for (int i = 0; i < 400 && kill(pid, 0) == 0; i++)
		usleep(5000);
	return kill(pid, 0) == 0 ? -1 : 0;
}

/* A random point in [0, limit_ms), from the seeded generator. */
static long random_ms(FIXTURE_DATA(faults) *self, long limit_ms)
{
	return limit_ms > 0 ? (long)(rand_r(&self->seed) % (unsigned long)limit_ms) : 0;
}

static long mtime_ns(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_mtim.tv_sec * 1000000000L + st.st_mtim.tv_nsec;
}

/* Temporaries atomic_file leaves only if a writer dies or fails to clean up. */
static int temporaries_in(const char *dir, char *names, size_t len)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	names[0] = '\0';
	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".iotguard-")) {
			n++;
			snprintf(names + strlen(names), len - strlen(names), " %s/%s", dir,
				 e->d_name);
		}
	closedir(d);
	return n;
}

static void expect_no_temporaries(struct __test_metadata *_metadata)
{
	static const char *const dirs[] = { SECURITY_TXT_DIR, STATE_DIR, RUN_DIR, "/etc" };
	char names[1024];

	/* Braced: the harness's TH_LOG follows its EXPECT as a statement of its own. */
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		EXPECT_EQ(0, temporaries_in(dirs[i], names, sizeof(names))) TH_LOG("left:%s", names);
	}
}

static const char *json_string_at(json_object *obj, const char *a, const char *b)
{
	json_object *v;

	if (!json_object_object_get_ex(obj, a, &v) || (b && !json_object_object_get_ex(v, b, &v)))
		return NULL;
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* Each published file parses whole; until (if not NULL) is the period status.json gives. */
static void expect_published_whole(struct __test_metadata *_metadata, const char *until)
{
	json_object *status = json_object_from_file(STATUS_JSON);
	json_object *support = json_object_from_file(SUPPORT_STATE);
	char text[4096];
	const char *s, *expires;

	ASSERT_NE(NULL, status) TH_LOG(STATUS_JSON " does not parse");
	EXPECT_STREQ("iotguard-status/1", json_string_at(status, "schema", NULL));
	s = json_string_at(status, "support", "updates_until");
	ASSERT_NE(NULL, s);
	if (until)
		EXPECT_STREQ(until, s);
	json_object_put(status);
	EXPECT_NE(NULL, support) TH_LOG(SUPPORT_STATE " does not parse");
	if (support)
		json_object_put(support);
	ASSERT_EQ(0, run_capture("cat " SECURITY_TXT, text, sizeof(text)));
	/* A comment line comes first; every field is on a line of its own. */
	EXPECT_NE(NULL, strstr(text, "\nContact: mailto:security@example.com\n")) TH_LOG("%s", text);
	EXPECT_EQ('\n', text[strlen(text) - 1]) TH_LOG("cut short: %s", text);
	EXPECT_NE(NULL, strstr(text, "\nPolicy: https://example.com/security/policy")) TH_LOG("%s", text);
	expires = strstr(text, "\nExpires: 20");
	EXPECT_NE(NULL, expires) TH_LOG("%s", text);
	if (expires)
		EXPECT_EQ(NULL, strstr(expires + 1, "\nExpires:"));
	EXPECT_NE(NULL, strstr(text, "\nPreferred-Languages: en")) TH_LOG("%s", text);
}

/* Every account line of the store, in order, each with its nine fields. */
static void expect_store_whole(struct __test_metadata *_metadata)
{
	char names[4096], want[4096];

	ASSERT_EQ(0, run_capture("cut -d: -f1 /etc/shadow", names, sizeof(names)));
	ASSERT_EQ(0, run_capture("cut -d: -f1 " SAVED "/shadow.default", want, sizeof(want)));
	EXPECT_STREQ(want, names);
	EXPECT_EQ(0, run_capture("awk -F: 'NF != 9 { exit 1 }' /etc/shadow", names,
				 sizeof(names))) TH_LOG("a shadow line was cut");
	EXPECT_EQ(0, run_capture("cmp /etc/passwd " SAVED "/passwd.default", names, sizeof(names)))
		TH_LOG("%s", names);
}

/* Until status.json's period reads until (NULL: until it parses): 0, or -1 after SETTLE_MS. */
static int wait_published(const char *until)
{
	for (int waited = 0; waited < SETTLE_MS; waited += 50) {
		json_object *status = json_object_from_file(STATUS_JSON);
		const char *s = status ? json_string_at(status, "support", "updates_until") : NULL;
		bool done = s && (!until || !strcmp(s, until));

		if (status)
			json_object_put(status);
		if (done)
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

/*
 * The kernel agrees with the audit: `iotguardctl audit` flags the watched
 * account (exit 5), so the module says default and the guard's map holds
 * the flagged uids and no other of ours, with an audit behind them.
 */
static void expect_consistent(struct __test_metadata *_metadata, FIXTURE_DATA(faults) *self,
			      bool prov_flagged)
{
	struct login_guard_config cfg = {};
	__u32 key = 0;
	int fd;

	EXPECT_EQ(5, run_capture("iotguardctl audit", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	EXPECT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS));
	EXPECT_TRUE(guard_wait_denied(WATCHED_UID, true, SETTLE_MS));
	EXPECT_TRUE(guard_wait_denied(PROV_UID, prov_flagged, SETTLE_MS));
	fd = bpf_obj_get(LOGIN_GUARD_CONFIG_PIN);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, bpf_map_lookup_elem(fd, &key, &cfg));
	close(fd);
	EXPECT_EQ(0, cfg.audit_only);
	EXPECT_EQ(1, cfg.audited);
	EXPECT_EQ(1, cfg.flagged);
	EXPECT_EQ(0, run_capture("iotguardctl status", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "mode:               enforce")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "credentials:        default")) TH_LOG("%s", self->out);
	expect_no_temporaries(_metadata);
}

/* How many iotguardd processes run: two would fight over the kernel's state. */
static int agents_running(char *pids, size_t len)
{
	struct dirent *e;
	DIR *d = opendir("/proc");
	int n = 0;

	pids[0] = '\0';
	while (d && (e = readdir(d))) {
		char path[300], comm[32];

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		if (!read_text(path, comm, sizeof(comm)) && !strcmp(comm, "iotguardd")) {
			n++;
			snprintf(pids + strlen(pids), len - strlen(pids), " %s", e->d_name);
		}
	}
	if (d)
		closedir(d);
	return n;
}

static void restart_agent(struct __test_metadata *_metadata, FIXTURE_DATA(faults) *self)
{
	char pids[256];

	EXPECT_EQ(0, run_capture(RESTART, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	ASSERT_GT(agentd_pid(), 1);
	EXPECT_EQ(1, agents_running(pids, sizeof(pids))) TH_LOG("iotguardd:%s; pidfile %d", pids,
								 agentd_pid());
}

static int quiet_sh(const char *cmd)
{
	return run_capture(cmd, NULL, 0);
}

FIXTURE_SETUP(faults)
{
	const char *seed = getenv("FAULTS_SEED"), *rounds = getenv("FAULTS_ROUNDS");

	SKIP_SETUP_WITHOUT_BPF_LSM();
	self->seed = seed ? (unsigned int)strtoul(seed, NULL, 0) : (unsigned int)time(NULL);
	self->rounds = rounds ? atoi(rounds) : 1;
	TH_LOG("FAULTS_SEED=%u FAULTS_ROUNDS=%d", self->seed, self->rounds);
	self->watch = mmap(NULL, sizeof(*self->watch), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->watch);
	ASSERT_GT(agentd_pid(), 1) TH_LOG("iotguardd is not running");
	{
		char pids[256];

		ASSERT_EQ(1, agents_running(pids, sizeof(pids))) TH_LOG("iotguardd:%s", pids);
	}
	ASSERT_EQ(0, run_capture("rm -rf " SAVED " && mkdir -p " SAVED "/state && "
				 "cp -p /etc/passwd /etc/shadow " POLICY " " SECURITY_TXT " " SAVED
				 "/ && cp -a " STATE_DIR "/. " SAVED "/state/",
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	ASSERT_EQ(0, add_account(WATCHED_USER, WATCHED_UID));
	ASSERT_EQ(0, add_account(PROV_USER, PROV_UID));
	ASSERT_EQ(0, quiet_sh("cp -p /etc/shadow " SAVED "/shadow.default && "
			"cp -p /etc/passwd " SAVED "/passwd.default"));
	ASSERT_EQ(0, chmod("/bin/busybox", 04755));
	/*
	 * As a device past its first boot: restarting the agent must not
	 * provision the accounts added here (the provisioning test asks).
	 */
	ASSERT_EQ(0, quiet_sh("touch " PROVISIONED));
	ASSERT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS)) TH_LOG("the agent did not flag them");
	/*
	 * The module's state can say default from an audit that saw only
	 * part of the appended lines: the watcher starts once the guard holds
	 * both accounts, what the audit of the whole store gives.
	 */
	ASSERT_TRUE(guard_wait_denied(WATCHED_UID, true, SETTLE_MS));
	ASSERT_TRUE(guard_wait_denied(PROV_UID, true, SETTLE_MS));
	/* The audit's publish and the last teardown's reload done: the test starts from rest. */
	ASSERT_EQ(0, agent_idle(agentd_pid(), SETTLE_MS));
	log_mark(&self->mark);
}

FIXTURE_TEARDOWN(faults)
{
	/* What the agent did, for a failed run's reader. */
	if (!_metadata->passed) {
		/*
		 * Short, without the watcher's refusals: CI shows the lines
		 * just before a failure, and the failed assertion must stay
		 * among them.
		 */
		run_capture("grep iotguardd /var/log/messages | grep -v -e 'login guard: ' -e 'rate limit' | "
			    "tail -n 10", self->out, sizeof(self->out));
		TH_LOG("system log:\n%s", self->out);
	}
	if (self->watcher > 0) {
		kill(self->watcher, SIGKILL);
		waitpid(self->watcher, NULL, 0);
	}
	/*
	 * Whatever a failed test left mounted, the rest of the suite must not
	 * see; /run is a mount of its own already, so only a second one goes.
	 */
	quiet_sh("umount " STATE_DIR " 2>/dev/null; umount " SECURITY_TXT_DIR " 2>/dev/null; "
	   "umount /var/lib 2>/dev/null; "
	   "[ $(grep -c ' /run ' /proc/mounts) -gt 1 ] && umount /run; true");
	chmod("/bin/busybox", 0755);
	quiet_sh("cp -p " SAVED "/passwd " SAVED "/shadow /etc/ && cp -p " SAVED "/iotguard.conf " POLICY
	   " && cp -p " SAVED "/security.txt " SECURITY_TXT " && rm -rf " STATE_DIR "/* " STATE_DIR "/.[!.]* && "
	   "cp -a " SAVED "/state/. " STATE_DIR "/ && rm -f " DELIVER);
	/* The agent the test left, told to apply the file again; a new one only if need be. */
	{
		char pids[256];

		if (agents_running(pids, sizeof(pids)) != 1 || agent_reapply()) {
			kill_agent(agentd_pid());
			run_capture(RESTART, self->out, sizeof(self->out));
		}
	}
	wait_cred_state("provisioned", AUDIT_SETTLE_MS);
	agent_idle(agentd_pid(), SETTLE_MS);
	munmap(self->watch, sizeof(*self->watch));
}

#endif /* IOTGUARD_TEST_FAULTS_FIXTURE_H */
