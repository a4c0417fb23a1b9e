/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The defined support period (PSTI Sch. 1 §3, ETSI EN 303 645 5.3-13): the
 * last day with security updates. Once published it may be extended, never
 * shortened: the published date and its history persist in the state
 * directory, and a policy that moves the date earlier is refused.
 */
#ifndef IOTGUARD_SUPPORT_H
#define IOTGUARD_SUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "paths.h"

#define SUPPORT_STATE_FILE IOTGUARD_STATE_DIR "/support-period.json"
#define SUPPORT_HISTORY_MAX 32
#define SUPPORT_TEXT_MAX 160

struct support_record {
	int64_t updates_until;			/* last day with updates */
	size_t history_count;
	struct {
		int64_t updates_until;
		int64_t published;		/* the day it was first published */
	} history[SUPPORT_HISTORY_MAX];
};

enum support_change {
	SUPPORT_FIRST,			/* nothing was published before */
	SUPPORT_UNCHANGED,
	SUPPORT_EXTENDED,
	SUPPORT_SHORTENING_REFUSED,	/* the published date stays */
	SUPPORT_HISTORY_RESET,		/* the state file was corrupt: kept aside */
};

/* 0; -ENOENT if there is no state file; -EINVAL if it is corrupt. */
int support_load(const char *path, struct support_record *record);

/*
 * Reconcile the policy's date with the published one and persist the
 * result: record is what is published afterwards. 0, or a negative errno
 * with the reason in error only if the state cannot be written.
 */
int support_reconcile(const char *path, int64_t policy_until, int64_t today,
		      struct support_record *record, enum support_change *change,
		      struct iotguard_error *error);

/*
 * Would policy_until shorten the published period? 0 if not (or nothing is
 * published), -EINVAL with the reason in error.
 */
int support_check_shortening(const char *path, int64_t policy_until,
			     struct iotguard_error *error);

struct iotguard_policy;

/*
 * The policy at path as the agent accepts it: valid (policy_load), and on
 * a device that has published a support period (support_state), not
 * shortening it. 0 with *policy filled; else *policy is untouched and the
 * error is policy_load's or -EINVAL with "path: support.updates_until ...
 * never shortened".
 */
int policy_load_checked(const char *path, const char *support_state,
			struct iotguard_policy *policy, struct iotguard_error *error);

enum support_state {
	SUPPORT_SUPPORTED,
	SUPPORT_ENDING_SOON,
	SUPPORT_ENDED,
};

struct support_status {
	enum support_state state;
	int64_t updates_until;	/* last day with updates */
	int64_t support_end;	/* os-release SUPPORT_END: the first day without */
	int64_t days_left;	/* days from today until support_end */
};

void support_evaluate(int64_t updates_until, int ending_soon_days, int64_t today,
		      struct support_status *status);
const char *support_state_name(enum support_state state);
/* For the owner: "Security updates until 31 December 2030 (1,492 days left)". */
void support_describe(const struct support_status *status, char *out, size_t len);

#endif
