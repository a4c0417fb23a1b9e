// SPDX-License-Identifier: GPL-2.0
/*
 * What iotguardd tells the kernel: the policy and the audit's verdict to
 * the module (mode, gate, credential state) and the login guard's maps,
 * the gate's events it logs, and the lock's refusal of a weaker policy.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "agent.h"
#include "genl_client.h"
#include "log.h"
#include "login_guard_events.h"
#include "login_guard_loader.h"
#include "login_guard_maps.h"
#include "login_guard_setup.h"
#include "names.h"

/*
 * Push the policy and the last audit's verdict into the kernel. Returns 0,
 * or -errno. Until an audit has run the module keeps "unknown", which it
 * treats as default.
 */
static int apply_policy(struct agent *agent)
{
	const struct iotguard_policy *policy = &agent->policy;
	struct module_status status;
	struct genl_client *client;
	int ret;

	if (guard_pinned())
		guard_setup_configure(&agent->policy, &agent->creds);

	ret = genl_client_open(&client);
	if (ret)
		return ret;
	/* A module loaded again has no judge: it gets the pinned one. */
	outbound_judge();
	ret = genl_client_set_mode(client, policy->mode, 0);
	if (!ret)
		ret = genl_client_set_gate(client, &policy->gate);
	/* The kernel resolves the name now; a miss exempts nothing. Say so. */
	if (!ret && policy->gate.prov_ifname[0] && !genl_client_get_status(client, &status) &&
	    !status.gate.prov_ifindex)
		log_warn("provisioning_interface %s does not exist: it exempts nothing until "
			 "the policy is applied again (SIGHUP)", policy->gate.prov_ifname);
	if (!ret && agent->creds.audited)
		ret = genl_client_set_cred_state(client, agent->creds.cred_state);
	/* Locked: the kernel keeps the stronger of the two; say so once. */
	if (genl_client_refused_by_lock(client, ret, &status)) {
		if (!agent->lock_reported)
			log_warn("the kernel module is locked until reboot: it keeps its "
				 "stronger settings (credential state %s)",
				 cred_state_name(status.cred_state));
		agent->lock_reported = true;
		ret = 0;
	}
	genl_client_close(client);
	return ret;
}

/* The kernel limits events already; the log gets fewer still. */
static void log_gate_event(const struct gate_event *event, void *arg)
{
	struct agent *agent = arg;
	uint64_t suppressed;
	char line[256];

	if (!rate_limit_take(&agent->gate_log_limit))
		return;
	suppressed = rate_limit_suppressed(&agent->gate_log_limit);
	if (suppressed)
		log_warn("network gate: %llu more refusal(s) not logged (rate limit)",
			 (unsigned long long)suppressed);
	gate_event_format(event, line, sizeof(line));
	log_warn("network gate: %s", line);
}

static void open_gate_events(struct agent *agent)
{
	int ret;

	if (agent->gate_events)
		return;
	rate_limit_init(&agent->gate_log_limit, GUARD_EVENTS_PER_SEC, GUARD_EVENTS_BURST);
	ret = genl_events_open(&agent->gate_events, log_gate_event, agent);
	if (ret) {
		log_err("network gate: cannot read its events: %s", strerror(-ret));
		agent->gate_events = NULL;
	}
}

void try_apply(struct agent *agent)
{
	int ret = apply_policy(agent);

	if (ret == -ENOENT) {
		if (!agent->policy_applied)
			log_warn("kernel module iotguard is not loaded; retrying (modprobe iotguard)");
		agent->policy_applied = false;
		return;
	}
	if (ret) {
		log_err("applying the policy to the kernel module: %s", strerror(-ret));
		return;
	}
	if (!agent->policy_applied)
		log_info("policy applied: mode %s, %zu login ports", mode_name(agent->policy.mode),
			 agent->policy.gate.port_count);
	agent->policy_applied = true;
	open_gate_events(agent);
}

/*
 * Only the verdict: the rest of the policy is sent when it changes, so a
 * gate setting made by hand (iotguardctl, a test) stays until then.
 */
void push_cred_state(struct agent *agent)
{
	struct genl_client *client;
	bool locked = false;
	int ret;

	if (!agent->policy_applied) {
		try_apply(agent);
		return;
	}
	if (guard_pinned())
		guard_setup_configure(&agent->policy, &agent->creds);
	ret = genl_client_open(&client);
	if (!ret) {
		ret = genl_client_set_cred_state(client, agent->creds.cred_state);
		locked = genl_client_refused_by_lock(client, ret, NULL);
		genl_client_close(client);
	}
	if (locked) {
		if (!agent->lock_reported)
			log_warn("the kernel module is locked until reboot: remote login stays "
				 "locked");
		agent->lock_reported = true;
	} else if (ret) {
		log_err("telling the kernel module the credential state: %s", strerror(-ret));
		agent->policy_applied = false;
	}
}

/*
 * After `iotguardctl lock`, a policy whose mode is weaker than the one the
 * kernel enforces is refused whole, as the module and the guard refuse it.
 * (The gate's own weakenings are refused by the module when applied.)
 */
bool weakens_lock(const struct iotguard_policy *policy)
{
	struct login_guard_lock lock = {};
	struct module_status status;
	struct genl_client *client;
	bool weakens = false;

	if (!genl_client_open(&client)) {
		if (!genl_client_get_status(client, &status) && status.locked &&
		    policy->mode < status.mode) {
			log_err("policy refused, the running policy stays: iotguard is locked "
				"until reboot: mode %s would weaken %s", mode_name(policy->mode),
				mode_name(status.mode));
			weakens = true;
		}
		genl_client_close(client);
	}
	if (!weakens && !guard_lock_state(&lock) && lock.locked && !lock.audit_only &&
	    policy->mode != IOTGUARD_MODE_ENFORCE) {
		log_err("policy refused, the running policy stays: the login guard is locked "
			"until reboot in mode enforce; mode %s would weaken it",
			mode_name(policy->mode));
		weakens = true;
	}
	return weakens;
}
