// SPDX-License-Identifier: GPL-2.0
/*
 * guard_test's stand-in for a login program. Its argv is what the tests
 * vary, so what it does comes from the environment:
 *   PROBE=setuid:UID         setuid(UID)
 *   PROBE=connect:PORT       connect to 127.0.0.1:PORT
 *   PROBE=listen             listen on an ephemeral loopback port
 *   PROBE=sendto:PORT        a UDP datagram to 127.0.0.1:PORT, unconnected
 *   PROBE=fastopen:PORT      TCP Fast Open to 127.0.0.1:PORT (sendto, MSG_FASTOPEN)
 *   PROBE=fork-connect:PORT  the same from a child (a session)
 *   PROBE=fork-listen
 * Exit status: 0 if it worked, else the errno (a killed probe dies of it).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

static int tcp_socket(struct sockaddr_in *addr, const char *port)
{
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr->sin_port = htons((unsigned short)(port ? atoi(port) : 0));
	return socket(AF_INET, SOCK_STREAM, 0);
}

static int act(const char *what)
{
	struct sockaddr_in addr;
	int sock;

	if (!strncmp(what, "setuid:", 7))
		return setuid((uid_t)atoi(what + 7)) ? errno : 0;
	if (!strncmp(what, "connect:", 8)) {
		sock = tcp_socket(&addr, what + 8);
		if (sock < 0 || connect(sock, (struct sockaddr *)&addr, sizeof(addr)))
			return errno;
		return 0;
	}
	if (!strncmp(what, "sendto:", 7) || !strncmp(what, "fastopen:", 9)) {
		bool udp = what[0] == 's';

		sock = tcp_socket(&addr, strchr(what, ':') + 1);
		if (udp) {
			close(sock);
			sock = socket(AF_INET, SOCK_DGRAM, 0);
		}
		if (sock < 0 || sendto(sock, "x", 1, udp ? 0 : MSG_FASTOPEN,
				       (struct sockaddr *)&addr, sizeof(addr)) < 0)
			return errno;
		return 0;
	}
	if (!strcmp(what, "listen")) {
		sock = tcp_socket(&addr, NULL);
		if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof(addr)) ||
		    listen(sock, 1))
			return errno;
		return 0;
	}
	return EINVAL;
}

int main(void)
{
	const char *probe = getenv("PROBE");
	int status;
	pid_t pid;

	if (!probe)
		return EINVAL;
	if (strncmp(probe, "fork-", 5))
		return act(probe);
	pid = fork();
	if (pid == 0)
		_exit(act(probe + 5));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return ECHILD;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
