// SPDX-License-Identifier: GPL-2.0
/*
 * Demo helper (TEST_GEN_PROGS_EXTENDED): what malware on the device tries
 * outbound, and a peer host that counts what reaches it. The demo runs it
 * through a symlink named "malware", so that the refusals the agent logs
 * name the process as its comm (the symlink's name).
 *   egress_probe connect ADDR PORT
 *     a TCP connection; prints "connected" or why not. Exit 0 connected,
 *     1 refused (EPERM: the outbound policy), 2 failed otherwise.
 *   egress_probe raw
 *     a raw IP socket (ICMP), then a packet socket; prints each outcome.
 *     Exit 0 both opened, 1 one or both refused, 2 one failed otherwise.
 *   egress_probe can
 *     a CAN raw socket (a family the policy's `families` decides); prints
 *     the outcome. Exit 0 opened, 1 refused, 2 failed otherwise.
 *   egress_probe flood ADDR PORT N
 *     N UDP datagrams from one socket by sendto(); prints how many were
 *     refused (EPERM), sent, failed otherwise. Exit 0 all sent, 1 not.
 *   egress_probe listen FILE PORT ADDR...
 *     in the "attacker" namespace (sessions.h, a second host): TCP and UDP
 *     on PORT at each ADDR (addresses of that namespace), counted into FILE
 *     (rewritten whole on every arrival, one line per address). Returns
 *     once listening, leaving the counter in the background, and prints its
 *     pid (SIGTERM stops it).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/can.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "egress_peer.h"
#include "sessions.h"

#define MAX_ADDRS 8
#define MAX_FLOOD 100000

static int port_arg(const char *s)
{
	char *end;
	long port = strtol(s, &end, 10);

	return *s && !*end && port > 0 && port <= 65535 ? (int)port : -1;
}

/* EPERM is what the outbound policy answers: "refused"; another error "failed". */
static const char *outcome(int err, const char *worked, char *buf, size_t len)
{
	if (!err)
		return worked;
	snprintf(buf, len, "%s (%s)", err == EPERM ? "refused" : "failed", strerror(err));
	return buf;
}

/* Exit status: 0 it worked, 1 refused, 2 failed otherwise. */
static int status_of(int err)
{
	return !err ? 0 : err == EPERM ? 1 : 2;
}

static int probe_connect(const char *addr, int port)
{
	int err = -dev_connect(SOCK_STREAM, addr, port);
	char buf[128];

	printf("connect to %s port %d: %s\n", addr, port,
	       outcome(err, "connected", buf, sizeof(buf)));
	return status_of(err);
}

static int probe_raw(void)
{
	static const struct {
		const char *what;
		int family, type, protocol;
	} sockets[] = {
		{ "raw IP socket (ICMP)", AF_INET, SOCK_RAW, IPPROTO_ICMP },
		{ "packet socket (every protocol)", AF_PACKET, SOCK_RAW, 0 },
	};
	int worst = 0;

	for (size_t i = 0; i < sizeof(sockets) / sizeof(sockets[0]); i++) {
		int proto = sockets[i].family == AF_PACKET ? htons(ETH_P_ALL) : sockets[i].protocol;
		int fd = socket(sockets[i].family, sockets[i].type, proto);
		int err = fd < 0 ? errno : 0;
		char buf[128];

		if (fd >= 0)
			close(fd);
		printf("%s: %s\n", sockets[i].what, outcome(err, "opened", buf, sizeof(buf)));
		if (status_of(err) > worst)
			worst = status_of(err);
	}
	return worst;
}

static int probe_can(void)
{
	int fd = socket(AF_CAN, SOCK_RAW, CAN_RAW);
	int err = fd < 0 ? errno : 0;
	char buf[128];

	if (fd >= 0)
		close(fd);
	printf("CAN socket: %s\n", outcome(err, "opened", buf, sizeof(buf)));
	return status_of(err);
}

static int probe_flood(const char *addr, int port, long n)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(addr, port, &ss);
	long refused = 0, sent = 0, failed = 0;
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0), other = 0;

	if (fd < 0) {
		perror("egress_probe: socket");
		return 2;
	}
	for (long i = 0; i < n; i++) {
		if (sendto(fd, "flood", 5, 0, (struct sockaddr *)&ss, len) >= 0)
			sent++;
		else if (errno == EPERM)
			refused++;
		else
			failed++, other = errno;
	}
	close(fd);
	printf("UDP flood of %ld datagrams to %s port %d: %ld refused (%s), %ld sent", n, addr,
	       port, refused, strerror(EPERM), sent);
	if (failed)
		printf(", %ld failed (%s)", failed, strerror(other));
	printf("\n");
	return sent == n ? 0 : 1;
}

struct counted {
	const char *addr;
	long tcp, udp;
};

static void write_counts(const char *file, int port, const struct counted *c, int n)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", file);
	f = fopen(tmp, "w");
	if (!f)
		return;
	for (int i = 0; i < n; i++)
		fprintf(f, "%s port %d: %ld TCP connections, %ld UDP datagrams arrived\n",
			c[i].addr, port, c[i].tcp, c[i].udp);
	/* Renamed into place, so that a reader sees one whole count or the last. */
	if (!fclose(f))
		rename(tmp, file);
}

/* The counter, in the peer namespace: until killed. */
static void count_arrivals(const char *file, int port, struct pollfd *pfd, struct counted *c,
			   int n)
{
	char buf[2048];

	write_counts(file, port, c, n);
	for (;;) {
		if (poll(pfd, 2 * n, -1) < 0 && errno != EINTR)
			_exit(2);
		for (int i = 0; i < n; i++) {
			int conn;

			while ((conn = accept4(pfd[2 * i].fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
				c[i].tcp++;
				close(conn);
			}
			while (recv(pfd[2 * i + 1].fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
				c[i].udp++;
		}
		write_counts(file, port, c, n);
	}
}

static int probe_listen(const char *file, int port, char **addrs, int n)
{
	struct counted c[MAX_ADDRS] = {};
	struct pollfd pfd[2 * MAX_ADDRS];
	int ready[2];
	char ok;
	pid_t pid;

	if (setup_network()) {
		fprintf(stderr, "egress_probe: cannot set up the %s network namespace\n", NETNS);
		return 2;
	}
	if (pipe(ready))
		return 2;
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		close(ready[0]);
		if (enter_attacker())
			_exit(2);
		for (int i = 0; i < n; i++) {
			c[i].addr = addrs[i];
			pfd[2 * i].fd = peer_socket(addrs[i], SOCK_STREAM, port);
			pfd[2 * i + 1].fd = peer_socket(addrs[i], SOCK_DGRAM, port);
			pfd[2 * i].events = POLLIN;
			pfd[2 * i + 1].events = POLLIN;
			if (pfd[2 * i].fd < 0 || pfd[2 * i + 1].fd < 0) {
				fprintf(stderr, "egress_probe: cannot listen at %s port %d: %s\n",
					addrs[i], port, strerror(errno));
				_exit(2);
			}
		}
		/* The file holds zeros before the caller goes on. */
		write_counts(file, port, c, n);
		if (write(ready[1], "y", 1) != 1)
			_exit(2);
		close(ready[1]);
		close(STDOUT_FILENO);
		count_arrivals(file, port, pfd, c, n);
	}
	close(ready[1]);
	if (read(ready[0], &ok, 1) != 1)
		return 2;
	printf("%d\n", (int)pid);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	/* Where the mode takes one, the port is its third word. */
	int port = argc > 3 ? port_arg(argv[3]) : -1;
	long n = argc == 5 ? strtol(argv[4], NULL, 10) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "connect") && argc == 4 && port > 0)
		return probe_connect(argv[2], port);
	if (!strcmp(mode, "raw") && argc == 2)
		return probe_raw();
	if (!strcmp(mode, "can") && argc == 2)
		return probe_can();
	if (!strcmp(mode, "flood") && argc == 5 && port > 0 && n > 0 && n <= MAX_FLOOD)
		return probe_flood(argv[2], port, n);
	if (!strcmp(mode, "listen") && argc >= 5 && argc - 4 <= MAX_ADDRS && port > 0)
		return probe_listen(argv[2], port, argv + 4, argc - 4);
	fprintf(stderr, "usage: egress_probe connect ADDR PORT\n"
		"       egress_probe raw\n"
		"       egress_probe can\n"
		"       egress_probe flood ADDR PORT N\n"
		"       egress_probe listen FILE PORT ADDR...\n");
	return 2;
}
