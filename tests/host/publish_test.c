// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of what the device publishes: calendar arithmetic (leap
 * years, month ends, time zones, the day-boundary meaning of SUPPORT_END),
 * security.txt generation and validation, the never-shortened support
 * period and its state file, and status.json's schema (the compliance
 * report's rows are report_test.c's). Built with ASan and UBSan.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sanitizer/lsan_interface.h>
#include "kselftest_harness.h"
#include "dates.h"
#include "policy.h"
#include "publish.h"
#include "report.h"
#include "report_lib.h"
#include "security_txt.h"
#include "support.h"

static const char *iso(int64_t d, char buf[DATE_ISO_LEN])
{
	date_format_iso(d, buf);
	return buf;
}

TEST(dates_round_trip_every_day_from_1900_to_2400)
{
	char buf[DATE_ISO_LEN];
	int64_t d;

	for (d = day("1900-01-01"); d <= day("2400-12-31"); d++) {
		int64_t back;

		ASSERT_EQ(0, date_parse(iso(d, buf), &back)) TH_LOG("%s", buf);
		ASSERT_EQ(d, back);
	}
	EXPECT_EQ(0, day("1970-01-01"));
	EXPECT_EQ(146097, day("2400-01-01") - day("2000-01-01"));	/* 400 years */
}

TEST(leap_years_and_month_ends)
{
	char buf[DATE_ISO_LEN];

	EXPECT_NE(INT64_MIN, day("2024-02-29"));
	EXPECT_NE(INT64_MIN, day("2000-02-29"));	/* divisible by 400 */
	EXPECT_EQ(INT64_MIN, day("2100-02-29"));	/* by 100 only */
	EXPECT_EQ(INT64_MIN, day("2027-02-29"));
	EXPECT_EQ(INT64_MIN, day("2030-04-31"));
	EXPECT_EQ(INT64_MIN, day("2030-13-01"));
	EXPECT_EQ(INT64_MIN, day("2030-00-10"));
	EXPECT_EQ(INT64_MIN, day("2030-1-01"));
	EXPECT_EQ(INT64_MIN, day("2030-01-01 "));
	EXPECT_EQ(INT64_MIN, day("31/12/2030"));
	EXPECT_STREQ("2024-03-01", iso(day("2024-02-29") + 1, buf));
	EXPECT_STREQ("2023-03-01", iso(day("2023-02-28") + 1, buf));
	EXPECT_STREQ("2031-01-01", iso(day("2030-12-31") + 1, buf));
	EXPECT_EQ(366, day("2029-01-01") - day("2028-01-01"));
}

TEST(rfc3339_forms)
{
	char buf[RFC3339_MAX];
	int64_t t;

	ASSERT_EQ(0, rfc3339_parse("2027-06-30T12:00:00Z", &t));
	EXPECT_EQ(day("2027-06-30") * DAY + 12 * 3600, t);
	ASSERT_EQ(0, rfc3339_parse("2027-06-30T14:00:00+02:00", &t));
	EXPECT_EQ(day("2027-06-30") * DAY + 12 * 3600, t);
	ASSERT_EQ(0, rfc3339_parse("2027-06-30T07:30:00.250-04:30", &t));
	EXPECT_EQ(day("2027-06-30") * DAY + 12 * 3600, t);
	ASSERT_EQ(0, rfc3339_parse("2024-02-29t00:00:00z", &t));
	EXPECT_EQ(-EINVAL, rfc3339_parse("2027-06-30 12:00:00Z", &t));
	EXPECT_EQ(-EINVAL, rfc3339_parse("2027-06-30T12:00:00", &t));	/* no offset */
	EXPECT_EQ(-EINVAL, rfc3339_parse("2027-06-30T24:00:00Z", &t));
	EXPECT_EQ(-EINVAL, rfc3339_parse("2027-02-29T00:00:00Z", &t));
	EXPECT_EQ(-EINVAL, rfc3339_parse("2027-06-30T12:00:00+0200", &t));
	EXPECT_EQ(-EINVAL, rfc3339_parse("Wed, 30 Jun 2027 12:00:00 GMT", &t));
	rfc3339_format(day("2030-12-31") * DAY + 86399, buf);
	EXPECT_STREQ("2030-12-31T23:59:59Z", buf);
}

/* SUPPORT_END is the first day without updates: the last day still counts. */
TEST(support_end_day_boundary)
{
	struct support_status st;
	char buf[DATE_ISO_LEN], text[SUPPORT_TEXT_MAX];
	int64_t until = day("2030-12-31");

	support_evaluate(until, 180, until, &st);
	EXPECT_EQ(SUPPORT_ENDING_SOON, st.state);
	EXPECT_EQ(1, st.days_left);
	EXPECT_STREQ("2031-01-01", iso(st.support_end, buf));
	support_evaluate(until, 180, until + 1, &st);
	EXPECT_EQ(SUPPORT_ENDED, st.state);
	EXPECT_EQ(0, st.days_left);
	support_evaluate(until, 180, until - 180 + 1, &st);
	EXPECT_EQ(SUPPORT_ENDING_SOON, st.state);	/* 180 days left */
	support_evaluate(until, 180, until - 180, &st);
	EXPECT_EQ(SUPPORT_SUPPORTED, st.state);
	support_evaluate(until, 0, day("2026-11-29"), &st);
	support_describe(&st, text, sizeof(text));
	EXPECT_STREQ("Security updates until 31 December 2030 (1,494 days left)", text);
	support_evaluate(until, 0, until + 10, &st);
	support_describe(&st, text, sizeof(text));
	EXPECT_STREQ("Security updates ENDED: the last was due on 31 December 2030; this device "
		     "gets no more security fixes", text);
}

/* The same instant is another day east and west: the device's zone decides. */
TEST(today_follows_the_time_zone)
{
	time_t t = (time_t)(day("2030-12-31") * DAY + 23 * 3600 + 30 * 60);	/* 23:30 UTC */
	struct support_status st;
	char *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	setenv("TZ", "JST-9", 1);	/* POSIX rule: UTC+9, no tzdata needed */
	tzset();
	EXPECT_EQ(day("2031-01-01"), date_today(t));
	support_evaluate(day("2030-12-31"), 0, date_today(t), &st);
	EXPECT_EQ(SUPPORT_ENDED, st.state);
	setenv("TZ", "EST5", 1);	/* UTC-5 */
	tzset();
	EXPECT_EQ(day("2030-12-31"), date_today(t));
	support_evaluate(day("2030-12-31"), 0, date_today(t), &st);
	EXPECT_EQ(SUPPORT_SUPPORTED, st.state);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

TEST(thousands)
{
	char buf[32];

	format_thousands(1492, buf, sizeof(buf));
	EXPECT_STREQ("1,492", buf);
	format_thousands(999, buf, sizeof(buf));
	EXPECT_STREQ("999", buf);
	format_thousands(1234567, buf, sizeof(buf));
	EXPECT_STREQ("1,234,567", buf);
}

TEST(security_txt_generated_from_the_policy_is_valid)
{
	static struct iotguard_policy policy;
	char text[SECURITY_TXT_MAX];
	struct iotguard_error error;
	struct security_txt_info info;
	int64_t now = day("2026-11-29") * DAY + 3600;

	example_policy(&policy);
	ASSERT_EQ(0, security_txt_render(&policy.publish, now, text, sizeof(text), &error))
		TH_LOG("%s", error.msg);
	ASSERT_EQ(0, security_txt_validate(text, now, &info, &error))
		TH_LOG("%s\n%s", error.msg, text);
	EXPECT_EQ(2, info.contacts);
	EXPECT_EQ((day("2026-11-29") + 365) * DAY, info.expires);
	EXPECT_NE(NULL, strstr(text, "Contact: mailto:security@example.com\n"));
	EXPECT_NE(NULL, strstr(text, "Expires: 2027-11-29T00:00:00Z\n"));
	EXPECT_NE(NULL, strstr(text, "Preferred-Languages: en, de\n"));
	EXPECT_NE(NULL, strstr(text, "Policy: https://example.com/policy\n"));
	EXPECT_NE(NULL, strstr(text, "Encryption: https://example.com/pgp-key.txt\n"));
	EXPECT_NE(NULL, strstr(text, "acknowledged within 7 days"));

	policy.publish.disclosure.contact_count = 0;
	EXPECT_EQ(-EINVAL, security_txt_render(&policy.publish, now, text, sizeof(text), &error));
	EXPECT_NE(NULL, strstr(error.msg, "no disclosure contact"));
}

static const struct {
	const char *what;
	const char *text;
	const char *error;	/* NULL: valid */
} security_txt_cases[] = {
	{ "minimal", "Contact: mailto:a@example.com\nExpires: 2027-06-01T00:00:00Z\n", NULL },
	{ "CRLF and comments", "# hi\r\nContact: tel:+44-20-7946-0000\r\n"
	  "Expires: 2027-06-01T00:00:00+01:00\r\n", NULL },
	{ "field names are case-insensitive",
	  "contact: https://example.com/\nEXPIRES: 2027-06-01T00:00:00Z\n", NULL },
	{ "http contact", "Contact: http://example.com/\nExpires: 2027-06-01T00:00:00Z\n",
	  "line 1: Contact \"http://example.com/\" is not a mailto:, tel: or https: URI" },
	{ "bare e-mail", "Contact: security@example.com\nExpires: 2027-06-01T00:00:00Z\n",
	  "line 1: Contact \"security@example.com\" is not a mailto:, tel: or https: URI" },
	{ "no contact", "Expires: 2027-06-01T00:00:00Z\n", "line 1: no Contact field" },
	{ "no expires", "Contact: mailto:a@example.com\n", "line 1: no Expires field" },
	{ "two expires", "Contact: mailto:a@example.com\nExpires: 2027-06-01T00:00:00Z\n"
	  "Expires: 2027-06-02T00:00:00Z\n", "line 3: a second Expires" },
	{ "expires not RFC 3339", "Contact: mailto:a@example.com\nExpires: 1 June 2027\n",
	  "line 2: Expires \"1 June 2027\" is not an RFC 3339 date-time" },
	{ "expired", "Contact: mailto:a@example.com\nExpires: 2026-11-01T00:00:00Z\n",
	  "line 2: expired (2026-11-01T00:00:00Z)" },
	{ "more than a year ahead", "Contact: mailto:a@example.com\nExpires: 2028-01-01T00:00:00Z\n",
	  "line 2: Expires 2028-01-01T00:00:00Z is more than a year ahead" },
	{ "two language lines", "Contact: mailto:a@example.com\nExpires: 2027-06-01T00:00:00Z\n"
	  "Preferred-Languages: en\nPreferred-Languages: de\n",
	  "line 4: a second Preferred-Languages" },
	{ "key material", "Contact: mailto:a@example.com\nExpires: 2027-06-01T00:00:00Z\n"
	  "Encryption: -----BEGIN PGP PUBLIC KEY BLOCK-----\n",
	  "line 3: Encryption must point to a key (https:, dns:, openpgp4fpr:), not hold one" },
	{ "not a field", "Contact: mailto:a@example.com\nExpires: 2027-06-01T00:00:00Z\njunk\n",
	  "line 3: not a comment and not \"Field: value\"" },
};

TEST(security_txt_validation_good_and_bad)
{
	int64_t now = day("2026-11-29") * DAY;

	for (size_t i = 0; i < sizeof(security_txt_cases) / sizeof(security_txt_cases[0]); i++) {
		struct iotguard_error error = { 0 };
		struct security_txt_info info;
		int ret = security_txt_validate(security_txt_cases[i].text, now, &info, &error);

		if (!security_txt_cases[i].error) {
			EXPECT_EQ(0, ret) TH_LOG("%s: %s", security_txt_cases[i].what, error.msg);
		} else {
			EXPECT_EQ(-EINVAL, ret) TH_LOG("%s", security_txt_cases[i].what);
			EXPECT_STREQ(security_txt_cases[i].error, error.msg);
		}
	}
	EXPECT_TRUE(security_txt_encryption_ok("openpgp4fpr:5f2de5521c63a801ab59ccb603d49de44b29100f"));
	EXPECT_FALSE(security_txt_encryption_ok("mQINBFzDUbUBEAC"));
}

FIXTURE(state) {
	char dir[64];
	char path[128];
	struct iotguard_error error;
	struct support_record record;
	enum support_change change;
};

FIXTURE_SETUP(state)
{
	strcpy(self->dir, "/tmp/iotguard-support-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/lib/support-period.json", self->dir);
}

FIXTURE_TEARDOWN(state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	system(cmd);
}

TEST_F(state, first_equal_extend_and_shorten)
{
	int64_t today = day("2026-11-29");

	ASSERT_EQ(-ENOENT, support_load(self->path, &self->record));
	ASSERT_EQ(0, support_reconcile(self->path, day("2030-12-31"), today, &self->record,
				       &self->change, &self->error)) TH_LOG("%s", self->error.msg);
	EXPECT_EQ(SUPPORT_FIRST, self->change);
	ASSERT_EQ(0, support_reconcile(self->path, day("2030-12-31"), today + 1, &self->record,
				       &self->change, &self->error));
	EXPECT_EQ(SUPPORT_UNCHANGED, self->change);
	EXPECT_EQ(1, self->record.history_count);

	/* Earlier: refused, and the published date stays. */
	ASSERT_EQ(0, support_reconcile(self->path, day("2030-12-30"), today + 2, &self->record,
				       &self->change, &self->error));
	EXPECT_EQ(SUPPORT_SHORTENING_REFUSED, self->change);
	EXPECT_EQ(day("2030-12-31"), self->record.updates_until);
	EXPECT_EQ(-EINVAL, support_check_shortening(self->path, day("2030-12-30"), &self->error));
	EXPECT_STREQ("support.updates_until 2030-12-30 is earlier than the published 2030-12-31: "
		     "a support period may be extended, never shortened", self->error.msg);
	EXPECT_EQ(0, support_check_shortening(self->path, day("2030-12-31"), &self->error));

	/* Later: recorded with the day it was published. */
	ASSERT_EQ(0, support_reconcile(self->path, day("2032-06-30"), today + 3, &self->record,
				       &self->change, &self->error));
	EXPECT_EQ(SUPPORT_EXTENDED, self->change);
	ASSERT_EQ(0, support_load(self->path, &self->record));
	EXPECT_EQ(day("2032-06-30"), self->record.updates_until);
	ASSERT_EQ(2, self->record.history_count);
	EXPECT_EQ(today, self->record.history[0].published);
	EXPECT_EQ(day("2032-06-30"), self->record.history[1].updates_until);
	EXPECT_EQ(today + 3, self->record.history[1].published);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST_F(state, corrupt_or_tampered_state_is_kept_aside)
{
	static const char *const bad[] = {
		"not json",
		"{ \"updates_until\": \"2030-02-30\", \"history\": [] }",
		/* The published date must be the history's last: else tampered. */
		("{ \"updates_until\": \"2027-01-01\", \"history\": [ { \"updates_until\": "
		 "\"2030-12-31\", \"published\": \"2026-01-01\" } ] }"),
	};
	char aside[160];

	snprintf(aside, sizeof(aside), "%s.corrupt", self->path);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_EQ(0, support_reconcile(self->path, day("2030-12-31"), day("2026-11-29"),
					       &self->record, &self->change, &self->error));
		write_file(self->path, bad[i]);
		EXPECT_EQ(-EINVAL, support_load(self->path, &self->record)) TH_LOG("%s", bad[i]);
		ASSERT_EQ(0, support_reconcile(self->path, day("2030-12-31"), day("2026-11-30"),
					       &self->record, &self->change, &self->error));
		EXPECT_EQ(SUPPORT_HISTORY_RESET, self->change);
		EXPECT_EQ(0, access(aside, F_OK));
		ASSERT_EQ(0, support_load(self->path, &self->record));
		EXPECT_EQ(day("2030-12-31"), self->record.updates_until);
		unlink(self->path);
	}
}

/* iotguardd's reload and check-policy: a policy that would shorten it is refused whole. */
TEST_F(state, policy_load_checked_refuses_a_shorter_period)
{
	static struct iotguard_policy policy, sentinel;
	char conf[160], want[IOTGUARD_ERROR_MAX];

	snprintf(conf, sizeof(conf), "%s/iotguard.conf", self->dir);
	/* With an egress section: a policy refused after parsing leaks none of it. */
	write_file(conf, "support = {\n  updates_until = \"2030-12-30\";\n};\n"
		   "egress = { allow = ( { to = \"192.0.2.1\"; } ); };\n");
	/* Nothing published yet: any date goes. */
	ASSERT_EQ(0, policy_load_checked(conf, self->path, &policy, &self->error))
		TH_LOG("%s", self->error.msg);
	EXPECT_EQ(day("2030-12-30"), policy.publish.support.updates_until);
	EXPECT_EQ(1, policy.egress.rule_count);
	policy_release(&policy);
	ASSERT_EQ(0, support_reconcile(self->path, day("2030-12-31"), day("2026-11-29"),
				       &self->record, &self->change, &self->error));
	memset(&policy, 0x5a, sizeof(policy));
	memset(&sentinel, 0x5a, sizeof(sentinel));
	EXPECT_EQ(-EINVAL, policy_load_checked(conf, self->path, &policy, &self->error));
	snprintf(want, sizeof(want), "%s: support.updates_until 2030-12-30 is earlier than the "
		 "published 2030-12-31: a support period may be extended, never shortened", conf);
	EXPECT_STREQ(want, self->error.msg);
	EXPECT_EQ(0, memcmp(&sentinel, &policy, sizeof(policy)));
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
	/* A bad file is policy_load's error. */
	write_file(conf, "mode = \"loud\";\n");
	EXPECT_EQ(-EINVAL, policy_load_checked(conf, self->path, &policy, &self->error));
	EXPECT_NE(NULL, strstr(self->error.msg, ":1: unknown mode \"loud\""))
		TH_LOG("%s", self->error.msg);
}

TEST(status_json_schema)
{
	static struct iotguard_policy policy;
	static struct device_facts f;
	json_object *root, *support, *disclosure, *v;

	example_policy(&policy);
	facts(&f, &policy, ACCOUNT_PROVISIONED);
	root = status_json_build(&f.published);
	EXPECT_STREQ(STATUS_JSON_SCHEMA, row_field(root, "schema"));
	ASSERT_TRUE(json_object_object_get_ex(root, "support", &support));
	EXPECT_STREQ("supported", row_field(support, "state"));
	EXPECT_STREQ("2030-12-31", row_field(support, "updates_until"));
	EXPECT_STREQ("2031-01-01", row_field(support, "support_end"));
	EXPECT_STREQ("2031-01-01", row_field(support, "os_release_support_end"));
	ASSERT_TRUE(json_object_object_get_ex(support, "days_left", &v));
	EXPECT_EQ(1494, json_object_get_int64(v));	/* 33 + 365 + 366 + 365 + 365 */
	ASSERT_TRUE(json_object_object_get_ex(support, "history", &v));
	EXPECT_EQ(1, json_object_array_length(v));
	ASSERT_TRUE(json_object_object_get_ex(root, "disclosure", &disclosure));
	ASSERT_TRUE(json_object_object_get_ex(disclosure, "contact", &v));
	EXPECT_EQ(2, json_object_array_length(v));
	EXPECT_STREQ("2027-11-29T00:00:00Z", row_field(disclosure, "security_txt_expires"));
	ASSERT_TRUE(json_object_object_get_ex(root, "product", &v));
	EXPECT_STREQ("ExampleCam 3", row_field(v, "model"));
	json_object_put(root);
}

TEST_HARNESS_MAIN
