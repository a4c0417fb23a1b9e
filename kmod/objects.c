// SPDX-License-Identifier: GPL-2.0
/*
 * Live-object counts (objects.h), shown in /sys/kernel/iotguard/objects
 * and checked at unload: the guest suite's last test unloads the module
 * and reads the verdict from the kernel log.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include "objects.h"

static atomic_long_t live[__IOTGUARD_OBJ_MAX];
static const char *const names[] = IOTGUARD_OBJECT_NAMES;
static_assert(ARRAY_SIZE(names) == __IOTGUARD_OBJ_MAX);

void iotguard_object_new(enum iotguard_object obj)
{
	atomic_long_inc(&live[obj]);
}

void iotguard_object_gone(enum iotguard_object obj)
{
	WARN_ON_ONCE(atomic_long_dec_return(&live[obj]) < 0);
}

long iotguard_objects_live(enum iotguard_object obj)
{
	return atomic_long_read(&live[obj]);
}

const char *iotguard_object_name(enum iotguard_object obj)
{
	return names[obj];
}

void iotguard_objects_report(void)
{
	bool leaked = false;
	int obj;

	for (obj = 0; obj < __IOTGUARD_OBJ_MAX; obj++) {
		long n = atomic_long_read(&live[obj]);

		if (n) {
			pr_err("leaked %ld %s object(s)\n", n, names[obj]);
			leaked = true;
		}
	}
	if (!leaked)
		pr_info("unloaded: no objects left\n");
}
