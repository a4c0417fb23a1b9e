// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and unloading iotguard.ko: it starts closed, its interfaces come
 * and go with it, and 100 cycles leave no memory, oops or WARN behind (the
 * runner fails the whole run on any oops or WARN in the console log).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "genl_raw.h"
#include "netpath.h"
#include "sessions.h"
#include "util.h"

#define CYCLES 100
#define WARMUP_CYCLES 5
/*
 * Slab and vmalloc use drift on an idle system (measured: +-120 KiB over
 * 100 cycles, with the agent re-applying its policy to each new module and
 * RCU freeing the old configurations in batches). A leak of the module's
 * own memory (its 16 KiB gate configuration or its throttle table, every
 * load) or of one object of 4 KiB or more per cycle goes past this.
 */
#define LEAK_TOLERANCE_KB 384
#define SETTLE_S 3	/* for kfree_rcu() batches to drain */
#define FLOODERS 4
#define FLOOD_CYCLES 10

static long meminfo_kb(const char *field)
{
	char line[256];
	long value = -1;
	FILE *f = fopen("/proc/meminfo", "r");
	size_t len = strlen(field);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			sscanf(line + len + 1, "%ld", &value);
	fclose(f);
	return value;
}

static long kernel_memory_kb(void)
{
	return meminfo_kb("SUnreclaim") + meminfo_kb("VmallocUsed") +
	       meminfo_kb("Percpu");
}

FIXTURE(module) {
	char saved_modprobe[256];
};

FIXTURE_SETUP(module)
{
	/* Keep genetlink from loading the module behind our back. */
	ASSERT_EQ(0, modprobe_disable(self->saved_modprobe,
				      sizeof(self->saved_modprobe)));
}

FIXTURE_TEARDOWN(module)
{
	if (!module_loaded())
		module_load();
	modprobe_restore(self->saved_modprobe);
}

static void cycle(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, module_unload());
	ASSERT_EQ(0, module_load());
}

TEST_F(module, unload_removes_every_interface)
{
	struct raw_genl g;

	ASSERT_TRUE(module_loaded());
	ASSERT_EQ(0, module_unload());
	EXPECT_FALSE(module_loaded());
	EXPECT_EQ(-ENOENT, raw_genl_open(&g, IOTGUARD_GENL_NAME));
	ASSERT_EQ(0, module_load());
	EXPECT_TRUE(module_loaded());
	ASSERT_EQ(0, raw_genl_open(&g, IOTGUARD_GENL_NAME));
	raw_genl_close(&g);
}

TEST_F(module, starts_closed)
{
	int agent = agentd_pid();
	char cred[32], mode[32];

	/* Hold the agent, or it re-applies its verdict at once. */
	ASSERT_GT(agent, 1);
	ASSERT_EQ(0, kill(agent, SIGSTOP));
	cycle(_metadata);
	ASSERT_EQ(0, sysfs_read("cred_state", cred, sizeof(cred)));
	ASSERT_EQ(0, sysfs_read("mode", mode, sizeof(mode)));
	kill(agent, SIGCONT);
	EXPECT_STREQ("unknown", cred);
	EXPECT_STREQ("enforce", mode);
}

TEST_F(module, load_unload_100_times_without_leak)
{
	long before, after;

	for (int i = 0; i < WARMUP_CYCLES; i++)
		cycle(_metadata);
	sync();
	sleep(SETTLE_S);
	before = kernel_memory_kb();
	for (int i = 0; i < CYCLES; i++)
		cycle(_metadata);
	sync();
	sleep(SETTLE_S);
	after = kernel_memory_kb();
	TH_LOG("%d cycles: kernel memory %ld kB -> %ld kB", CYCLES, before, after);
	ASSERT_GT(before, 0);
	EXPECT_LT(after - before, LEAK_TOLERANCE_KB);
}

/*
 * New connections to login ports from another host, as fast as they go,
 * while the module comes and goes: the hooks must drain before the module's
 * memory does. The runner fails the run on any oops or WARN.
 */
static pid_t flood(int n)
{
	static const int ports[] = { 2323, 23, 22 };
	pid_t pid = fork();
	char src[64];

	if (pid)
		return pid;
	for (unsigned int i = 0;; i++) {
		if (n % 2)
			attacker_connect(source6(src, 0x18 + n), DEVICE_ADDR6, 2323);
		else
			attacker_connect(source4(src, 36 + n), DEVICE_ADDR, ports[i % 3]);
	}
}

TEST_F(module, unload_during_a_connect_flood)
{
	pid_t flooders[FLOODERS];
	int status;

	ASSERT_EQ(0, setup_network());
	for (int n = 0; n < FLOODERS; n++)
		ASSERT_LT(0, flooders[n] = flood(n));
	usleep(300 * 1000);
	for (int i = 0; i < FLOOD_CYCLES; i++) {
		cycle(_metadata);
		usleep(100 * 1000);
	}
	for (int n = 0; n < FLOODERS; n++) {
		kill(flooders[n], SIGKILL);
		waitpid(flooders[n], &status, 0);
	}
	EXPECT_LT(0, sysfs_u64("counters/lockout_refused") +
		     sysfs_u64("counters/throttle_refused"))
		TH_LOG("the flood never reached the gate");
}

TEST_HARNESS_MAIN
