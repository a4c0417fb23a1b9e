/* SPDX-License-Identifier: GPL-2.0 */
/* iotguardd's login guard: attach it, and keep its maps in line with the policy and the audit. */
#ifndef IOTGUARD_LOGIN_GUARD_SETUP_H
#define IOTGUARD_LOGIN_GUARD_SETUP_H

#include "cred_monitor.h"
#include "policy.h"

/* Probe, say what is degraded, load, attach and pin the guard; log the outcome. */
void guard_setup_attach(void);
/* The guard's maps from the policy and the last audit; the set before the flag. */
void guard_setup_configure(const struct iotguard_policy *policy, const struct cred_monitor *creds);

#endif
