// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the compliance report: its rows judged from facts
 * (every account, the outbound policy the kernel holds) and its JSON
 * schema. Built with ASan and UBSan.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "kselftest_harness.h"
#include "report.h"
#include "report_lib.h"

/* No cap: the 65th of 65 accounts, the only flagged one, still fails §1. */
TEST(report_flags_the_last_of_many_accounts)
{
	static struct iotguard_policy policy;
	static struct account_fact many[65];
	static struct device_facts f;
	struct report_row rows[REPORT_ROWS];

	example_policy(&policy);
	facts(&f, &policy, ACCOUNT_PROVISIONED);
	for (size_t i = 0; i < 65; i++) {
		snprintf(many[i].name, sizeof(many[i].name), "user%zu", i);
		many[i].scheme = "locked";
		many[i].class = ACCOUNT_LOCKED;
	}
	many[64].scheme = "none";
	many[64].class = ACCOUNT_EMPTY;
	f.accounts = many;
	f.account_count = 65;
	report_build(&f, rows);
	EXPECT_EQ(ROW_FAIL, rows[ROW_PSTI_1].result);
	EXPECT_EQ(ROW_FAIL, rows[ROW_ETSI_5_1_1].result);
	EXPECT_NE(NULL, strstr(rows[ROW_PSTI_1].evidence,
			       "65 account(s), 1 flagged; user64: none, empty password (FLAGGED)"))
		TH_LOG("%s", rows[ROW_PSTI_1].evidence);
	EXPECT_FALSE(report_compliant(rows));
}

TEST(report_json_schema_and_verdicts)
{
	static const char *const ids[] = {
		"PSTI Sch.1 §1", "PSTI Sch.1 §2", "PSTI Sch.1 §3", "ETSI 5.1-1", "ETSI 5.1-2",
		"ETSI 5.1-3", "ETSI 5.1-4", "ETSI 5.1-5", "ETSI 5.2-1", "ETSI 5.3-13",
		"ETSI 5.6-1", "Outbound policy",
	};
	static struct iotguard_policy policy;
	static struct device_facts f;
	struct report_row rows[REPORT_ROWS];
	json_object *root, *reqs, *v, *statement;

	example_policy(&policy);
	policy.publish.support.set = true;
	policy.publish.compliance.declared_ports[0] = 22;
	policy.publish.compliance.declared_port_count = 1;
	strcpy(policy.publish.compliance.standards[0], "ETSI EN 303 645 V2.1.1");
	policy.publish.compliance.standard_count = 1;

	facts(&f, &policy, ACCOUNT_PROVISIONED);
	report_build(&f, rows);
	root = report_json(&f, rows);
	ASSERT_NE(NULL, root);
	EXPECT_STREQ(REPORT_SCHEMA, row_field(root, "schema"));
	EXPECT_STREQ("2026-11-29T00:00:00Z", row_field(root, "generated"));
	ASSERT_TRUE(json_object_object_get_ex(root, "compliant", &v));
	EXPECT_TRUE(json_object_get_boolean(v)) TH_LOG("%s", json_object_to_json_string(root));
	ASSERT_TRUE(json_object_object_get_ex(root, "requirements", &reqs));
	ASSERT_EQ(sizeof(ids) / sizeof(ids[0]), json_object_array_length(reqs));
	for (size_t i = 0; i < json_object_array_length(reqs); i++) {
		json_object *row = json_object_array_get_idx(reqs, i);
		const char *result = row_field(row, "result");

		EXPECT_STREQ(ids[i], row_field(row, "id"));
		ASSERT_NE(NULL, row_field(row, "requirement"));
		ASSERT_NE(NULL, row_field(row, "evidence"));
		EXPECT_NE(0, row_field(row, "evidence")[0]) TH_LOG("%s has no evidence", ids[i]);
		ASSERT_NE(NULL, result);
		EXPECT_TRUE(!strcmp(result, "pass") || !strcmp(result, "fail") || !strcmp(result, "n/a"));
		EXPECT_STREQ(i == ROW_OUTBOUND ? "n/a" : "pass", result) TH_LOG("%s: %s", ids[i],
			row_field(row, "evidence"));
	}
	ASSERT_TRUE(json_object_object_get_ex(root, "statement_of_compliance", &statement));
	EXPECT_STREQ("Example Devices Ltd", row_field(statement, "manufacturer"));
	EXPECT_STREQ("2030-12-31", row_field(statement, "security_updates_until"));
	ASSERT_TRUE(json_object_object_get_ex(statement, "standards", &v));
	EXPECT_EQ(1, json_object_array_length(v));
	json_object_put(root);

	/* The vendor default: both password rows fail, nothing else does. */
	facts(&f, &policy, ACCOUNT_DEFAULT);
	report_build(&f, rows);
	for (size_t i = 0; i < REPORT_ROWS; i++) {
		bool password_row = i == ROW_PSTI_1 || i == ROW_ETSI_5_1_1;

		EXPECT_EQ(password_row ? ROW_FAIL : i == ROW_OUTBOUND ? ROW_NOT_APPLICABLE : ROW_PASS,
			  rows[i].result) TH_LOG("%s: %s", rows[i].id, rows[i].evidence);
	}
	EXPECT_NE(NULL, strstr(rows[ROW_PSTI_1].evidence, "root: sha512crypt, known default (FLAGGED)"))
		TH_LOG("%s", rows[ROW_PSTI_1].evidence);
	EXPECT_FALSE(report_compliant(rows));

	/* An undeclared listener, an ended period, a missing module. */
	facts(&f, &policy, ACCOUNT_PROVISIONED);
	f.listeners[1] = 8080;
	f.listener_count = 2;
	support_evaluate(day("2030-12-31"), 180, day("2031-01-01"), &f.published.support);
	f.module_loaded = false;
	report_build(&f, rows);
	EXPECT_EQ(ROW_FAIL, rows[ROW_ETSI_5_6_1].result);
	EXPECT_NE(NULL, strstr(rows[ROW_ETSI_5_6_1].evidence, "8080 (NOT DECLARED)"));
	EXPECT_EQ(ROW_FAIL, rows[ROW_PSTI_3].result);
	EXPECT_EQ(ROW_FAIL, rows[ROW_ETSI_5_1_5].result);
}

/* An enforced policy installed and attached, with the LSM hooks, and counters. */
static void outbound_enforced(struct device_facts *f)
{
	struct egress_state *o = &f->outbound;

	o->attached = o->lsm_hooks = o->installed = true;
	o->gen = 1;
	o->config = (struct egress_config){ .enforce = 1, .default_deny = 1, .rule_count = 4 };
	o->services = 2;
	o->stats[EGRESS_STAT_CHECKED] = 10;
	o->stats[EGRESS_STAT_ALLOWED] = 7;
	o->stats[EGRESS_STAT_DENIED] = 3;
}

static const char *outbound_evidence(struct device_facts *f, struct report_row *rows)
{
	report_build(f, rows);
	return rows[ROW_OUTBOUND].evidence;
}

TEST(report_outbound_row)
{
	static struct iotguard_policy policy;
	static struct device_facts f;
	struct report_row rows[REPORT_ROWS];
	const char *ev;

	example_policy(&policy);
	policy.publish.support.set = true;
	policy.publish.compliance.declared_ports[0] = 22;
	policy.publish.compliance.declared_port_count = 1;
	facts(&f, &policy, ACCOUNT_PROVISIONED);

	/* No policy in the file, none in the kernel: not applicable, the verdict unchanged. */
	ev = outbound_evidence(&f, rows);
	EXPECT_EQ(ROW_NOT_APPLICABLE, rows[ROW_OUTBOUND].result);
	EXPECT_STREQ("no outbound policy: every destination is allowed (the policy file has no "
		     "egress section)", ev);
	EXPECT_TRUE(report_compliant(rows));
	/* Attached programs with nothing installed allow everything just the same. */
	f.outbound.attached = true;
	ev = outbound_evidence(&f, rows);
	EXPECT_EQ(ROW_NOT_APPLICABLE, rows[ROW_OUTBOUND].result);

	/* Enforced: the kernel's state passes, whatever the file says, and says so. */
	outbound_enforced(&f);
	ev = outbound_evidence(&f, rows);
	EXPECT_EQ(ROW_PASS, rows[ROW_OUTBOUND].result) TH_LOG("%s", ev);
	EXPECT_STREQ("enforce, default deny, 4 rule(s), 2 service cgroup(s); 3 refused, 0 audited "
		     "of 10 checked; the policy file has no egress section: iotguardd removes this "
		     "policy at its next start or SIGHUP; not locked", ev);
	EXPECT_TRUE(report_compliant(rows));
	policy.has_egress = true;
	policy.egress.mode = EGRESS_MODE_ENFORCE;
	f.outbound.stats[EGRESS_STAT_EVENTS_LOST] = 5;
	f.outbound.lock = (struct egress_lock){ .locked = 1, .config = { .enforce = 1,
									 .rule_count = 4 } };
	ev = outbound_evidence(&f, rows);
	EXPECT_EQ(ROW_PASS, rows[ROW_OUTBOUND].result);
	EXPECT_STREQ("enforce, default deny, 4 rule(s), 2 service cgroup(s); 3 refused, 0 audited "
		     "of 10 checked (5 refusal event(s) lost); locked until reboot (floor: "
		     "enforce, 4 rule(s))", ev);

	/* Without BPF LSM: still a pass, with what is not enforced said. */
	f.outbound.lsm_hooks = false;
	ev = outbound_evidence(&f, rows);
	EXPECT_EQ(ROW_PASS, rows[ROW_OUTBOUND].result);
	EXPECT_NE(NULL, strstr(ev, "; DEGRADED: BPF LSM is not active: packet sockets and "
			       "other families' (CAN, Bluetooth...) are not refused")) TH_LOG("%s", ev);
	/* Also when the policy allows raw and packet sockets: the other families are not refused. */
	f.outbound.config.raw_sockets = 1;
	ev = outbound_evidence(&f, rows);
	EXPECT_NE(NULL, strstr(ev, "DEGRADED")) TH_LOG("%s", ev);

	/* Audit mode fails, first thing said; the file asking for enforce is noted. */
	outbound_enforced(&f);
	f.outbound.config.enforce = 0;
	f.outbound.stats[EGRESS_STAT_AUDITED] = 2;
	ev = outbound_evidence(&f, rows);
	EXPECT_EQ(ROW_FAIL, rows[ROW_OUTBOUND].result);
	EXPECT_EQ(ev, strstr(ev, "audit mode: counts, refuses nothing; audit, default deny"))
		TH_LOG("%s", ev);
	EXPECT_NE(NULL, strstr(ev, "2 audited of 10 checked")) TH_LOG("%s", ev);
	EXPECT_NE(NULL, strstr(ev, "; the policy file says enforce: not applied yet"))
		TH_LOG("%s", ev);
	EXPECT_FALSE(report_compliant(rows));

	/* Installed but the programs are gone: nothing is judged. */
	outbound_enforced(&f);
	f.outbound.attached = false;
	ev = outbound_evidence(&f, rows);
	EXPECT_EQ(ROW_FAIL, rows[ROW_OUTBOUND].result);
	EXPECT_EQ(ev, strstr(ev, "the programs are NOT attached: nothing is judged; enforce"))
		TH_LOG("%s", ev);

	/* The file asks for a policy the kernel does not hold. */
	memset(&f.outbound, 0, sizeof(f.outbound));
	ev = outbound_evidence(&f, rows);
	EXPECT_EQ(ROW_FAIL, rows[ROW_OUTBOUND].result);
	EXPECT_STREQ("no outbound policy: the policy file has an egress section (mode enforce) but "
		     "the programs are not attached (is iotguardd running?)", ev);
	f.outbound.attached = true;
	ev = outbound_evidence(&f, rows);
	EXPECT_NE(NULL, strstr(ev, "but none is installed")) TH_LOG("%s", ev);

	/* Not root: the maps cannot be read, and that is no pass. */
	memset(&f.outbound, 0, sizeof(f.outbound));
	f.outbound.read_error = -EACCES;
	policy.has_egress = false;
	ev = outbound_evidence(&f, rows);
	EXPECT_EQ(ROW_FAIL, rows[ROW_OUTBOUND].result);
	EXPECT_STREQ("the outbound policy's state could not be read (Permission denied: run as "
		     "root)", ev);
}

static json_object *field(json_object *obj, const char *key)
{
	json_object *v = NULL;

	return json_object_object_get_ex(obj, key, &v) ? v : NULL;
}

TEST(report_json_outbound)
{
	static struct iotguard_policy policy;
	static struct device_facts f;
	struct report_row rows[REPORT_ROWS];
	json_object *root, *o, *counters;

	example_policy(&policy);
	facts(&f, &policy, ACCOUNT_PROVISIONED);
	outbound_enforced(&f);
	report_build(&f, rows);
	root = report_json(&f, rows);
	o = field(root, "outbound");
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(json_object_get_boolean(field(o, "attached")));
	EXPECT_TRUE(json_object_get_boolean(field(o, "lsm_hooks")));
	EXPECT_TRUE(json_object_get_boolean(field(o, "installed")));
	EXPECT_FALSE(json_object_get_boolean(field(o, "locked")));
	EXPECT_FALSE(json_object_get_boolean(field(o, "policy_file_egress")));
	EXPECT_STREQ("enforce", row_field(o, "mode"));
	EXPECT_STREQ("deny", row_field(o, "default"));
	EXPECT_EQ(1, json_object_get_int64(field(o, "generation")));
	EXPECT_EQ(4, json_object_get_int64(field(o, "rules")));
	EXPECT_EQ(2, json_object_get_int64(field(o, "services")));
	EXPECT_EQ(NULL, field(o, "error"));
	counters = field(o, "counters");
	ASSERT_NE(NULL, counters);
	EXPECT_EQ(10, json_object_get_int64(field(counters, "checked")));
	EXPECT_EQ(7, json_object_get_int64(field(counters, "allowed")));
	EXPECT_EQ(3, json_object_get_int64(field(counters, "denied")));
	EXPECT_EQ(0, json_object_get_int64(field(counters, "audited")));
	EXPECT_EQ(0, json_object_get_int64(field(counters, "events_lost")));
	json_object_put(root);

	/* Nothing installed: the policy's settings are null, not zero. */
	memset(&f.outbound, 0, sizeof(f.outbound));
	root = report_json(&f, rows);
	o = field(root, "outbound");
	ASSERT_NE(NULL, o);
	EXPECT_FALSE(json_object_get_boolean(field(o, "installed")));
	EXPECT_EQ(NULL, field(o, "mode"));
	EXPECT_EQ(NULL, field(o, "rules"));
	json_object_put(root);
}

TEST_HARNESS_MAIN
