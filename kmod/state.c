// SPDX-License-Identifier: GPL-2.0
/*
 * The device's security state: one copy. The control plane (genetlink)
 * changes mode, credential state and the lock under state_lock; a snapshot
 * (sysfs, GET_STATUS) takes the same mutex, so that they read as one
 * picture. The packet path reads mode and credential state locklessly. The
 * counters and the policy generation are atomics, counted from anywhere
 * (the packet path, events, the gate's configuration) without the mutex.
 *
 * The module starts closed: mode enforce and credential state unknown, which
 * counts as default, until the agent's first audit says otherwise. A crashed
 * or killed agent therefore never opens the device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/mutex.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include "state.h"

static DEFINE_MUTEX(state_lock);
static u32 cur_mode;
static u32 cur_cred_state;
static bool locked;
static atomic64_t policy_generation;
static atomic64_t counters[__IOTGUARD_CTR_MAX];

static const char *const mode_names[] = IOTGUARD_MODE_NAMES;
static const char *const cred_state_names[] = IOTGUARD_CRED_STATE_NAMES;
static_assert(ARRAY_SIZE(mode_names) == __IOTGUARD_MODE_MAX);
static_assert(ARRAY_SIZE(cred_state_names) == __IOTGUARD_CRED_MAX);

const char *iotguard_mode_name(u32 mode)
{
	return mode < ARRAY_SIZE(mode_names) ? mode_names[mode] : "invalid";
}

const char *iotguard_cred_state_name(u32 cred_state)
{
	return cred_state < ARRAY_SIZE(cred_state_names) ?
	       cred_state_names[cred_state] : "invalid";
}

void iotguard_state_init(void)
{
	unsigned int i;

	WRITE_ONCE(cur_mode, IOTGUARD_MODE_ENFORCE);
	WRITE_ONCE(cur_cred_state, IOTGUARD_CRED_UNKNOWN);
	WRITE_ONCE(locked, false);
	atomic64_set(&policy_generation, 0);
	for (i = 0; i < ARRAY_SIZE(counters); i++)
		atomic64_set(&counters[i], 0);
}

void iotguard_state_snapshot(struct iotguard_status *status)
{
	unsigned int i;

	/* The lock makes mode and generation one consistent picture. */
	mutex_lock(&state_lock);
	status->mode = READ_ONCE(cur_mode);
	status->cred_state = READ_ONCE(cur_cred_state);
	status->policy_generation = atomic64_read(&policy_generation);
	status->locked = READ_ONCE(locked);
	mutex_unlock(&state_lock);
	for (i = 0; i < ARRAY_SIZE(counters); i++)
		status->counters[i] = atomic64_read(&counters[i]);
}

void iotguard_state_count(enum iotguard_counter counter)
{
	if (counter > IOTGUARD_CTR_PAD && counter < __IOTGUARD_CTR_MAX)
		atomic64_inc(&counters[counter]);
}

int iotguard_state_set_mode(u32 mode, u32 flags,
			    struct netlink_ext_ack *extack)
{
	int ret = 0;

	if (mode > IOTGUARD_MODE_MAX) {
		NL_SET_ERR_MSG(extack, "unknown mode");
		iotguard_state_count(IOTGUARD_CTR_REFUSED_REQUESTS);
		return -EINVAL;
	}

	mutex_lock(&state_lock);
	if (locked && mode < cur_mode) {
		NL_SET_ERR_MSG(extack, IOTGUARD_LOCKED_MSG);
		iotguard_state_count(IOTGUARD_CTR_REFUSED_REQUESTS);
		ret = -EPERM;
		goto out;
	}
	if ((flags & IOTGUARD_SET_F_NO_WEAKEN) && mode < cur_mode) {
		NL_SET_ERR_MSG(extack, "mode would be weakened");
		iotguard_state_count(IOTGUARD_CTR_REFUSED_REQUESTS);
		ret = -EPERM;
		goto out;
	}
	if (mode != cur_mode) {
		pr_info("mode %s -> %s\n", iotguard_mode_name(cur_mode),
			iotguard_mode_name(mode));
		WRITE_ONCE(cur_mode, mode);
		iotguard_state_count(IOTGUARD_CTR_MODE_CHANGES);
	}
	atomic64_inc(&policy_generation);
out:
	mutex_unlock(&state_lock);
	return ret;
}

int iotguard_state_set_cred_state(u32 cred_state,
				  struct netlink_ext_ack *extack)
{
	/* Only an audit's verdict may be set: "unknown" is the boot state. */
	if (cred_state != IOTGUARD_CRED_DEFAULT &&
	    cred_state != IOTGUARD_CRED_PROVISIONED) {
		NL_SET_ERR_MSG(extack, "credential state must be default or provisioned");
		iotguard_state_count(IOTGUARD_CTR_REFUSED_REQUESTS);
		return -EINVAL;
	}
	mutex_lock(&state_lock);
	if (locked && cred_state == IOTGUARD_CRED_PROVISIONED &&
	    cur_cred_state != IOTGUARD_CRED_PROVISIONED) {
		/* Opening the login ports is a weakening like any other. */
		NL_SET_ERR_MSG(extack, IOTGUARD_LOCKED_MSG);
		iotguard_state_count(IOTGUARD_CTR_REFUSED_REQUESTS);
		mutex_unlock(&state_lock);
		return -EPERM;
	}
	if (cred_state != cur_cred_state) {
		pr_info("credential state %s -> %s\n",
			iotguard_cred_state_name(cur_cred_state),
			iotguard_cred_state_name(cred_state));
		WRITE_ONCE(cur_cred_state, cred_state);
		iotguard_state_count(IOTGUARD_CTR_CRED_STATE_CHANGES);
	}
	mutex_unlock(&state_lock);
	return 0;
}

/*
 * Until reboot: no weakening, and no unload. The reference taken here is
 * never put, so delete_module() fails with EWOULDBLOCK.
 */
void iotguard_state_lock(void)
{
	mutex_lock(&state_lock);
	if (!locked) {
		__module_get(THIS_MODULE);
		WRITE_ONCE(locked, true);
		pr_info("locked until reboot: no weakening, no unload\n");
	}
	mutex_unlock(&state_lock);
}

bool iotguard_state_locked(void)
{
	return READ_ONCE(locked);
}

/* Lockless reads for the packet path. */
u32 iotguard_state_mode(void)
{
	return READ_ONCE(cur_mode);
}

bool iotguard_state_provisioned(void)
{
	return READ_ONCE(cur_cred_state) == IOTGUARD_CRED_PROVISIONED;
}

/* A gate configuration change was accepted. */
void iotguard_state_bump_generation(void)
{
	atomic64_inc(&policy_generation);
}
