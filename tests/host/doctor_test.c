// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of `iotguardctl doctor` and what it stands on: the .config
 * parser (file:line for a malformed line), the requirement table against
 * Debian's real 6.1 and 6.12 configurations and against one crippled on
 * purpose, arm64 releases before BPF LSM programs can attach, the exit
 * statuses, and the table's two copies: kernel/iotguard.cfg and the README.
 * Built with ASan and UBSan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "kconfig.h"
#include "kernel_req.h"

#define OUT_MAX (64 << 10)

/* Run iotguardctl with args, stdout and stderr into out; its exit status. */
static int ctl(const char *args, char *out)
{
	char cmd[1024];
	size_t n;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", IOTGUARDCTL, args);
	out[0] = '\0';
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, OUT_MAX - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text;
	long len;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = malloc((size_t)len + 1);
	if (text && fread(text, 1, (size_t)len, f) != (size_t)len) {
		free(text);
		text = NULL;
	}
	if (text)
		text[len] = '\0';
	fclose(f);
	return text;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

/* The Debian config of a series (6.1, 6.12), as scripts/kernel-release finds it. */
static int debian_config(const char *series, char *path, size_t size)
{
	char cmd[512], release[256] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s/scripts/kernel-release %s 2>/dev/null", SOURCE_TOP, series);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(release, sizeof(release), p))
		release[0] = '\0';
	pclose(p);
	release[strcspn(release, "\n")] = '\0';
	snprintf(path, size, "/boot/config-%s", release);
	return release[0] && access(path, R_OK) == 0 ? 0 : -1;
}

/*
 * Copy src to dst with each option's line replaced: edits are pairs of an
 * option (or the start of a comment line) and its new whole line.
 */
static void rewrite(const char *src, const char *dst, const char *const *edits, size_t n_edits)
{
	char *text = read_all(src), *line, *next;
	FILE *out = fopen(dst, "w");

	for (line = text; line && *line; line = next) {
		const char *replacement = NULL;

		next = strchr(line, '\n');
		next = next ? next + 1 : line + strlen(line);
		for (size_t i = 0; i < n_edits; i += 2) {
			size_t olen = strlen(edits[i]);

			if ((!strncmp(line, edits[i], olen) &&
			     (line[olen] == '=' || edits[i][0] == '#')) ||
			    (!strncmp(line, "# ", 2) && !strncmp(line + 2, edits[i], olen) &&
			     line[2 + olen] == ' '))
				replacement = edits[i + 1];
		}
		if (replacement)
			fprintf(out, "%s\n", replacement);
		else
			fwrite(line, 1, (size_t)(next - line), out);
	}
	fclose(out);
	free(text);
}

FIXTURE(doctor)
{
	char dir[64];
	char path[128];
	char *out;
};

FIXTURE_SETUP(doctor)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/iotguard-doctor-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/config", self->dir);
	self->out = malloc(OUT_MAX);
	ASSERT_NE(NULL, self->out);
}

FIXTURE_TEARDOWN(doctor)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	system(cmd);
	free(self->out);
}

/* The parser: what each line means, and file:line for one that means nothing. */
TEST(parser_reads_lines_and_names_the_bad_one)
{
	static const char text[] =
		"#\n# Linux/arm64 6.1.0 Kernel Configuration\n#\n"
		"CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_N=-12\nCONFIG_H=0x1f\n"
		"CONFIG_S=\"a,\\\"b\\\\\"\n\nCONFIG_A=n\n";
	static const char *const bad[] = {
		"CONFIG_X\n", "CONFIG_X=yes\n", "CONFIG_X=\"open\n", "X=y\n", "CONFIG_=y\n",
		"CONFIG_X=\"a\" b\n", "CONFIG_X=12z\n",
	};
	struct iotguard_error err = { 0 };
	struct kconfig *c = NULL;
	char text2[128];

	ASSERT_EQ(0, kconfig_parse("t.config", text, strlen(text), &c, &err)) TH_LOG("%s", err.msg);
	EXPECT_STREQ("arm64", kconfig_arch(c));
	EXPECT_STREQ("6.1.0", kconfig_release(c));
	EXPECT_STREQ("n", kconfig_get(c, "CONFIG_A"));	/* the last assignment wins */
	EXPECT_FALSE(kconfig_enabled(c, "CONFIG_A"));
	EXPECT_TRUE(kconfig_enabled(c, "CONFIG_B"));
	EXPECT_STREQ("n", kconfig_get(c, "CONFIG_C"));
	EXPECT_STREQ("-12", kconfig_get(c, "CONFIG_N"));
	EXPECT_STREQ("0x1f", kconfig_get(c, "CONFIG_H"));
	EXPECT_STREQ("a,\"b\\", kconfig_get(c, "CONFIG_S"));
	EXPECT_EQ(NULL, kconfig_get(c, "CONFIG_D"));
	EXPECT_EQ(7, kconfig_count(c));	/* every assignment, the repeated one too */
	kconfig_free(c);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text2, sizeof(text2), "# head\nCONFIG_OK=y\n%s", bad[i]);
		c = NULL;
		EXPECT_EQ(-EINVAL, kconfig_parse("x.config", text2, strlen(text2), &c, &err))
			TH_LOG("accepted %s", bad[i]);
		EXPECT_EQ(NULL, c);
		EXPECT_EQ(0, strncmp(err.msg, "x.config:3: ", 12)) TH_LOG("%s", err.msg);
	}
}

/* Debian's kernels: everything but the lock, which `rmmod -f` can undo. */
static void expect_debian(struct __test_metadata *_metadata, char *out, const char *series)
{
	char path[320], args[400];

	ASSERT_EQ(0, debian_config(series, path, sizeof(path)))
		TH_LOG("no Debian %s kernel config (scripts/deps installs it)", series);
	snprintf(args, sizeof(args), "doctor --config %s", path);
	EXPECT_EQ(1, ctl(args, out)) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\nlogin guard: ok\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\nnetwork gate: ok\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\noutbound policy: ok\n")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\nlock: degraded\n  degraded: CONFIG_MODULE_FORCE_UNLOAD=y: "))
		TH_LOG("%s", out);
	/* That finding and its fix are the only indented lines: the rest is ok. */
	{
		int indented = 0;

		for (const char *p = strstr(out, "\n  "); p; p = strstr(p + 1, "\n  "))
			indented++;
		EXPECT_EQ(2, indented) TH_LOG("%s", out);
	}
}

TEST_F(doctor, debian_6_1)
{
	expect_debian(_metadata, self->out, "6.1");
}

TEST_F(doctor, debian_6_12)
{
	expect_debian(_metadata, self->out, "6.12");
}

/* A kernel with BPF LSM, cgroup BPF and IPv6 taken out, and force unload in. */
TEST_F(doctor, crippled_config)
{
	char src[320], args[400], lsm[512], want[700];
	struct kconfig *c;
	const char *edits[] = {
		"CONFIG_BPF_LSM", "# CONFIG_BPF_LSM is not set",
		"CONFIG_LSM", lsm,
		"CONFIG_CGROUP_BPF", "# CONFIG_CGROUP_BPF is not set",
		"CONFIG_IPV6", "# CONFIG_IPV6 is not set",
		"CONFIG_MODULE_FORCE_UNLOAD", "CONFIG_MODULE_FORCE_UNLOAD=y",
	};
	char keep[400];

	ASSERT_EQ(0, debian_config("6.1", src, sizeof(src)));
	ASSERT_EQ(0, kconfig_load(src, &c, NULL));
	/* Debian's list without bpf: what the fix must keep. */
	snprintf(keep, sizeof(keep), "%s", kconfig_get(c, "CONFIG_LSM"));
	kconfig_free(c);
	ASSERT_NE(NULL, strstr(keep, ",bpf"));
	memmove(strstr(keep, ",bpf"), strstr(keep, ",bpf") + 4, strlen(strstr(keep, ",bpf") + 4) + 1);
	snprintf(lsm, sizeof(lsm), "CONFIG_LSM=\"%s\"", keep);
	rewrite(src, self->path, edits, sizeof(edits) / sizeof(edits[0]));

	snprintf(args, sizeof(args), "doctor --config %s", self->path);
	EXPECT_EQ(1, ctl(args, self->out));
	EXPECT_NE(NULL, strstr(self->out, "\nlogin guard: missing\n")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "  missing: CONFIG_BPF_LSM is not set: no BPF LSM: "));
	snprintf(want, sizeof(want), "  missing: CONFIG_LSM=\"%s\": BPF LSM is built but not "
		 "active", keep);
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);
	/* lsm= replaces the list: the fix names every LSM the kernel has. */
	snprintf(want, sizeof(want), "    fix: boot with lsm=%s,bpf (lsm= replaces", keep);
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\nnetwork gate: ok\n  note: CONFIG_IPV6 is not set: "
			       "no IPv6: the gate guards IPv4")) TH_LOG("%s", self->out);
	/* Without IPv6 there is no IPv6 reset to want. */
	EXPECT_EQ(NULL, strstr(self->out, "NF_REJECT_IPV6")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\noutbound policy: missing\n")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "  missing: CONFIG_CGROUP_BPF is not set: no cgroup BPF "
			       "programs")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "  degraded: CONFIG_BPF_LSM is not set: no BPF LSM: raw "
			       "IP and packet sockets")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\nlock: degraded\n")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "  degraded: CONFIG_MODULE_FORCE_UNLOAD=y: `rmmod -f`"));
	EXPECT_NE(NULL, strstr(self->out, "    fix: build the kernel with \"# "
			       "CONFIG_MODULE_FORCE_UNLOAD is not set\""));
}

/* arm64 before 6.4: no BPF LSM attach, even with bpf in the list. */
TEST_F(doctor, arm64_release_decides_bpf_lsm)
{
	char src[320], args[400];
	const char *old[] = { "# Linux/x86", "# Linux/arm64 6.1.0 Kernel Configuration" };
	const char *new[] = { "# Linux/x86", "# Linux/arm64 6.12.0 Kernel Configuration" };
	FILE *f;

	ASSERT_EQ(0, debian_config("6.1", src, sizeof(src)));
	rewrite(src, self->path, old, 2);
	snprintf(args, sizeof(args), "doctor --config %s", self->path);
	EXPECT_EQ(1, ctl(args, self->out));
	EXPECT_NE(NULL, strstr(self->out, "kernel: arm64 6.1.0 ")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\nlogin guard: missing\n")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "  missing: arm64 6.1.0: BPF LSM programs cannot attach "
			       "(ENOTSUPP, measured on Debian's 6.1 arm64) even with bpf in the "
			       "LSM list")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\noutbound policy: degraded\n")) TH_LOG("%s", self->out);

	rewrite(src, self->path, new, 2);
	/* The x86 file never mentions the option: add it as arm64's would have it. */
	f = fopen(self->path, "a");
	fputs("CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS=y\n", f);
	fclose(f);
	ctl(args, self->out);
	EXPECT_NE(NULL, strstr(self->out, "\nlogin guard: ok\n")) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "\noutbound policy: ok\n")) TH_LOG("%s", self->out);
}

TEST_F(doctor, unreadable_or_malformed_file_is_status_2)
{
	char args[400], want[300];

	write_text(self->path, "# comment\nCONFIG_MODULES=y\n\nCONFIG_BPF_LSM=y trailing\n");
	snprintf(args, sizeof(args), "doctor --config %s", self->path);
	EXPECT_EQ(2, ctl(args, self->out));
	snprintf(want, sizeof(want), "iotguardctl: doctor: %s:4: not a Kconfig line", self->path);
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);

	snprintf(args, sizeof(args), "doctor --config %s/none", self->dir);
	EXPECT_EQ(2, ctl(args, self->out));
	EXPECT_NE(NULL, strstr(self->out, "No such file")) TH_LOG("%s", self->out);
	EXPECT_EQ(2, ctl("doctor --bogus", self->out));
	EXPECT_EQ(2, ctl("doctor extra", self->out));
}

/*
 * kernel/iotguard.cfg sets every option the table asks for, as it asks, and
 * nothing else but options a required one depends on in Kconfig.
 */
TEST(fragment_is_the_table)
{
	/* Set only so that a required option can be chosen (kernel_cfg_test.sh). */
	static const char *const enablers[] = {
		"CONFIG_KPROBE_EVENTS",			/* BPF_LSM: BPF_EVENTS */
		"CONFIG_DEBUG_INFO",			/* DEBUG_INFO_BTF */
		"CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT",	/* DEBUG_INFO's choice */
	};
	struct kreq_facts facts = { 0 };
	struct iotguard_error err = { 0 };
	struct kreq_result result;
	struct kconfig *c;

	ASSERT_EQ(0, kconfig_load(SOURCE_TOP "/kernel/iotguard.cfg", &c, &err)) TH_LOG("%s",
										      err.msg);
	facts.config = c;
	ASSERT_EQ(0, kreq_evaluate(&facts, &result));
	for (size_t i = 0; i < result.n; i++) {
		EXPECT_EQ(KREQ_OK, result.findings[i].verdict)
			TH_LOG("%s: %s", result.findings[i].row->option, result.findings[i].found);
	}
	for (size_t i = 0; i < kconfig_count(c); i++) {
		const char *opt = kconfig_option_at(c, i);
		bool known = false;

		for (size_t r = 0; r < kreq_n_rows; r++)
			known |= !strcmp(kreq_rows[r].option, opt);
		for (size_t e = 0; e < sizeof(enablers) / sizeof(enablers[0]); e++)
			known |= !strcmp(enablers[e], opt);
		EXPECT_TRUE(known) TH_LOG("%s is in the fragment, not in the table", opt);
	}
	/* Options the architecture chooses cannot be set by a fragment. */
	for (size_t r = 0; r < kreq_n_rows; r++) {
		if (!kreq_rows[r].automatic) {
			EXPECT_NE(NULL, kconfig_get(c, kreq_rows[r].option))
				TH_LOG("%s is not in the fragment", kreq_rows[r].option);
		}
	}
	kreq_result_free(&result);
	kconfig_free(c);
}

/* The README's table is `doctor --table`, byte for byte. */
TEST(readme_table_is_the_table)
{
	static const char begin[] = "<!-- iotguardctl doctor --table -->\n";
	static const char end[] = "<!-- end of doctor --table -->\n";
	char *readme = read_all(SOURCE_TOP "/README.md"), *out = malloc(OUT_MAX);
	char *from, *to;

	ASSERT_NE(NULL, readme);
	ASSERT_NE(NULL, out);
	ASSERT_EQ(0, ctl("doctor --table", out));
	from = strstr(readme, begin);
	ASSERT_NE(NULL, from) TH_LOG("README.md has no %s", begin);
	from += strlen(begin);
	to = strstr(from, end);
	ASSERT_NE(NULL, to);
	*to = '\0';
	EXPECT_STREQ(out, from) TH_LOG("regenerate it with: iotguardctl doctor --table");
	free(readme);
	free(out);
}

TEST_HARNESS_MAIN
