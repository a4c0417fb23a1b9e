// SPDX-License-Identifier: GPL-2.0
/*
 * The login guard's cost on setuid(): time N setuid(0) calls as root.
 * Usage: setuid_bench [--login] [--runtime] N
 *   --login    register this program as a login program first, so every call
 *              takes the guard's full path (lookups of the flagged set)
 *   --runtime  print the guard's setuid program's own time per run instead,
 *              from the kernel's bpf_stats: it does not depend on the cost of
 *              the syscall around it, nor on the rest of the machine
 * Prints nanoseconds per call. Runs in the guest (scripts/bench compares
 * attached against detached in the same boot and prints the ratio).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <bpf/bpf.h>
#include "login_guard.h"

static int register_self(int add)
{
	struct login_program_key key;
	__u32 flags = LOGIN_PROGRAM_WHOLE;
	struct stat st;
	int fd, ret;

	if (stat("/proc/self/exe", &st))
		return -1;
	key.dev = ((__u64)major(st.st_dev) << 20) | minor(st.st_dev);
	key.ino = st.st_ino;
	fd = bpf_obj_get(LOGIN_GUARD_PROGRAMS_PIN);
	if (fd < 0)
		return -1;
	ret = add ? bpf_map_update_elem(fd, &key, &flags, BPF_ANY) : bpf_map_delete_elem(fd, &key);
	close(fd);
	return ret;
}

/* The program behind the guard's pinned setuid link: an fd, or -1. */
static int setuid_prog(void)
{
	struct bpf_link_info link = {};
	__u32 len = sizeof(link);
	int fd = bpf_obj_get(LOGIN_GUARD_LINK_PIN), prog = -1;

	if (fd < 0)
		return -1;
	if (!bpf_obj_get_info_by_fd(fd, &link, &len))
		prog = bpf_prog_get_fd_by_id(link.prog_id);
	close(fd);
	return prog;
}

static int prog_stats(int prog, __u64 *ns, __u64 *cnt)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog, &info, &len))
		return -1;
	*ns = info.run_time_ns;
	*cnt = info.run_cnt;
	return 0;
}

int main(int argc, char **argv)
{
	int login = 0, runtime = 0, prog = -1, stats = -1;
	long n = argc > 1 ? atol(argv[argc - 1]) : 0;
	__u64 ns0 = 0, cnt0 = 0, ns1 = 0, cnt1 = 0;
	struct timespec t0, t1;

	for (int i = 1; i < argc - 1; i++) {
		if (!strcmp(argv[i], "--login"))
			login = 1;
		else if (!strcmp(argv[i], "--runtime"))
			runtime = 1;
		else
			n = 0;
	}
	if (n <= 0) {
		fprintf(stderr, "usage: setuid_bench [--login] [--runtime] N\n");
		return 2;
	}
	if (login && register_self(1))
		fprintf(stderr, "setuid_bench: guard not pinned: measuring without it\n");
	/* bpf_stats count while the fd from bpf_enable_stats is open. */
	if (runtime) {
		prog = setuid_prog();
		stats = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (prog < 0 || stats < 0 || prog_stats(prog, &ns0, &cnt0)) {
			fprintf(stderr, "setuid_bench: no guard program, or no bpf_stats\n");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++)
		if (setuid(0))
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (login)
		register_self(0);
	if (runtime) {
		if (prog_stats(prog, &ns1, &cnt1) || cnt1 - cnt0 < (__u64)n) {
			/* Every call ran the program once: else this is not its cost. */
			fprintf(stderr, "setuid_bench: the guard ran %llu times for %ld calls\n",
				(unsigned long long)(cnt1 - cnt0), n);
			return 1;
		}
		printf("%.1f\n", (double)(ns1 - ns0) / (double)(cnt1 - cnt0));
		close(stats);
		close(prog);
		return 0;
	}
	printf("%.1f\n", ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n);
	return 0;
}
