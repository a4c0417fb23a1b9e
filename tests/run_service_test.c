// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl run on the device: the command runs in its service's cgroup
 * (created, cgroup2 mounted if nothing had), keeps iotguardctl's pid as an
 * init script expects (start-stop-daemon's pidfile is the command's), and
 * an unknown service is refused with the known ones listed; iotguardd
 * found cgroup v2 at boot. Runs as root.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "util.h"

#define IOTGUARDCTL "/usr/bin/iotguardctl"
#define CGROUP_ROOT "/sys/fs/cgroup"

/* cam's cgroup is the default one (iotguard/cam); dns names its own. */
static const char policy_text[] =
	"version = 1;\n"
	"egress = {\n"
	"  mode = \"audit\";\n"
	"  default = \"allow\";\n"
	"  allow = ( { to = \"192.0.2.0/24\"; ports = [ 443 ]; proto = \"tcp\"; } );\n"
	"  services = (\n"
	"    { name = \"cam\";\n"
	"      allow = ( { to = \"198.51.100.0/24\"; proto = \"tcp\"; } ); },\n"
	"    { name = \"dns\"; cgroup = \"iotguard-test/dns\"; }\n"
	"  );\n"
	"};\n";

FIXTURE(run) {
	char policy[64];
	char out[4096];
};

static void write_file(struct __test_metadata *_metadata, const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ASSERT_NE(NULL, f);
	fputs(text, f);
	fclose(f);
}

FIXTURE_SETUP(run)
{
	int fd;

	/* policy_test's temporary file, again: each harness file has its own fixtures. */
	strcpy(self->policy, "/tmp/run_service-XXXXXX");
	fd = mkstemp(self->policy);
	ASSERT_GE(fd, 0);
	close(fd);
	write_file(_metadata, self->policy, policy_text);
}

FIXTURE_TEARDOWN(run)
{
	unlink(self->policy);
	/* Empty once their processes have exited. */
	rmdir(CGROUP_ROOT "/iotguard/cam");
	rmdir(CGROUP_ROOT "/iotguard");
	rmdir(CGROUP_ROOT "/iotguard-test/dns");
	rmdir(CGROUP_ROOT "/iotguard-test");
}

/*
 * Fork; the child runs setup (if any: a mount namespace of its own) and
 * execs argv with stdout and stderr into out. Returns the exit status and
 * the child's pid in *pid.
 */
static int spawn(const char *const argv[], int (*setup)(void), pid_t *pid, char *out,
		 size_t len)
{
	size_t used = 0;
	int fds[2], status;
	ssize_t n;

	if (pipe(fds))
		return -1;
	*pid = fork();
	if (*pid < 0)
		return -1;
	if (*pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		if (setup && setup()) {
			printf("setup: %s\n", strerror(errno));
			fflush(stdout);
			_exit(99);
		}
		execv(argv[0], (char *const *)argv);
		_exit(98);
	}
	close(fds[1]);
	while (used < len - 1 && (n = read(fds[0], out + used, len - 1 - used)) > 0)
		used += (size_t)n;
	out[used] = '\0';
	close(fds[0]);
	if (waitpid(*pid, &status, 0) != *pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * iotguardctl run --service service --config <the test's policy> -- and
 * the command's words (NULL-terminated), through spawn().
 */
static int ctl_run(FIXTURE_DATA(run) *self, int (*setup)(void), pid_t *pid, const char *service,
		   ...)
{
	const char *argv[16] = { IOTGUARDCTL, "run", "--service", service, "--config",
				 self->policy, "--" };
	size_t n = 7;
	va_list ap;

	va_start(ap, service);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)))
		n++;
	va_end(ap);
	argv[n] = NULL;
	return spawn(argv, setup, pid, self->out, sizeof(self->out));
}

TEST_F(run, command_runs_in_the_services_cgroup)
{
	struct stat st;
	pid_t pid;

	ASSERT_EQ(0, ctl_run(self, NULL, &pid, "cam", "cat", "/proc/self/cgroup", NULL)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_STREQ("0::/iotguard/cam\n", self->out);
	ASSERT_EQ(0, stat(CGROUP_ROOT "/iotguard/cam", &st));
	EXPECT_EQ(0755, st.st_mode & 07777);
}

TEST_F(run, a_service_names_its_own_cgroup)
{
	pid_t pid;

	ASSERT_EQ(0, ctl_run(self, NULL, &pid, "dns", "cat", "/proc/self/cgroup", NULL)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_STREQ("0::/iotguard-test/dns\n", self->out);
}

TEST_F(run, the_command_keeps_the_pid)
{
	char want[64];
	pid_t pid;

	/* The shell reports its pid and its cgroup by that pid; its exit status comes back. */
	ASSERT_EQ(7, ctl_run(self, NULL, &pid, "cam", "sh", "-c",
			     "echo $$; cat /proc/$$/cgroup; exit 7", NULL)) {
		TH_LOG("%s", self->out);
	}
	snprintf(want, sizeof(want), "%d\n0::/iotguard/cam\n", (int)pid);
	EXPECT_STREQ(want, self->out);
}

TEST_F(run, an_unknown_service_lists_the_known_ones)
{
	char want[256];
	pid_t pid;

	EXPECT_EQ(1, ctl_run(self, NULL, &pid, "nope", "true", NULL));
	snprintf(want, sizeof(want), "iotguardctl: run: no service nope in %s; its services "
		 "are: cam, dns\n", self->policy);
	EXPECT_STREQ(want, self->out);
}

TEST_F(run, a_policy_without_egress_says_so)
{
	char want[256];
	pid_t pid;

	write_file(_metadata, self->policy, "version = 1;\n");
	EXPECT_EQ(1, ctl_run(self, NULL, &pid, "cam", "true", NULL));
	snprintf(want, sizeof(want), "iotguardctl: run: %s has no egress section, so no "
		 "services: add one naming service cam\n", self->policy);
	EXPECT_STREQ(want, self->out);
}

TEST_F(run, a_command_that_cannot_run_exits_like_a_shell)
{
	pid_t pid;

	EXPECT_EQ(127, ctl_run(self, NULL, &pid, "cam", "/nonexistent/cmd", NULL));
	EXPECT_STREQ("iotguardctl: run: /nonexistent/cmd: No such file or directory\n",
		     self->out);
	EXPECT_EQ(126, ctl_run(self, NULL, &pid, "cam", self->policy, NULL));
	EXPECT_NE(NULL, strstr(self->out, "Permission denied")) TH_LOG("%s", self->out);
}

/* README's init script: start-stop-daemon -m records the daemon's pid, -K -p stops it. */
TEST_F(run, an_init_script_starts_and_stops_the_service)
{
	char cmd[512], pid_text[32], path[64], text[64] = "";
	int pid = 0;

	snprintf(cmd, sizeof(cmd), "start-stop-daemon -S -b -m -p /tmp/run_service.pid -x "
		 IOTGUARDCTL " -- run --service cam --config %s -- sleep 300", self->policy);
	ASSERT_EQ(0, run_capture(cmd, self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	for (int i = 0; i < 100 && !pid; i++) {
		if (!read_text("/tmp/run_service.pid", pid_text, sizeof(pid_text)))
			pid = atoi(pid_text);
		usleep(50 * 1000);
	}
	ASSERT_LT(1, pid);
	/* Once it has exec'd: the pidfile is written before iotguardctl runs. */
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	for (int i = 0; i < 100; i++) {
		if (!read_text(path, text, sizeof(text)) && !strcmp(text, "sleep"))
			break;
		usleep(50 * 1000);
	}
	EXPECT_STREQ("sleep", text);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	EXPECT_EQ(0, read_text(path, text, sizeof(text)));
	EXPECT_STREQ("0::/iotguard/cam", text);
	EXPECT_EQ(0, run_capture("start-stop-daemon -K -p /tmp/run_service.pid", self->out,
				 sizeof(self->out))) TH_LOG("%s", self->out);
	for (int i = 0; i < 100 && !kill(pid, 0); i++)
		usleep(50 * 1000);
	EXPECT_NE(0, kill(pid, 0)) TH_LOG("pid %d still runs", pid);
	unlink("/tmp/run_service.pid");
}

TEST_F(run, iotguardd_found_cgroup2_at_boot)
{
	/* rcS mounted it before iotguardd started: found, not mounted again. */
	EXPECT_EQ(0, wait_for_log("iotguardd.*cgroup v2", "cgroup v2 already mounted at "
				  "/sys/fs/cgroup", self->out, sizeof(self->out))) {
		TH_LOG("%s", self->out);
	}
}

/* A mount namespace of the child's own, where nothing has mounted cgroup2. */
static int without_cgroup2(void)
{
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	return umount2(CGROUP_ROOT, MNT_DETACH);
}

TEST_F(run, cgroup2_is_mounted_when_nothing_has)
{
	pid_t pid;

	ASSERT_EQ(0, ctl_run(self, without_cgroup2, &pid, "cam", "sh", "-c",
			     "cat /proc/self/cgroup; "
			     "grep -c ' /sys/fs/cgroup .* cgroup2 ' /proc/self/mountinfo", NULL)) {
		TH_LOG("%s", self->out);
	}
	EXPECT_STREQ("0::/iotguard/cam\n1\n", self->out);
}

/* The legacy layout: a tmpfs at /sys/fs/cgroup holding a cgroup v1 hierarchy. */
static int legacy_layout(void)
{
	if (without_cgroup2() || mount("tmpfs", CGROUP_ROOT, "tmpfs", 0, "mode=0755") ||
	    mkdir(CGROUP_ROOT "/test", 0755))
		return -1;
	/* A named hierarchy without controllers: takes none from cgroup v2. */
	return mount("cgroup", CGROUP_ROOT "/test", "cgroup", 0, "none,name=iotguard-test");
}

TEST_F(run, never_mounts_over_cgroup_v1_hierarchies)
{
	pid_t pid;
	int ret = ctl_run(self, legacy_layout, &pid, "cam", "true", NULL);

	if (ret == 99)
		SKIP(return, "no cgroup v1 in this kernel: %.200s", self->out);
	EXPECT_EQ(1, ret);
	EXPECT_STREQ("iotguardctl: run: service cam: /sys/fs/cgroup is a tmpfs holding cgroup v1 "
		     "hierarchies (/sys/fs/cgroup/test, ...), a legacy cgroup layout: cgroup2 is "
		     "not mounted over it, which would hide them; mount cgroup2 beside them (e.g. "
		     "at /sys/fs/cgroup/unified) or boot with the unified hierarchy "
		     "(cgroup_no_v1=all)\n", self->out);
}

TEST_HARNESS_MAIN
