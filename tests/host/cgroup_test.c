// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of services' cgroups: which paths stay below the cgroup
 * v2 root, their level, where cgroup2 is mounted and when it may not be
 * (mountinfo files written here), and creating a cgroup and moving a pid
 * into it against a temporary directory standing in for the root. Built
 * with ASan and UBSan; runs unprivileged.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "kselftest_harness.h"
#include "cgroup.h"
#include "egress_policy.h"

/* Lines of mountinfo, as the kernel writes them. */
#define MI_PROC "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
#define MI_SYSFS "23 1 0:22 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
#define MI_V2 "30 23 0:27 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw\n"
#define MI_TMPFS "30 23 0:27 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755\n"
#define MI_V1_CPU "31 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
#define MI_V1_MEM "34 30 0:31 / /sys/fs/cgroup/memory rw shared:12 - cgroup cgroup rw,memory\n"
#define MI_UNIFIED "40 30 0:37 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"

FIXTURE(cgroup) {
	char dir[64];		/* the temporary cgroup root */
	char mountinfo[64];
	char path[256];		/* scratch */
	struct iotguard_error error;
};

FIXTURE_SETUP(cgroup)
{
	int fd;

	/* policy_test's temporary files, again: each harness file has its own fixtures. */
	strcpy(self->dir, "/tmp/iotguard-cgroup-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	strcpy(self->mountinfo, "/tmp/iotguard-mountinfo-XXXXXX");
	fd = mkstemp(self->mountinfo);
	ASSERT_GE(fd, 0);
	close(fd);
	memset(&self->error, 0, sizeof(self->error));
}

FIXTURE_TEARDOWN(cgroup)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("could not remove %s", self->dir);
	unlink(self->mountinfo);
}

static void put(struct __test_metadata *_metadata, const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ASSERT_NE(NULL, f);
	fputs(text, f);
	fclose(f);
}

static void expect_bad_path(struct __test_metadata *_metadata, const char *path,
			    const char *message)
{
	struct iotguard_error error = {};

	EXPECT_EQ(-EINVAL, cgroup_path_check(path, &error)) TH_LOG("path \"%s\"", path);
	EXPECT_STREQ(message, error.msg);
}

TEST_F(cgroup, paths_below_the_root_are_accepted)
{
	static const char *const good[] = {
		"", "camera", "iotguard/camera", "a.b-c_d/..e/f..", "system.slice/cam.service",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		EXPECT_EQ(0, cgroup_path_check(good[i], &self->error)) {
			TH_LOG("%s", self->error.msg);
		}
	}
}

TEST_F(cgroup, paths_that_leave_the_root_or_hide_something_are_refused)
{
	char long_path[EGRESS_CGROUP_MAX + 1];

	expect_bad_path(_metadata, "/iotguard/cam",
			"cgroup /iotguard/cam: must be relative to the cgroup v2 root "
			"(no leading '/')");
	expect_bad_path(_metadata, "..", "cgroup ..: '.' and '..' are not allowed: a "
			"service's cgroup stays below the root");
	expect_bad_path(_metadata, "iotguard/../../etc", "cgroup iotguard/../../etc: '.' and "
			"'..' are not allowed: a service's cgroup stays below the root");
	expect_bad_path(_metadata, "a/..", "cgroup a/..: '.' and '..' are not allowed: a "
			"service's cgroup stays below the root");
	expect_bad_path(_metadata, "./a", "cgroup ./a: '.' and '..' are not allowed: a "
			"service's cgroup stays below the root");
	expect_bad_path(_metadata, "a//b", "cgroup a//b: empty component (\"//\" or a "
			"trailing '/')");
	expect_bad_path(_metadata, "a/", "cgroup a/: empty component (\"//\" or a "
			"trailing '/')");
	expect_bad_path(_metadata, "cam\n0::/", "cgroup \"cam...\": control character 0x0a");
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	EXPECT_EQ(-EINVAL, cgroup_path_check(long_path, &self->error));
	EXPECT_NE(NULL, strstr(self->error.msg, "longer than 255 characters"));
	long_path[EGRESS_CGROUP_MAX - 1] = '\0';
	EXPECT_EQ(0, cgroup_path_check(long_path, &self->error));
}

TEST_F(cgroup, level_counts_components)
{
	EXPECT_EQ(0, cgroup_level(""));
	EXPECT_EQ(1, cgroup_level("camera"));
	EXPECT_EQ(2, cgroup_level("iotguard/cam"));
	EXPECT_EQ(4, cgroup_level("a/b.c/d/e"));
}

TEST_F(cgroup, finds_the_v2_mount_among_v1_hierarchies)
{
	char root[64] = "";

	/* systemd's hybrid layout: v1 hierarchies in a tmpfs, v2 at unified. */
	put(_metadata, self->mountinfo, MI_PROC MI_SYSFS MI_TMPFS MI_V1_CPU MI_V1_MEM MI_UNIFIED);
	ASSERT_EQ(0, cgroup_v2_find(self->mountinfo, root, sizeof(root), &self->error));
	EXPECT_STREQ("/sys/fs/cgroup/unified", root);

	put(_metadata, self->mountinfo, MI_PROC MI_SYSFS MI_V2);
	ASSERT_EQ(0, cgroup_v2_find(self->mountinfo, root, sizeof(root), &self->error));
	EXPECT_STREQ("/sys/fs/cgroup", root);
}

TEST_F(cgroup, find_skips_subtrees_and_unescapes_the_mount_point)
{
	char root[64] = "";

	/* A container's bind mount of its own subtree, then the whole hierarchy. */
	put(_metadata, self->mountinfo,
	    "50 23 0:27 /machine/c1 /srv/c1/cgroup rw - cgroup2 cgroup2 rw\n"
	    "51 23 0:27 / /run/my\\040cgroup\\134v2 rw master:3 shared:4 - cgroup2 none rw\n");
	ASSERT_EQ(0, cgroup_v2_find(self->mountinfo, root, sizeof(root), &self->error));
	EXPECT_STREQ("/run/my cgroup\\v2", root);
}

TEST_F(cgroup, find_says_when_there_is_none)
{
	char root[64] = "";

	put(_metadata, self->mountinfo, MI_PROC MI_SYSFS MI_TMPFS MI_V1_CPU MI_V1_MEM);
	EXPECT_EQ(-ENOENT, cgroup_v2_find(self->mountinfo, root, sizeof(root), &self->error));
	snprintf(self->path, sizeof(self->path),
		 "cgroup v2 is not mounted (no mount of type cgroup2 in %s)", self->mountinfo);
	EXPECT_STREQ(self->path, self->error.msg);

	put(_metadata, self->mountinfo, "garbage\n\n1 2 3\n");
	EXPECT_EQ(-ENOENT, cgroup_v2_find(self->mountinfo, root, sizeof(root), &self->error));

	snprintf(self->path, sizeof(self->path), "%s/missing", self->dir);
	EXPECT_EQ(-ENOENT, cgroup_v2_find(self->path, root, sizeof(root), &self->error));
	EXPECT_NE(NULL, strstr(self->error.msg, "cannot read"));
}

TEST_F(cgroup, never_mounts_over_v1_hierarchies_or_another_mount)
{
	put(_metadata, self->mountinfo, MI_PROC MI_SYSFS MI_TMPFS MI_V1_CPU MI_V1_MEM);
	EXPECT_EQ(-EBUSY, cgroup_v2_target_free(self->mountinfo, "/sys/fs/cgroup", &self->error));
	EXPECT_STREQ("/sys/fs/cgroup is a tmpfs holding cgroup v1 hierarchies "
		     "(/sys/fs/cgroup/cpu, ...), a legacy cgroup layout: cgroup2 is not mounted "
		     "over it, which would hide them; mount cgroup2 beside them (e.g. at "
		     "/sys/fs/cgroup/unified) or boot with the unified hierarchy "
		     "(cgroup_no_v1=all)", self->error.msg);

	put(_metadata, self->mountinfo, MI_SYSFS
	    "31 23 0:28 / /sys/fs/cgroup rw - cgroup cgroup rw,name=systemd\n");
	EXPECT_EQ(-EBUSY, cgroup_v2_target_free(self->mountinfo, "/sys/fs/cgroup", &self->error));
	EXPECT_NE(NULL, strstr(self->error.msg, "/sys/fs/cgroup is a cgroup v1 hierarchy"));

	put(_metadata, self->mountinfo, MI_SYSFS MI_TMPFS);
	EXPECT_EQ(-EBUSY, cgroup_v2_target_free(self->mountinfo, "/sys/fs/cgroup", &self->error));
	EXPECT_STREQ("/sys/fs/cgroup is a mount of type tmpfs: cgroup2 is not mounted over it",
		     self->error.msg);

	/* "/sys/fs/cgroupx" is not below "/sys/fs/cgroup". */
	put(_metadata, self->mountinfo, MI_SYSFS MI_TMPFS
	    "31 23 0:28 / /sys/fs/cgroupx/cpu rw - cgroup cgroup rw,cpu\n");
	EXPECT_EQ(-EBUSY, cgroup_v2_target_free(self->mountinfo, "/sys/fs/cgroup", &self->error));
	EXPECT_STREQ("/sys/fs/cgroup is a mount of type tmpfs: cgroup2 is not mounted over it",
		     self->error.msg);

	/* A tmpfs mounted over the v1 hierarchies hides them: it is what is there now. */
	put(_metadata, self->mountinfo, MI_SYSFS MI_TMPFS MI_V1_CPU
	    "41 30 0:40 / /sys/fs/cgroup rw - tmpfs none rw\n");
	EXPECT_EQ(-EBUSY, cgroup_v2_target_free(self->mountinfo, "/sys/fs/cgroup", &self->error));
	EXPECT_STREQ("/sys/fs/cgroup is a mount of type tmpfs: cgroup2 is not mounted over it",
		     self->error.msg);

	/* cgroup2 itself there (a subtree's bind mount, which find skips): no harm. */
	put(_metadata, self->mountinfo, MI_SYSFS
	    "50 23 0:27 /machine /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
	EXPECT_EQ(0, cgroup_v2_target_free(self->mountinfo, "/sys/fs/cgroup", &self->error));

	/* Free: nothing there, or v1 only elsewhere. */
	put(_metadata, self->mountinfo, MI_PROC MI_SYSFS
	    "31 23 0:28 / /sys/fs/cgroupx/cpu rw - cgroup cgroup rw,cpu\n");
	EXPECT_EQ(0, cgroup_v2_target_free(self->mountinfo, "/sys/fs/cgroup", &self->error));
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? (mode_t)-1 : st.st_mode & 07777;
}

TEST_F(cgroup, create_makes_each_component_0755_and_accepts_existing_ones)
{
	mode_t old = umask(077);

	ASSERT_EQ(0, cgroup_create(self->dir, "iotguard/cam", &self->error)) {
		TH_LOG("%s", self->error.msg);
	}
	umask(old);
	snprintf(self->path, sizeof(self->path), "%s/iotguard", self->dir);
	EXPECT_EQ(0755, mode_of(self->path));
	snprintf(self->path, sizeof(self->path), "%s/iotguard/cam", self->dir);
	EXPECT_EQ(0755, mode_of(self->path));
	/* Existing: fine, and left as it is. */
	ASSERT_EQ(0, chmod(self->path, 0700));
	EXPECT_EQ(0, cgroup_create(self->dir, "iotguard/cam", &self->error));
	EXPECT_EQ(0, cgroup_create(self->dir, "iotguard", &self->error));
	EXPECT_EQ(0700, mode_of(self->path));
	EXPECT_EQ(0, cgroup_create(self->dir, "", &self->error));
}

TEST_F(cgroup, create_never_leaves_the_root)
{
	char outside[96];

	snprintf(outside, sizeof(outside), "%s-outside", self->dir);
	ASSERT_EQ(0, mkdir(outside, 0755));
	EXPECT_EQ(-EINVAL, cgroup_create(self->dir, "../escaped", &self->error));
	snprintf(self->path, sizeof(self->path), "%s/escaped", outside);
	EXPECT_EQ((mode_t)-1, mode_of(self->path));

	/* A symbolic link inside the root is not followed out of it (O_DIRECTORY: ENOTDIR). */
	snprintf(self->path, sizeof(self->path), "%s/link", self->dir);
	ASSERT_EQ(0, symlink(outside, self->path));
	EXPECT_EQ(-ENOTDIR, cgroup_create(self->dir, "link/escaped", &self->error));
	snprintf(self->path, sizeof(self->path), "cgroup %s/link/escaped: %s/link is not a "
		 "directory (a symbolic link or a file)", self->dir, self->dir);
	EXPECT_STREQ(self->path, self->error.msg);
	snprintf(self->path, sizeof(self->path), "%s/escaped", outside);
	EXPECT_EQ((mode_t)-1, mode_of(self->path));
	rmdir(outside);

	/* A file in the way is named. */
	snprintf(self->path, sizeof(self->path), "%s/file", self->dir);
	put(_metadata, self->path, "");
	EXPECT_EQ(-ENOTDIR, cgroup_create(self->dir, "file/cam", &self->error));
	EXPECT_NE(NULL, strstr(self->error.msg, "/file is not a directory"));
}

TEST_F(cgroup, create_names_the_cgroup_and_the_reason)
{
	snprintf(self->path, sizeof(self->path), "%s/ro", self->dir);
	ASSERT_EQ(0, mkdir(self->path, 0555));
	if (!geteuid()) {
		/* Root writes through 0555; a missing root directory fails for root too. */
		snprintf(self->path, sizeof(self->path), "%s/none", self->dir);
		EXPECT_EQ(-ENOENT, cgroup_create(self->path, "cam", &self->error));
		snprintf(self->path, sizeof(self->path), "cgroup %s/none/cam: cannot open "
			 "%s/none: No such file or directory", self->dir, self->dir);
		EXPECT_STREQ(self->path, self->error.msg);
		return;
	}
	EXPECT_EQ(-EACCES, cgroup_create(self->dir, "ro/cam", &self->error));
	snprintf(self->path, sizeof(self->path), "cgroup %s/ro/cam: cannot create %s/ro/cam: "
		 "Permission denied", self->dir, self->dir);
	EXPECT_STREQ(self->path, self->error.msg);
}

static void read_file(struct __test_metadata *_metadata, const char *path, char *buf,
		      size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	ASSERT_NE(NULL, f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
}

TEST_F(cgroup, move_writes_the_pid_to_cgroup_procs)
{
	char text[32];

	ASSERT_EQ(0, cgroup_create(self->dir, "iotguard/cam", &self->error));
	snprintf(self->path, sizeof(self->path), "%s/iotguard/cam/cgroup.procs", self->dir);
	put(_metadata, self->path, "");
	ASSERT_EQ(0, cgroup_move(self->dir, "iotguard/cam", 4242, &self->error)) {
		TH_LOG("%s", self->error.msg);
	}
	read_file(_metadata, self->path, text, sizeof(text));
	EXPECT_STREQ("4242\n", text);
}

TEST_F(cgroup, move_refuses_a_missing_cgroup_or_one_outside)
{
	EXPECT_EQ(-ENOENT, cgroup_move(self->dir, "iotguard/none", 1, &self->error));
	snprintf(self->path, sizeof(self->path), "cgroup %s/iotguard/none: cannot open "
		 "%s/iotguard: No such file or directory", self->dir, self->dir);
	EXPECT_STREQ(self->path, self->error.msg);
	/* Not created by a move. */
	snprintf(self->path, sizeof(self->path), "%s/iotguard", self->dir);
	EXPECT_EQ((mode_t)-1, mode_of(self->path));

	/* A directory that is not a cgroup: no cgroup.procs, and nothing created. */
	ASSERT_EQ(0, cgroup_create(self->dir, "plain", &self->error));
	EXPECT_EQ(-ENOENT, cgroup_move(self->dir, "plain", 1, &self->error));
	snprintf(self->path, sizeof(self->path), "cgroup %s/plain: cannot open its cgroup.procs: "
		 "No such file or directory", self->dir);
	EXPECT_STREQ(self->path, self->error.msg);
	snprintf(self->path, sizeof(self->path), "%s/plain/cgroup.procs", self->dir);
	EXPECT_EQ((mode_t)-1, mode_of(self->path));

	EXPECT_EQ(-EINVAL, cgroup_move(self->dir, "../x", 1, &self->error));
}

TEST_F(cgroup, id_refuses_what_is_not_cgroup_v2)
{
	uint64_t id = 0;

	ASSERT_EQ(0, cgroup_create(self->dir, "cam", &self->error));
	EXPECT_EQ(-EMEDIUMTYPE, cgroup_id(self->dir, "cam", &id, &self->error));
	snprintf(self->path, sizeof(self->path), "cgroup %s/cam: not a cgroup v2 directory",
		 self->dir);
	EXPECT_STREQ(self->path, self->error.msg);
	EXPECT_EQ(-EINVAL, cgroup_id(self->dir, "..", &id, &self->error));
}

/* Read only: the host's own cgroup v2 root, if this machine has one. */
TEST_F(cgroup, id_of_the_root_cgroup_is_its_kernfs_id)
{
	char root[256];
	uint64_t id = 0;
	struct stat st;

	if (cgroup_v2_find(CGROUP_MOUNTINFO, root, sizeof(root), &self->error))
		SKIP(return, "no cgroup v2 here: %.200s", self->error.msg);
	ASSERT_EQ(0, cgroup_id(root, "", &id, &self->error)) TH_LOG("%s", self->error.msg);
	ASSERT_EQ(0, stat(root, &st));
	EXPECT_NE(0, id);
	/* Where ino_t is 64 bits, the kernfs id is the inode number. */
	if (sizeof(long) == 8)
		EXPECT_EQ((uint64_t)st.st_ino, id);
}

TEST_HARNESS_MAIN
