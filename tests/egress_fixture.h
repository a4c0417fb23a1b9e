/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kselftest fixture `egress` of the outbound tests that need the peer:
 * egress_test_up() before each test, egress_test_down() after. A harness
 * fixture defines functions: include this once, in a test program's file.
 */
#ifndef IOTGUARD_TEST_EGRESS_FIXTURE_H
#define IOTGUARD_TEST_EGRESS_FIXTURE_H

#include "kselftest_harness.h"
#include "egress_tables.h"
#include "util.h"

FIXTURE(egress)
{
	struct arrivals *arr;
	pid_t peer;
};

FIXTURE_SETUP(egress)
{
	struct iotguard_error err;

	SKIP_SETUP_WITHOUT_BPF_LSM();
	ASSERT_EQ(0, egress_test_up(&self->arr, &self->peer, &err)) TH_LOG("%s", err.msg);
}

FIXTURE_TEARDOWN(egress)
{
	egress_test_down(self->arr, self->peer);
}

#endif
