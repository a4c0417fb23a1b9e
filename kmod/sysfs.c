// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only state under /sys/kernel/iotguard/, readable by anyone, so that
 * a shell script or a monitoring agent can see the device's state without
 * netlink. Values match IOTGUARD_CMD_GET_STATUS.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include "state.h"
#include "sysfs.h"

static struct kobject *iotguard_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", IOTGUARD_VERSION);
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct iotguard_status status;

	iotguard_state_snapshot(&status);
	return sysfs_emit(buf, "%s\n", iotguard_mode_name(status.mode));
}

static ssize_t cred_state_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct iotguard_status status;

	iotguard_state_snapshot(&status);
	return sysfs_emit(buf, "%s\n",
			  iotguard_cred_state_name(status.cred_state));
}

static ssize_t policy_generation_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	struct iotguard_status status;

	iotguard_state_snapshot(&status);
	return sysfs_emit(buf, "%llu\n", status.policy_generation);
}

#define COUNTER_ATTR(_name, _ctr)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct iotguard_status status;					\
									\
	iotguard_state_snapshot(&status);				\
	return sysfs_emit(buf, "%llu\n", status.counters[_ctr]);	\
}									\
static struct kobj_attribute _name##_attr = __ATTR_RO(_name)

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute mode_attr = __ATTR_RO(mode);
static struct kobj_attribute cred_state_attr = __ATTR_RO(cred_state);
static struct kobj_attribute policy_generation_attr =
	__ATTR_RO(policy_generation);
COUNTER_ATTR(mode_changes, IOTGUARD_CTR_MODE_CHANGES);
COUNTER_ATTR(refused_requests, IOTGUARD_CTR_REFUSED_REQUESTS);
COUNTER_ATTR(cred_state_changes, IOTGUARD_CTR_CRED_STATE_CHANGES);
COUNTER_ATTR(lockout_refused, IOTGUARD_CTR_LOCKOUT_REFUSED);
COUNTER_ATTR(throttle_refused, IOTGUARD_CTR_THROTTLE_REFUSED);
COUNTER_ATTR(throttle_table_full, IOTGUARD_CTR_THROTTLE_TABLE_FULL);
COUNTER_ATTR(throttle_evictions, IOTGUARD_CTR_THROTTLE_EVICTIONS);
COUNTER_ATTR(events_sent, IOTGUARD_CTR_EVENTS_SENT);
COUNTER_ATTR(events_dropped, IOTGUARD_CTR_EVENTS_DROPPED);
COUNTER_ATTR(throttle_pressure, IOTGUARD_CTR_THROTTLE_PRESSURE);

static ssize_t locked_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct iotguard_status status;

	iotguard_state_snapshot(&status);
	return sysfs_emit(buf, "%d\n", status.locked);
}

static struct kobj_attribute locked_attr = __ATTR_RO(locked);

static struct attribute *state_attrs[] = {
	&version_attr.attr,
	&mode_attr.attr,
	&cred_state_attr.attr,
	&policy_generation_attr.attr,
	&locked_attr.attr,
	NULL,
};

static const struct attribute_group state_group = {
	.attrs = state_attrs,
};

static struct attribute *counter_attrs[] = {
	&mode_changes_attr.attr,
	&refused_requests_attr.attr,
	&cred_state_changes_attr.attr,
	&lockout_refused_attr.attr,
	&throttle_refused_attr.attr,
	&throttle_table_full_attr.attr,
	&throttle_evictions_attr.attr,
	&events_sent_attr.attr,
	&events_dropped_attr.attr,
	&throttle_pressure_attr.attr,
	NULL,
};

static const struct attribute_group counter_group = {
	.name = "counters",
	.attrs = counter_attrs,
};

static const struct attribute_group *groups[] = {
	&state_group,
	&counter_group,
	NULL,
};

int __init iotguard_sysfs_init(void)
{
	int ret;

	iotguard_kobj = kobject_create_and_add("iotguard", kernel_kobj);
	if (!iotguard_kobj)
		return -ENOMEM;
	ret = sysfs_create_groups(iotguard_kobj, groups);
	if (ret) {
		kobject_put(iotguard_kobj);
		return ret;
	}
	return 0;
}

void iotguard_sysfs_uninit(void)
{
	sysfs_remove_groups(iotguard_kobj, groups);
	kobject_put(iotguard_kobj);
}
