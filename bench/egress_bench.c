// SPDX-License-Identifier: GPL-2.0
/*
 * The outbound policy's cost, in the guest, for `make bench`: one step per
 * call, so that scripts/bench interleaves the configurations round by round.
 *   egress_bench attach            load, attach and pin the programs (the agent's library)
 *   egress_bench detach            unpin their links: no program runs
 *   egress_bench apply N           install N deny rules (egress_apply), default allow
 *   egress_bench apply-nets N      the same with N /24 networks around the peer's: the
 *                                  trie, where host addresses go to the hash (egress.h)
 *   egress_bench cleanup           detach, no policy (egress_uninstall), nothing kept
 *   egress_bench iptables N        the same N destinations as iptables-restore input
 *   egress_bench nft N             ... and as an nftables set, nft -f input
 *   egress_bench connect COUNT     UDP connect() to the peer: ns per call
 *   egress_bench flow COUNT        socket, connect, one datagram, close: ns per flow
 *                                  (all three: the fastest of short bursts)
 *   egress_bench runtime COUNT     bpf_stats: ns per run of egress_connect4
 *   egress_bench answer COUNT      exchanges (8 one-byte sends, a byte back) on an
 *                                  accepted TCP connection: ns per exchange
 *   egress_bench answer-runtime COUNT
 *                                  bpf_stats: ns per run of egress_packet on an
 *                                  accepted connection's segments, then on a client
 *                                  connection's (egress_answer.c)
 * The destinations are hosts of the peer's own /16 next to it (10.99.0.3 on),
 * so that the peer's lookup walks the trie as deep as it goes; none is the
 * peer, so every connect is allowed after looking at all of them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include "egress.h"
#include "egress_answer.h"
#include "egress_compile.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "sessions.h"

#define NETNS_PATH "/run/netns/" NETNS
#define CGROUP_ROOT "/sys/fs/cgroup"
/* Detached programs, kept loaded for the next attach. */
#define SAVE_DIR "/sys/fs/bpf/egress-bench"
#define SINK_PORT 5399
/* Within a generation's share of the tries (EGRESS_MAX_PREFIXES / 2) and rule numbers. */
#define MAX_RULES 60000
#define MAX_COUNT 100000000
/*
 * connect, flow and runtime: COUNT calls in bursts of this many, each
 * short (well under a millisecond under TCG) so that some run without the
 * host taking the CPU away; the fastest burst's time per call is printed.
 */
#define CONNECT_BURST 50
#define FLOW_BURST 2

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* Destination i: 10.99.0.3, 10.99.0.4, ... in network order. */
static void destination(long i, unsigned char addr[4])
{
	long h = i + 3;

	addr[0] = 10;
	addr[1] = 99;
	addr[2] = (unsigned char)(h >> 8);
	addr[3] = (unsigned char)(h & 255);
}

/*
 * Network i: /24s of 10.90.0.0/11 on both sides of the peer's, never
 * covering it (10.99.0.0/24), so that its lookup walks the trie deep.
 */
static void network(long i, unsigned char addr[4])
{
	long j = i + 1 >= 9 * 256 ? i + 2 : i + 1;

	addr[0] = 10;
	addr[1] = (unsigned char)(90 + (j >> 8));
	addr[2] = (unsigned char)(j & 255);
	addr[3] = 0;
}

static long count_arg(const char *s, long max)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < 0 || n > max) {
		fprintf(stderr, "egress_bench: bad count %s\n", s);
		exit(2);
	}
	return n;
}

static struct sockaddr_in peer(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(SINK_PORT) };

	inet_pton(AF_INET, ATTACKER_ADDR, &sa.sin_addr);
	return sa;
}

static int fail(const char *what)
{
	perror(what);
	return 1;
}

/*
 * fn(name, arg) for each entry of dir (but . and ..) whose name starts with
 * prefix: their results ORed, and their count in *n; -1 if dir is missing.
 */
static int each_entry(const char *dir_path, const char *prefix, int (*fn)(const char *, int),
		      int arg, int *n)
{
	DIR *dir = opendir(dir_path);
	struct dirent *d;
	int ret = 0;

	*n = 0;
	if (!dir)
		return errno == ENOENT ? -1 : fail(dir_path);
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.' && !strncmp(d->d_name, prefix, strlen(prefix))) {
			ret |= fn(d->d_name, arg);
			++*n;
		}
	closedir(dir);
	return ret;
}

/* Pin fd (closed) at to, then remove the pin at from: an object moved between directories. */
static int move_pin(int fd, const char *to, const char *from)
{
	int ret = bpf_obj_pin(fd, to);

	close(fd);
	if (ret)
		return fail(to);
	return unlink(from) ? fail(from) : 0;
}

/*
 * Loading runs the verifier, which takes many seconds under TCG: once
 * loaded, a detached program is kept in SAVE_DIR (named "<attach
 * type>-<link pin name>": bpffs refuses names with a dot) and attached
 * again from there.
 */
static int relink(const char *saved, int cgroup_fd)
{
	const char *name = strchr(saved, '-') ? strchr(saved, '-') + 1 : saved;
	int type = atoi(saved), prog, link;
	char path[512], from[512];

	snprintf(path, sizeof(path), "%s/%s", SAVE_DIR, saved);
	prog = bpf_obj_get(path);
	if (prog < 0)
		return fail(path);
	/* libbpf's own way for LSM programs (bpf_program__attach_lsm). */
	if (type == BPF_LSM_MAC)
		link = bpf_raw_tracepoint_open(NULL, prog);
	else
		link = bpf_link_create(prog, cgroup_fd, (enum bpf_attach_type)type, NULL);
	close(prog);
	if (link < 0)
		return fail(name);
	snprintf(path, sizeof(path), "%s/%s", EGRESS_PIN_DIR, name);
	snprintf(from, sizeof(from), "%s/%s", SAVE_DIR, saved);
	return move_pin(link, path, from);
}

static int do_attach(void)
{
	struct egress_attach_opts opts = { .cgroup_root = CGROUP_ROOT, .lsm = true };
	struct iotguard_error err;
	int cgroup_fd = open(CGROUP_ROOT, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret, n;

	if (cgroup_fd < 0)
		return fail(CGROUP_ROOT);
	ret = each_entry(SAVE_DIR, "", relink, cgroup_fd, &n);
	close(cgroup_fd);
	if (n || ret > 0)
		return ret;
	if (egress_attach(&opts, &err) < 0) {
		fprintf(stderr, "egress_bench: %s\n", err.msg);
		return 1;
	}
	return 0;
}

/* Keep the link's program (and how it was attached) in SAVE_DIR, then unpin the link. */
static int unlink_keeping_program(const char *name, int unused)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info), type;
	char path[512], from[512];
	int link, prog;

	(void)unused;
	snprintf(path, sizeof(path), "%s/%s", EGRESS_PIN_DIR, name);
	link = bpf_obj_get(path);
	if (link < 0 || bpf_obj_get_info_by_fd(link, &info, &len))
		return fail(path);
	close(link);
	type = info.type == BPF_LINK_TYPE_CGROUP ? info.cgroup.attach_type : BPF_LSM_MAC;
	prog = bpf_prog_get_fd_by_id(info.prog_id);
	if (prog < 0)
		return fail("bpf_prog_get_fd_by_id");
	snprintf(path, sizeof(path), "%s/%u-%s", SAVE_DIR, type, name);
	snprintf(from, sizeof(from), "%s/%s", EGRESS_PIN_DIR, name);
	/* The loader closes its link fds once pinned: the pin is the link's last reference. */
	return move_pin(prog, path, from);
}

static int do_detach(void)
{
	int n;

	if (mkdir(SAVE_DIR, 0700) && errno != EEXIST)
		return fail(SAVE_DIR);
	return each_entry(EGRESS_PIN_DIR, strrchr(EGRESS_LINK_PIN_PREFIX, '/') + 1,
			  unlink_keeping_program, 0, &n) > 0;
}

static int unlink_saved(const char *name, int unused)
{
	char path[512];

	(void)unused;
	snprintf(path, sizeof(path), "%s/%s", SAVE_DIR, name);
	return unlink(path) ? fail(path) : 0;
}

/* No program attached or kept, no policy installed: as before the bench. */
static int do_cleanup(void)
{
	struct iotguard_error err;
	int ret = do_detach(), n;

	if (egress_uninstall(&err)) {
		fprintf(stderr, "egress_bench: %s\n", err.msg);
		ret = 1;
	}
	ret |= each_entry(SAVE_DIR, "", unlink_saved, 0, &n) > 0;
	return rmdir(SAVE_DIR) ? fail(SAVE_DIR) : ret;
}

static int do_apply(long n, bool nets)
{
	struct egress_tables t = { .entry_count = (size_t)n };
	struct iotguard_error err;
	int ret;

	t.entries = calloc((size_t)n + 1, sizeof(*t.entries));
	if (!t.entries)
		return 1;
	for (long i = 0; i < n; i++) {
		struct egress_table_entry *e = &t.entries[i];

		e->family = AF_INET;
		e->prefix_len = nets ? 24 : 32;
		if (nets)
			network(i, e->addr);
		else
			destination(i, e->addr);
		e->set.count = 1;
		e->set.e[0] = (struct egress_entry){
			.rule = (__u16)(i + 1), .protos = EGRESS_P_TCP | EGRESS_P_UDP,
			.action = EGRESS_ENTRY_DENY, .port_first = 0, .port_last = 65535,
		};
	}
	/* Raw sockets allowed: iptables uses one, and this bench measures connect(). */
	t.config = (struct egress_config){ .enforce = 1, .raw_sockets = 1, .rule_count = (__u32)n };
	ret = egress_apply(&t, NULL, 0, &err);
	if (ret)
		fprintf(stderr, "egress_bench: %s\n", err.msg);
	free(t.entries);
	return ret ? 1 : 0;
}

/* iptables-restore input: a linear OUTPUT chain, as a hand-written firewall has. */
static int print_iptables(long n)
{
	unsigned char a[4];

	printf("*filter\n");
	for (long i = 0; i < n; i++) {
		destination(i, a);
		printf("-A OUTPUT -d %u.%u.%u.%u/32 -j DROP\n", a[0], a[1], a[2], a[3]);
	}
	printf("COMMIT\n");
	return 0;
}

/* nft -f input: one set lookup per packet, however many elements. */
static int print_nft(long n)
{
	unsigned char a[4];

	printf("table ip egress_bench {\n\tset dests {\n\t\ttype ipv4_addr\n");
	if (n) {
		printf("\t\telements = {");
		for (long i = 0; i < n; i++) {
			destination(i, a);
			printf("%s%u.%u.%u.%u", i ? ",\n\t\t\t" : " ", a[0], a[1], a[2], a[3]);
		}
		printf(" }\n");
	}
	printf("\t}\n\tchain output {\n\t\ttype filter hook output priority 0; policy accept;\n"
	       "\t\tip daddr @dests drop\n\t}\n}\n");
	return 0;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* One socket connect()ed again and again: the connect4 hook and a route lookup each time. */
static double run_connect(long count)
{
	struct sockaddr_in sa = peer();
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	double start;

	if (fd < 0)
		die("socket");
	start = now_ns();
	for (long i = 0; i < count; i++)
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			die("connect");
	start = now_ns() - start;
	close(fd);
	return start / (double)count;
}

/*
 * A new flow of one datagram: what every filter sees once (the socket and
 * connect hooks; one packet through OUTPUT and cgroup_skb egress).
 */
static double run_flow(long count)
{
	struct sockaddr_in sa = peer();
	double start = now_ns();

	for (long i = 0; i < count; i++) {
		int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			die("connect");
		if (send(fd, "x", 1, 0) != 1)
			die("send");
		close(fd);
	}
	return (now_ns() - start) / (double)count;
}

/*
 * The datagrams' receiver in the peer's namespace: it never reads, so once
 * its buffer is full each arrival is one cheap drop, and no ICMP error
 * comes back (as to a port nobody has open).
 */
static pid_t start_sink(void)
{
	int ready[2], ns;
	char c;
	pid_t pid;

	if (pipe(ready))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(SINK_PORT) };
		int fd;

		ns = open(NETNS_PATH, O_RDONLY | O_CLOEXEC);
		if (ns < 0 || setns(ns, CLONE_NEWNET))
			die(NETNS_PATH);
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
			die("sink");
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		fprintf(stderr, "egress_bench: the sink did not start\n");
		exit(1);
	}
	close(ready[0]);
	return pid;
}

/*
 * The program's own time per run, from the kernel's bpf_stats (on while
 * the fd from bpf_enable_stats is open, as kernel.bpf_stats_enabled=1):
 * the syscall around it does not count.
 */
static int run_runtime(long count)
{
	int prog = linked_prog("egress_connect4"), stats = bpf_enable_stats(BPF_STATS_RUN_TIME);
	__u64 ns0, cnt0, ns1, cnt1;
	double best = 0;

	if (stats < 0)
		die("bpf_enable_stats");
	for (long done = 0; done < count; done += CONNECT_BURST) {
		prog_stats(prog, &ns0, &cnt0);
		run_connect(CONNECT_BURST);
		prog_stats(prog, &ns1, &cnt1);
		/* Every connect() ran the program once: else this is not its cost. */
		if (cnt1 - cnt0 < CONNECT_BURST) {
			fprintf(stderr, "egress_bench: egress_connect4 ran %llu times for %d connects\n",
				(unsigned long long)(cnt1 - cnt0), CONNECT_BURST);
			return 1;
		}
		if (!done || (double)(ns1 - ns0) / (double)(cnt1 - cnt0) < best)
			best = (double)(ns1 - ns0) / (double)(cnt1 - cnt0);
	}
	close(stats);
	close(prog);
	printf("%.1f\n", best);
	return 0;
}

/*
 * Whatever else the machine runs only adds time: the fastest of many short
 * bursts is the closest to the cost itself.
 */
static double fastest(double (*run)(long), long count, long burst)
{
	double best = 0;

	for (long done = 0; done < count; done += burst) {
		double t = run(burst);

		if (!done || t < best)
			best = t;
	}
	return best;
}

static int usage(void)
{
	fputs("usage: egress_bench attach | detach | cleanup | apply N | apply-nets N\n"
	      "       egress_bench iptables N | nft N\n"
	      "       egress_bench connect COUNT | flow COUNT | runtime COUNT\n"
	      "       egress_bench answer COUNT | answer-runtime COUNT\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	long n = argc == 3 ? count_arg(argv[2], MAX_COUNT) : -1;
	int status;
	pid_t sink;

	if (argc == 2 && !strcmp(cmd, "attach"))
		return do_attach();
	if (argc == 2 && !strcmp(cmd, "detach"))
		return do_detach();
	if (argc == 2 && !strcmp(cmd, "cleanup"))
		return do_cleanup();
	if (n < 0)
		return usage();
	if (n > MAX_RULES && (!strcmp(cmd, "apply") || !strcmp(cmd, "apply-nets") ||
			      !strcmp(cmd, "iptables") || !strcmp(cmd, "nft"))) {
		fprintf(stderr, "egress_bench: at most %d rules\n", MAX_RULES);
		return 2;
	}
	if (!strcmp(cmd, "apply"))
		return do_apply(n, false);
	if (!strcmp(cmd, "apply-nets"))
		return do_apply(n, true);
	if (!strcmp(cmd, "iptables"))
		return print_iptables(n);
	if (!strcmp(cmd, "nft"))
		return print_nft(n);
	if (n == 0)
		return usage();
	if (setup_network()) {
		fprintf(stderr, "egress_bench: cannot set up the %s namespace\n", NETNS);
		return 1;
	}
	if (!strcmp(cmd, "connect")) {
		printf("%.1f\n", fastest(run_connect, n, CONNECT_BURST));
		return 0;
	}
	if (!strcmp(cmd, "runtime"))
		return run_runtime(n);
	if (!strcmp(cmd, "answer"))
		return answer_cost(n);
	if (!strcmp(cmd, "answer-runtime"))
		return answer_runtime(n);
	if (strcmp(cmd, "flow"))
		return usage();
	sink = start_sink();
	printf("%.1f\n", fastest(run_flow, n, FLOW_BURST));
	kill(sink, SIGKILL);
	waitpid(sink, &status, 0);
	return 0;
}
