/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the libFuzzer targets (one per parser of the agent's library,
 * tests/fuzz/NAME_fuzz.c, built by `make host-tests` with clang, run by
 * tests/host/fuzz_test.sh): the parsers that read files get the input as a
 * file in a directory of the target's own under /dev/shm.
 */
#ifndef IOTGUARD_FUZZ_H
#define IOTGUARD_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

/* A directory for this process's files, made once. */
static inline const char *fuzz_dir(void)
{
	static char dir[64];

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/dev/shm/iotguard-fuzz-%d", (int)getpid());
		if (mkdir(dir, 0700) && access(dir, W_OK))
			abort();
	}
	return dir;
}

/* dir/rel (rel may hold one directory, made on the way) with data[0..size). */
static inline const char *fuzz_file(const char *rel, const uint8_t *data, size_t size)
{
	static char path[256];
	char sub[256];
	char *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fuzz_dir(), rel);
	snprintf(sub, sizeof(sub), "%s", path);
	slash = strrchr(sub, '/');
	*slash = '\0';
	mkdir(sub, 0700);
	f = fopen(path, "w");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f))
		abort();
	return path;
}

/* data[0..size) as a NUL-terminated heap string (free it). */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
