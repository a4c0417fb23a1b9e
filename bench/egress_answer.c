// SPDX-License-Identifier: GPL-2.0
/*
 * egress_bench's figures for established TCP connections: what the packet
 * backstop (egress_packet, cgroup_skb/egress) costs on each segment of an
 * accepted connection's answers, whose exemption checks the device they
 * leave by against the one the connection came in on, and on a client
 * connection's segments, which it lets through on the connect() mark.
 *
 * The device (this process) accepts a connection from the peer's
 * namespace and connects to a listener there; a child in the peer's
 * namespace answers on both: a byte for every EXCHANGE_SENDS it reads.
 * The device sends EXCHANGE_SENDS one-byte segments, then waits for that
 * byte: an interactive exchange, the device's side doing most of the
 * sending.
 */
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include "egress.h"
#include "egress_answer.h"
#include "egress_peer.h"
#include "sessions.h"

#define NETNS_PATH "/run/netns/" NETNS
#define ANSWER_PORT 5397	/* the device's listener */
#define CLIENT_PORT 5398	/* the peer's */
/* Exchanges a burst: short, so that some run without the host taking the CPU away. */
#define EXCHANGE_BURST 10
/* Below the initial congestion window (10): each goes out at once, as a segment of its own. */
#define EXCHANGE_SENDS 8
/* Segments a measurement may count that the program's statistics do not (measure()). */
#define STRAY_SEGMENTS 4

struct tcp_pair {
	int answer;		/* accepted by the device from the peer */
	int client;		/* connected by the device to the peer */
	pid_t reader;
};

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static struct sockaddr_in addr_port(const char *addr, int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, addr, &sa.sin_addr);
	return sa;
}

static int tcp_listener(const char *addr, int port)
{
	struct sockaddr_in sa = addr_port(addr, port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1))
		die("listener");
	return fd;
}

static int tcp_connect(const char *addr, int port)
{
	struct sockaddr_in sa = addr_port(addr, port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("connect");
	/* A segment a send, as an interactive service answers. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("TCP_NODELAY");
	return fd;
}

/* The peer's side: connect to the device, accept its connection, answer on both until killed. */
static void reader(int ready)
{
	struct pollfd p[2] = { { .events = POLLIN }, { .events = POLLIN } };
	int ns = open(NETNS_PATH, O_RDONLY | O_CLOEXEC), listener;
	long got[2] = { 0, 0 };
	char buf[4096];

	if (ns < 0 || setns(ns, CLONE_NEWNET))
		die(NETNS_PATH);
	listener = tcp_listener(ATTACKER_ADDR, CLIENT_PORT);
	p[0].fd = tcp_connect(DEVICE_ADDR, ANSWER_PORT);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	p[1].fd = accept(listener, NULL, NULL);
	if (p[1].fd < 0)
		die("accept");
	for (;;) {
		if (poll(p, 2, -1) < 0)
			die("poll");
		for (int i = 0; i < 2; i++)
			if (p[i].revents) {
				ssize_t n = read(p[i].fd, buf, sizeof(buf));

				if (n <= 0)
					_exit(0);
				for (got[i] += n; got[i] >= EXCHANGE_SENDS; got[i] -= EXCHANGE_SENDS)
					if (write(p[i].fd, "y", 1) != 1)
						_exit(0);
			}
	}
}

/*
 * Both connections, made now: under the programs attached now, so that
 * the accepted one has its arrival recorded and the client its mark.
 */
static struct tcp_pair tcp_pair_up(void)
{
	int listener = tcp_listener(DEVICE_ADDR, ANSWER_PORT), one = 1, ready[2];
	struct tcp_pair t;
	char c;

	if (pipe(ready))
		die("pipe");
	t.reader = fork();
	if (t.reader < 0)
		die("fork");
	if (!t.reader) {
		close(ready[0]);
		reader(ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		fprintf(stderr, "egress_bench: the reader did not start\n");
		exit(1);
	}
	close(ready[0]);
	t.answer = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	if (t.answer < 0 || setsockopt(t.answer, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("accept");
	close(listener);
	t.client = tcp_connect(ATTACKER_ADDR, CLIENT_PORT);
	return t;
}

static void tcp_pair_down(struct tcp_pair *t)
{
	int status;

	close(t->answer);
	close(t->client);
	kill(t->reader, SIGKILL);
	waitpid(t->reader, &status, 0);
}

/* count exchanges on fd. */
static void exchanges(int fd, long count)
{
	char c;

	for (long i = 0; i < count; i++) {
		for (int j = 0; j < EXCHANGE_SENDS; j++)
			if (send(fd, "x", 1, MSG_NOSIGNAL) != 1)
				die("send");
		if (recv(fd, &c, 1, 0) != 1)
			die("recv");
	}
}

/* count exchanges on fd in bursts: the fastest burst's ns per exchange. */
static double fastest_exchanges(int fd, long count)
{
	double best = 0;

	for (long done = 0; done < count; done += EXCHANGE_BURST) {
		double start = now_ns(), t;

		exchanges(fd, EXCHANGE_BURST);
		t = (now_ns() - start) / EXCHANGE_BURST;
		if (!done || t < best)
			best = t;
	}
	return best;
}

int answer_cost(long count)
{
	struct tcp_pair t = tcp_pair_up();

	exchanges(t.answer, EXCHANGE_BURST);	/* warm up */
	printf("%.1f\n", fastest_exchanges(t.answer, count));
	tcp_pair_down(&t);
	return 0;
}

int linked_prog(const char *name)
{
	struct bpf_link_info link = {};
	__u32 len = sizeof(link);
	char path[256];
	int fd, prog;

	snprintf(path, sizeof(path), "%s%s", EGRESS_LINK_PIN_PREFIX, name);
	fd = bpf_obj_get(path);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &link, &len))
		die(path);
	close(fd);
	prog = bpf_prog_get_fd_by_id(link.prog_id);
	if (prog < 0)
		die("bpf_prog_get_fd_by_id");
	return prog;
}

void prog_stats(int prog, __u64 *ns, __u64 *cnt)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog, &info, &len))
		die("bpf_obj_get_info_by_fd");
	*ns = info.run_time_ns;
	*cnt = info.run_cnt;
}

/* What a measurement saw: egress_packet's runs and their time, TCP segments each side sent. */
struct seen {
	__u64 ns, runs;
	long device_segs, peer_segs;
};

static struct seen seen_now(int prog)
{
	struct seen s;

	s.device_segs = snmp_in(NULL, "Tcp:OutSegs");
	s.peer_segs = peer_snmp("Tcp:OutSegs");
	prog_stats(prog, &s.ns, &s.runs);
	return s;
}

/* count exchanges on fd: what they added. */
static struct seen measure(int prog, int fd, long count)
{
	struct seen a = seen_now(prog), b;

	exchanges(fd, count);
	b = seen_now(prog);
	b.ns -= a.ns;
	b.runs -= a.runs;
	b.device_segs -= a.device_segs;
	b.peer_segs -= a.peer_segs;
	/*
	 * The program runs for each segment either side sends (both are in
	 * the cgroup tree). A delayed ACK can fall between reading the
	 * counters and the program's statistics: a few, of hundreds.
	 */
	if (a.device_segs < 0 || a.peer_segs < 0 || b.device_segs <= b.peer_segs ||
	    b.runs + STRAY_SEGMENTS < (__u64)(b.device_segs + b.peer_segs)) {
		fprintf(stderr, "egress_bench: %llu runs for %ld + %ld segments\n",
			(unsigned long long)b.runs, b.device_segs, b.peer_segs);
		exit(1);
	}
	return b;
}

/*
 * The peer's packets run the program too, and its side of the answering
 * connection is a client, of the client connection an accepted one. So
 * the two measurements are two equations in the two costs per run,
 * answer (a) and client (c), solved here:
 *   answering: ns = device_segs * a + peer_segs * c
 *   client:    ns = device_segs * c + peer_segs * a
 */
int answer_runtime(long count)
{
	int prog = linked_prog("egress_packet"), stats = bpf_enable_stats(BPF_STATS_RUN_TIME);
	struct seen x, y;
	struct tcp_pair t;
	double det;

	if (stats < 0)
		die("bpf_enable_stats");
	t = tcp_pair_up();
	exchanges(t.answer, EXCHANGE_BURST);
	exchanges(t.client, EXCHANGE_BURST);
	x = measure(prog, t.answer, count);
	y = measure(prog, t.client, count);
	det = (double)x.device_segs * (double)y.device_segs -
	      (double)x.peer_segs * (double)y.peer_segs;
	printf("%.1f %.1f\n",
	       ((double)x.ns * (double)y.device_segs - (double)y.ns * (double)x.peer_segs) / det,
	       ((double)y.ns * (double)x.device_segs - (double)x.ns * (double)y.peer_segs) / det);
	tcp_pair_down(&t);
	close(stats);
	close(prog);
	return 0;
}
