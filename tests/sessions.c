// SPDX-License-Identifier: GPL-2.0
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
#include <crypt.h>
#include "genl_raw.h"
#include "sessions.h"
#include "util.h"

#define MARK_CMD "echo MARK$((6*7))\n"	/* the shell answers MARK42 */
#define DIALOGUE_MS 20000

const char *const outcome_names[] = { "refused", "logged in", "broken", "reset by the device" };

static const char *source_addr;

void session_source(const char *addr)
{
	source_addr = addr;
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

/*
 * An account with an empty password field: login asks for no password.
 * The name is typed until it is echoed (see below), then a shell answers,
 * or the connection ends (refused), or a password is asked after all.
 */
static enum outcome dialogue_no_password(int fd, const char *user, char *buf, size_t len,
					 size_t *used, long deadline)
{
	char line[128], echo[160];

	snprintf(line, sizeof(line), "%s\n", user);
	snprintf(echo, sizeof(echo), "login: %s", user);
	for (int tries = 0;; tries++) {
		if (write(fd, line, strlen(line)) < 0)
			return REFUSED;
		if (!read_until(fd, buf, len, used, echo, now_ms() + 2000))
			break;
		if (tries == 5 || now_ms() > deadline) {
			fprintf(stderr, "# the name was not echoed; got: [%s]\n", buf);
			return BROKEN;
		}
	}
	for (int i = 0; i < 20; i++) {
		if (write(fd, MARK_CMD, strlen(MARK_CMD)) < 0)
			return REFUSED;
		if (!read_until(fd, buf, len, used, "MARK42", now_ms() + 500))
			return LOGGED_IN;
		if (strstr(buf, "assword:") || now_ms() > deadline)
			return REFUSED;
	}
	return REFUSED;
}

/*
 * The login: / Password: dialogue, then a command whose answer proves a
 * shell. password NULL: the account's field is empty, no password is asked.
 */
static enum outcome dialogue(int fd, const char *user, const char *password)
{
	long deadline = now_ms() + DIALOGUE_MS;
	char buf[8192] = "", line[128];
	size_t used = 0;

	if (read_until(fd, buf, sizeof(buf), &used, "login:", deadline)) {
		fprintf(stderr, "# no login prompt; got: [%s] (%s)\n", buf, strerror(errno));
		return BROKEN;
	}
	if (!password)
		return dialogue_no_password(fd, user, buf, sizeof(buf), &used, deadline);
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

/*
 * Start path with argv on a fresh pty as its controlling terminal, in a
 * session of its own (not the console), as nobody if asked. Returns the
 * pty's master side, or -1.
 */
static int pty_spawn(const char *path, char *const argv[], bool as_nobody, pid_t *pid)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);

	if (master < 0 || grantpt(master) || unlockpt(master))
		return -1;
	*pid = fork();
	if (*pid == 0) {
		int slave;

		setsid();
		slave = open(ptsname(master), O_RDWR);
		if (slave < 0 || ioctl(slave, TIOCSCTTY, 0))
			_exit(127);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		if (as_nobody && (setgid(65534) || setuid(65534)))
			_exit(126);
		execv(path, argv);
		_exit(127);
	}
	if (*pid < 0) {
		close(master);
		return -1;
	}
	return master;
}

/* busybox login on a fresh pty, as getty would run it (not a console). */
enum outcome login_on_pty(const char *user, const char *password)
{
	char *const argv[] = { "login", NULL };
	enum outcome result;
	int master, status;
	pid_t pid;

	master = pty_spawn("/bin/login", argv, false, &pid);
	if (master < 0)
		return BROKEN;
	result = dialogue(master, user, password);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(master);
	return result;
}

/* su from root, in its own session (so not on the console). */
enum outcome su_to(const char *user)
{
	char cmd[256], out[4096];

	snprintf(cmd, sizeof(cmd), "setsid su %s -c 'echo MARK$((6*7))'", user);
	run_capture(cmd, out, sizeof(out));
	return strstr(out, "MARK42") ? LOGGED_IN : REFUSED;
}

/*
 * A local unprivileged user (nobody) runs path with argv on a fresh pty and
 * answers its password prompt; argv must ask for `echo MARK$((6*7))`.
 * *status is the program's wait status (the guard kills what it refuses).
 */
enum outcome su_as_nobody(const char *path, char *const argv[], const char *password,
			  int *status)
{
	long deadline = now_ms() + DIALOGUE_MS;
	char buf[4096] = "", line[128];
	enum outcome result = REFUSED;
	size_t used = 0;
	int master;
	pid_t pid;

	*status = -1;
	master = pty_spawn(path, argv, true, &pid);
	if (master < 0)
		return BROKEN;
	if (read_until(master, buf, sizeof(buf), &used, "assword:", deadline)) {
		fprintf(stderr, "# no password prompt from %s; got: [%s]\n", path, buf);
		result = BROKEN;
	} else {
		snprintf(line, sizeof(line), "%s\n", password);
		if (write(master, line, strlen(line)) < 0 ||
		    read_until(master, buf, sizeof(buf), &used, "MARK42", deadline))
			result = REFUSED;
		else
			result = LOGGED_IN;
	}
	/* A refused program is dead already; one that is not gets SIGTERM, never SIGKILL. */
	for (int i = 0; i < 50 && waitpid(pid, status, WNOHANG) == 0; i++)
		usleep(100 * 1000);
	if (*status == -1) {
		kill(pid, SIGTERM);
		waitpid(pid, status, 0);
	}
	close(master);
	return result;
}

/* Enter the attacker's network namespace (in a child). */
int enter_attacker(void)
{
	int fd = open("/run/netns/" NETNS, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || setns(fd, CLONE_NEWNET))
		return -1;
	close(fd);
	return 0;
}

/* telnet from the attacker's namespace to busybox telnetd on the device. */
enum outcome telnet_login(const char *user, const char *password)
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
		if (sock >= 0 && source_addr) {
			struct sockaddr_in local = { .sin_family = AF_INET };

			inet_pton(AF_INET, source_addr, &local.sin_addr);
			if (bind(sock, (struct sockaddr *)&local, sizeof(local)))
				_exit(BROKEN);
		}
		if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof(addr))) {
			if (errno == ECONNREFUSED)
				_exit(RESET);
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
enum outcome ssh_login(const char *user, const char *password)
{
	char cmd[512], out[4096];

	snprintf(cmd, sizeof(cmd),
		 "DROPBEAR_PASSWORD='%s' /usr/bin/timeout 60 " IP " netns exec " NETNS
		 " dbclient -y -y%s%s %s@" DEVICE_ADDR " 'echo MARK$((6*7))'", password,
		 source_addr ? " -b " : "", source_addr ? source_addr : "", user);
	run_capture(cmd, out, sizeof(out));
	if (strstr(out, "MARK42"))
		return LOGGED_IN;
	return strstr(out, "Connection refused") ? RESET : REFUSED;
}

/*
 * An SSH client in the attacker's namespace holding forwardings open
 * (dbclient -N with spec, e.g. "-L 9999:127.0.0.1:7777"). Returns its pid.
 */
pid_t ssh_forward(const char *user, const char *password, const char *spec)
{
	char cmd[512];
	pid_t pid = fork();

	if (pid == 0) {
		snprintf(cmd, sizeof(cmd),
			 "DROPBEAR_PASSWORD='%s' exec " IP " netns exec " NETNS
			 " dbclient -y -y -N %s %s@" DEVICE_ADDR " >/dev/null 2>&1",
			 password, spec, user);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Connect to 127.0.0.1:port (in the attacker's namespace if asked). */
static int connect_local(uint16_t port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
	int sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (sock < 0)
		return -1;
	if (connect(sock, (struct sockaddr *)&addr, sizeof(addr))) {
		close(sock);
		return -1;
	}
	return sock;
}

/*
 * Connect to 127.0.0.1:port, retrying until something listens (at most
 * wait_ms), and read what comes back. 1 if it was GREETING, 0 if the
 * connection carried something else or nothing, -1 if nothing listened.
 */
int local_greeting(bool in_attacker_ns, uint16_t port, long wait_ms)
{
	int pipefd[2], status, result = -1;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		long deadline = now_ms() + wait_ms;
		char buf[64] = "";
		size_t used = 0;
		int sock;

		if (in_attacker_ns && enter_attacker())
			_exit(3);
		while ((sock = connect_local(port)) < 0 && now_ms() < deadline)
			usleep(100 * 1000);
		if (sock < 0)
			_exit(2);
		_exit(read_until(sock, buf, sizeof(buf), &used, GREETING, now_ms() + 5000) ? 0 : 1);
	}
	close(pipefd[0]);
	close(pipefd[1]);
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		result = WEXITSTATUS(status) == 1 ? 1 : WEXITSTATUS(status) == 0 ? 0 : -1;
	return result;
}

/* A service on the device, 0.0.0.0:port, that writes GREETING to each client. */
pid_t greeter(uint16_t port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, sock;
	pid_t pid;

	sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock < 0 || setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(sock, (struct sockaddr *)&addr, sizeof(addr)) || listen(sock, 16))
		return -1;
	pid = fork();
	if (pid == 0) {
		for (;;) {
			int client = accept(sock, NULL, NULL);

			if (client >= 0) {
				if (write(client, GREETING "\n", strlen(GREETING) + 1) < 0)
					_exit(1);
				close(client);
			}
		}
	}
	close(sock);
	return pid;
}

/* A careless vendor account: the same password on every unit. */
int add_vendor_account(const char *user, uid_t uid, const char *password)
{
	return add_account_hashed(user, uid, crypt(password, "$6$vendorsalt$"));
}

int add_account_hashed(const char *user, uid_t uid, const char *hash)
{
	FILE *f = fopen("/etc/passwd", "a");

	if (!f)
		return -1;
	fprintf(f, "%s:x:%u:%u:%s:/tmp:/bin/sh\n", user, uid, uid, user);
	fclose(f);
	f = fopen("/etc/shadow", "a");
	if (!f)
		return -1;
	fprintf(f, "%s:%s:19000:0:99999:7:::\n", user, hash);
	fclose(f);
	return 0;
}

/*
 * The attacker's subnet exempt from the lockout and the throttle wide open:
 * what a test then sees is the login guard, not the network gate.
 */
int exempt_attacker_subnet(void)
{
	struct raw_genl g;
	int ret;

	ret = setup_network();
	if (ret)
		return ret;
	ret = raw_genl_open(&g, IOTGUARD_GENL_NAME);
	if (ret)
		return ret;
	ret = raw_genl_set_subnet(&g, IOTGUARD_A_PROV_NET4, "10.99.0.0", 24);
	if (!ret)
		ret = raw_genl_set_throttle(&g, IOTGUARD_MAX_THROTTLE_BURST,
					    IOTGUARD_MIN_THROTTLE_INTERVAL_MS);
	raw_genl_close(&g);
	return ret;
}

int setup_network(void)
{
	char cmd[256];
	FILE *batch;
	int ret;

	if (!access("/run/netns/" NETNS, F_OK))
		return 0;
	ret = run_capture(IP " netns add " NETNS " && "
			  IP " link add veth0 type veth peer name veth1 && "
			  IP " link set veth1 netns " NETNS " && "
			  IP " addr add " DEVICE_ADDR "/24 dev veth0 && "
			  IP " addr add fd00:99::1/48 dev veth0 nodad && "
			  IP " link set veth0 up && "
			  IP " netns exec " NETNS " " IP " addr add " ATTACKER_ADDR "/24 dev veth1 && "
			  IP " netns exec " NETNS " " IP " link set veth1 up && "
			  IP " netns exec " NETNS " " IP " link set lo up", NULL, 0);
	if (ret)
		return ret;
	/* Many sources for the network gate's per-source tests. */
	batch = fopen("/tmp/attacker-addresses", "w");
	if (!batch)
		return -1;
	for (int n = 3; n <= 40; n++)
		fprintf(batch, "addr add 10.99.0.%d/24 dev veth1\n", n);
	for (int n = 2; n <= 0x20; n++)
		fprintf(batch, "addr add fd00:99::%x/48 dev veth1 nodad\n", n);
	for (int n = 2; n <= 8; n++)
		fprintf(batch, "addr add fd00:99:0:1::%x/48 dev veth1 nodad\n", n);
	fclose(batch);
	snprintf(cmd, sizeof(cmd), IP " -n " NETNS " -batch /tmp/attacker-addresses");
	return run_capture(cmd, NULL, 0);
}

