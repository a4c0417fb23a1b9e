// SPDX-License-Identifier: GPL-2.0
/*
 * The credential audit on the device: iotguardd audits at boot, re-audits
 * within a second of the store changing (also when a tool replaces it by
 * rename), tells the kernel, and `iotguardctl provision` fixes a flagged
 * account in place.
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "kselftest_harness.h"
#include "util.h"

#define SHADOW "/etc/shadow"
#define SHADOW_SAVED "/tmp/shadow.saved"
/* The audit must follow a change within a second (CRED_SETTLE_MS + audit). */
#define FOLLOW_MS 1000

/* Replace /etc/shadow the way passwd(1) does: temp file, then rename. */
static int replace_shadow(const char *text)
{
	FILE *f = fopen(SHADOW "+", "w");

	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	chmod(SHADOW "+", 0600);
	return rename(SHADOW "+", SHADOW);
}

static char *shadow_with_nobody(const char *hash)
{
	static char text[1024];

	snprintf(text, sizeof(text), "root:*:19000:0:99999:7:::\nnobody:%s:19000:0:99999:7:::\n",
		 hash);
	return text;
}

FIXTURE(cred) {
	char out[4096];
};

FIXTURE_SETUP(cred)
{
	ASSERT_EQ(0, run_capture("cp -p " SHADOW " " SHADOW_SAVED, self->out, sizeof(self->out)));
}

FIXTURE_TEARDOWN(cred)
{
	run_capture("cp -p " SHADOW_SAVED " " SHADOW, NULL, 0);
	wait_cred_state("provisioned", 5000);
}

TEST_F(cred, boot_audit_told_the_kernel)
{
	/* The image has only locked accounts: nothing to flag. */
	EXPECT_LE(0, wait_cred_state("provisioned", 5000));
	EXPECT_EQ(0, run_capture("iotguardctl audit", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "root")) TH_LOG("%s", self->out);
}

TEST_F(cred, empty_password_is_flagged_within_a_second)
{
	long ms;

	ASSERT_EQ(0, replace_shadow(shadow_with_nobody("")));
	ms = wait_cred_state("default", 10 * FOLLOW_MS);
	TH_LOG("the kernel saw the empty password after %ld ms", ms);
	EXPECT_LE(0, ms);
	EXPECT_GE(FOLLOW_MS, ms);
	EXPECT_EQ(5, run_capture("iotguardctl audit", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "empty password  <-- FLAGGED")) TH_LOG("%s", self->out);

	ASSERT_EQ(0, run_capture("cp -p " SHADOW_SAVED " " SHADOW, NULL, 0));
	EXPECT_LE(0, wait_cred_state("provisioned", 10 * FOLLOW_MS));
}

TEST_F(cred, known_default_is_flagged)
{
	long ms;

	/* Mirai's admin, under the strong scheme a careless BSP would use. */
	ASSERT_EQ(0, replace_shadow(shadow_with_nobody(crypt("admin", "$6$careless$"))));
	ms = wait_cred_state("default", 10 * FOLLOW_MS);
	TH_LOG("the kernel saw the default password after %ld ms", ms);
	EXPECT_LE(0, ms);
	EXPECT_GE(FOLLOW_MS, ms);
}

TEST_F(cred, provision_gives_the_account_its_own_password)
{
	char line[256] = "", *password = NULL, hash[256] = "";
	struct stat st;
	FILE *f;

	ASSERT_EQ(0, replace_shadow(shadow_with_nobody("")));
	ASSERT_LE(0, wait_cred_state("default", 10 * FOLLOW_MS));
	f = fopen("/tmp/provision.conf", "w");
	ASSERT_NE(NULL, f);
	fputs("version = 1;\nprovisioning = {\n  accounts = [\"nobody\"];\n"
	      "  deliver_file = \"/tmp/initial-password\";\n  deliver_console = false;\n};\n", f);
	fclose(f);
	EXPECT_EQ(0, run_capture("iotguardctl provision --config /tmp/provision.conf",
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_LE(0, wait_cred_state("provisioned", 10 * FOLLOW_MS));

	/* Delivered once, root-only; and it is the password the store now takes. */
	ASSERT_EQ(0, stat("/tmp/initial-password", &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	f = fopen("/tmp/initial-password", "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "nobody:", 7))
			password = strdup(line + 7);
	fclose(f);
	ASSERT_NE(NULL, password);
	password[strcspn(password, "\n")] = '\0';
	f = fopen(SHADOW, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "nobody:", 7))
			sscanf(line + 7, "%255[^:]", hash);
	fclose(f);
	EXPECT_STREQ(hash, crypt(password, hash));
	EXPECT_EQ(0, strncmp(hash, "$6$", 3));
	/* The rest of the store is as it was. */
	EXPECT_EQ(0, run_capture("grep -q '^root:\\*:19000:0:99999:7:::$' " SHADOW, NULL, 0));
	free(password);
	unlink("/tmp/initial-password");
}

TEST_HARNESS_MAIN
