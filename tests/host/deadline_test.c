// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of deadlines (agent/lib/deadline.c): armed once, never
 * pushed back by later arming (a flood of events), taken once when due,
 * and poll timeouts shortened to what is left. Built with ASan and UBSan.
 */
#include "kselftest_harness.h"
#include "deadline.h"

TEST(unset_is_never_due_and_leaves_the_timeout)
{
	struct deadline d = {};

	EXPECT_FALSE(deadline_take(&d, 1000));
	EXPECT_EQ(-1, deadline_timeout(&d, 1000, -1));
	EXPECT_EQ(500, deadline_timeout(&d, 1000, 500));
}

TEST(later_arming_does_not_push_it_back)
{
	struct deadline d = {};

	deadline_arm(&d, 1000, 200);
	/* An event every 50 ms: each would have restarted a settle delay. */
	for (int64_t now = 1050; now < 1200; now += 50) {
		deadline_arm(&d, now, 200);
		EXPECT_FALSE(deadline_take(&d, now));
		EXPECT_EQ(1200 - now, deadline_timeout(&d, now, -1));
	}
	EXPECT_TRUE(deadline_take(&d, 1200));
	/* Taken: cleared, until armed again. */
	EXPECT_FALSE(deadline_take(&d, 1300));
	deadline_arm(&d, 1300, 200);
	EXPECT_FALSE(deadline_take(&d, 1499));
	EXPECT_TRUE(deadline_take(&d, 1500));
}

TEST(timeout_is_the_sooner_and_never_negative)
{
	struct deadline d = {};

	deadline_arm(&d, 1000, 200);
	EXPECT_EQ(200, deadline_timeout(&d, 1000, -1));
	EXPECT_EQ(100, deadline_timeout(&d, 1000, 100));
	EXPECT_EQ(200, deadline_timeout(&d, 1000, 6 * 60 * 60 * 1000));
	/* Overdue: poll must not sleep. */
	EXPECT_EQ(0, deadline_timeout(&d, 5000, -1));
	EXPECT_EQ(0, deadline_timeout(&d, 5000, 100));
}

TEST(the_clock_moves_forward)
{
	int64_t a = deadline_clock_ms(), b = deadline_clock_ms();

	EXPECT_LE(a, b);
	EXPECT_LT(0, a);
}

TEST_HARNESS_MAIN
