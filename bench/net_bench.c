// SPDX-License-Identifier: GPL-2.0
/*
 * Inbound TCP from the "attacker" namespace (another host over veth) to
 * the device, for `make bench`: the network gate's cost.
 *   net_bench connect PORT COUNT   new connections: prints ns per connect
 *   net_bench stream PORT MIB      one connection's data: prints MiB/s
 * A server on the device (this namespace) accepts and discards; the client
 * runs in the attacker's namespace, which it sets up if needed.
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
#include <sys/socket.h>
#include <sys/wait.h>
#include "sessions.h"

#define NETNS_PATH "/run/netns/" NETNS
#define CHUNK (64 * 1024)

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int listener(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1024)) {
		perror("listen");
		exit(1);
	}
	return fd;
}

/* Accept and drain every connection until killed. */
static pid_t serve(int fd)
{
	static char buf[CHUNK];
	pid_t pid = fork();

	if (pid)
		return pid;
	for (;;) {
		int c = accept(fd, NULL, NULL);

		if (c < 0)
			continue;
		while (read(c, buf, sizeof(buf)) > 0)
			;
		close(c);
	}
}

static int connect_to(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, DEVICE_ADDR, &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("connect");
		exit(1);
	}
	return fd;
}

static double run_connects(int port, long count)
{
	double start = now_s();

	for (long i = 0; i < count; i++)
		close(connect_to(port));
	return (now_s() - start) * 1e9 / (double)count;
}

static double run_stream(int port, long mib)
{
	static char buf[CHUNK];
	double start = now_s();
	int fd = connect_to(port);

	for (long sent = 0; sent < mib * 1024 * 1024; sent += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
			perror("write");
			exit(1);
		}
	/* Done when the server has read everything and closed. */
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return (double)mib / (now_s() - start);
}

int main(int argc, char **argv)
{
	int port, fd, ns, status;
	pid_t server;
	long n;

	if (argc != 4 || (strcmp(argv[1], "connect") && strcmp(argv[1], "stream"))) {
		fprintf(stderr, "usage: net_bench connect PORT COUNT | stream PORT MIB\n");
		return 2;
	}
	if (setup_network()) {
		fprintf(stderr, "net_bench: cannot set up the %s namespace\n", NETNS);
		return 1;
	}
	port = atoi(argv[2]);
	n = atol(argv[3]);
	fd = listener(port);
	server = serve(fd);
	close(fd);
	ns = open(NETNS_PATH, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(ns, CLONE_NEWNET)) {
		perror(NETNS_PATH);
		kill(server, SIGKILL);
		return 1;
	}
	if (!strcmp(argv[1], "connect"))
		printf("%.0f\n", run_connects(port, n));
	else
		printf("%.1f\n", run_stream(port, n));
	kill(server, SIGKILL);
	waitpid(server, &status, 0);
	return 0;
}
