/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iotguardd's watch over the credential store: audits at start and again
 * within a second of any change to /etc/passwd or /etc/shadow (watched
 * through their directory, since tools replace them by rename; a file that
 * is a symlink, e.g. into a data partition of a read-only root, is also
 * watched through its target's directory, re-resolved whenever the link
 * changes), keeps the verdict cache between audits, and keeps the last
 * verdict (credential state, flagged uids) for iotguardd to tell the kernel
 * and the login guard.
 */
#ifndef IOTGUARD_CRED_MONITOR_H
#define IOTGUARD_CRED_MONITOR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "audit.h"
#include "denylist.h"
#include "policy.h"

/* Changes arrive in bursts (lock, temp file, rename): audit once after. */
#define CRED_SETTLE_MS 200
#define CRED_MAX_FLAGGED 1024

/* Where passwd or shadow really is, when that is not etc itself. */
struct cred_store_target {
	int wd;				/* -1: not a symlink out of etc */
	char dir[PATH_MAX];
	char name[NAME_MAX + 1];
};

struct cred_monitor {
	const char *root;
	int inotify_fd;
	int etc_wd;
	struct cred_store_target targets[2];	/* passwd, shadow */
	struct denylist denylist;
	struct audit audit;
	bool audit_due;
	/* The last audit's result. */
	bool audited;
	uint32_t cred_state;		/* enum iotguard_cred_state */
	uid_t flagged[CRED_MAX_FLAGGED];
	size_t flagged_count;
	size_t accounts;
};

/* 0, or -1 with a message logged. */
int cred_monitor_init(struct cred_monitor *m, const char *root,
		      const struct iotguard_policy *policy);
void cred_monitor_free(struct cred_monitor *m);
/* A new policy's deny-lists; the cache is dropped and an audit is due. */
int cred_monitor_reload(struct cred_monitor *m, const struct iotguard_policy *policy);

int cred_monitor_fd(const struct cred_monitor *m);
/* Drain inotify; marks an audit due if the store changed. */
void cred_monitor_read(struct cred_monitor *m);

/*
 * Audit now. Returns 1 if the verdict (state or flagged set) changed,
 * 0 if not, -1 if the store could not be read (logged; the last verdict
 * stays, and an unreadable store counts as default).
 */
int cred_monitor_audit(struct cred_monitor *m);

#endif
