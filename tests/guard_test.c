// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF login guard in a real kernel: BPF LSM is active; iotguardd has
 * attached and pinned the guard; a login program cannot become a flagged
 * account through any setuid-family call, nor exec a shell while running as
 * one (root to root); a refused process is killed; the console is exempt;
 * every refusal is counted and logged; and enforcement survives the agent.
 *
 * The test registers its own executable as a login program, and its
 * children leave the console (setsid) unless a test wants the console.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "kselftest_harness.h"
#include "login_guard.h"
#include "util.h"

/* A uid no account uses, so flagging it harms nothing. */
#define TEST_UID 4242
#define KILLED (-SIGKILL)

enum setid_call { CALL_SETUID, CALL_SETREUID, CALL_SETRESUID, CALL_SETFSUID, CALL_EXEC_TRUE,
		  CALL_EXEC_SU, CALL_EXEC_SH, CALL_EXEC_SH_BY_SU_LINK, CALL_EXEC_SH_OF_A_FILE_NAMED_SU,
		  CALL_SETUID_STARTED_BY_NOBODY };

/*
 * In a child: make one call, then exit 0 if it worked or errno if not.
 * Returns that status, or KILLED if the guard killed the child.
 */
static int child_does(enum setid_call call, uid_t uid, bool leave_console)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int ret = 0;

		if (leave_console)
			setsid();
		switch (call) {
		case CALL_SETUID:
			ret = setuid(uid);
			break;
		case CALL_SETREUID:
			ret = setreuid(uid, uid);
			break;
		case CALL_SETRESUID:
			ret = setresuid(uid, uid, uid);
			break;
		case CALL_SETFSUID:
			setfsuid(uid);
			ret = (uid_t)setfsuid((uid_t)-1) == uid ? 0 : -1;
			errno = EPERM;
			break;
		case CALL_EXEC_TRUE:
			execl("/bin/true", "true", (char *)NULL);
			_exit(errno == EPERM ? EPERM : 100);
		case CALL_EXEC_SU:
			/* Another login program: a usage message, status 0 or 1. */
			execl("/bin/su", "su", "--help", (char *)NULL);
			_exit(100);
		case CALL_EXEC_SH:
			execl("/bin/sh", "sh", "-c", "true", (char *)NULL);
			_exit(100);
		case CALL_EXEC_SH_BY_SU_LINK:
			/* The file is su's link, but busybox runs the applet argv names. */
			execl("/bin/su", "sh", "-c", "true", (char *)NULL);
			_exit(100);
		case CALL_EXEC_SH_OF_A_FILE_NAMED_SU:
			/* busybox reads argv[1] only behind "busybox": this is sh. */
			execl("/bin/busybox", "sh", "/tmp/no/such/su", (char *)NULL);
			_exit(100);
		case CALL_SETUID_STARTED_BY_NOBODY:
			/* Real uid nobody, as a setuid program run by nobody has. */
			if (setresuid(65534, (uid_t)-1, (uid_t)-1))
				_exit(errno);
			ret = setuid(uid);
			break;
		}
		_exit(ret ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return -WTERMSIG(status);
	return WEXITSTATUS(status);
}

static __u32 pinned_link_id(const char *pin)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(pin);

	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.id = 0;
	close(fd);
	return info.id;
}

static int flag_uid(__u32 uid, bool flag)
{
	__u32 one = 1;

	return pinned_map_set(LOGIN_GUARD_DENIED_PIN, &uid, &one, flag);
}

static int set_config(__u32 audit_only, __u32 audited, __u32 flagged)
{
	struct login_guard_config cfg = {
		.audit_only = audit_only, .audited = audited, .flagged = flagged
	};
	__u32 key = 0;

	return pinned_map_set(LOGIN_GUARD_CONFIG_PIN, &key, &cfg, true);
}

static int register_file(const char *path, __u32 flags, bool add)
{
	struct login_program_key key;
	int ret = program_key(path, &key);

	return ret ? ret : pinned_map_set(LOGIN_GUARD_PROGRAMS_PIN, &key, &flags, add);
}

/* Register (or not) this test's own executable as a login program. */
static int register_self(bool add)
{
	__u32 flags = LOGIN_PROGRAM_WHOLE;

	return register_file("/proc/self/exe", flags, add);
}

/*
 * Is our controlling tty one the guard treats as the console? The image's
 * policy lists ttyS0 (x86) and ttyAMA0 (arm64), where scripts/vm runs us.
 */
static bool on_serial_console(void)
{
	char buf[512];
	int tty_nr = 0;
	char *p;

	if (read_text("/proc/self/stat", buf, sizeof(buf)))
		return false;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %d", &tty_nr) != 1)
		return false;
	return (major(tty_nr) == 4 || major(tty_nr) == 204) && minor(tty_nr) == 64;
}

FIXTURE(guard) {
	char out[8192];
};

FIXTURE_SETUP(guard)
{
	SKIP_SETUP_WITHOUT_BPF_LSM();
	ASSERT_EQ(0, register_self(true)) TH_LOG("is the guard pinned?");
}

FIXTURE_TEARDOWN(guard)
{
	flag_uid(TEST_UID, false);
	flag_uid(0, false);
	set_config(0, 1, 0);
	register_self(false);
}

TEST(bpf_is_an_active_lsm)
{
	char list[512], *tok, *save;
	int found = 0;

	ASSERT_EQ(0, read_text("/sys/kernel/security/lsm", list, sizeof(list)));
	TH_LOG("active LSMs: %s", list);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		found |= !strcmp(tok, "bpf");
	EXPECT_TRUE(found);
}

TEST(guard_is_attached_as_lsm_links)
{
	static const char *const pins[] = { LOGIN_GUARD_LINK_PIN, LOGIN_GUARD_EXEC_LINK_PIN };

	SKIP_WITHOUT_BPF_LSM(return);
	for (size_t i = 0; i < sizeof(pins) / sizeof(pins[0]); i++) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_obj_get(pins[i]);

		ASSERT_GE(fd, 0) TH_LOG("no pinned link at %s: %s", pins[i], strerror(errno));
		ASSERT_EQ(0, bpf_obj_get_info_by_fd(fd, &info, &len));
		close(fd);
		EXPECT_EQ(BPF_LINK_TYPE_TRACING, info.type);
		EXPECT_EQ(BPF_LSM_MAC, info.tracing.attach_type);
	}
}

TEST_F(guard, agent_loaded_the_login_programs)
{
	struct login_program_key key;
	__u32 flags = 0;
	int fd;

	/* /bin/login is busybox here: a multi-call binary, by applet name. */
	ASSERT_EQ(0, program_key("/bin/busybox", &key));
	fd = bpf_obj_get(LOGIN_GUARD_PROGRAMS_PIN);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0, bpf_map_lookup_elem(fd, &key, &flags));
	close(fd);
	EXPECT_EQ(LOGIN_PROGRAM_MULTI_CALL, flags);
}

TEST_F(guard, every_setuid_call_into_a_flagged_account_is_refused_and_killed)
{
	static const enum setid_call calls[] = {
		CALL_SETUID, CALL_SETREUID, CALL_SETRESUID, CALL_SETFSUID,
	};
	static const char *const names[] = { "setuid", "setreuid", "setresuid", "setfsuid" };
	__u64 denied = guard_stat(LOGIN_GUARD_STAT_SETUID_DENIED);

	for (size_t i = 0; i < 4; i++) {
		EXPECT_EQ(0, child_does(calls[i], TEST_UID, true)) TH_LOG("%s", names[i]);
	}
	ASSERT_EQ(0, flag_uid(TEST_UID, true));
	for (size_t i = 0; i < 4; i++) {
		EXPECT_EQ(KILLED, child_does(calls[i], TEST_UID, true)) TH_LOG("%s", names[i]);
	}
	EXPECT_EQ(denied + 4, guard_stat(LOGIN_GUARD_STAT_SETUID_DENIED));
}

TEST_F(guard, root_to_root_is_refused)
{
	int status;

	ASSERT_EQ(0, child_does(CALL_SETUID, 0, true));
	ASSERT_EQ(0, child_does(CALL_EXEC_TRUE, 0, true));
	ASSERT_EQ(0, flag_uid(0, true));
	/* A root login calling setuid(0) for a root account with a default. */
	EXPECT_EQ(KILLED, child_does(CALL_SETUID, 0, true));
	/* A root login that execs the shell without any setuid. */
	EXPECT_EQ(KILLED, child_does(CALL_EXEC_TRUE, 0, true));
	/* Handing over to another login program is fine (telnetd runs login). */
	status = child_does(CALL_EXEC_SU, 0, true);
	EXPECT_TRUE(status == 0 || status == 1) TH_LOG("su --help: %d", status);
	/* busybox's shell, by its own link or by su's link with argv[0] "sh". */
	EXPECT_EQ(KILLED, child_does(CALL_EXEC_SH, 0, true));
	EXPECT_EQ(KILLED, child_does(CALL_EXEC_SH_BY_SU_LINK, 0, true));
	EXPECT_EQ(KILLED, child_does(CALL_EXEC_SH_OF_A_FILE_NAMED_SU, 0, true));
}

TEST_F(guard, other_programs_are_not_guarded)
{
	ASSERT_EQ(0, flag_uid(TEST_UID, true));
	ASSERT_EQ(0, register_self(false));
	EXPECT_EQ(0, child_does(CALL_SETUID, TEST_UID, true));
}

TEST_F(guard, console_is_the_owners_way_in)
{
	if (!on_serial_console())
		SKIP(return, "the test does not run on the serial console");
	ASSERT_EQ(0, flag_uid(TEST_UID, true));
	EXPECT_EQ(0, child_does(CALL_SETUID, TEST_UID, false));
	EXPECT_EQ(KILLED, child_does(CALL_SETUID, TEST_UID, true));
	/* Only for what root started: a user holding the console's fd gains nothing. */
	EXPECT_EQ(KILLED, child_does(CALL_SETUID_STARTED_BY_NOBODY, TEST_UID, false));
}

TEST_F(guard, audit_mode_reports_but_allows)
{
	__u64 denied = guard_stat(LOGIN_GUARD_STAT_SETUID_DENIED);

	ASSERT_EQ(0, flag_uid(TEST_UID, true));
	ASSERT_EQ(0, set_config(1, 1, 0));
	EXPECT_EQ(0, child_does(CALL_SETUID, TEST_UID, true));
	EXPECT_EQ(denied + 1, guard_stat(LOGIN_GUARD_STAT_SETUID_DENIED));
}

TEST_F(guard, before_the_first_audit_every_account_counts_as_flagged)
{
	ASSERT_EQ(0, set_config(0, 0, 0));
	EXPECT_EQ(KILLED, child_does(CALL_SETUID, TEST_UID, true));
	ASSERT_EQ(0, set_config(0, 1, 0));
	EXPECT_EQ(0, child_does(CALL_SETUID, TEST_UID, true));
}

TEST_F(guard, refusals_are_logged_by_the_agent)
{
	ASSERT_EQ(0, flag_uid(TEST_UID, true));
	EXPECT_EQ(KILLED, child_does(CALL_SETRESUID, TEST_UID, true));
	wait_for_log("login guard: refused", "account 'uid 4242'", self->out, sizeof(self->out));
	EXPECT_NE(NULL, strstr(self->out, "refused guard_test (pid ")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "becoming account 'uid 4242'")) TH_LOG("%s", self->out);
}

static int count_lines(const char *pattern)
{
	char cmd[256], out[64];

	snprintf(cmd, sizeof(cmd), "grep -c '%s' /var/log/messages", pattern);
	run_capture(cmd, out, sizeof(out));
	return atoi(out);
}

/* iotguardd logs 5 refusals a second, in bursts of 20 (guard_events.h). */
#define GUARD_EVENTS_BURST_SECONDS (20 / 5)

/* A brute-force run must not flood the log: a burst, then a summary line. */
/* Guest timeout: the longest run measured was 8.8 s (TCG, 6.12, a CPU hog on each host core). */
TEST_F_TIMEOUT(guard, refusal_log_is_rate_limited, 45)
{
	int logged = count_lines("login guard: refused guard_test");
	int summaries = count_lines("refusal(s) not logged (rate limit)");
	__u64 denied = guard_stat(LOGIN_GUARD_STAT_SETUID_DENIED);

	/* Let earlier tests' refusals drain from the limiter: a full burst. */
	usleep((GUARD_EVENTS_BURST_SECONDS + 1) * 1000 * 1000);
	ASSERT_EQ(0, flag_uid(TEST_UID, true));
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(KILLED, child_does(CALL_SETUID, TEST_UID, true));
	usleep(1500 * 1000);
	/* After a pause the next refusal is logged, with the count it skipped. */
	ASSERT_EQ(KILLED, child_does(CALL_SETUID, TEST_UID, true));
	usleep(500 * 1000);
	EXPECT_EQ(denied + 101, guard_stat(LOGIN_GUARD_STAT_SETUID_DENIED));	/* all counted */
	logged = count_lines("login guard: refused guard_test") - logged;
	TH_LOG("101 refusals, %d logged", logged);
	EXPECT_LT(logged, 101);
	EXPECT_GE(logged, 20);	/* the burst */
	EXPECT_LT(summaries, count_lines("refusal(s) not logged (rate limit)"));
}

TEST_F(guard, guard_survives_agent_kill_and_restart)
{
	__u32 setuid_link = pinned_link_id(LOGIN_GUARD_LINK_PIN);
	__u32 exec_link = pinned_link_id(LOGIN_GUARD_EXEC_LINK_PIN);
	int pid = agentd_pid();

	ASSERT_NE(0, setuid_link);
	ASSERT_NE(0, exec_link);
	ASSERT_GT(pid, 1) TH_LOG("iotguardd is not running");
	ASSERT_EQ(0, kill(pid, SIGKILL));
	for (int i = 0; i < 100 && kill(pid, 0) == 0; i++)
		usleep(50 * 1000);
	ASSERT_NE(0, kill(pid, 0)) TH_LOG("iotguardd survived SIGKILL");

	/* Agent gone: the guard is still attached and still refusing. */
	EXPECT_EQ(setuid_link, pinned_link_id(LOGIN_GUARD_LINK_PIN));
	ASSERT_EQ(0, flag_uid(TEST_UID, true));
	EXPECT_EQ(KILLED, child_does(CALL_SETUID, TEST_UID, true));

	/* A restarted agent keeps the same links: no gap, no second copy. */
	EXPECT_EQ(0, run_capture("rm -f /run/iotguardd.pid; /etc/init.d/S30iotguardd start",
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(setuid_link, pinned_link_id(LOGIN_GUARD_LINK_PIN));
	EXPECT_EQ(exec_link, pinned_link_id(LOGIN_GUARD_EXEC_LINK_PIN));
	EXPECT_GT(agentd_pid(), 1);
	/* The restarted agent re-synced the flagged set from its own audit. */
	EXPECT_EQ(0, child_does(CALL_SETUID, TEST_UID, true));
}

/* guard_probe, installed beside this test. */
static void probe_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	buf[n > 0 ? n : 0] = '\0';
	slash = strrchr(buf, '/');
	snprintf(slash ? slash + 1 : buf, len - (size_t)(slash ? slash + 1 - buf : 0),
		 "guard_probe");
}

static int login_applet(const char *name, bool add)
{
	struct login_comm_key key = {};
	__u32 one = 1;

	strncpy(key.comm, name, sizeof(key.comm) - 1);
	return pinned_map_set(LOGIN_GUARD_COMMS_PIN, &key, &one, add);
}

/*
 * Run path with argv (and PROBE=action) in its own session, stdin from
 * stdin_fd if >= 0. Its exit status, or KILLED.
 */
static int run_probe(const char *path, char *const argv[], const char *action, int stdin_fd)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		setsid();
		if (stdin_fd >= 0)
			dup2(stdin_fd, 0);
		setenv("PROBE", action, 1);
		execv(path, argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status))
		return -WTERMSIG(status);
	return WEXITSTATUS(status);
}

#define SETUID_TEST_UID "setuid:4242"

/*
 * A multi-call binary runs the applet its argv names, whatever the file is
 * called: busybox takes argv[0], or the next argument behind "busybox";
 * dropbearmulti tries argv[1] whatever argv[0] is. Unreadable or too deep:
 * judged a login applet (fails closed).
 */
#define PROBE_ARGS 12
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Run the probe with each argv; each must end as want (KILLED or 0). */
static void expect_probes(struct __test_metadata *_metadata, const char *probe,
			  char *const ways[][PROBE_ARGS], size_t n, int want, const char *style)
{
	/* Braces: the harness's EXPECT and TH_LOG are two statements. */
	for (size_t i = 0; i < n; i++) {
		EXPECT_EQ(want, run_probe(probe, ways[i], SETUID_TEST_UID, -1))
			TH_LOG("%s argv %.20s %.20s", style, ways[i][0], ways[i][1] ? ways[i][1] : "");
	}
}

TEST_F_TIMEOUT(guard, multi_call_applet_is_judged_from_argv, 90)
{
	static char long_name[300];
	char *const busybox_login[][PROBE_ARGS] = {
		{ "dropbear", NULL },
		{ "/usr/sbin/dropbear", NULL },
		{ "-dropbear", NULL },
		{ "busybox", "dropbear", NULL },
		{ "busybox", "busybox", "dropbear", NULL },
		{ "busybox-x", "busybox", "/x/dropbear", NULL },
		{ long_name, NULL },
		{ "busybox", "busybox", "busybox", "busybox", "busybox", "busybox", "busybox",
		  "busybox", "busybox", "sh", NULL },
	};
	char *const busybox_other[][PROBE_ARGS] = {
		{ "sh", NULL },
		{ "sh", "id", NULL },
		{ "sh", "dropbear", NULL },
		{ "sh", "/x/dropbear", NULL },
		{ "sh", long_name, NULL },
		{ "anything", "dropbear", NULL },
		{ "dropbear/", NULL },
		{ "dropbearx", NULL },
	};
	/* dropbearmulti: argv[1] counts too, named as POSIX basename() does. */
	char *const argv1_login[][PROBE_ARGS] = {
		{ "dropbear", NULL },
		{ "anything", "dropbear", NULL },
		{ "anything", "/x/dropbear/", NULL },
		{ "dropbear/", NULL },
	};
	char *const argv1_other[][PROBE_ARGS] = {
		{ "sh", NULL },
		{ "sh", "id", NULL },
		{ "sh", "ls", "dropbear", NULL },
	};
	char probe[512];

	memset(long_name, 'a', sizeof(long_name) - 1);
	probe_path(probe, sizeof(probe));
	ASSERT_EQ(0, register_file(probe, LOGIN_PROGRAM_MULTI_CALL, true));
	ASSERT_EQ(0, login_applet("dropbear", true));
	ASSERT_EQ(0, flag_uid(TEST_UID, true));
	expect_probes(_metadata, probe, busybox_login, ARRAY_LEN(busybox_login), KILLED, "busybox");
	expect_probes(_metadata, probe, busybox_other, ARRAY_LEN(busybox_other), 0, "busybox");
	ASSERT_EQ(0, register_file(probe, LOGIN_PROGRAM_MULTI_CALL | LOGIN_PROGRAM_ARGV1, true));
	expect_probes(_metadata, probe, argv1_login, ARRAY_LEN(argv1_login), KILLED, "dropbearmulti");
	expect_probes(_metadata, probe, argv1_other, ARRAY_LEN(argv1_other), 0, "dropbearmulti");
	login_applet("dropbear", false);
	register_file(probe, 0, false);
}

/*
 * A login program's child (a session) and one started with a socket on
 * stdin (inetd) may not connect or listen while any account is flagged or
 * before the first audit; the server itself may; audit mode only counts.
 */
TEST_F_TIMEOUT(guard, a_session_relays_nothing_while_an_account_is_flagged, 60)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	char *const argv[] = { "sshd", NULL };
	socklen_t len = sizeof(addr);
	char probe[512], connect_to[32], fork_connect[40], fork_udp[40], fork_tfo[40];
	int sock, pair[2];
	__u64 relays;

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sock = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(0, bind(sock, (struct sockaddr *)&addr, sizeof(addr)));
	ASSERT_EQ(0, listen(sock, 64));
	ASSERT_EQ(0, getsockname(sock, (struct sockaddr *)&addr, &len));
	snprintf(connect_to, sizeof(connect_to), "connect:%u", ntohs(addr.sin_port));
	snprintf(fork_connect, sizeof(fork_connect), "fork-%s", connect_to);
	snprintf(fork_udp, sizeof(fork_udp), "fork-sendto:%u", ntohs(addr.sin_port));
	snprintf(fork_tfo, sizeof(fork_tfo), "fork-fastopen:%u", ntohs(addr.sin_port));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, pair));
	probe_path(probe, sizeof(probe));
	ASSERT_EQ(0, register_file(probe, LOGIN_PROGRAM_WHOLE, true));

	ASSERT_EQ(0, set_config(0, 1, 1));
	relays = guard_stat(LOGIN_GUARD_STAT_RELAY_DENIED);
	EXPECT_EQ(0, run_probe(probe, argv, connect_to, -1));
	EXPECT_EQ(0, run_probe(probe, argv, "listen", -1));
	EXPECT_EQ(EPERM, run_probe(probe, argv, fork_connect, -1));
	EXPECT_EQ(EPERM, run_probe(probe, argv, "fork-listen", -1));
	EXPECT_EQ(EPERM, run_probe(probe, argv, connect_to, pair[1]));
	/* An unconnected datagram, and TCP Fast Open's connect inside sendto(). */
	EXPECT_EQ(EPERM, run_probe(probe, argv, fork_udp, -1));
	EXPECT_EQ(EPERM, run_probe(probe, argv, fork_tfo, -1));
	EXPECT_EQ(relays + 5, guard_stat(LOGIN_GUARD_STAT_RELAY_DENIED));
	ASSERT_EQ(0, set_config(0, 0, 0));	/* before the first audit */
	EXPECT_EQ(EPERM, run_probe(probe, argv, fork_connect, -1));
	ASSERT_EQ(0, set_config(1, 1, 1));	/* audit mode: counted, allowed */
	EXPECT_EQ(0, run_probe(probe, argv, fork_connect, -1));
	EXPECT_EQ(relays + 7, guard_stat(LOGIN_GUARD_STAT_RELAY_DENIED));
	ASSERT_EQ(0, set_config(0, 1, 0));	/* every account provisioned */
	EXPECT_EQ(0, run_probe(probe, argv, fork_connect, -1));
	EXPECT_EQ(0, run_probe(probe, argv, fork_udp, -1));
	EXPECT_EQ(0, run_probe(probe, argv, "fork-listen", -1));
	register_file(probe, 0, false);
	close(pair[0]);
	close(pair[1]);
	close(sock);
}

/* A package manager replaces a login program by rename: the new file is one too. */
TEST_F(guard, a_login_program_replaced_by_rename_stays_one)
{
	char *const argv[] = { "gp", NULL };
	char probe[512], cmd[1200];
	__u64 followed = guard_stat(LOGIN_GUARD_STAT_PROGRAMS_FOLLOWED);

	probe_path(probe, sizeof(probe));
	snprintf(cmd, sizeof(cmd), "cp %s /tmp/gp && cp %s /tmp/gp.new", probe, probe);
	ASSERT_EQ(0, run_capture(cmd, NULL, 0));
	ASSERT_EQ(0, register_file("/tmp/gp", LOGIN_PROGRAM_WHOLE, true));
	ASSERT_EQ(0, flag_uid(TEST_UID, true));
	EXPECT_EQ(KILLED, run_probe("/tmp/gp", argv, SETUID_TEST_UID, -1));
	ASSERT_EQ(0, rename("/tmp/gp.new", "/tmp/gp"));
	EXPECT_EQ(KILLED, run_probe("/tmp/gp", argv, SETUID_TEST_UID, -1));
	EXPECT_EQ(followed + 1, guard_stat(LOGIN_GUARD_STAT_PROGRAMS_FOLLOWED));
	register_file("/tmp/gp", 0, false);
	unlink("/tmp/gp");
}

TEST_HARNESS_MAIN
