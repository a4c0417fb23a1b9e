// SPDX-License-Identifier: GPL-2.0
/*
 * Replacing a file whole (temporary, fsync, rename, fsync the directory).
 *
 * The agent writes as root into directories that may belong to someone
 * else (/var/www). A path resolved by the kernel in one go would follow a
 * symbolic link planted in any component, and a check on a path can be
 * raced by a rename. So the destination's directory is reached one
 * component at a time from "/", never through a symbolic link, and each
 * directory is checked on the descriptor that is then used: the temporary
 * file is created, written, synced and renamed inside that descriptor.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif
#include "atomic_file.h"
#include "error.h"

bool atomic_file_use_openat2 = true;

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

static int open_component(int dirfd, const char *name)
{
#ifdef SYS_openat2
	if (atomic_file_use_openat2) {
		/* The kernel refuses every kind of link here, magic ones too. */
		struct open_how how = {
			.flags = DIR_FLAGS,
			.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_BENEATH,
		};
		long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof(how));

		if (fd >= 0 || errno != ENOSYS)
			return (int)fd;
		/* Before Linux 5.6: O_NOFOLLOW on a single component is as strict. */
	}
#endif
	return openat(dirfd, name, DIR_FLAGS);
}

/* One component, never a symbolic link (ELOOP), always a directory. */
static int open_dir_at(int dirfd, const char *name)
{
	int fd = open_component(dirfd, name);
	struct stat st;

	/* O_DIRECTORY wins over O_NOFOLLOW: a link is "not a directory". Say what it is. */
	if (fd < 0 && errno == ENOTDIR && !fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) &&
	    S_ISLNK(st.st_mode))
		errno = ELOOP;
	return fd;
}

/*
 * A directory whose owner (other than root and us) or whose group or
 * others may add and rename entries could swap a symbolic link or their
 * own file in under the name we write. The sticky bit forbids renaming or
 * removing others' entries, so a sticky directory is safe.
 */
static int check_dir(int fd, const char *path, const char *shown, struct iotguard_error *error)
{
	struct stat st;

	if (fstat(fd, &st))
		return iotguard_fail_errno(error, errno, "%s not written: %s", path, shown);
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return iotguard_fail(error, EPERM, "%s not written: %s is owned by uid %u, "
				     "neither root nor the agent", path, shown,
				     (unsigned int)st.st_uid);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return iotguard_fail(error, EPERM, "%s not written: %s is writable by group or "
				     "others without the sticky bit (mode %04o)", path, shown,
				     (unsigned int)(st.st_mode & 07777));
	return 0;
}

static int open_failed(const char *path, const char *shown, struct iotguard_error *error)
{
	if (errno == ELOOP)
		return iotguard_fail(error, ELOOP, "%s not written: %s is a symbolic link (not "
				     "followed: give the real path)", path, shown);
	return iotguard_fail_errno(error, errno, "%s not written: %s", path, shown);
}

/*
 * Open the directory that will hold path's last component, creating
 * missing directories (0755) if create. Returns the descriptor and points
 * *name at the last component (inside buf), or a negative errno with
 * error set.
 */
static int open_parent(const char *path, char *buf, size_t buflen, const char **name,
		       bool create, struct iotguard_error *error)
{
	char shown[PATH_MAX] = "";
	char *component, *next;
	int fd, nfd, ret;

	if (path[0] != '/' || path[strlen(path) - 1] == '/')
		return iotguard_fail(error, EINVAL, "%s not written: not an absolute path to a "
				     "file", path);
	if ((size_t)snprintf(buf, buflen, "%s", path) >= buflen)
		return iotguard_fail(error, ENAMETOOLONG, "%.64s... not written: path too long",
				     path);
	fd = open("/", DIR_FLAGS);
	if (fd < 0)
		return open_failed(path, "/", error);
	ret = check_dir(fd, path, "/", error);
	if (ret)
		goto fail;
	for (component = buf + 1;; component = next) {
		while (*component == '/')
			component++;
		next = strchr(component, '/');
		if (!next)
			break;
		*next++ = '\0';
		/* Appended in step with buf: never longer than path, which fits. */
		strcat(strcat(shown, "/"), component);
		if (!strcmp(component, ".") || !strcmp(component, "..")) {
			ret = iotguard_fail(error, EINVAL, "%s not written: '.' and '..' are not "
					    "allowed", path);
			goto fail;
		}
		nfd = open_dir_at(fd, component);
		if (nfd < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, component, 0755) && errno != EEXIST) {
				ret = open_failed(path, shown, error);
				goto fail;
			}
			nfd = open_dir_at(fd, component);
		}
		if (nfd < 0) {
			ret = open_failed(path, shown, error);
			goto fail;
		}
		close(fd);
		fd = nfd;
		ret = check_dir(fd, path, shown, error);
		if (ret)
			goto fail;
	}
	if (!strcmp(component, ".") || !strcmp(component, "..")) {
		ret = iotguard_fail(error, EINVAL, "%s not written: '.' and '..' are not allowed",
				    path);
		goto fail;
	}
	*name = component;
	return fd;
fail:
	close(fd);
	return ret;
}

/* Temporary names: ".<name>.iotguard-" and a unique suffix. */
#define TEMP_PREFIX ".%s.iotguard-"

/*
 * O_EXCL on a fresh name: never write into a file someone left for us.
 * Shaped like openat(), which it wraps: a descriptor, or -1 and errno, so
 * that the caller's chain of system calls reads errno once.
 */
static int create_temp(int dirfd, const char *name, mode_t mode, char *tmp, size_t tmplen)
{
	static unsigned int counter;
	struct timespec ts;

	for (int attempt = 0; attempt < 100; attempt++) {
		int fd;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		if ((size_t)snprintf(tmp, tmplen, TEMP_PREFIX "%x%lx", name,
				     (unsigned int)getpid() ^ counter++,
				     (unsigned long)ts.tv_nsec) >= tmplen) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/*
 * The temporaries of name a killed writer left behind: regular files,
 * ours or owner's (the owner a writer gave them before it died). Root
 * may remove anyone's file, even in a sticky directory: a file of that
 * name that someone else made stays.
 */
static void remove_stale(int dirfd, const char *name, uid_t owner)
{
	char prefix[NAME_MAX + 1];
	struct dirent *entry;
	size_t len;
	DIR *dir;
	int fd;

	len = (size_t)snprintf(prefix, sizeof(prefix), TEMP_PREFIX, name);
	if (len >= sizeof(prefix))
		return;
	/* A descriptor of its own: readdir must not move dirfd's offset. */
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((entry = readdir(dir))) {
		struct stat st;

		if (strncmp(entry->d_name, prefix, len) ||
		    fstatat(dirfd, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode) ||
		    (st.st_uid != geteuid() && st.st_uid != owner))
			continue;
		unlinkat(dirfd, entry->d_name, 0);
	}
	closedir(dir);
}

/* Shaped like write(): 0, or -1 and errno, in replace()'s chain of system calls. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Replace name in dirfd with data; path names it in errors. */
static int replace(int dirfd, const char *path, const char *name, const void *data, size_t len,
		   const struct atomic_file_opts *opts, struct iotguard_error *error)
{
	char tmp[NAME_MAX + 1];
	int fd, err = 0;

	if (opts->remove_stale)
		remove_stale(dirfd, name, opts->uid);
	/*
	 * Owner-only until written: access is checked at open(), so a file
	 * created with its final group bits could be opened by the creator's
	 * group (gid 0 for root) before fchown gives it the right group, and
	 * read once written.
	 */
	fd = create_temp(dirfd, name, 0600, tmp, sizeof(tmp));
	if (fd < 0)
		return iotguard_fail_errno(error, errno, "%s not written: cannot create a "
					   "temporary file beside it", path);
	errno = 0;
	if (write_all(fd, data, len) || fsync(fd))
		err = errno ? errno : EIO;
	/* Only root can give a file away; anyone else's file stays theirs. */
	else if (opts->uid != (uid_t)-1 && fchown(fd, opts->uid, opts->gid) && geteuid() == 0)
		err = errno;
	/* fchmod after fchown, which may clear set-id bits: the mode asked for, whatever umask. */
	else if (fchmod(fd, opts->mode) || fsync(fd))
		err = errno ? errno : EIO;
	if (close(fd) && !err)
		err = errno;
	if (!err && renameat(dirfd, tmp, dirfd, name))
		err = errno;
	if (err) {
		unlinkat(dirfd, tmp, 0);
		return iotguard_fail_errno(error, err, "%s not written", path);
	}
	/* The rename itself must survive a power cut: sync the directory. */
	if (fsync(dirfd))
		return iotguard_fail_errno(error, errno, "%s written, but syncing its directory "
					   "failed", path);
	return 0;
}

int atomic_file_write(const char *path, const char *text, mode_t mode,
		      struct iotguard_error *error)
{
	const struct atomic_file_opts opts = { .mode = mode, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	char buf[PATH_MAX];
	const char *name = NULL;
	struct stat st;
	int dirfd, ret;

	dirfd = open_parent(path, buf, sizeof(buf), &name, true, error);
	if (dirfd < 0)
		return dirfd;
	/* rename() would replace a link, but one there means someone meant us to follow it. */
	if (!fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) && !S_ISREG(st.st_mode)) {
		if (S_ISLNK(st.st_mode))
			ret = iotguard_fail(error, ELOOP, "%s not written: it is a symbolic link "
					    "(not followed: give the real path)", path);
		else
			ret = iotguard_fail(error, EEXIST, "%s not written: it exists and is not "
					    "a regular file", path);
	} else {
		ret = replace(dirfd, path, name, text, strlen(text), &opts, error);
	}
	close(dirfd);
	return ret;
}

void atomic_file_remove_stale(const char *path)
{
	struct iotguard_error ignored;
	const char *name = NULL;
	char buf[PATH_MAX];
	int dirfd;

	/* Reached as a write would reach it: never through a link, never a directory others own. */
	dirfd = open_parent(path, buf, sizeof(buf), &name, false, &ignored);
	if (dirfd < 0)
		return;
	remove_stale(dirfd, name, (uid_t)-1);
	close(dirfd);
}

int atomic_file_write_at(int dirfd, const char *dir, const char *name, const void *data,
			 size_t len, const struct atomic_file_opts *opts,
			 struct iotguard_error *error)
{
	const char *slash;
	char path[PATH_MAX];

	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return iotguard_fail(error, EINVAL, "%s/%s not written: not a file name", dir,
				     name);
	slash = dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/";
	if ((size_t)snprintf(path, sizeof(path), "%s%s%s", dir, slash, name) >= sizeof(path))
		return iotguard_fail(error, ENAMETOOLONG, "%.64s... not written: path too long",
				     dir);
	return replace(dirfd, path, name, data, len, opts, error);
}
