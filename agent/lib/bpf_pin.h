/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pinned BPF objects in bpffs, shared by the login guard and the outbound
 * policy: is the same program already pinned, replacing a pinned link
 * without a moment where nothing is attached, the links to hand the module
 * at lock, freezing a pinned map, summing a per-CPU counter array.
 */
#ifndef IOTGUARD_BPF_PIN_H
#define IOTGUARD_BPF_PIN_H

#include <stdbool.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include "error.h"

/* An fd for the program of the link pinned at pin (the caller closes it), or -errno. */
int bpf_pin_link_prog_fd(const char *pin);
/*
 * 0 if the map pinned at map_pin is one the program behind the link pinned
 * at link_pin uses; -ESTALE if it is another map (a pin replaced), or
 * -errno.
 */
int bpf_pin_map_of_program(const char *map_pin, const char *link_pin);
/* The id of that program: 0 or -errno. */
int bpf_pin_link_prog_id(const char *pin, __u32 *id);
/* True if the link pinned at pin runs exactly prog (same tag). */
bool bpf_pin_same_program(struct bpf_program *prog, const char *pin);

/*
 * Pin link at pin, in place of any old one. The rename is atomic: the old
 * link stays attached until the new one takes its pin. The caller still
 * owns link (destroying it leaves the pinned link attached).
 */
int bpf_pin_link(struct bpf_link *link, const char *pin, struct iotguard_error *err);

/*
 * Open every link pinned directly in dir_path into fds[0..max), for the
 * module to hold at lock. Returns how many (the caller closes them), or
 * -errno (-E2BIG if more than max).
 */
int bpf_pin_link_fds(const char *dir_path, int *fds, size_t max);

/*
 * Freeze the map pinned at pin (BPF_MAP_FREEZE: no syscall writes it again,
 * root included). Frozen already is fine. The kernel refuses to freeze a
 * map while a write to it is in progress (EBUSY, as for frozen already):
 * retried for a while, then -EBUSY, never taken for frozen. 0 or -errno.
 */
int bpf_pin_freeze(const char *pin);

/* 1 if the map pinned at pin is frozen, 0 if not, or -errno. */
int bpf_pin_frozen(const char *pin);

/*
 * out[0..n) = the per-CPU array pinned at pin, each key summed over the
 * CPUs. 0 or -errno.
 */
int bpf_pin_sum_percpu(const char *pin, __u64 *out, __u32 n);

/*
 * What a lock copied into a map, to check once the map is frozen: a write
 * held in progress while the lock ran (the kernel delays the freeze until
 * it ends) lands after the copy. Set key_size and value_size, add each
 * entry copied, check, free.
 */
struct bpf_pin_copy {
	unsigned char *entries;		/* key, then value; key_size + value_size each */
	size_t n, cap, key_size, value_size;
};

/* 0 or -ENOMEM. */
int bpf_pin_copy_add(struct bpf_pin_copy *copy, const void *key, const void *value);
/*
 * 0 if the map pinned at pin holds every entry of copy (and, if exact, no
 * other), else -EAGAIN (or -errno).
 */
int bpf_pin_copy_check(const char *pin, const struct bpf_pin_copy *copy, bool exact);
void bpf_pin_copy_free(struct bpf_pin_copy *copy);

#endif
