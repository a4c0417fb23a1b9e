// SPDX-License-Identifier: GPL-2.0
/*
 * The login guard's cost on setuid(): time N setuid(0) calls as root.
 * Usage: setuid_bench [--login] N
 *   --login  register this program as a login program first, so every call
 *            takes the guard's full path (lookups of the flagged set)
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

int main(int argc, char **argv)
{
	int login = argc == 3 && !strcmp(argv[1], "--login");
	long n = atol(argv[argc - 1]);
	struct timespec t0, t1;

	if (n <= 0) {
		fprintf(stderr, "usage: setuid_bench [--login] N\n");
		return 2;
	}
	if (login && register_self(1))
		fprintf(stderr, "setuid_bench: guard not pinned: measuring without it\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++)
		if (setuid(0))
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (login)
		register_self(0);
	printf("%.1f\n", ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / n);
	return 0;
}
