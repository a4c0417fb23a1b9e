// SPDX-License-Identifier: GPL-2.0
/*
 * iotguard: the kernel half of a consumer-IoT security baseline (no universal
 * default password, brute-force resistance). This file only wires the parts
 * together; each concern lives in its own file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "events.h"
#include "gate.h"
#include "judge.h"
#include "links.h"
#include "objects.h"
#include "netlink.h"
#include "state.h"
#include "sysfs.h"
#include "throttle.h"

static int __init iotguard_init(void)
{
	int ret;

	iotguard_state_init();
	iotguard_events_init();

	ret = iotguard_throttle_init();
	if (ret)
		goto err_throttle;
	ret = iotguard_gate_config_init();
	if (ret)
		goto err_config;
	ret = iotguard_sysfs_init();
	if (ret)
		goto err_sysfs;
	ret = iotguard_genl_init();
	if (ret)
		goto err_genl;
	/* Last: the packet path needs all of the above, events included. */
	ret = iotguard_gate_init();
	if (ret)
		goto err_gate;
	ret = iotguard_judge_init();
	if (ret)
		goto err_judge;

	pr_info("version %s loaded; mode enforce, credential state unknown: remote login locked\n",
		IOTGUARD_VERSION);
	return 0;

err_judge:
	iotguard_gate_uninit();
err_gate:
	iotguard_genl_uninit();
err_genl:
	iotguard_sysfs_uninit();
err_sysfs:
	iotguard_gate_config_uninit();
err_config:
	iotguard_throttle_uninit();
err_throttle:
	return ret;
}

static void __exit iotguard_exit(void)
{
	/* The hooks first: it waits until no packet is inside one. */
	iotguard_judge_uninit();
	iotguard_gate_uninit();
	iotguard_genl_uninit();
	iotguard_sysfs_uninit();
	/* Configurations replaced under RCU may still be waiting to be freed. */
	rcu_barrier();
	iotguard_gate_config_uninit();
	iotguard_throttle_uninit();
	iotguard_links_release();
	iotguard_objects_report();
}

module_init(iotguard_init);
module_exit(iotguard_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Consumer IoT security baseline: remote-login lockout, brute-force throttle, control plane");
MODULE_AUTHOR("The iotguard authors");
MODULE_VERSION(IOTGUARD_VERSION);
