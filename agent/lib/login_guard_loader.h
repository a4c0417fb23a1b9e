/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loads the BPF login guard through its skeleton and pins its links and
 * maps under /sys/fs/bpf/iotguard, so that enforcement survives the agent.
 */
#ifndef IOTGUARD_LOGIN_GUARD_LOADER_H
#define IOTGUARD_LOGIN_GUARD_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include "error.h"
#include "login_guard.h"

enum guard_attach_result {
	GUARD_ATTACHED,		/* no guard was pinned: attached and pinned */
	GUARD_KEPT,		/* the same programs were already pinned: kept */
	GUARD_REPLACED,		/* different programs were pinned: swapped */
};

struct guard_probe {
	bool lsm_listed;	/* "bpf" in /sys/kernel/security/lsm */
	bool bpffs;		/* /sys/fs/bpf is a BPF filesystem */
	bool lsm_unsupported;	/* listed, but no LSM program attaches (lsm_probe.h) */
};

/* Explicit feature probes; never fail, only report. */
void guard_probe(struct guard_probe *probe);

/*
 * Load, attach and pin the guard. Returns an enum guard_attach_result, or
 * a negative errno with err set. A new version replaces the pinned one
 * without a moment unguarded: the new links are pinned over the old ones.
 */
int guard_attach(struct iotguard_error *err);

/* True if the guard's links are pinned (they are then attached). */
bool guard_pinned(void);

/*
 * What the probe found missing for the login guard, as "DEGRADED: ..."
 * text, or NULL if this kernel can run it: short for a status line, or with
 * advice (what it costs, how to fix it) for a log. Only the first thing
 * missing is named.
 */
const char *guard_degraded_text(const struct guard_probe *probe, bool advice);

#endif
