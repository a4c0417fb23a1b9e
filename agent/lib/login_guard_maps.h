/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pinned login guard's maps, as the agent keeps them: the mode, the
 * flagged uids (from the audit), the login programs and console ttys (from
 * the policy), and the counters. Every update adds the new entries before
 * removing stale ones, so the guard never sees an empty set mid-update.
 */
#ifndef IOTGUARD_LOGIN_GUARD_MAPS_H
#define IOTGUARD_LOGIN_GUARD_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>
#include "login_guard.h"
#include "policy.h"

/*
 * audit_only: mode "audit" and "off" only report denials; "enforce"
 * refuses them. audited: the denied set holds an audit's verdict (until
 * then the guard treats every account as flagged). flagged: the denied set
 * is not empty (sessions of login programs may not relay).
 */
int guard_set_config(bool audit_only, bool audited, bool flagged);

/*
 * The guard's half of `iotguardctl lock`: copy the flagged uids and login
 * programs into their frozen twins, freeze those and the applet and console
 * lists, then record and freeze the settings (struct login_guard_lock).
 * From then on no syscall can weaken what the guard enforces, root's
 * included. Idempotent. Returns 0 or -errno.
 */
int guard_lock(void);

/* The settings frozen at lock (locked 0 before). Returns 0 or -errno. */
int guard_lock_state(struct login_guard_lock *lock);

/* Make uids[0..n) exactly the denied set. Returns 0 or -errno. */
int guard_set_denied(const uid_t *uids, size_t n);

/*
 * Resolve the policy's login programs and consoles and load them. Paths
 * that do not exist are skipped. Returns the number of programs found, or
 * -errno.
 */
int guard_set_programs(const struct login_guard_policy *policy);

/* Sums the pinned per-CPU counters; needs root. Returns 0 or -errno. */
int guard_read_stats(__u64 stats[__LOGIN_GUARD_STAT_MAX]);

/* The kernel's encoding of a device number, as sb->s_dev holds it. */
__u64 kernel_dev(dev_t dev);

#endif
