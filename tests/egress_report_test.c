// SPDX-License-Identifier: GPL-2.0
/*
 * The outbound policy in `iotguardctl report` and `iotguardctl status`, in
 * the device, against tables written directly (egress_tables.h): an
 * enforced policy passes with its refusals counted, audit mode fails saying
 * why, and with the policy removed the report says there is none.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include "kselftest_harness.h"
#include "egress.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "egress_peer.h"
#include "egress_tables.h"
#include "sessions.h"
#include "util.h"

#define OUT_MAX 65536

static __u64 denied(void)
{
	__u64 stats[__EGRESS_STAT_MAX] = {};

	return egress_read_stats(stats) ? UINT64_MAX : stats[EGRESS_STAT_DENIED];
}

/*
 * The outbound row of `iotguardctl report`: its result word ("pass",
 * "fail", "n/a") into result, its evidence line into evidence. 0, or -1 if
 * the report has no such row.
 */
static int outbound_row(char *out, char result[8], char evidence[1024])
{
	char *row, *ev;

	run_capture("iotguardctl report", out, OUT_MAX);
	row = strstr(out, " Outbound policy ");
	if (!row)
		return -1;
	/* "  pass  Outbound policy ...\n        EVIDENCE\n" */
	while (row > out && row[-1] != '\n')
		row--;
	if (sscanf(row, " %7s", result) != 1)
		return -1;
	ev = strchr(row, '\n');
	if (!ev)
		return -1;
	ev += strspn(ev, "\n ");
	snprintf(evidence, 1024, "%.*s", (int)strcspn(ev, "\n"), ev);
	return 0;
}

FIXTURE(report)
{
	char out[OUT_MAX];
	char result[8];
	char evidence[1024];
};

FIXTURE_SETUP(report)
{
	struct egress_attach_opts opts = { .cgroup_root = "/sys/fs/cgroup", .lsm = true };
	struct iotguard_error err;
	int ret;

	SKIP_SETUP_WITHOUT_BPF_LSM();
	ASSERT_EQ(0, setup_network());
	/* Loading (verifying) takes seconds under emulation: once a boot is enough. */
	ret = egress_pinned() ? 0 : egress_attach(&opts, &err);
	ASSERT_LE(0, ret) TH_LOG("egress_attach: %s", err.msg);
	ASSERT_TRUE(egress_pinned());
	ASSERT_EQ(0, apply_tables(true, false));
}

FIXTURE_TEARDOWN(report)
{
	struct iotguard_error err;

	/* The rest of the suite runs without an outbound policy. */
	EXPECT_EQ(0, egress_uninstall(&err));
}

TEST_F_TIMEOUT(report, enforced_passes_with_the_refusal_counted, EGRESS_TEST_TIMEOUT_S)
{
	__u64 before, after;
	unsigned long long shown = 0;
	const char *count;

	before = denied();
	ASSERT_NE(UINT64_MAX, before);
	ASSERT_EQ(-EPERM, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_SHUT));
	ASSERT_EQ(0, outbound_row(self->out, self->result, self->evidence)) TH_LOG("%s", self->out);
	after = denied();
	EXPECT_STREQ("pass", self->result) TH_LOG("%s", self->evidence);
	EXPECT_EQ((const char *)self->evidence, strstr(self->evidence, "enforce, default deny, "))
		TH_LOG("%s", self->evidence);
	/*
	 * Ours and any other process's refusals until the report read the
	 * counters: at least ours, at most what the counter says after.
	 */
	count = strstr(self->evidence, " refused, ");
	ASSERT_NE(NULL, count) TH_LOG("%s", self->evidence);
	while (count > self->evidence && count[-1] != ' ')
		count--;
	ASSERT_EQ(1, sscanf(count, "%llu", &shown));
	EXPECT_LE(before + 1, shown);
	EXPECT_GE(after, shown);
	EXPECT_NE(NULL, strstr(self->evidence, "; not locked")) TH_LOG("%s", self->evidence);
}

TEST_F_TIMEOUT(report, json_and_status_show_the_policy, EGRESS_TEST_TIMEOUT_S)
{
	json_object *root, *o, *v;
	__u64 before = denied();

	ASSERT_EQ(-EPERM, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_SHUT));
	run_capture("iotguardctl report --json", self->out, OUT_MAX);
	root = json_tokener_parse(self->out);
	ASSERT_NE(NULL, root) TH_LOG("%s", self->out);
	ASSERT_TRUE(json_object_object_get_ex(root, "outbound", &o));
	ASSERT_TRUE(json_object_object_get_ex(o, "mode", &v));
	EXPECT_STREQ("enforce", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "attached", &v));
	EXPECT_TRUE(json_object_get_boolean(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "counters", &v));
	ASSERT_TRUE(json_object_object_get_ex(v, "denied", &v));
	EXPECT_LE(before + 1, (__u64)json_object_get_uint64(v));
	json_object_put(root);

	EXPECT_EQ(0, run_capture("iotguardctl status", self->out, OUT_MAX)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\n  outbound:\n    attached:         yes"))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\n    installed:        yes\n"
			       "    mode:             enforce\n"
			       "    default:          deny\n")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\n    locked:           no\n"
			       "    counters:         checked ")) TH_LOG("%s", self->out);
}

TEST_F_TIMEOUT(report, audit_mode_fails_saying_so, EGRESS_TEST_TIMEOUT_S)
{
	ASSERT_EQ(0, apply_tables(false, false));
	ASSERT_EQ(0, outbound_row(self->out, self->result, self->evidence)) TH_LOG("%s", self->out);
	EXPECT_STREQ("fail", self->result) TH_LOG("%s", self->evidence);
	EXPECT_EQ((const char *)self->evidence,
		  strstr(self->evidence, "audit mode: counts, refuses nothing; audit, default deny"))
		TH_LOG("%s", self->evidence);
	EXPECT_NE(NULL, strstr(self->out, "Some requirements FAIL")) TH_LOG("%s", self->out);
	run_capture("iotguardctl status", self->out, OUT_MAX);
	EXPECT_NE(NULL, strstr(self->out, "    mode:             audit (counts, refuses nothing)\n"))
		TH_LOG("%s", self->out);
}

TEST_F_TIMEOUT(report, uninstalled_says_no_outbound_policy, EGRESS_TEST_TIMEOUT_S)
{
	struct iotguard_error err;

	ASSERT_EQ(0, egress_uninstall(&err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, outbound_row(self->out, self->result, self->evidence)) TH_LOG("%s", self->out);
	/* The image's policy file has no egress section: nothing to fail. */
	EXPECT_STREQ("n/a", self->result) TH_LOG("%s", self->evidence);
	EXPECT_STREQ("no outbound policy: every destination is allowed (the policy file has no "
		     "egress section)", self->evidence);
	run_capture("iotguardctl status", self->out, OUT_MAX);
	EXPECT_NE(NULL, strstr(self->out, "    installed:        no: every destination is allowed\n"))
		TH_LOG("%s", self->out);
}

TEST_HARNESS_MAIN
