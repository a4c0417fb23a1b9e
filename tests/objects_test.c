// SPDX-License-Identifier: GPL-2.0
/*
 * The guest suite's last test: after everything else ran, every object
 * the module created (gate configurations, references to BPF programs
 * and links) is destroyed by its unload. Debian's kernels have no
 * kmemleak, so the module counts them (kmod/objects.c) and says at exit
 * whether any is left. Loaded again afterwards, as the suite found it.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include "util.h"

FIXTURE(objects)
{
	char saved_modprobe[256];
	int agent;
};

FIXTURE_SETUP(objects)
{
	ASSERT_EQ(0, modprobe_disable(self->saved_modprobe, sizeof(self->saved_modprobe)));
	/* Held, so that it does not talk to the module while it goes. */
	self->agent = agentd_pid();
	if (self->agent > 1)
		kill(self->agent, SIGSTOP);
}

FIXTURE_TEARDOWN(objects)
{
	if (!module_loaded())
		module_load();
	if (self->agent > 1)
		kill(self->agent, SIGCONT);
	modprobe_restore(self->saved_modprobe);
}

TEST_F(objects, none_left_at_unload)
{
	char live[256], log[4096];

	ASSERT_EQ(0, sysfs_read("objects", live, sizeof(live)));
	TH_LOG("live before the unload: %s", live);
	/* The configuration in force, at least. */
	EXPECT_NE(NULL, strstr(live, "gate_config 1"));
	ASSERT_EQ(0, run_capture("dmesg -c > /dev/null", NULL, 0));
	ASSERT_EQ(0, module_unload());
	ASSERT_EQ(0, run_capture("dmesg | grep 'iotguard: '", log, sizeof(log)));
	EXPECT_NE(NULL, strstr(log, "iotguard: unloaded: no objects left")) TH_LOG("%s", log);
	EXPECT_EQ(NULL, strstr(log, "leaked")) TH_LOG("%s", log);
}

TEST_HARNESS_MAIN
