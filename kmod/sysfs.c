// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only state under /sys/kernel/iotguard/, readable by anyone, so that
 * a shell script or a monitoring agent can see the device's state without
 * netlink. Values match IOTGUARD_CMD_GET_STATUS.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include "objects.h"
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

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute mode_attr = __ATTR_RO(mode);
static struct kobj_attribute cred_state_attr = __ATTR_RO(cred_state);
static struct kobj_attribute policy_generation_attr =
	__ATTR_RO(policy_generation);

/* counters/NAME: one file a counter, named in the uapi header. */
static const char *const counter_names[] = IOTGUARD_COUNTER_NAMES;
static_assert(ARRAY_SIZE(counter_names) == __IOTGUARD_CTR_MAX);
/* Indexed by the counter; filled at init. */
static struct kobj_attribute counter_kattrs[__IOTGUARD_CTR_MAX];

static ssize_t counter_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct iotguard_status status;

	iotguard_state_snapshot(&status);
	return sysfs_emit(buf, "%llu\n", status.counters[attr - counter_kattrs]);
}

static ssize_t locked_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct iotguard_status status;

	iotguard_state_snapshot(&status);
	return sysfs_emit(buf, "%d\n", status.locked);
}

static struct kobj_attribute locked_attr = __ATTR_RO(locked);

/* objects: "NAME COUNT" a line, the live objects (objects.h). */
static ssize_t objects_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	int obj, len = 0;

	for (obj = 0; obj < __IOTGUARD_OBJ_MAX; obj++)
		len += sysfs_emit_at(buf, len, "%s %ld\n", iotguard_object_name(obj),
				     iotguard_objects_live(obj));
	return len;
}

static struct kobj_attribute objects_attr = __ATTR_RO(objects);

static struct attribute *state_attrs[] = {
	&version_attr.attr,
	&mode_attr.attr,
	&cred_state_attr.attr,
	&policy_generation_attr.attr,
	&locked_attr.attr,
	&objects_attr.attr,
	NULL,
};

static const struct attribute_group state_group = {
	.attrs = state_attrs,
};

/* Every counter after IOTGUARD_CTR_PAD, then NULL; filled at init. */
static struct attribute *counter_attrs[IOTGUARD_CTR_MAX - IOTGUARD_CTR_PAD + 1];

static const struct attribute_group counter_group = {
	.name = "counters",
	.attrs = counter_attrs,
};

static const struct attribute_group *groups[] = {
	&state_group,
	&counter_group,
	NULL,
};

static void __init counter_attrs_init(void)
{
	unsigned int i, n = 0;

	for (i = IOTGUARD_CTR_PAD + 1; i <= IOTGUARD_CTR_MAX; i++) {
		struct kobj_attribute *kattr = &counter_kattrs[i];

		sysfs_attr_init(&kattr->attr);
		kattr->attr.name = counter_names[i];
		kattr->attr.mode = 0444;
		kattr->show = counter_show;
		counter_attrs[n++] = &kattr->attr;
	}
}

int __init iotguard_sysfs_init(void)
{
	int ret;

	counter_attrs_init();

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
