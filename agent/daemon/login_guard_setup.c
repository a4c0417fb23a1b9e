// SPDX-License-Identifier: GPL-2.0
/* iotguardd's login guard: attaching it at start, loading the policy and the audit into it. */
#include <errno.h>
#include <string.h>
#include "log.h"
#include "login_guard_loader.h"
#include "login_guard_maps.h"
#include "login_guard_setup.h"

void guard_setup_attach(void)
{
	struct iotguard_error err;
	struct guard_probe probe;
	const char *degraded;
	int ret;

	guard_probe(&probe);
	degraded = guard_degraded_text(&probe, true);
	if (degraded)
		log_err("%s", degraded);

	/* A line a result: the shape of publish.c's switch, over other results. */
	ret = guard_attach(&err);
	switch (ret) {
	case GUARD_ATTACHED:
		log_info("login guard attached and pinned at %s", LOGIN_GUARD_LINK_PIN);
		break;
	case GUARD_KEPT:
		log_info("login guard already attached (pinned at %s); kept", LOGIN_GUARD_LINK_PIN);
		break;
	case GUARD_REPLACED:
		log_info("login guard replaced by this version, without a gap");
		break;
	default:
		log_err("DEGRADED: login guard not attached: %s", err.msg);
	}
}

/* The guard's maps from the policy and the last audit; the set before the flag. */
void guard_setup_configure(const struct iotguard_policy *policy, const struct cred_monitor *creds)
{
	bool audited = creds->audited;
	int ret;

	ret = guard_set_programs(&policy->login_guard);
	if (ret == 0)
		log_warn("login guard: none of the policy's login programs exists on this device");
	else if (ret == -EPERM)	/* the guard's own lock (its maps frozen), not the module's */
		log_warn("login guard: locked until reboot: its applet and console lists stay "
			 "as they were at the lock");
	else if (ret < 0)
		log_err("login guard: cannot load the login programs: %s", strerror(-ret));
	if (audited) {
		ret = guard_set_denied(creds->flagged, creds->flagged_count);
		if (ret) {
			log_err("login guard: cannot load the flagged accounts: %s", strerror(-ret));
			audited = false;	/* keep treating every account as flagged */
		}
	}
	ret = guard_set_config(policy->mode != IOTGUARD_MODE_ENFORCE, audited,
			       creds->flagged_count > 0);
	if (ret)
		log_err("login guard: cannot set its mode: %s", strerror(-ret));
}

