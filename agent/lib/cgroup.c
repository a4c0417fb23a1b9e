// SPDX-License-Identifier: GPL-2.0
/*
 * Services' cgroups on cgroup v2: finding or mounting cgroup2, creating a
 * service's cgroup, moving a process into it, its id and level.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include "cgroup.h"
#include "egress_policy.h"

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

int cgroup_path_check(const char *path, struct iotguard_error *error)
{
	const char *component = path;
	size_t len = strlen(path);

	if (len >= EGRESS_CGROUP_MAX)
		return iotguard_fail(error, EINVAL, "cgroup %.64s...: longer than %d characters",
				     path, EGRESS_CGROUP_MAX - 1);
	if (path[0] == '/')
		return iotguard_fail(error, EINVAL, "cgroup %s: must be relative to the cgroup v2 "
				     "root (no leading '/')", path);
	for (const char *c = path; *c; c++) {
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return iotguard_fail(error, EINVAL, "cgroup \"%.*s...\": control character "
					     "0x%02x", (int)(c - path), path, (unsigned char)*c);
	}
	while (len) {
		size_t n = strcspn(component, "/");

		if (n == 0)
			return iotguard_fail(error, EINVAL, "cgroup %s: empty component (\"//\" or "
					     "a trailing '/')", path);
		/* ".." would leave the root; "." names nothing new and hides that. */
		if ((n == 1 || n == 2) && !strncmp(component, "..", n))
			return iotguard_fail(error, EINVAL, "cgroup %s: '.' and '..' are not "
					     "allowed: a service's cgroup stays below the root", path);
		if (!component[n])
			break;
		component += n + 1;
		if (!*component)
			return iotguard_fail(error, EINVAL, "cgroup %s: empty component (\"//\" or "
					     "a trailing '/')", path);
	}
	return 0;
}

int cgroup_level(const char *path)
{
	int level = *path ? 1 : 0;

	for (; *path; path++)
		level += *path == '/';
	return level;
}

/* mountinfo escapes ' ', '\t', '\n' and '\\' as \ooo; undo it in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* The fields of one mountinfo line that matter here. */
struct mount_line {
	const char *root;	/* of the mount within its file system */
	const char *point;
	const char *fstype;
};

/*
 * "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw": the
 * root is field 4, the mount point field 5, the type follows the lone "-"
 * after the optional fields. Splits line in place; false if malformed.
 */
static bool parse_mount_line(char *line, struct mount_line *m)
{
	char *field[5], *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(line, " \n", &save); tok && n < 5;
	     tok = strtok_r(NULL, " \n", &save))
		field[n++] = tok;
	if (n < 5)
		return false;
	while (tok && strcmp(tok, "-"))
		tok = strtok_r(NULL, " \n", &save);
	if (!tok)
		return false;
	tok = strtok_r(NULL, " \n", &save);
	if (!tok)
		return false;
	unescape(field[3]);
	unescape(field[4]);
	m->root = field[3];
	m->point = field[4];
	m->fstype = tok;
	return true;
}

/*
 * Call visit for each mount in mountinfo, in order (later mounts on the
 * same point hide earlier ones), until it returns nonzero. Returns that,
 * 0 at the end, or a negative errno if mountinfo cannot be read.
 */
static int each_mount(const char *mountinfo, int (*visit)(const struct mount_line *, void *),
		      void *arg, struct iotguard_error *error)
{
	FILE *f = fopen(mountinfo, "re");
	size_t cap = 0;
	char *line = NULL;
	int ret = 0;

	if (!f)
		return iotguard_fail_errno(error, errno, "cannot read %s", mountinfo);
	while (!ret && getline(&line, &cap, f) > 0) {
		struct mount_line m;

		if (parse_mount_line(line, &m))
			ret = visit(&m, arg);
	}
	free(line);
	fclose(f);
	return ret;
}

struct find_v2 {
	char *root;
	size_t len;
	bool too_long;
};

static int visit_find_v2(const struct mount_line *m, void *arg)
{
	struct find_v2 *find = arg;

	if (strcmp(m->fstype, "cgroup2") || strcmp(m->root, "/"))
		return 0;
	if ((size_t)snprintf(find->root, find->len, "%s", m->point) >= find->len)
		find->too_long = true;
	return 1;
}

int cgroup_v2_find(const char *mountinfo, char *root, size_t len, struct iotguard_error *error)
{
	struct find_v2 find = { .root = root, .len = len };
	int ret = each_mount(mountinfo, visit_find_v2, &find, error);

	if (ret < 0)
		return ret;
	if (find.too_long)
		return iotguard_fail(error, ENAMETOOLONG, "cgroup2 is mounted at %.64s...: path "
				     "too long", root);
	if (!ret)
		return iotguard_fail(error, ENOENT, "cgroup v2 is not mounted (no mount of type "
				     "cgroup2 in %s)", mountinfo);
	return 0;
}

struct target_use {
	const char *target;
	size_t target_len;
	char fstype[32];	/* of the topmost mount at target; "" none */
	char v1_below[256];	/* a cgroup v1 hierarchy mounted below target */
};

static int visit_target(const struct mount_line *m, void *arg)
{
	struct target_use *use = arg;

	if (!strcmp(m->point, use->target)) {
		snprintf(use->fstype, sizeof(use->fstype), "%s", m->fstype);
		use->v1_below[0] = '\0';	/* what was below the point is hidden now */
	} else if (!strcmp(m->fstype, "cgroup") && !use->v1_below[0] &&
		   !strncmp(m->point, use->target, use->target_len) &&
		   m->point[use->target_len] == '/') {
		snprintf(use->v1_below, sizeof(use->v1_below), "%s", m->point);
	}
	return 0;
}

int cgroup_v2_target_free(const char *mountinfo, const char *target,
			  struct iotguard_error *error)
{
	struct target_use use = { .target = target, .target_len = strlen(target) };
	int ret = each_mount(mountinfo, visit_target, &use, error);

	if (ret < 0)
		return ret;
	if (!use.fstype[0] || !strcmp(use.fstype, "cgroup2"))
		return 0;
	if (use.v1_below[0])
		return iotguard_fail(error, EBUSY, "%s is a %s holding cgroup v1 hierarchies (%s, "
				     "...), a legacy cgroup layout: cgroup2 is not mounted over it, "
				     "which would hide them; mount cgroup2 beside them (e.g. at "
				     "%s/unified) or boot with the unified hierarchy "
				     "(cgroup_no_v1=all)", target, use.fstype, use.v1_below,
				     target);
	if (!strcmp(use.fstype, "cgroup"))
		return iotguard_fail(error, EBUSY, "%s is a cgroup v1 hierarchy: cgroup2 is not "
				     "mounted over it; mount cgroup2 elsewhere or boot with the "
				     "unified hierarchy (cgroup_no_v1=all)", target);
	return iotguard_fail(error, EBUSY, "%s is a mount of type %s: cgroup2 is not mounted "
			     "over it", target, use.fstype);
}

/*
 * Open dir/path (a checked relative path, "" for dir itself) one component
 * at a time, never through a symbolic link, creating missing components
 * 0755 if create. shown names the whole in errors. A descriptor, or a
 * negative errno with error set.
 */
static int open_below(const char *dir, const char *path, bool create, const char *shown,
		      struct iotguard_error *error)
{
	char reached[PATH_MAX];
	const char *component = path;
	int fd = open(dir, DIR_FLAGS);

	if (fd < 0)
		return iotguard_fail_errno(error, errno, "%s: cannot open %s", shown, dir);
	snprintf(reached, sizeof(reached), "%s", dir);
	while (*component) {
		size_t n = strcspn(component, "/");
		char name[EGRESS_CGROUP_MAX];
		bool made = false;
		int next;

		snprintf(name, sizeof(name), "%.*s", (int)n, component);
		/* Both fit: reached is dir and a prefix of path, which fits PATH_MAX. */
		snprintf(reached + strlen(reached), sizeof(reached) - strlen(reached), "%s%s",
			 strcmp(reached, "/") ? "/" : "", name);
		if (create && !mkdirat(fd, name, 0755))
			made = true;
		else if (create && errno != EEXIST)
			goto fail;
		next = openat(fd, name, DIR_FLAGS);
		if (next < 0)
			goto fail;
		close(fd);
		fd = next;
		/* 0755 whatever the umask: others (status, ps) may read a service's cgroup. */
		if (made && fchmod(fd, 0755))
			goto fail;
		component += n + (component[n] == '/');
	}
	return fd;
fail:
	{
		int code = errno;

		close(fd);
		if (code == ENOTDIR || code == ELOOP)
			return iotguard_fail(error, code, "%s: %s is not a directory (a symbolic "
					     "link or a file)", shown, reached);
		return iotguard_fail_errno(error, code, "%s: %s %s", shown,
					   create ? "cannot create" : "cannot open", reached);
	}
}

/* Check path and open root/path as open_below does; shown gets its name for later errors. */
static int open_cgroup(const char *root, const char *path, bool create, char *shown, size_t len,
		       struct iotguard_error *error)
{
	int ret = cgroup_path_check(path, error);

	if (ret)
		return ret;
	snprintf(shown, len, "cgroup %s%s%s", root, *path ? "/" : "", path);
	return open_below(root, path, create, shown, error);
}

int cgroup_v2_ensure(char *root, size_t len, struct iotguard_error *error)
{
	const char *target = CGROUP_V2_MOUNT_POINT;
	int ret, fd;

	ret = cgroup_v2_find(CGROUP_MOUNTINFO, root, len, error);
	if (ret != -ENOENT)
		return ret ? ret : CGROUP_V2_WAS_MOUNTED;
	iotguard_error_clear(error);
	ret = cgroup_v2_target_free(CGROUP_MOUNTINFO, target, error);
	if (ret)
		return ret;
	/* "/" and the target without its leading '/': created like a cgroup's components. */
	fd = open_below("/", target + 1, true, "mounting cgroup2", error);
	if (fd < 0)
		return fd;
	close(fd);
	if (mount("cgroup2", target, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		if (errno == ENODEV)
			return iotguard_fail(error, ENODEV, "mounting cgroup2 at %s: the kernel has "
					     "no cgroup v2 (CONFIG_CGROUPS)", target);
		return iotguard_fail_errno(error, errno, "mounting cgroup2 at %s", target);
	}
	if ((size_t)snprintf(root, len, "%s", target) >= len)
		return iotguard_fail(error, ENAMETOOLONG, "%s: path too long", target);
	return CGROUP_V2_MOUNTED_NOW;
}

int cgroup_create(const char *root, const char *path, struct iotguard_error *error)
{
	char shown[PATH_MAX + 16];
	int fd = open_cgroup(root, path, true, shown, sizeof(shown), error);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* Words for why the kernel refused a move, beyond strerror. */
static const char *move_hint(int code)
{
	switch (code) {
	case EBUSY:
		return " (the cgroup has controllers enabled for its children in "
		       "cgroup.subtree_control: only a leaf takes processes)";
	case EOPNOTSUPP:
		return " (a threaded cgroup takes threads, not processes)";
	case EACCES:
	case EPERM:
		return " (moving a process needs root)";
	default:
		return "";
	}
}

int cgroup_move(const char *root, const char *path, pid_t pid, struct iotguard_error *error)
{
	char shown[PATH_MAX + 16], text[24];
	int dirfd = open_cgroup(root, path, false, shown, sizeof(shown), error), fd, code;
	ssize_t n;

	if (dirfd < 0)
		return dirfd;
	fd = openat(dirfd, "cgroup.procs", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	code = errno;
	close(dirfd);
	if (fd < 0)
		return iotguard_fail(error, code, "%s: cannot open its cgroup.procs: %s%s", shown,
				     strerror(code), move_hint(code));
	/* One write: the kernel takes a pid a write, 0 meaning the writer. */
	snprintf(text, sizeof(text), "%d\n", (int)pid);
	n = write(fd, text, strlen(text));
	code = n < 0 ? errno : EIO;
	close(fd);
	if (n == (ssize_t)strlen(text))
		return 0;
	return iotguard_fail(error, code, "%s: cannot move process %d into it: %s%s", shown,
			     (int)pid, strerror(code), move_hint(code));
}

int cgroup_id(const char *root, const char *path, uint64_t *id, struct iotguard_error *error)
{
	union {
		struct file_handle fh;
		char room[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} handle = { .fh.handle_bytes = MAX_HANDLE_SZ };
	char shown[PATH_MAX + 16];
	int fd = open_cgroup(root, path, false, shown, sizeof(shown), error), mount_id, ret, code;
	struct statfs sfs;

	if (fd < 0)
		return fd;
	if (fstatfs(fd, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		close(fd);
		return iotguard_fail(error, EMEDIUMTYPE, "%s: not a cgroup v2 directory", shown);
	}
	ret = name_to_handle_at(fd, "", &handle.fh, &mount_id, AT_EMPTY_PATH);
	code = errno;
	close(fd);
	if (ret)
		return iotguard_fail(error, code, "%s: cannot read its id: %s", shown,
				     strerror(code));
	/*
	 * kernfs's handle is the node's 64-bit id (FILEID_KERNFS since Linux
	 * 5.5; ino and generation, FILEID_INO32_GEN, before): the cgroup id.
	 */
	if (handle.fh.handle_bytes != sizeof(*id))
		return iotguard_fail(error, EMEDIUMTYPE, "%s: its file handle is %u bytes, not a "
				     "cgroup id", shown, handle.fh.handle_bytes);
	memcpy(id, handle.fh.f_handle, sizeof(*id));
	return 0;
}
