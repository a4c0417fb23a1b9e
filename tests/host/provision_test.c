// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of provisioning: password formats, HMAC derivation, the
 * secret file checks, and the atomic shadow rewrite (other entries byte for
 * byte, bad input changes nothing, kill -9 at random points never leaves a
 * broken file). Built with ASan and UBSan.
 */
#include <crypt.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "accounts.h"
#include "password.h"
#include "policy.h"
#include "provision.h"
#include "shadow_update.h"

#define KILL_TRIALS 100
#define MANY_ACCOUNTS 300

static char *slurp(const char *path)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void write_file(struct __test_metadata *_metadata, const char *path,
		       const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ASSERT_NE(NULL, f);
	fputs(text, f);
	fclose(f);
	ASSERT_EQ(0, chmod(path, mode));
}

static bool verifies(const char *password, const char *hash)
{
	struct crypt_data data;

	memset(&data, 0, sizeof(data));
	return crypt_rn(password, hash, &data, sizeof(data)) && !strcmp(data.output, hash);
}

/* The hash field of account's line in a shadow text. */
static const char *hash_of(const char *shadow, const char *account, char *out, size_t len)
{
	char key[80];
	const char *p;
	size_t n;

	snprintf(key, sizeof(key), "\n%s:", account);
	p = !strncmp(shadow, key + 1, strlen(key + 1)) ? shadow - 1 : strstr(shadow, key);
	if (!p)
		return NULL;
	p += strlen(key);
	n = strcspn(p, ":");
	snprintf(out, len, "%.*s", (int)n, p);
	return out;
}

FIXTURE(prov) {
	char root[64];
	char path[256];
	struct iotguard_error error;
	struct iotguard_policy policy;
	char original[8192];
};

static void rooted(FIXTURE_DATA(prov) *self, const char *rel)
{
	snprintf(self->path, sizeof(self->path), "%s/%s", self->root, rel);
}

FIXTURE_SETUP(prov)
{
	char cmd[1024];
	const char *passwd =
		"root:x:0:0:root:/root:/bin/sh\n"
		"daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
		"admin:x:1000:1000:Admin:/home/admin:/bin/sh\n"
		"guest:x:1001:1001::/home/guest:/bin/sh\n";

	strcpy(self->root, "/tmp/iotguard-prov-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->root));
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/etc/iotguard %s/root && cp -r %s %s/etc/iotguard/",
		 self->root, self->root, DENYLIST_DIR, self->root);
	ASSERT_EQ(0, system(cmd));
	rooted(self, "etc/passwd");
	write_file(_metadata, self->path, passwd, 0644);
	/* root: Mirai's root:admin; admin: empty; guest: unique; daemon locked. */
	snprintf(self->original, sizeof(self->original),
		 "root:%s:19000:0:99999:7:::\n"
		 "daemon:*:19000:0:99999:7:::\n"
		 "admin::19000:0:99999:7:::\n"
		 "guest:$6$fixed$ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ:19000:0:99999:7:::\n",
		 crypt("admin", "$6$rounds=1000$fixturesalt$"));
	rooted(self, "etc/shadow");
	write_file(_metadata, self->path, self->original, 0600);
	memset(&self->policy, 0, sizeof(self->policy));
	self->policy.version = 1;
	strcpy(self->policy.deny_lists, "/etc/iotguard/credentials");
	self->policy.provisioning.method = PROVISION_RANDOM;
	self->policy.provisioning.scheme = HASH_SHA512CRYPT;
	strcpy(self->policy.provisioning.deliver_file, "/root/iotguard-initial-password");
}

FIXTURE_TEARDOWN(prov)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->root);
	system(cmd);
}

TEST(hmac_sha256_known_answer)
{
	/* RFC 4231, test case 2. */
	static const unsigned char want[32] = {
		0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26,
		0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83,
		0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43,
	};
	const char *data = "what do ya want for nothing?";
	unsigned char out[32];

	ASSERT_EQ(0, hmac_sha256("Jefe", 4, data, strlen(data), out));
	EXPECT_EQ(0, memcmp(want, out, sizeof(want)));
}

TEST(random_passwords_are_copyable_and_distinct)
{
	char seen[100][PASSWORD_LEN];
	struct iotguard_error error;

	EXPECT_LE(80.0, password_entropy_bits());
	for (int i = 0; i < 100; i++) {
		ASSERT_EQ(0, password_random(seen[i], &error));
		ASSERT_EQ(PASSWORD_LEN - 1, strlen(seen[i]));
		for (int k = 0; k < PASSWORD_LEN - 1; k++) {
			if ((k + 1) % (PASSWORD_GROUP_LEN + 1) == 0) {
				EXPECT_EQ('-', seen[i][k]);
			} else {
				EXPECT_NE(NULL, strchr("23456789abcdefghjkmnpqrstuvwxyz", seen[i][k]));
			}
		}
		for (int j = 0; j < i; j++) {
			EXPECT_STRNE(seen[i], seen[j]);
		}
	}
}

TEST_F(prov, derived_is_the_same_for_the_same_inputs_only)
{
	char a[PASSWORD_LEN], b[PASSWORD_LEN], c[PASSWORD_LEN], d[PASSWORD_LEN];
	struct iotguard_error error;

	rooted(self, "secret");
	write_file(_metadata, self->path, "0123456789abcdef0123456789abcdef-unit-42", 0600);
	ASSERT_EQ(0, password_derived(self->path, "root", "52:54:00:12:34:56", a, &error))
		TH_LOG("%s", error.msg);
	ASSERT_EQ(0, password_derived(self->path, "root", "52:54:00:12:34:56", b, &error));
	ASSERT_EQ(0, password_derived(self->path, "admin", "52:54:00:12:34:56", c, &error));
	ASSERT_EQ(0, password_derived(self->path, "root", "52:54:00:12:34:57", d, &error));
	EXPECT_STREQ(a, b);
	EXPECT_STRNE(a, c);
	EXPECT_STRNE(a, d);
}

TEST_F(prov, derived_refuses_a_bad_secret)
{
	struct iotguard_error error;
	char out[PASSWORD_LEN];

	rooted(self, "secret");
	EXPECT_EQ(-ENOENT, password_derived(self->path, "root", "id", out, &error));
	EXPECT_NE(NULL, strstr(error.msg, "No such file")) TH_LOG("%s", error.msg);

	write_file(_metadata, self->path, "short", 0600);
	EXPECT_EQ(-EINVAL, password_derived(self->path, "root", "id", out, &error));
	EXPECT_NE(NULL, strstr(error.msg, "too short (5 bytes; at least 32)"))
		TH_LOG("%s", error.msg);

	write_file(_metadata, self->path, "0123456789abcdef0123456789abcdef", 0644);
	EXPECT_EQ(-EACCES, password_derived(self->path, "root", "id", out, &error));
	EXPECT_NE(NULL, strstr(error.msg, "readable by others (mode 644)"))
		TH_LOG("%s", error.msg);

	ASSERT_EQ(0, chmod(self->path, 0640));
	EXPECT_EQ(-EACCES, password_derived(self->path, "root", "id", out, &error));
	EXPECT_NE(NULL, strstr(error.msg, "readable by others (mode 640)"))
		TH_LOG("%s", error.msg);
}

/* Guest timeout: the longest run measured was 22 s (TCG, 6.12, a CPU hog on each host core). */
TEST_F_TIMEOUT(prov, random_provisions_flagged_accounts_and_keeps_the_rest, 90)
{
	char pw_root[64] = "", pw_admin[64] = "", hash[256], line[128];
	struct provision_result result;
	const char *shadow;
	struct stat st;
	FILE *f;

	ASSERT_EQ(0, provision(self->root, &self->policy, false, &result, &self->error))
		TH_LOG("%s", self->error.msg);
	EXPECT_EQ(2, result.changed);

	rooted(self, "root/iotguard-initial-password");
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	f = fopen(self->path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "root:", 5))
			strcpy(pw_root, line + 5);
		if (!strncmp(line, "admin:", 6))
			strcpy(pw_admin, line + 6);
	}
	fclose(f);

	rooted(self, "etc/shadow");
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	shadow = slurp(self->path);
	ASSERT_NE(NULL, hash_of(shadow, "root", hash, sizeof(hash)));
	EXPECT_EQ(0, strncmp(hash, "$6$", 3));
	EXPECT_TRUE(verifies(pw_root, hash));
	EXPECT_FALSE(verifies("admin", hash));
	ASSERT_NE(NULL, hash_of(shadow, "admin", hash, sizeof(hash)));
	EXPECT_TRUE(verifies(pw_admin, hash));
	/* Untouched entries, byte for byte, in their places. */
	EXPECT_NE(NULL, strstr(shadow, "\ndaemon:*:19000:0:99999:7:::\nadmin:$6$"));
	EXPECT_NE(NULL, strstr(shadow, strstr(self->original, "guest:")));
	EXPECT_NE(NULL, strstr(shadow, ":19000:0:99999:7:::\ndaemon:"));

	/* Provisioned: never again unless asked. */
	EXPECT_TRUE(provisioned_before(self->root));
	shadow = strdup(shadow);
	ASSERT_EQ(0, provision(self->root, &self->policy, false, &result, &self->error));
	EXPECT_EQ(0, result.changed);
	EXPECT_STREQ(shadow, slurp(self->path));
	ASSERT_EQ(0, provision(self->root, &self->policy, true, &result, &self->error));
	EXPECT_EQ(3, result.changed);	/* --force: all but the locked one */
	free((void *)shadow);
}

TEST_F(prov, yescrypt_is_selectable)
{
	struct provision_result result;
	char hash[256];

	self->policy.provisioning.scheme = HASH_YESCRYPT;
	ASSERT_EQ(0, provision(self->root, &self->policy, false, &result, &self->error));
	rooted(self, "etc/shadow");
	ASSERT_NE(NULL, hash_of(slurp(self->path), "root", hash, sizeof(hash)));
	EXPECT_EQ(0, strncmp(hash, "$y$", 3));
}

TEST_F(prov, derived_matches_the_factory_label)
{
	struct provision_result result;
	char label[PASSWORD_LEN], hash[256], secret[256];
	struct iotguard_error error;

	self->policy.provisioning.method = PROVISION_DERIVED;
	self->policy.provisioning.deliver_file[0] = '\0';
	strcpy(self->policy.provisioning.secret_file, "/factory/key");
	strcpy(self->policy.provisioning.device_id_file, "/factory/mac");
	self->policy.provisioning.account_count = 1;
	strcpy(self->policy.provisioning.accounts[0], "root");
	rooted(self, "factory");
	ASSERT_EQ(0, mkdir(self->path, 0700));
	rooted(self, "factory/mac");
	write_file(_metadata, self->path, "52:54:00:12:34:56\n", 0644);
	rooted(self, "factory/key");
	write_file(_metadata, self->path, "factory-key-for-unit-0001-0123456789abcdef", 0600);
	strcpy(secret, self->path);

	ASSERT_EQ(0, provision(self->root, &self->policy, false, &result, &self->error))
		TH_LOG("%s", self->error.msg);
	EXPECT_EQ(1, result.changed);
	ASSERT_EQ(0, password_derived(secret, "root", "52:54:00:12:34:56", label, &error));
	rooted(self, "etc/shadow");
	ASSERT_NE(NULL, hash_of(slurp(self->path), "root", hash, sizeof(hash)));
	EXPECT_TRUE(verifies(label, hash));
	/* The empty admin account is not in the policy's list: left alone. */
	EXPECT_NE(NULL, strstr(slurp(self->path), "\nadmin::19000"));
}

TEST_F(prov, bad_input_changes_nothing)
{
	static const char *const bad[] = {
		"root:$6$x$y:19000:0:99999:7:::\nthis is not a shadow line\n",
		"root:$6$x$y:notanumber:0:99999:7:::\n",
	};
	struct provision_result result;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		rooted(self, "etc/shadow");
		write_file(_metadata, self->path, bad[i], 0600);
		EXPECT_EQ(-EINVAL,
			  provision(self->root, &self->policy, true, &result, &self->error));
		EXPECT_NE(NULL, strstr(self->error.msg, "etc/shadow:"))
			TH_LOG("%s", self->error.msg);
		EXPECT_STREQ(bad[i], slurp(self->path));
		rooted(self, "root/iotguard-initial-password");
		EXPECT_NE(0, access(self->path, F_OK));
	}
}

/* An account on two lines would take its change twice, another none: refused whole. */
TEST_F(prov, account_listed_twice_changes_nothing)
{
	static const char dup[] = "root:x:19000:0:99999:7:::\nroot:y:19000:0:99999:7:::\n";
	const struct shadow_change changes[] = {
		{ "root", "$6$salt$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
		{ "admin", "$6$salt$b" },
	};

	rooted(self, "etc/shadow");
	write_file(_metadata, self->path, dup, 0600);
	for (size_t n = 1; n <= 2; n++) {
		EXPECT_EQ(-EINVAL, shadow_update(self->root, changes, n, &self->error));
		EXPECT_NE(NULL, strstr(self->error.msg, ":2: account 'root' listed twice"))
			TH_LOG("%s", self->error.msg);
		EXPECT_STREQ(dup, slurp(self->path));
	}
}

/* In an image, a symlinked shadow would resolve on the build host: refused. */
TEST_F(prov, symlinked_shadow_in_an_image_is_refused)
{
	struct provision_result result;
	char target[512], shadow[512];

	rooted(self, "etc/shadow");
	strcpy(shadow, self->path);
	rooted(self, "etc/shadow.data");
	strcpy(target, self->path);
	ASSERT_EQ(0, rename(shadow, target));
	ASSERT_EQ(0, symlink(target, shadow));
	EXPECT_EQ(-ELOOP, provision(self->root, &self->policy, false, &result, &self->error));
	EXPECT_NE(NULL, strstr(self->error.msg, "a symbolic link")) TH_LOG("%s", self->error.msg);
}

TEST_F(prov, read_only_etc_is_named_and_changes_nothing)
{
	struct provision_result result;
	char etc[256];
	pid_t pid;
	int status;

	rooted(self, "etc");
	strcpy(etc, self->path);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		/* A read-only /etc, as on a squashfs root, in a private mount namespace. */
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount(etc, etc, NULL, MS_BIND, NULL) ||
		    mount(NULL, etc, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL))
			_exit(4);
		if (provision(self->root, &self->policy, false, &result, &self->error) == 0)
			_exit(1);
		_exit(strstr(self->error.msg, "writable overlay") &&
		      strstr(self->error.msg, "Read-only") ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (WEXITSTATUS(status) == 4)
		SKIP(return, "no permission for a mount namespace");
	EXPECT_EQ(0, WEXITSTATUS(status));
	rooted(self, "etc/shadow");
	EXPECT_STREQ(self->original, slurp(self->path));
}

/*
 * The longest run measured was 43 s in the guest (TCG, 6.12, a CPU hog on
 * each host core); on the host, with ASan beside three QEMU guests, the
 * whole file took 38 s.
 */
TEST_F_TIMEOUT(prov, kill_9_at_random_points_never_breaks_the_store, 150)
{
	char passwd[MANY_ACCOUNTS * 64 + 128], shadow[MANY_ACCOUNTS * 128 + 256], line[160];
	const char *salt = "$6$rounds=1000$killtest$";
	struct account_list accounts;
	struct iotguard_error aerr;
	int completed = 0;
	long span_us;

	/* Many accounts so a rewrite takes long enough to be caught mid-way. */
	strcpy(passwd, "root:x:0:0::/root:/bin/sh\n");
	snprintf(shadow, sizeof(shadow), "root:%s:19000:0:99999:7:::\n", crypt("admin", salt));
	for (int i = 0; i < MANY_ACCOUNTS; i++) {
		snprintf(line, sizeof(line), "u%d:x:%d:%d::/:/bin/sh\n", i, 2000 + i, 2000 + i);
		strcat(passwd, line);
		snprintf(line, sizeof(line), "u%d:!$6$locked$%040d:19000:0:99999:7:::\n", i, i);
		strcat(shadow, line);
	}
	rooted(self, "etc/passwd");
	write_file(_metadata, self->path, passwd, 0644);
	rooted(self, "etc/shadow");
	write_file(_metadata, self->path, shadow, 0600);
	self->policy.provisioning.account_count = 1;
	strcpy(self->policy.provisioning.accounts[0], "root");
	srand((unsigned int)time(NULL));

	/* Kill anywhere within about three rewrites' time. */
	{
		struct provision_result result;
		struct timespec t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		ASSERT_EQ(0, provision(self->root, &self->policy, true, &result, &self->error))
			TH_LOG("%s", self->error.msg);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		span_us = 3 * ((t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000);
		rooted(self, "etc/shadow");
		write_file(_metadata, self->path, shadow, 0600);
	}

	for (int trial = 0; trial < KILL_TRIALS; trial++) {
		long us = rand() % (span_us + 1);
		struct timespec delay = { us / 1000000L, (us % 1000000L) * 1000L };
		struct provision_result result;
		const char *now;
		char *rest;
		pid_t pid;
		int status;

		rooted(self, "etc/shadow");
		write_file(_metadata, self->path, shadow, 0600);
		pid = fork();
		ASSERT_GE(pid, 0);
		if (pid == 0) {
			for (;;)
				provision(self->root, &self->policy, true, &result, &self->error);
		}
		nanosleep(&delay, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);

		/* The store parses whole, and every other entry is intact. */
		ASSERT_EQ(0, accounts_read(self->root, &accounts, &aerr)) TH_LOG("trial %d: %s",
										  trial, aerr.msg);
		EXPECT_EQ(MANY_ACCOUNTS + 1, accounts.count);
		accounts_free(&accounts);
		now = slurp(self->path);
		ASSERT_EQ(0, strncmp(now, "root:$6$", 8));
		rest = strchr(now, '\n');
		ASSERT_NE(NULL, rest);
		EXPECT_STREQ(strchr(shadow, '\n'), rest) TH_LOG("trial %d", trial);
		completed += strcmp(now, shadow) != 0;
	}
	/* The trials must have hit both states, or they proved nothing. */
	TH_LOG("%d of %d trials saw a completed rewrite", completed, KILL_TRIALS);
	EXPECT_GT(completed, 0);
}

TEST_HARNESS_MAIN
