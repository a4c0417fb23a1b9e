// SPDX-License-Identifier: GPL-2.0
/*
 * Every login path of a real device, with a vendor default password and
 * then with a provisioned one: busybox login on a pty, su, telnet (busybox
 * telnetd) and SSH (dropbear) from a second network namespace over veth.
 * With the default, the kernel refuses each (and the agent logs it); after
 * `iotguardctl provision` the new password works and the default does not.
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
#include "login_guard.h"
#include "util.h"

#define IP "/sbin/ip"
#define NETNS "attacker"
#define DEVICE_ADDR "10.99.0.1"
#define USER "tester"
#define VENDOR_PASSWORD "admin"		/* Mirai's root:admin, admin:admin */
#define MARK_CMD "echo MARK$((6*7))\n"	/* the shell answers MARK42 */
#define DIALOGUE_MS 20000

enum outcome { REFUSED, LOGGED_IN, BROKEN };

static const char *const outcome_names[] = { "refused", "logged in", "broken" };

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* Append what fd has (telnet option bytes dropped) until want or EOF. */
static int read_until(int fd, char *buf, size_t len, size_t *used, const char *want,
		      long deadline)
{
	while (!strstr(buf, want)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		unsigned char chunk[512];
		ssize_t n;

		if (now_ms() > deadline || poll(&pfd, 1, 200) < 0)
			return -1;
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(fd, chunk, sizeof(chunk));
		if (n <= 0)
			return -1;	/* EOF, or EIO when a pty's other end died */
		for (ssize_t i = 0; i < n; i++) {
			if (chunk[i] == 255) {	/* telnet IAC: skip the command */
				i += 2;
				continue;
			}
			if (chunk[i] && *used < len - 1)
				buf[(*used)++] = (char)chunk[i];
		}
		buf[*used] = '\0';
	}
	return 0;
}

/* The login: / Password: dialogue, then a command whose answer proves a shell. */
static enum outcome dialogue(int fd, const char *user, const char *password)
{
	long deadline = now_ms() + DIALOGUE_MS;
	char buf[8192] = "", line[128];
	size_t used = 0;

	if (read_until(fd, buf, sizeof(buf), &used, "login:", deadline)) {
		fprintf(stderr, "# no login prompt; got: [%s] (%s)\n", buf, strerror(errno));
		return BROKEN;
	}
	/*
	 * A telnet server may still be negotiating options when its prompt
	 * shows, and drop what is typed meanwhile: type the name again until
	 * the password prompt comes.
	 */
	snprintf(line, sizeof(line), "%s\n", user);
	for (int tries = 0;; tries++) {
		if (write(fd, line, strlen(line)) < 0)
			return BROKEN;
		if (!read_until(fd, buf, sizeof(buf), &used, "assword:", now_ms() + 2000))
			break;
		if (tries == 5 || now_ms() > deadline) {
			fprintf(stderr, "# no password prompt; got: [%s]\n", buf);
			return BROKEN;
		}
	}
	snprintf(line, sizeof(line), "%s\n", password);
	if (write(fd, line, strlen(line)) < 0)
		return REFUSED;
	/* The shell may take a moment; keep asking until it answers or dies. */
	for (int i = 0; i < 20; i++) {
		if (write(fd, MARK_CMD, strlen(MARK_CMD)) < 0)
			return REFUSED;
		if (!read_until(fd, buf, sizeof(buf), &used, "MARK42", now_ms() + 500))
			return LOGGED_IN;
		if (strstr(buf, "incorrect") || now_ms() > deadline)
			return REFUSED;
	}
	return REFUSED;
}

/* busybox login on a fresh pty, as getty would run it (not a console). */
static enum outcome login_on_pty(const char *user, const char *password)
{
	enum outcome result;
	int master, status;
	pid_t pid;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return BROKEN;
	pid = fork();
	if (pid == 0) {
		int slave;

		setsid();
		slave = open(ptsname(master), O_RDWR);
		if (slave < 0 || ioctl(slave, TIOCSCTTY, 0))
			_exit(127);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		execl("/bin/login", "login", (char *)NULL);
		_exit(127);
	}
	result = dialogue(master, user, password);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(master);
	return result;
}

/* su from root, in its own session (so not on the console). */
static enum outcome su_to(const char *user)
{
	char cmd[256], out[4096];

	snprintf(cmd, sizeof(cmd), "setsid su %s -c 'echo MARK$((6*7))'", user);
	run_capture(cmd, out, sizeof(out));
	return strstr(out, "MARK42") ? LOGGED_IN : REFUSED;
}

/* Enter the attacker's network namespace (in a child). */
static int enter_attacker(void)
{
	int fd = open("/run/netns/" NETNS, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || setns(fd, CLONE_NEWNET))
		return -1;
	close(fd);
	return 0;
}

/* telnet from the attacker's namespace to busybox telnetd on the device. */
static enum outcome telnet_login(const char *user, const char *password)
{
	int pipefd[2], status;
	enum outcome result = BROKEN;
	pid_t pid;

	if (pipe(pipefd))
		return BROKEN;
	pid = fork();
	if (pid == 0) {
		struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(23) };
		int sock;

		/* A refused login closes the connection: see EPIPE, not SIGPIPE. */
		signal(SIGPIPE, SIG_IGN);
		inet_pton(AF_INET, DEVICE_ADDR, &addr.sin_addr);
		if (enter_attacker()) {
			fprintf(stderr, "# cannot enter the %s namespace: %s\n", NETNS, strerror(errno));
			_exit(BROKEN);
		}
		sock = socket(AF_INET, SOCK_STREAM, 0);
		if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof(addr))) {
			fprintf(stderr, "# telnet connect: %s\n", strerror(errno));
			_exit(BROKEN);
		}
		_exit(dialogue(sock, user, password));
	}
	close(pipefd[0]);
	close(pipefd[1]);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		result = (enum outcome)WEXITSTATUS(status);
	else
		fprintf(stderr, "# telnet client died: status %#x\n", status);
	return result;
}

/* SSH from the attacker's namespace to dropbear on the device. */
static enum outcome ssh_login(const char *user, const char *password)
{
	char cmd[512], out[4096];

	snprintf(cmd, sizeof(cmd),
		 "DROPBEAR_PASSWORD='%s' /usr/bin/timeout 60 " IP " netns exec " NETNS
		 " dbclient -y -y %s@" DEVICE_ADDR " 'echo MARK$((6*7))'", password, user);
	run_capture(cmd, out, sizeof(out));
	return strstr(out, "MARK42") ? LOGGED_IN : REFUSED;
}

static __u64 refusals(void)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 values[256] = { 0 }, sum = 0;
	int fd = bpf_obj_get(LOGIN_GUARD_STATS_PIN);

	for (__u32 key = LOGIN_GUARD_STAT_SETUID_DENIED; fd >= 0 && ncpus > 0 && ncpus <= 256 &&
	     key <= LOGIN_GUARD_STAT_EXEC_DENIED; key++)
		if (!bpf_map_lookup_elem(fd, &key, values))
			for (int i = 0; i < ncpus; i++)
				sum += values[i];
	if (fd >= 0)
		close(fd);
	return sum;
}

static int wait_cred_state(const char *want)
{
	char buf[32];

	for (int i = 0; i < 200; i++) {
		if (!sysfs_read("cred_state", buf, sizeof(buf)) && !strcmp(buf, want))
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

static int setup_network(void)
{
	if (!access("/run/netns/" NETNS, F_OK))
		return 0;
	return run_capture(IP " netns add " NETNS " && "
			   IP " link add veth0 type veth peer name veth1 && "
			   IP " link set veth1 netns " NETNS " && "
			   IP " addr add " DEVICE_ADDR "/24 dev veth0 && "
			   IP " link set veth0 up && "
			   IP " netns exec " NETNS " " IP " addr add 10.99.0.2/24 dev veth1 && "
			   IP " netns exec " NETNS " " IP " link set veth1 up && "
			   IP " netns exec " NETNS " " IP " link set lo up", NULL, 0);
}

FIXTURE(login) {
	char out[8192];
	char password[64];
};

FIXTURE_SETUP(login)
{
	char line[512];
	FILE *f;

	ASSERT_EQ(0, setup_network());
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
	ASSERT_EQ(0, wait_cred_state("default")) TH_LOG("the agent did not flag " USER);
}

FIXTURE_TEARDOWN(login)
{
	run_capture("cp -p /tmp/passwd.saved /etc/passwd && cp -p /tmp/shadow.saved /etc/shadow",
		    NULL, 0);
	wait_cred_state("provisioned");
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
	ASSERT_EQ(0, wait_cred_state("provisioned"));
}

#define EXPECT_OUTCOME(want, got) do {						\
	enum outcome _got = (got);						\
	EXPECT_EQ(want, _got) TH_LOG("%s: %s", #got, outcome_names[_got]);	\
} while (0)

/* Each path: refused with the default (and counted); the new password works. */
TEST_F(login, busybox_login_on_a_pty)
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

TEST_F(login, telnet_from_another_host)
{
	__u64 before = refusals();

	EXPECT_OUTCOME(REFUSED, telnet_login(USER, VENDOR_PASSWORD));
	EXPECT_LT(before, refusals());
	provision(_metadata, self);
	EXPECT_OUTCOME(LOGGED_IN, telnet_login(USER, self->password));
	EXPECT_OUTCOME(REFUSED, telnet_login(USER, VENDOR_PASSWORD));
}

TEST_F(login, ssh_from_another_host)
{
	__u64 before = refusals();

	EXPECT_OUTCOME(REFUSED, ssh_login(USER, VENDOR_PASSWORD));
	EXPECT_LT(before, refusals());
	provision(_metadata, self);
	EXPECT_OUTCOME(LOGGED_IN, ssh_login(USER, self->password));
	EXPECT_OUTCOME(REFUSED, ssh_login(USER, VENDOR_PASSWORD));
}

TEST_F(login, refusals_reach_the_log)
{
	EXPECT_OUTCOME(REFUSED, ssh_login(USER, VENDOR_PASSWORD));
	for (int i = 0; i < 50; i++) {
		run_capture("grep 'login guard: refused' /var/log/messages", self->out,
			    sizeof(self->out));
		if (strstr(self->out, "refused dropbear"))
			break;
		usleep(100 * 1000);
	}
	EXPECT_NE(NULL, strstr(self->out, "refused dropbear (pid ")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "/usr/sbin/dropbear) becoming account '" USER "'"))
		TH_LOG("%s", self->out);
}

TEST_HARNESS_MAIN
