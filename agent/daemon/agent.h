/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iotguardd's state, shared by its main loop (iotguardd.c) and what it
 * tells the kernel (kernel_apply.c).
 */
#ifndef IOTGUARD_AGENT_H
#define IOTGUARD_AGENT_H

#include <stdbool.h>
#include <time.h>
#include "cred_monitor.h"
#include "deadline.h"
#include "genl_events.h"
#include "outbound.h"
#include "policy.h"
#include "program_watch.h"
#include "rate_limit.h"

/* How often to retry while the kernel module is missing. */
#define MODULE_RETRY_MS 2000

struct agent {
	const char *policy_path;
	struct iotguard_policy policy;
	bool policy_applied;
	struct cred_monitor creds;
	bool creds_watched;
	bool boot_audit_done;	/* first-boot provisioning looks only at it */
	struct genl_events *gate_events;	/* NULL until the module is there */
	struct rate_limit gate_log_limit;
	bool lock_reported;
	time_t next_publish;
	struct program_watch programs;	/* where the login programs live */
	bool programs_due;		/* changed there: reload once settled */
	struct outbound outbound;	/* the egress section in force */
	/* When the work above is due: never pushed back by a flood of events. */
	struct deadline audit_at, programs_at, retry_at;
};

/*
 * Apply the whole policy and the last audit's verdict to the kernel module;
 * while it is missing, policy_applied stays false and the caller retries.
 */
void try_apply(struct agent *agent);
/* Only the audit's verdict (and the guard's flagged accounts). */
void push_cred_state(struct agent *agent);
/* Whether policy would weaken what `iotguardctl lock` fixed: then it is refused, logged. */
bool weakens_lock(const struct iotguard_policy *policy);

#endif
