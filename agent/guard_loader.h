/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loads the BPF login guard through its skeleton and pins its link and maps
 * under /sys/fs/bpf/iotguard, so that enforcement survives the agent.
 */
#ifndef IOTGUARD_GUARD_LOADER_H
#define IOTGUARD_GUARD_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "login_guard.h"

#define GUARD_ERROR_MAX 256

enum guard_attach_result {
	GUARD_ATTACHED,		/* no guard was pinned: attached and pinned */
	GUARD_KEPT,		/* the same program was already pinned: kept */
	GUARD_REPLACED,		/* a different program was pinned: swapped */
};

struct guard_probe {
	bool lsm_listed;	/* "bpf" in /sys/kernel/security/lsm */
	bool lsm_prog_type;	/* the kernel accepts BPF_PROG_TYPE_LSM */
	bool bpffs;		/* /sys/fs/bpf is a BPF filesystem */
};

/* Explicit feature probes; never fail, only report. */
void guard_probe(struct guard_probe *probe);

/* Returns an enum guard_attach_result, or -errno with error filled. */
int guard_attach(char error[GUARD_ERROR_MAX]);

/* Mode "audit" and "off" only count denials; "enforce" refuses them. */
int guard_set_audit_only(bool audit_only);

/* Sums the pinned per-CPU counters; needs root. Returns 0 or -errno. */
int guard_read_stats(__u64 stats[__LOGIN_GUARD_STAT_MAX]);

/* True if a guard link is pinned (it is then attached). */
bool guard_pinned(void);

#endif
