// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the credential audit on fixture root trees: every
 * class, the per-hash cache (crypt calls = changed accounts x deny-list
 * size, zero for unchanged ones), the login programs' precedence between
 * passwd and shadow, entries that cannot be judged flagged with file:line,
 * and unreadable stores refused with file:line.
 * Built with ASan and UBSan.
 */
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "accounts.h"
#include "audit.h"
#include "denylist.h"

/* Hash with a fixed salt, so the fixtures are the same every run. */
static const char *hash_with(const char *password, const char *setting)
{
	static char out[8][CRYPT_OUTPUT_SIZE];
	static int next;
	static const char rbytes[16] = "fixed fixture rb";
	char gensalt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data data;
	char *slot = out[next++ % 8];

	/* A bare prefix ("$y$") asks libxcrypt for a setting from fixed bytes. */
	if (setting[strlen(setting) - 1] == '$' && strlen(setting) <= 4 &&
	    crypt_gensalt_rn(setting, 0, rbytes, sizeof(rbytes), gensalt, sizeof(gensalt)))
		setting = gensalt;
	memset(&data, 0, sizeof(data));
	snprintf(slot, CRYPT_OUTPUT_SIZE, "%s",
		 crypt_rn(password, setting, &data, sizeof(data)) ? data.output : "*");
	return slot;
}

FIXTURE(audit) {
	char root[64];
	char path[128];
	struct iotguard_error error;
	struct denylist denylist;
	struct account_list accounts;
	struct audit audit;
};

FIXTURE_SETUP(audit)
{
	char dir[128];

	strcpy(self->root, "/tmp/iotguard-audit-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	snprintf(dir, sizeof(dir), "%s/etc", self->root);
	ASSERT_EQ(0, mkdir(dir, 0755));
	ASSERT_EQ(0, denylist_load(DENYLIST_DIR, &self->denylist, &self->error))
		TH_LOG("%s", self->error.msg);
	audit_init(&self->audit);
	memset(&self->accounts, 0, sizeof(self->accounts));
}

FIXTURE_TEARDOWN(audit)
{
	char cmd[128];

	audit_free(&self->audit);
	accounts_free(&self->accounts);
	denylist_free(&self->denylist);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->root);
	system(cmd);
}

static void write_etc(struct __test_metadata *_metadata, const char *root,
		      const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/etc/%s", root, name);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs(text, f);
	fclose(f);
}

/* passwd for the named accounts, uid 1000 + i. */
static void write_store(struct __test_metadata *_metadata, const char *root,
			const char *const *names, const char *const *hashes, size_t n)
{
	char passwd[4096] = "", shadow[4096] = "", line[512];

	for (size_t i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "%s:x:%zu:%zu::/home/%s:/bin/sh\n",
			 names[i], 1000 + i, 1000 + i, names[i]);
		strcat(passwd, line);
		snprintf(line, sizeof(line), "%s:%s:19000:0:99999:7:::\n", names[i], hashes[i]);
		strcat(shadow, line);
	}
	write_etc(_metadata, root, "passwd", passwd);
	write_etc(_metadata, root, "shadow", shadow);
}

/*
 * The verdicts depend on the scheme, never on its cost, and every deny-listed
 * password is hashed with each unique account's setting: at libxcrypt's
 * default costs that took over 30 s under QEMU's TCG. So the cheapest
 * settings: sha512crypt's minimum rounds, yescrypt with the smallest N and r
 * libxcrypt accepts ("j/."). Measured in the guest (TCG): 0.6 s idle, 2.2 s
 * with a CPU hog on each host core; 20 s leaves 9 times that.
 */
TEST_F_TIMEOUT(audit, every_class_on_a_fixture_tree, 20)
{
	const char *names[] = {
		"empty", "mirai", "des_default", "des_unique", "md5_unique",
		"bang", "star", "bang_default", "unique_sha512", "unique_yescrypt",
	};
	const char *hashes[] = {
		"",
		hash_with("xc3511", "$6$rounds=1000$fixturesalt$"),	/* Mirai: root:xc3511 */
		hash_with("admin", "ab"),
		hash_with("Zq8!unique", "ab"),
		hash_with("Zq8!unique", "$1$fixture$"),
		"!",
		"*",
		"!$6$x$abc",		/* locked, whatever is behind the "!" */
		hash_with("Zq8!unique-pass", "$6$rounds=1000$fixturesalt$"),
		hash_with("Zq8!unique-pass", "$y$j/.$aZ4SZF46aZ4SoJbQZ/WQW/"),
	};
	const enum account_class want[] = {
		ACCOUNT_EMPTY, ACCOUNT_DEFAULT, ACCOUNT_DEFAULT, ACCOUNT_WEAK_HASH,
		ACCOUNT_WEAK_HASH, ACCOUNT_LOCKED, ACCOUNT_LOCKED, ACCOUNT_LOCKED,
		ACCOUNT_PROVISIONED, ACCOUNT_PROVISIONED,
	};
	struct audit_verdict verdicts[10];
	size_t n = sizeof(names) / sizeof(names[0]);

	write_store(_metadata, self->root, names, hashes, n);
	ASSERT_EQ(0, accounts_read(self->root, &self->accounts, &self->error))
		TH_LOG("%s", self->error.msg);
	ASSERT_EQ(n, self->accounts.count);
	EXPECT_EQ(3, audit_accounts(&self->audit, &self->accounts, &self->denylist, verdicts));
	for (size_t i = 0; i < n; i++) {
		EXPECT_EQ(want[i], verdicts[i].class) TH_LOG("%s: %s", names[i],
			account_class_name(verdicts[i].class));
	}
	EXPECT_STREQ("DES", verdicts[3].scheme);
	EXPECT_STREQ("md5crypt", verdicts[4].scheme);
	EXPECT_STREQ("yescrypt", verdicts[9].scheme);
}

TEST_F(audit, cache_hashes_only_changed_accounts)
{
	const char *names[] = { "a", "b", "c" };
	const char *hashes[] = {
		hash_with("Zq8!one", "$6$rounds=1000$saltone$"),
		hash_with("Zq8!two", "$6$rounds=1000$salttwo$"),
		hash_with("Zq8!three", "$6$rounds=1000$saltthree$"),
	};
	struct audit_verdict verdicts[3];
	unsigned long calls;

	write_store(_metadata, self->root, names, hashes, 3);
	ASSERT_EQ(0, accounts_read(self->root, &self->accounts, &self->error));
	audit_accounts(&self->audit, &self->accounts, &self->denylist, verdicts);
	/* Unique passwords: every deny-listed password is tried once each. */
	EXPECT_EQ(3 * self->denylist.count, self->audit.crypt_calls);
	TH_LOG("deny-list: %zu distinct passwords", self->denylist.count);

	calls = self->audit.crypt_calls;
	audit_accounts(&self->audit, &self->accounts, &self->denylist, verdicts);
	EXPECT_EQ(calls, self->audit.crypt_calls);	/* unchanged: none */

	hashes[1] = hash_with("Zq8!two-changed", "$6$rounds=1000$saltfour$");
	write_store(_metadata, self->root, names, hashes, 3);
	accounts_free(&self->accounts);
	ASSERT_EQ(0, accounts_read(self->root, &self->accounts, &self->error));
	audit_accounts(&self->audit, &self->accounts, &self->denylist, verdicts);
	EXPECT_EQ(calls + self->denylist.count, self->audit.crypt_calls);
	/* The old hash is gone from the cache, the new one is in it. */
	EXPECT_EQ(3, self->audit.cache_len);
}

/*
 * `iotguardctl audit --root` on the fixture tree, as an image build runs it:
 * the exit status, with its table in out. Through the command, so
 * that these cases hold for every caller of the store's reader.
 */
static int audit_cli(FIXTURE_DATA(audit) *self, char *out, size_t len)
{
	char cmd[512];
	size_t n;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "%s audit --root %s --lists %s 2>&1",
		 IOTGUARDCTL, self->root, DENYLIST_DIR);
	out[0] = '\0';
	p = popen(cmd, "r");
	if (!p)
		return -1;	/* no exit status: fails every expectation */
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The store is judged and flagged (exit 5), and the output says want. */
static void expect_flagged(struct __test_metadata *_metadata, FIXTURE_DATA(audit) *self,
			   const char *passwd, const char *shadow, const char *want)
{
	char out[8192];

	write_etc(_metadata, self->root, "passwd", passwd);
	write_etc(_metadata, self->root, "shadow", shadow);
	EXPECT_EQ(5, audit_cli(self, out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, want)) TH_LOG("want '%s' in:\n%s", want, out);
}

/* A line that cannot be judged is flagged with its file:line, not fatal. */
static void expect_unjudgeable(struct __test_metadata *_metadata, FIXTURE_DATA(audit) *self,
			       const char *passwd, const char *shadow, const char *file,
			       const char *suffix)
{
	char want[IOTGUARD_ERROR_MAX];

	snprintf(want, sizeof(want), "%s/etc/%s%s", self->root, file, suffix);
	expect_flagged(_metadata, self, passwd, shadow, want);
}

/*
 * busybox login and pam_unix check passwd's field unless it is "x"; busybox
 * also reads shadow for "*" (pam_unix does not: the weaker of the two counts).
 */
TEST_F(audit, passwd_field_unless_x_or_star)
{
	expect_flagged(_metadata, self, "root::0:0:root:/root:/bin/sh\n",
		       "root:*:19000:0:99999:7:::\n", "empty password  <-- FLAGGED");
	expect_flagged(_metadata, self, "root:*:0:0:root:/root:/bin/sh\n",
		       "root::19000:0:99999:7:::\n", "empty password  <-- FLAGGED");
}

TEST_F(audit, hash_in_passwd_over_a_locked_shadow)
{
	char passwd[512];

	snprintf(passwd, sizeof(passwd), "root:%s:0:0:root:/root:/bin/sh\n",
		 hash_with("admin", "$6$fixturesalt$"));
	expect_flagged(_metadata, self, passwd, "root:!:19000:0:99999:7:::\n",
		       "known default  <-- FLAGGED");
}

/* getspnam returns the first of two lines; the audit once read the last. */
TEST_F(audit, second_shadow_line_for_an_account)
{
	char shadow[512];

	snprintf(shadow, sizeof(shadow), "root:%s:19000:0:99999:7:::\nroot:*:19000:0:99999:7:::\n",
		 hash_with("admin", "$6$fixturesalt$"));
	expect_unjudgeable(_metadata, self, "root:x:0:0:root:/root:/bin/sh\n", shadow,
			   "shadow", ":2: account 'root' listed twice in shadow (first at line 1)");
}

TEST_F(audit, second_passwd_line_for_an_account)
{
	expect_unjudgeable(_metadata, self,
			   "root:x:0:0::/root:/bin/sh\nroot:x:0:0::/root:/bin/sh\n",
			   "root:*:19000::::::\n",
			   "passwd", ":2: account 'root' listed twice in passwd");
}

/*
 * The second line after the list grew (64 accounts): the first's flag once
 * went to freed memory. The message is checked here; ASan catches the
 * write in tests/fuzz/corpus/accounts/regress-duplicate-after-64.
 */
TEST_F(audit, second_passwd_line_after_the_list_grows)
{
	static char passwd[64 * 48];
	size_t n = 0;

	n += snprintf(passwd + n, sizeof(passwd) - n, "root:x:0:0::/root:/bin/sh\n");
	for (int i = 1; i < 64; i++)
		n += snprintf(passwd + n, sizeof(passwd) - n, "user%d:x:%d:%d::/:/bin/false\n",
			      i, 1000 + i, 1000 + i);
	snprintf(passwd + n, sizeof(passwd) - n, "root:x:0:0::/root:/bin/sh\n");
	expect_unjudgeable(_metadata, self, passwd, "root:*:19000::::::\n",
			   "passwd", ":65: account 'root' listed twice in passwd");
}

TEST_F(audit, nis_lines)
{
	expect_unjudgeable(_metadata, self, "root:x:0:0::/root:/bin/sh\n+::::::\n",
			   "root:*:19000::::::\n",
			   "passwd", ":2: NIS compat entry ('+' or '-')");
	expect_unjudgeable(_metadata, self, "root:x:0:0::/root:/bin/sh\n-guest:x:::::\n",
			   "root:*:19000::::::\n",
			   "passwd", ":2: NIS compat entry ('+' or '-')");
	expect_unjudgeable(_metadata, self, "root:x:0:0::/root:/bin/sh\n",
			   "root:*:19000::::::\n+::::::::\n",
			   "shadow", ":2: NIS compat entry ('+' or '-') in shadow");
}

TEST_F(audit, malformed_shadow_line)
{
	expect_unjudgeable(_metadata, self, "root:x:0:0::/root:/bin/sh\n",
			   "root:$6$x$y:19000:0:99999:7:::\nbroken line without fields\n",
			   "shadow", ":2: not a valid shadow entry");
}

TEST_F(audit, malformed_passwd_line)
{
	expect_unjudgeable(_metadata, self,
			   "root:x:0:0::/root:/bin/sh\nuser:x:notanumber:0::/:/bin/sh\n",
			   "root:*:19000::::::\n", "passwd", ":2: not a valid passwd entry");
}

TEST_F(audit, shadow_entry_without_account)
{
	expect_unjudgeable(_metadata, self, "root:x:0:0::/root:/bin/sh\n",
			   "root:*:19000::::::\nghost:$6$x$y:19000::::::\n",
			   "shadow", ":2: in shadow but not in passwd");
}

/* accounts_read must refuse and name file:line. */
static void expect_store_error(struct __test_metadata *_metadata,
			       FIXTURE_DATA(audit) *self, const char *passwd,
			       const char *shadow, int err, const char *file, const char *suffix)
{
	char want[IOTGUARD_ERROR_MAX];

	write_etc(_metadata, self->root, "passwd", passwd);
	if (shadow)
		write_etc(_metadata, self->root, "shadow", shadow);
	EXPECT_EQ(-err, accounts_read(self->root, &self->accounts, &self->error));
	snprintf(want, sizeof(want), "%s/etc/%s%s", self->root, file, suffix);
	EXPECT_STREQ(want, self->error.msg);
	EXPECT_EQ(NULL, self->accounts.items);
}

TEST_F(audit, one_mebibyte_line)
{
	size_t len = 1 << 20;
	char *huge = malloc(len + 64);

	ASSERT_NE(NULL, huge);
	strcpy(huge, "root:*:19000::::::\nbig:");
	memset(huge + strlen(huge), 'A', len);
	strcpy(huge + 19 + 4 + len, ":19000::::::\n");
	expect_store_error(_metadata, self, "root:x:0:0::/root:/bin/sh\nbig:x:1:1::/:/bin/sh\n",
			   huge, EINVAL, "shadow", ":2: line longer than 4094 bytes");
	free(huge);
}

TEST_F(audit, missing_shadow)
{
	expect_store_error(_metadata, self, "root:x:0:0::/root:/bin/sh\n", NULL,
			   ENOENT, "shadow", ": cannot open: No such file or directory");
}

TEST_F(audit, missing_passwd)
{
	char want[IOTGUARD_ERROR_MAX];

	EXPECT_EQ(-ENOENT, accounts_read(self->root, &self->accounts, &self->error));
	snprintf(want, sizeof(want), "%s/etc/passwd: cannot open: No such file or directory",
		 self->root);
	EXPECT_STREQ(want, self->error.msg);
}

TEST_F(audit, bad_denylists)
{
	struct denylist list;
	char want[IOTGUARD_ERROR_MAX];
	struct iotguard_error error;

	/* No list at all would let every default through. */
	EXPECT_EQ(-ENOENT, denylist_load(self->root, &list, &error));
	snprintf(want, sizeof(want), "%s: no deny-list (*.txt) found", self->root);
	EXPECT_STREQ(want, error.msg);

	write_etc(_metadata, self->root, "../vendor.txt", "# ours\nroot:hunter2\nnocolon\n");
	EXPECT_EQ(-EINVAL, denylist_load(self->root, &list, &error));
	snprintf(want, sizeof(want), "%s/vendor.txt:3: expected user:password", self->root);
	EXPECT_STREQ(want, error.msg);
}

TEST_F(audit, vendor_list_is_added)
{
	const char *names[] = { "root" };
	const char *hashes[] = { hash_with("Vendor-Factory-2024", "$6$fixturesalt$") };
	struct audit_verdict verdicts[1];
	struct denylist list;
	struct iotguard_error error;

	write_store(_metadata, self->root, names, hashes, 1);
	ASSERT_EQ(0, accounts_read(self->root, &self->accounts, &self->error));
	EXPECT_EQ(0, audit_accounts(&self->audit, &self->accounts, &self->denylist, verdicts));

	write_etc(_metadata, self->root, "../vendor.txt", "root:Vendor-Factory-2024\n");
	ASSERT_EQ(0, denylist_load(self->root, &list, &error)) TH_LOG("%s", error.msg);
	audit_free(&self->audit);
	EXPECT_EQ(1, audit_accounts(&self->audit, &self->accounts, &list, verdicts));
	EXPECT_EQ(ACCOUNT_DEFAULT, verdicts[0].class);
	denylist_free(&list);
}

TEST_F(audit, ctl_audit_root_exit_status)
{
	const char *bad_names[] = { "root" };
	const char *bad[] = { "" };
	const char *good[] = { hash_with("Zq8!unique", "$6$fixturesalt$") };
	char cmd[512];

	write_store(_metadata, self->root, bad_names, bad, 1);
	snprintf(cmd, sizeof(cmd), "%s audit --root %s --lists %s >/dev/null 2>&1",
		 IOTGUARDCTL, self->root, DENYLIST_DIR);
	EXPECT_EQ(5, WEXITSTATUS(system(cmd)));
	write_store(_metadata, self->root, bad_names, good, 1);
	EXPECT_EQ(0, WEXITSTATUS(system(cmd)));
}

/* Guest timeout: the longest run measured was 9.6 s (TCG, 6.12, a CPU hog on each host core). */
TEST_F_TIMEOUT(audit, image_with_the_device_secret_fails_the_build, 45)
{
	const char *names[] = { "root" };
	const char *good[] = { hash_with("Zq8!unique", "$6$fixturesalt$") };
	char cmd[512], dir[128];

	write_store(_metadata, self->root, names, good, 1);
	snprintf(dir, sizeof(dir), "%s/etc/iotguard", self->root);
	ASSERT_EQ(0, mkdir(dir, 0755));
	write_etc(_metadata, self->root, "iotguard/iotguard.conf",
		  "version = 1;\nprovisioning = {\n  method = \"derived\";\n"
		  "  secret_file = \"/factory/key\";\n  device_id_file = \"/factory/mac\";\n};\n");
	snprintf(cmd, sizeof(cmd), "%s audit --root %s --lists %s >/dev/null 2>&1",
		 IOTGUARDCTL, self->root, DENYLIST_DIR);
	EXPECT_EQ(0, WEXITSTATUS(system(cmd)));	/* the secret stays at the factory */

	snprintf(dir, sizeof(dir), "%s/factory", self->root);
	ASSERT_EQ(0, mkdir(dir, 0700));
	write_etc(_metadata, self->root, "../factory/key", "0123456789abcdef0123456789abcdef");
	EXPECT_EQ(5, WEXITSTATUS(system(cmd)));	/* shipped in the image: refused */
}

TEST_HARNESS_MAIN
