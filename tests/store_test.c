// SPDX-License-Identifier: GPL-2.0
/*
 * The credential store as the device really has it, judged as its login
 * programs read it:
 * - passwd's empty field wins over shadow's "*": a telnet login as root
 *   with no password is refused (the audit used to read "locked" and open
 *   the login ports);
 * - /etc/shadow as a symlink into a data partition: a change to the target
 *   is re-audited, and so is a change after the link is re-pointed;
 * - the compliance report keeps every account: a flagged 65th still fails;
 * - the report warns that Debian's kernel has CONFIG_MODULE_FORCE_UNLOAD.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include <sys/stat.h>
#include "kselftest_harness.h"
#include "genl_raw.h"
#include "login_guard.h"
#include "sessions.h"
#include "util.h"

#define DATA "/tmp/iotguard-data"	/* stands for a writable data partition */

FIXTURE(store) {
	char out[65536];
};

FIXTURE_SETUP(store)
{
	ASSERT_EQ(0, run_capture("cp -p /etc/passwd /tmp/store-passwd.saved && "
				 "cp -p /etc/shadow /tmp/store-shadow.saved && "
				 "rm -rf " DATA " " DATA "2 && mkdir -p " DATA " " DATA "2", NULL, 0));
	ASSERT_LE(0, wait_cred_state("provisioned", AUDIT_SETTLE_MS)) TH_LOG("the device starts provisioned");
}

FIXTURE_TEARDOWN(store)
{
	/* rm first: cp would write through a symlink into the data directory. */
	run_capture("rm -f /etc/shadow && cp -p /tmp/store-shadow.saved /etc/shadow && "
		    "cp -p /tmp/store-passwd.saved /etc/passwd && rm -rf " DATA " " DATA "2",
		    NULL, 0);
	wait_cred_state("provisioned", AUDIT_SETTLE_MS);
	agent_reapply();
}

/* Replace root's lines: passwd field pw, shadow field sp. */
static int set_root(const char *pw, const char *sp)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "sed -i 's/^root:[^:]*:/root:%s:/' /etc/passwd && "
		 "sed -i 's/^root:[^:]*:/root:%s:/' /etc/shadow", pw, sp);
	return run_capture(cmd, NULL, 0);
}

#define EXPECT_OUTCOME(want, got) do {						\
	enum outcome _got = (got);						\
	EXPECT_EQ(want, _got) TH_LOG("%s: %s", #got, outcome_names[_got]);	\
} while (0)

TEST_F(store, empty_passwd_field_over_a_locked_shadow)
{
	__u64 before;

	/* The attacker's subnet is exempt from the lockout: the guard is what is tested. */
	ASSERT_EQ(0, exempt_attacker_subnet());

	/* busybox login reads passwd's empty field and asks for nothing. */
	ASSERT_EQ(0, set_root("", "*"));
	EXPECT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS)) TH_LOG("root was not flagged");
	ASSERT_EQ(5, run_capture("iotguardctl audit", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "empty password  <-- FLAGGED")) TH_LOG("%s", self->out);
	/* The audit holds everywhere; the refusal is the login guard's. */
	SKIP_WITHOUT_BPF_LSM(return);
	before = guard_stat(LOGIN_GUARD_STAT_SETUID_DENIED) +
		 guard_stat(LOGIN_GUARD_STAT_EXEC_DENIED);
	EXPECT_OUTCOME(REFUSED, telnet_login("root", NULL));
	EXPECT_LT(before, guard_stat(LOGIN_GUARD_STAT_SETUID_DENIED) +
			  guard_stat(LOGIN_GUARD_STAT_EXEC_DENIED));
}

/*
 * Return once the agent has audited after this call, without a clock: an
 * account with an empty password (no shadow line) appears in passwd and
 * goes again.
 */
static int audited_after_now(void)
{
	if (run_capture("echo 'storesync::4000:4000::/:/bin/false' >> /etc/passwd", NULL, 0) ||
	    wait_cred_state("default", AUDIT_SETTLE_MS) < 0 ||
	    run_capture("sed -i '/^storesync:/d' /etc/passwd", NULL, 0) ||
	    wait_cred_state("provisioned", AUDIT_SETTLE_MS) < 0)
		return -1;
	return 0;
}

TEST_F(store, shadow_symlinked_into_a_data_partition)
{
	/* The link itself is made in /etc: that much was always seen. */
	ASSERT_EQ(0, run_capture("cp -p /etc/shadow " DATA "/shadow && "
				 "ln -sf " DATA "/shadow /etc/shadow", NULL, 0));
	/* The agent has audited with the link in place. */
	ASSERT_EQ(0, audited_after_now());

	/* A change to the target, in place: nothing happens in /etc. */
	ASSERT_EQ(0, run_capture("sed -i 's/^root:[^:]*:/root::/' " DATA "/shadow", NULL, 0));
	EXPECT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS)) TH_LOG("the target's change was not seen");

	/* Replaced by rename in the data directory, as passwd(1) does it. */
	ASSERT_EQ(0, run_capture("cp -p /tmp/store-shadow.saved " DATA "/shadow.new && "
				 "mv " DATA "/shadow.new " DATA "/shadow", NULL, 0));
	EXPECT_LE(0, wait_cred_state("provisioned", AUDIT_SETTLE_MS)) TH_LOG("the rename was not seen");

	/* Re-pointed: the new target is watched. */
	ASSERT_EQ(0, run_capture("cp -p /tmp/store-shadow.saved " DATA "2/shadow && "
				 "ln -sf " DATA "2/shadow /etc/shadow", NULL, 0));
	ASSERT_EQ(0, audited_after_now());
	ASSERT_EQ(0, run_capture("sed -i 's/^root:[^:]*:/root::/' " DATA "2/shadow", NULL, 0));
	EXPECT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS)) TH_LOG("the new target's change was not seen");
}

/* Provisioning through the link rewrites the data partition's file and keeps the link. */
TEST_F(store, provisioning_writes_through_a_symlinked_shadow)
{
	struct stat st;

	ASSERT_EQ(0, run_capture("cp -p /etc/shadow " DATA "/shadow && "
				 "ln -sf " DATA "/shadow /etc/shadow && "
				 "sed -i 's/^root:[^:]*:/root::/' " DATA "/shadow", NULL, 0));
	ASSERT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS));
	EXPECT_EQ(0, run_capture("iotguardctl provision", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	EXPECT_LE(0, wait_cred_state("provisioned", AUDIT_SETTLE_MS));
	ASSERT_EQ(0, lstat("/etc/shadow", &st));
	EXPECT_TRUE(S_ISLNK(st.st_mode)) TH_LOG("the link was replaced by a file");
	EXPECT_NE(0, run_capture("grep -q '^root::' " DATA "/shadow", NULL, 0));
}

/* The 65th account of a store, the only flagged one, still fails PSTI §1. */
TEST_F(store, report_keeps_every_account)
{
	FILE *pw = fopen("/etc/passwd", "a"), *sp = fopen("/etc/shadow", "a");
	char *row;

	ASSERT_NE(NULL, pw);
	ASSERT_NE(NULL, sp);
	for (int i = 0; i < 65; i++) {
		fprintf(pw, "u%d:x:%d:%d::/:/bin/false\n", i, 3000 + i, 3000 + i);
		fprintf(sp, "u%d:%s:19000:0:99999:7:::\n", i, i == 64 ? "" : "!");
	}
	fclose(pw);
	fclose(sp);
	ASSERT_LE(0, wait_cred_state("default", AUDIT_SETTLE_MS));
	EXPECT_EQ(1, run_capture("iotguardctl report 2>&1", self->out, sizeof(self->out)));
	row = strstr(self->out, "  fail  PSTI Sch.1 §1");
	ASSERT_NE(NULL, row) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(row, "u64: none, empty password (FLAGGED)")) TH_LOG("%s", self->out);
}

/* Debian's kernels are built with it: lock cannot hold against rmmod -f. */
TEST_F(store, report_and_status_flag_force_unload)
{
	run_capture("iotguardctl report 2>&1", self->out, sizeof(self->out));
	EXPECT_NE(NULL, strstr(self->out, "RISK: the kernel has CONFIG_MODULE_FORCE_UNLOAD"))
		TH_LOG("%s", self->out);
	EXPECT_EQ(0, run_capture("iotguardctl status", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "force unload:       RISK: CONFIG_MODULE_FORCE_UNLOAD=y"))
		TH_LOG("%s", self->out);
}

TEST_HARNESS_MAIN
