// SPDX-License-Identifier: GPL-2.0
/*
 * iotguard: the kernel half of a consumer-IoT security baseline (no universal
 * default password, brute-force resistance). This file only wires the parts
 * together; each concern lives in its own file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "netlink.h"
#include "state.h"
#include "sysfs.h"

static int __init iotguard_init(void)
{
	int ret;

	iotguard_state_init();

	ret = iotguard_sysfs_init();
	if (ret)
		goto err_sysfs;
	ret = iotguard_genl_init();
	if (ret)
		goto err_genl;

	pr_info("version %s loaded; mode enforce, credential state unknown\n",
		IOTGUARD_VERSION);
	return 0;

err_genl:
	iotguard_sysfs_uninit();
err_sysfs:
	return ret;
}

static void __exit iotguard_exit(void)
{
	iotguard_genl_uninit();
	iotguard_sysfs_uninit();
	pr_info("unloaded\n");
}

module_init(iotguard_init);
module_exit(iotguard_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Consumer IoT security baseline: login lockout and control plane");
MODULE_AUTHOR("The iotguard authors");
MODULE_VERSION(IOTGUARD_VERSION);
