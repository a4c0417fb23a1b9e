// SPDX-License-Identifier: GPL-2.0
/*
 * What the device publishes, on the device: security.txt, status.json and
 * the support-period state appear with the right permissions and content,
 * a policy that shortens the period is refused while an extension is
 * recorded, `iotguardctl status` speaks to the owner, and `iotguardctl
 * report` fails a device with a vendor default and passes it provisioned.
 */
#include <crypt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "kselftest_harness.h"
#include "util.h"

#define SECURITY_TXT "/var/www/.well-known/security.txt"
#define STATUS_JSON "/run/iotguard/status.json"
#define SUPPORT_STATE "/var/lib/iotguard/support-period.json"
#define POLICY "/etc/iotguard/iotguard.conf"

static const char *get_string(json_object *obj, const char *path)
{
	char key[64];
	const char *dot;
	json_object *v = obj;

	while (v && *path) {
		dot = strchr(path, '.');
		snprintf(key, sizeof(key), "%.*s", dot ? (int)(dot - path) : (int)strlen(path), path);
		if (!json_object_object_get_ex(v, key, &v))
			return NULL;
		path = dot ? dot + 1 : "";
	}
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static void expect_mode(struct __test_metadata *_metadata, const char *path, mode_t mode)
{
	struct stat st;

	ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s is missing", path);
	EXPECT_EQ(mode, st.st_mode & 07777) TH_LOG("%s: mode %o", path, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_uid) TH_LOG("%s: owner %u", path, st.st_uid);
}

TEST(published_files_and_their_permissions)
{
	char text[4096];

	expect_mode(_metadata, SECURITY_TXT, 0644);
	expect_mode(_metadata, STATUS_JSON, 0644);
	expect_mode(_metadata, SUPPORT_STATE, 0644);
	ASSERT_EQ(0, run_capture("cat " SECURITY_TXT, text, sizeof(text)));
	EXPECT_NE(NULL, strstr(text, "Contact: mailto:security@example.com\n")) TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "Policy: https://example.com/security/policy\n"));
	EXPECT_NE(NULL, strstr(text, "\nExpires: 20")) TH_LOG("%s", text);
	EXPECT_EQ(NULL, strstr(strstr(text, "Expires:") + 1, "Expires:"));
	/* Anyone may read what is published. */
	EXPECT_EQ(0, run_capture("su -s /bin/sh nobody -c 'cat " SECURITY_TXT " " STATUS_JSON "'",
				 NULL, 0));
}

TEST(status_json_tells_the_support_period)
{
	json_object *root = json_object_from_file(STATUS_JSON), *v;

	ASSERT_NE(NULL, root);
	EXPECT_STREQ("iotguard-status/1", get_string(root, "schema"));
	EXPECT_STREQ("supported", get_string(root, "support.state"));
	EXPECT_STREQ("2030-12-31", get_string(root, "support.updates_until"));
	EXPECT_STREQ("2031-01-01", get_string(root, "support.support_end"));
	/* Set at image build time by scripts/os-release-support-end. */
	EXPECT_STREQ("2031-01-01", get_string(root, "support.os_release_support_end"));
	EXPECT_STREQ("Example Devices Ltd", get_string(root, "product.manufacturer"));
	EXPECT_NE(NULL, get_string(root, "product.software_version"));
	EXPECT_NE(NULL, get_string(root, "disclosure.security_txt_expires"));
	ASSERT_TRUE(json_object_object_get_ex(root, "support", &v));
	ASSERT_TRUE(json_object_object_get_ex(v, "days_left", &v));
	EXPECT_LT(0, json_object_get_int64(v));
	json_object_put(root);
}

TEST(ctl_status_speaks_to_the_owner)
{
	char out[8192];

	ASSERT_EQ(0, run_capture("iotguardctl status", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "Security updates until 31 December 2030 (")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, " days left)")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "report issues to:   mailto:security@example.com"));
}

/* Edit the policy's updates_until and SIGHUP the agent. */
static void set_until(struct __test_metadata *_metadata, const char *date)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "sed -i 's/^  updates_until = .*/  updates_until = \"%s\";/' "
		 POLICY " && kill -HUP $(cat /run/iotguardd.pid)", date);
	ASSERT_EQ(0, run_capture(cmd, NULL, 0));
	usleep(1500 * 1000);
}

TEST(support_period_is_never_shortened)
{
	char out[4096];
	json_object *root, *support, *history;

	ASSERT_EQ(0, run_capture("cp -p " POLICY " /tmp/policy.saved && cp -p " SUPPORT_STATE
				 " /tmp/support.saved", NULL, 0));
	set_until(_metadata, "2029-12-31");
	EXPECT_EQ(0, wait_for_log("policy refused", "earlier than the published 2030-12-31: "
				  "a support period may be extended, never shortened", out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_EQ(1, run_capture("iotguardctl check-policy", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "never shortened")) TH_LOG("%s", out);
	root = json_object_from_file(STATUS_JSON);
	ASSERT_NE(NULL, root);
	EXPECT_STREQ("2030-12-31", get_string(root, "support.updates_until"));
	json_object_put(root);

	set_until(_metadata, "2031-06-30");
	EXPECT_EQ(0, wait_for_log("support period", "extended: security updates until 2031-06-30",
				  out, sizeof(out))) TH_LOG("%s", out);
	root = json_object_from_file(STATUS_JSON);
	ASSERT_NE(NULL, root);
	EXPECT_STREQ("2031-06-30", get_string(root, "support.updates_until"));
	ASSERT_TRUE(json_object_object_get_ex(root, "support", &support));
	ASSERT_TRUE(json_object_object_get_ex(support, "history", &history));
	EXPECT_EQ(2, json_object_array_length(history));
	EXPECT_NE(NULL, json_object_array_get_idx(history, 1));
	json_object_put(root);

	/* Put the device back as the image had it (test cleanup only). */
	ASSERT_EQ(0, run_capture("cp -p /tmp/support.saved " SUPPORT_STATE " && cp -p "
				 "/tmp/policy.saved " POLICY " && kill -HUP $(cat /run/iotguardd.pid)",
				 NULL, 0));
	usleep(1500 * 1000);
}

/* A period that ends in ten days is "ending soon", said at once in the log. */
TEST(ending_soon_is_warned)
{
	char out[4096], date[16];
	time_t soon = time(NULL) + 10 * 86400;
	json_object *root;
	struct tm tm;

	localtime_r(&soon, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	/* A device that has published nothing yet (test setup only). */
	ASSERT_EQ(0, run_capture("cp -p " POLICY " /tmp/policy.saved && mv " SUPPORT_STATE
				 " /tmp/support.saved", NULL, 0));
	set_until(_metadata, date);
	EXPECT_EQ(0, wait_for_log("ending soon", "days left: ending soon)", out, sizeof(out)))
		TH_LOG("%s", out);
	root = json_object_from_file(STATUS_JSON);
	ASSERT_NE(NULL, root);
	EXPECT_STREQ("ending soon", get_string(root, "support.state"));
	EXPECT_STREQ(date, get_string(root, "support.updates_until"));
	json_object_put(root);
	ASSERT_EQ(0, run_capture("mv /tmp/support.saved " SUPPORT_STATE " && cp -p "
				 "/tmp/policy.saved " POLICY " && kill -HUP $(cat /run/iotguardd.pid)",
				 NULL, 0));
	usleep(1500 * 1000);
}

static const char *row_result(json_object *report, const char *id)
{
	json_object *rows;

	if (!json_object_object_get_ex(report, "requirements", &rows))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(rows); i++) {
		json_object *row = json_object_array_get_idx(rows, i);

		if (!strcmp(get_string(row, "id"), id))
			return get_string(row, "result");
	}
	return NULL;
}

static json_object *report(struct __test_metadata *_metadata, int want_status)
{
	static char out[32768];

	EXPECT_EQ(want_status, run_capture("iotguardctl report --json 2>/dev/null", out, sizeof(out)))
		TH_LOG("%s", out);
	return json_tokener_parse(out);
}

TEST(report_fails_a_vendor_default_then_passes)
{
	static const char *const others[] = {
		"PSTI Sch.1 §2", "PSTI Sch.1 §3", "ETSI 5.1-2", "ETSI 5.1-3", "ETSI 5.1-4",
		"ETSI 5.1-5", "ETSI 5.2-1", "ETSI 5.3-13", "ETSI 5.6-1",
	};
	char line[256];
	json_object *root;
	FILE *f;

	/* A compliant device first. */
	root = report(_metadata, 0);
	ASSERT_NE(NULL, root);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		EXPECT_STREQ("pass", row_result(root, others[i])) TH_LOG("%s", others[i]);
	}
	EXPECT_STREQ("pass", row_result(root, "PSTI Sch.1 §1"));
	EXPECT_STREQ("n/a", row_result(root, "Outbound policy"));
	json_object_put(root);

	/* A vendor account with Mirai's admin:admin. */
	ASSERT_EQ(0, run_capture("cp -p /etc/passwd /tmp/passwd.saved && cp -p /etc/shadow "
				 "/tmp/shadow.saved", NULL, 0));
	f = fopen("/etc/passwd", "a");
	ASSERT_NE(NULL, f);
	fputs("admin:x:1001:1001::/tmp:/bin/sh\n", f);
	fclose(f);
	snprintf(line, sizeof(line), "admin:%s:19000:0:99999:7:::\n", crypt("admin", "$6$vendor$"));
	f = fopen("/etc/shadow", "a");
	ASSERT_NE(NULL, f);
	fputs(line, f);
	fclose(f);
	ASSERT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS));
	root = report(_metadata, 1);
	ASSERT_NE(NULL, root);
	EXPECT_STREQ("fail", row_result(root, "PSTI Sch.1 §1"));
	EXPECT_STREQ("fail", row_result(root, "ETSI 5.1-1"));
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		EXPECT_STREQ("pass", row_result(root, others[i])) TH_LOG("%s", others[i]);
	}
	json_object_put(root);

	ASSERT_EQ(0, run_capture("cp -p /tmp/passwd.saved /etc/passwd && cp -p /tmp/shadow.saved "
				 "/etc/shadow", NULL, 0));
	ASSERT_LE(0, wait_cred_state("provisioned", AUDIT_SETTLE_MS));
	root = report(_metadata, 0);
	ASSERT_NE(NULL, root);
	EXPECT_STREQ("pass", row_result(root, "PSTI Sch.1 §1"));
	json_object_put(root);
}

TEST_HARNESS_MAIN
