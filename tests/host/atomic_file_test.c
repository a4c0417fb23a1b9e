// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the writer of published files and agent state, which
 * runs as root into directories others may own (/var/www): no symbolic
 * link is followed in any component, a directory others can change is
 * refused with its path and the reason, and nothing is ever half-written.
 * Every case runs twice: through openat2() and through the openat() walk
 * that kernels before 5.6 take. Built with ASan and UBSan.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "kselftest_harness.h"
#include "atomic_file.h"
#include "dates.h"
#include "support.h"

#define TEXT "Contact: mailto:security@example.com\n"
#define VICTIM "the victim's own content\n"
#define NOBODY 65534

FIXTURE(atomic) {
	char dir[64];
	char www[128];		/* dir/www, the destination's directory */
	char dest[192];		/* dir/www/security.txt */
	char victim[128];	/* dir/victim: must never change */
	struct iotguard_error error;
};

FIXTURE_VARIANT(atomic) {
	bool openat2;
};

FIXTURE_VARIANT_ADD(atomic, openat2) {
	.openat2 = true,
};

FIXTURE_VARIANT_ADD(atomic, openat_walk) {
	.openat2 = false,
};

static void put(struct __test_metadata *_metadata, const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ASSERT_NE(NULL, f) TH_LOG("%s: %s", path, strerror(errno));
	fputs(text, f);
	ASSERT_EQ(0, fclose(f));
}

/* The whole file, or "" if it cannot be read. */
static const char *get(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return buf;
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

FIXTURE_SETUP(atomic)
{
	atomic_file_use_openat2 = variant->openat2;
	strcpy(self->dir, "/tmp/iotguard-atomic-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	snprintf(self->www, sizeof(self->www), "%s/www", self->dir);
	snprintf(self->dest, sizeof(self->dest), "%s/security.txt", self->www);
	snprintf(self->victim, sizeof(self->victim), "%s/victim", self->dir);
	put(_metadata, self->victim, VICTIM);
}

FIXTURE_TEARDOWN(atomic)
{
	char cmd[128];

	atomic_file_use_openat2 = true;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	system(cmd);
}

/* Refused: -errno, a message naming the path and the reason, nothing written. */
static void expect_refused(struct __test_metadata *_metadata, FIXTURE_DATA(atomic) *self,
			   const char *path, int err, const char *names, const char *reason)
{
	int ret;

	iotguard_error_clear(&self->error);
	ret = atomic_file_write(path, TEXT, 0644, &self->error);
	EXPECT_EQ(-err, ret) TH_LOG("returned %d (%s)", ret, strerror(-ret));
	EXPECT_NE(NULL, strstr(self->error.msg, names)) TH_LOG("error: '%s'", self->error.msg);
	EXPECT_NE(NULL, strstr(self->error.msg, reason)) TH_LOG("error: '%s'", self->error.msg);
	EXPECT_STREQ(VICTIM, get(self->victim));
}

TEST_F(atomic, normal_case_replaces_whole_and_creates_missing_directories)
{
	char deep[256], planted[256], old[8] = "";
	struct stat st, victim_st;
	int old_fd;

	ASSERT_EQ(0, mkdir(self->www, 0755));
	put(_metadata, self->dest, "old\n");
	old_fd = open(self->dest, O_RDONLY);
	ASSERT_LE(0, old_fd);
	/*
	 * A temporary name someone prepared, a hard link to another file: the
	 * writer must create its own file, never write into this one.
	 */
	snprintf(planted, sizeof(planted), "%s.new", self->dest);
	ASSERT_EQ(0, link(self->victim, planted));
	umask(077);
	ASSERT_EQ(0, atomic_file_write(self->dest, TEXT, 0644, &self->error))
		TH_LOG("%s", self->error.msg);
	umask(022);
	EXPECT_STREQ(TEXT, get(self->dest));
	ASSERT_EQ(0, lstat(self->dest, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0644, st.st_mode & 07777);	/* whatever the umask */
	ASSERT_EQ(0, stat(self->victim, &victim_st));
	EXPECT_NE(victim_st.st_ino, st.st_ino);
	EXPECT_STREQ(VICTIM, get(self->victim));
	/* A reader of the old file still sees it whole: it was replaced, not rewritten. */
	EXPECT_EQ(4, pread(old_fd, old, sizeof(old) - 1, 0));
	EXPECT_STREQ("old\n", old);
	close(old_fd);
	/* security.txt and the planted name: no temporary file is left. */
	EXPECT_EQ(2, entries(self->www));

	/* Missing directories are created, 0755. */
	snprintf(deep, sizeof(deep), "%s/www/.well-known/a/security.txt", self->dir);
	ASSERT_EQ(0, atomic_file_write(deep, TEXT, 0644, &self->error))
		TH_LOG("%s", self->error.msg);
	EXPECT_STREQ(TEXT, get(deep));
	snprintf(deep, sizeof(deep), "%s/www/.well-known", self->dir);
	ASSERT_EQ(0, stat(deep, &st));
	EXPECT_EQ(0755, st.st_mode & 07777);
}

TEST_F(atomic, symlinked_final_component_is_refused)
{
	struct stat st;

	ASSERT_EQ(0, mkdir(self->www, 0755));
	ASSERT_EQ(0, symlink(self->victim, self->dest));
	expect_refused(_metadata, self, self->dest, ELOOP, self->dest, "symbolic link");
	ASSERT_EQ(0, lstat(self->dest, &st));
	EXPECT_TRUE(S_ISLNK(st.st_mode));	/* left as it was */
	EXPECT_EQ(1, entries(self->www));
}

TEST_F(atomic, symlinked_middle_directory_is_refused)
{
	char elsewhere[128], path[256], shown[256];

	/* dir/www -> dir/elsewhere, then the file two levels below www. */
	snprintf(elsewhere, sizeof(elsewhere), "%s/elsewhere", self->dir);
	ASSERT_EQ(0, mkdir(elsewhere, 0755));
	ASSERT_EQ(0, symlink(elsewhere, self->www));
	snprintf(path, sizeof(path), "%s/.well-known/security.txt", self->www);
	snprintf(shown, sizeof(shown), "%s is a symbolic link", self->www);
	expect_refused(_metadata, self, path, ELOOP, path, shown);
	EXPECT_EQ(0, entries(elsewhere));
	/* The same when the link is the file's own directory. */
	expect_refused(_metadata, self, self->dest, ELOOP, self->dest, shown);
	EXPECT_EQ(0, entries(elsewhere));
}

TEST_F(atomic, world_or_group_writable_directory_is_refused)
{
	char path[256], shown[256];

	ASSERT_EQ(0, mkdir(self->www, 0755));
	ASSERT_EQ(0, chmod(self->www, 0777));
	snprintf(shown, sizeof(shown), "%s is writable by group or others without the sticky "
		 "bit (mode 0777)", self->www);
	expect_refused(_metadata, self, self->dest, EPERM, self->dest, shown);
	EXPECT_EQ(0, entries(self->www));

	/* An ancestor counts as much as the directory itself. */
	ASSERT_EQ(0, chmod(self->www, 0775));
	snprintf(path, sizeof(path), "%s/.well-known/security.txt", self->www);
	snprintf(shown, sizeof(shown), "%s is writable by group or others without the sticky "
		 "bit (mode 0775)", self->www);
	expect_refused(_metadata, self, path, EPERM, path, shown);
	EXPECT_EQ(0, entries(self->www));

	/* Sticky, as /tmp: others cannot rename or remove our entries. */
	ASSERT_EQ(0, chmod(self->www, 01777));
	EXPECT_EQ(0, atomic_file_write(self->dest, TEXT, 0644, &self->error))
		TH_LOG("%s", self->error.msg);
	EXPECT_STREQ(TEXT, get(self->dest));
}

TEST_F(atomic, directory_owned_by_another_user_is_refused)
{
	char path[256], shown[256];

	if (geteuid() != 0)
		SKIP(return, "not root: cannot give a directory to another user");
	ASSERT_EQ(0, mkdir(self->www, 0755));
	ASSERT_EQ(0, chown(self->www, NOBODY, NOBODY));
	snprintf(shown, sizeof(shown), "%s is owned by uid %d, neither root nor the agent",
		 self->www, NOBODY);
	expect_refused(_metadata, self, self->dest, EPERM, self->dest, shown);
	EXPECT_EQ(0, entries(self->www));
	snprintf(path, sizeof(path), "%s/.well-known/security.txt", self->www);
	expect_refused(_metadata, self, path, EPERM, path, shown);
	EXPECT_EQ(0, entries(self->www));
}

/* The support state is written the same way, and its caller gets the reason. */
TEST_F(atomic, support_state_refused_with_the_reason)
{
	char path[192], shown[256];
	struct support_record record;
	enum support_change change;
	int64_t until = -1, today = -1;

	ASSERT_EQ(0, date_parse("2030-12-31", &until));
	ASSERT_EQ(0, date_parse("2026-11-29", &today));
	ASSERT_EQ(0, mkdir(self->www, 0777));
	ASSERT_EQ(0, chmod(self->www, 0777));
	snprintf(path, sizeof(path), "%s/support-period.json", self->www);
	EXPECT_EQ(-EPERM, support_reconcile(path, until, today, &record, &change, &self->error));
	snprintf(shown, sizeof(shown), "%s is writable by group or others", self->www);
	EXPECT_NE(NULL, strstr(self->error.msg, shown)) TH_LOG("error: '%s'", self->error.msg);
	EXPECT_EQ(0, entries(self->www));
}

TEST_F(atomic, relative_and_dot_dot_paths_are_refused)
{
	char path[256];

	/* Where a writer that took relative paths would write: inside the fixture. */
	ASSERT_EQ(0, chdir(self->dir));
	expect_refused(_metadata, self, "www/security.txt", EINVAL, "www/security.txt",
		       "not an absolute path");
	snprintf(path, sizeof(path), "%s/../security.txt", self->www);
	ASSERT_EQ(0, mkdir(self->www, 0755));
	expect_refused(_metadata, self, path, EINVAL, path, "'..'");
	EXPECT_EQ(0, entries(self->www));
	ASSERT_EQ(0, chdir("/"));
}

/*
 * What a writer killed before its rename left beside the file goes: the
 * regular files of its temporary name that are ours. Another name, a link,
 * a directory, someone else's file of that name and the file itself stay;
 * a directory reached through a link or missing is left as it is.
 */
TEST_F(atomic, a_killed_writers_temporaries_are_removed_and_nothing_else)
{
	static const char *const kept[] = {
		"security.txt", ".security.txt.iotguard-dir", ".security.txt.iotguard-link",
		".status.json.iotguard-1234", "security.txt.iotguard-1234",
	};
	char path[256], real[192];
	struct stat st;

	ASSERT_EQ(0, mkdir(self->www, 0755));
	put(_metadata, self->dest, "old\n");
	snprintf(path, sizeof(path), "%s/.security.txt.iotguard-4d2e7f0", self->www);
	put(_metadata, path, "half");
	snprintf(path, sizeof(path), "%s/.security.txt.iotguard-dir", self->www);
	ASSERT_EQ(0, mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/.security.txt.iotguard-link", self->www);
	ASSERT_EQ(0, symlink(self->victim, path));
	snprintf(path, sizeof(path), "%s/.status.json.iotguard-1234", self->www);
	put(_metadata, path, "another file's");
	snprintf(path, sizeof(path), "%s/security.txt.iotguard-1234", self->www);
	put(_metadata, path, "not hidden: not ours");
	if (geteuid() == 0) {
		snprintf(path, sizeof(path), "%s/.security.txt.iotguard-nobody", self->www);
		put(_metadata, path, "someone else's");
		ASSERT_EQ(0, chown(path, NOBODY, NOBODY));
	}
	atomic_file_remove_stale(self->dest);
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", self->www, kept[i]);
		EXPECT_EQ(0, lstat(path, &st)) TH_LOG("%s was removed", kept[i]);
	}
	EXPECT_EQ(geteuid() == 0 ? 6 : 5, entries(self->www));
	EXPECT_STREQ("old\n", get(self->dest));
	EXPECT_STREQ(VICTIM, get(self->victim));

	/* Through a link to the directory: not followed, nothing removed. */
	snprintf(real, sizeof(real), "%s/real", self->dir);
	ASSERT_EQ(0, mkdir(real, 0755));
	snprintf(path, sizeof(path), "%s/.security.txt.iotguard-1", real);
	put(_metadata, path, "half");
	snprintf(path, sizeof(path), "%s/lnk", self->dir);
	ASSERT_EQ(0, symlink(real, path));
	snprintf(path, sizeof(path), "%s/lnk/security.txt", self->dir);
	atomic_file_remove_stale(path);
	EXPECT_EQ(1, entries(real));
	/* A missing directory: not created. */
	snprintf(path, sizeof(path), "%s/missing/security.txt", self->dir);
	atomic_file_remove_stale(path);
	snprintf(path, sizeof(path), "%s/missing", self->dir);
	EXPECT_NE(0, lstat(path, &st));
}

TEST_HARNESS_MAIN
