/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the policy parser's host tests share: the fixture (a file to
 * write, a policy released after each test and no leak), loading a policy
 * from text, and expecting one refused with its exact "path:line: message"
 * and the caller's policy untouched. Include after kselftest_harness.h.
 */
#ifndef IOTGUARD_TEST_POLICY_LIB_H
#define IOTGUARD_TEST_POLICY_LIB_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

/* A policy file to write, and a policy at its defaults, released after the test. */
FIXTURE(policy) {
	char path[64];
	struct iotguard_error error;
	struct iotguard_policy policy;
};

FIXTURE_SETUP(policy)
{
	int fd;

	strcpy(self->path, "/tmp/iotguard-policy-XXXXXX");
	fd = mkstemp(self->path);
	ASSERT_GE(fd, 0);
	close(fd);
	policy_defaults(&self->policy);
}

FIXTURE_TEARDOWN(policy)
{
	policy_release(&self->policy);
	unlink(self->path);
	expect_no_leak(_metadata);
}

/* Refused with "<path>:<suffix>" exactly, and the policy left alone. */
static inline void expect_refused(struct __test_metadata *_metadata,
				  FIXTURE_DATA(policy) *self, const char *text,
				  const char *suffix)
{
	expect_refused_at(_metadata, self->path, text, suffix);
}

/* Load text into self->policy (released first); false after logging why not. */
static inline bool load(struct __test_metadata *_metadata, FIXTURE_DATA(policy) *self,
			const char *text)
{
	policy_release(&self->policy);
	write_file(_metadata, self->path, text);
	if (!policy_load(self->path, &self->policy, &self->error))
		return true;
	TH_LOG("%s", self->error.msg);
	return false;
}

#endif
