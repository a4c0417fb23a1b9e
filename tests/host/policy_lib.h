/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the policy parser's host tests share: writing a policy file,
 * expecting one refused with its exact "path:line: message" and the
 * caller's policy untouched, and checking for leaks. Include after
 * kselftest_harness.h.
 */
#ifndef IOTGUARD_TEST_POLICY_LIB_H
#define IOTGUARD_TEST_POLICY_LIB_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sanitizer/lsan_interface.h>
#include "policy.h"

static inline void write_file(struct __test_metadata *_metadata, const char *path,
			      const char *text)
{
	FILE *f = fopen(path, "w");

	ASSERT_NE(NULL, f);
	fputs(text, f);
	fclose(f);
}

/*
 * text, written to path, is refused with "<path>:<suffix>" exactly, and
 * the policy it was loaded into left as it was (a sentinel, never a valid
 * policy: so a refusal that wrote defaults is seen).
 */
static inline void expect_refused_at(struct __test_metadata *_metadata, const char *path,
				     const char *text, const char *suffix)
{
	static struct iotguard_policy sentinel, policy;
	struct iotguard_error error;
	char want[IOTGUARD_ERROR_MAX];

	memset(&sentinel, 0x5a, sizeof(sentinel));
	memset(&policy, 0x5a, sizeof(policy));
	write_file(_metadata, path, text);
	EXPECT_EQ(-EINVAL, policy_load(path, &policy, &error));
	snprintf(want, sizeof(want), "%s:%s", path, suffix);
	EXPECT_STREQ(want, error.msg);
	EXPECT_EQ(0, memcmp(&sentinel, &policy, sizeof(sentinel)));
}

/*
 * Nothing leaked so far. The harness ends each test with _exit(), so
 * LeakSanitizer's check at exit never runs for it: a teardown asks.
 */
static inline void expect_no_leak(struct __test_metadata *_metadata)
{
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
}

#endif
