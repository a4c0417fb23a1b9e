/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Provisioning: give every flagged account (or the policy's accounts) its
 * own password, write them to the shadow file in one atomic rewrite, and
 * deliver each password once: to a root-only file and/or the console,
 * never to syslog.
 */
#ifndef IOTGUARD_PROVISION_H
#define IOTGUARD_PROVISION_H

#include <stdbool.h>
#include "error.h"
#include "paths.h"
#include "policy.h"

/* Records that this device was provisioned: it is never done again unasked. */
#define PROVISION_STATE_FILE IOTGUARD_STATE_DIR "/provisioned"

struct provision_result {
	size_t changed;		/* accounts given a new password */
	size_t waiting;		/* method "user": accounts the owner must set */
	/*
	 * The store was changed, but PROVISION_STATE_FILE could not be
	 * written (a read-only or full /var/lib): at its next start the agent
	 * may provision again. Set only when provision() returns 0.
	 */
	bool unrecorded;
	struct iotguard_error record_error;
};

/*
 * Provision the accounts of root ("/" on the device). force: also accounts
 * that are provisioned already. Returns 0, or a negative errno with err
 * set; on error the credential store is unchanged.
 */
int provision(const char *root, const struct iotguard_policy *policy, bool force,
	      struct provision_result *result, struct iotguard_error *err);

bool provisioned_before(const char *root);
/*
 * Record that first-boot provisioning has run (PROVISION_STATE_FILE under
 * root), also when it had nothing to change. 0, or a negative errno with
 * err naming the file.
 */
int provision_mark_done(const char *root, struct iotguard_error *err);

#endif
