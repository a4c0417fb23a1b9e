/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kselftest fixture `judge` of the module's judge tests
 * (egress_judge_test.c, egress_arrival_test.c): the programs attached and
 * handed to the module as its judge, the peer counting arrivals, and
 * apply_judge_tables(false, 0, false) in force; afterwards, what a failed
 * test of either may have left is removed. A harness fixture defines
 * functions: include this once, in a test program's file.
 */
#ifndef IOTGUARD_TEST_EGRESS_JUDGE_FIXTURE_H
#define IOTGUARD_TEST_EGRESS_JUDGE_FIXTURE_H

#include "kselftest_harness.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "egress_peer.h"
#include "egress_tables.h"
#include "genl_client.h"
#include "netpath.h"
#include "sessions.h"
#include "util.h"

#define IN_PEER IP " netns exec " NETNS " "
#define FWD_NS "egress-fwd"

FIXTURE(judge)
{
	struct arrivals *arr;
	pid_t peer;
};

FIXTURE_SETUP(judge)
{
	struct egress_attach_opts opts = { .cgroup_root = "/sys/fs/cgroup", .lsm = true };
	struct module_status st = {};
	struct genl_client *client;
	struct iotguard_error err;
	int ret;

	SKIP_SETUP_WITHOUT_BPF_LSM();
	ASSERT_EQ(0, setup_network());
	/* The peer's tunnel end: a second address the tables refuse. */
	sh(IN_PEER IP " addr replace " JUDGE_OUTER "/24 dev veth1");
	ret = egress_pinned() ? 0 : egress_attach(&opts, &err);
	ASSERT_LE(0, ret) TH_LOG("egress_attach: %s", err.msg);
	ASSERT_EQ(0, egress_set_judge(&err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, genl_client_open(&client));
	ASSERT_EQ(0, genl_client_get_status(client, &st));
	genl_client_close(client);
	ASSERT_NE(0, st.egress_judge);
	self->arr = peer_up(&self->peer);
	ASSERT_NE(NULL, self->arr);
	ASSERT_EQ(0, apply_judge_tables(false, 0, false));
}

FIXTURE_TEARDOWN(judge)
{
	struct iotguard_error err;

	EXPECT_EQ(0, egress_uninstall(&err));
	peer_down(self->arr, self->peer);
	/* What a failed test may have left: gone already after a pass. */
	run_capture(IP " link del jb0", NULL, 0);
	run_capture(IP " link del ja0", NULL, 0);
	run_capture(IP " netns del " ACC_NS, NULL, 0);
	run_capture(IP " netns del " IDX_NS, NULL, 0);
	run_capture("nft delete table inet ft", NULL, 0);
	run_capture("nft delete table ip natin; nft delete table ip6 natin; "
		    "nft delete table ip natout", NULL, 0);
	run_capture(IP " link del jf0", NULL, 0);
	run_capture(IP " netns del " FWD_NS, NULL, 0);
	write_text("/proc/sys/net/ipv4/ip_forward", "0");
	write_text("/proc/sys/net/ipv6/conf/all/forwarding", "0");
}

#endif
