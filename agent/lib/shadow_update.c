// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <glob.h>
#include <shadow.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "errbuf.h"
#include "accounts.h"
#include "shadow_update.h"

#define set_error(error, ...) errbuf_set(error, SHADOW_ERROR_MAX, __VA_ARGS__)

static void not_writable(char *error, const char *path, int err)
{
	set_error(error, "%s: cannot write: %s. The credential store must be writable to "
		  "provision this device: give /etc a writable overlay (overlayfs on a data "
		  "partition), or bind-mount a writable /etc/shadow; remote login stays locked "
		  "until then", path, strerror(err));
}

static char *read_all(const char *path, size_t *len, struct stat *st, char *error)
{
	char *buf = NULL;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, st)) {
		set_error(error, "%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	if (st->st_size > SHADOW_MAX_BYTES) {
		set_error(error, "%s: larger than %d bytes", path, SHADOW_MAX_BYTES);
		goto out;
	}
	buf = malloc((size_t)st->st_size + 1);
	if (!buf) {
		set_error(error, "out of memory");
		goto out;
	}
	n = read(fd, buf, (size_t)st->st_size);
	if (n != st->st_size) {
		set_error(error, "%s: short read", path);
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
	*len = (size_t)n;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

static const struct shadow_change *change_for(const char *line, size_t name_len,
					      const struct shadow_change *changes,
					      size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(changes[i].account) == name_len &&
		    !strncmp(line, changes[i].account, name_len))
			return &changes[i];
	return NULL;
}

static bool write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/*
 * Copy old to fd line by line, replacing the hash field of changed
 * accounts. Every line must parse as a shadow entry.
 */
static int rewrite(const char *path, const char *old, int fd,
		   const struct shadow_change *changes, size_t count, char *error)
{
	char check[ACCOUNTS_MAX_LINE], buf[ACCOUNTS_MAX_LINE];
	unsigned int lineno = 0;
	size_t done = 0;
	const char *p = old;
	struct spwd sp, *res;

	while (*p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *colon1 = memchr(p, ':', len), *colon2;
		const struct shadow_change *change;

		lineno++;
		if (len >= sizeof(check)) {
			set_error(error, "%s:%u: line longer than %zu bytes", path, lineno,
				  sizeof(check) - 1);
			return -1;
		}
		memcpy(check, p, len);
		check[len] = '\0';
		res = NULL;
		if (check[strspn(check, " \t")] != '\0' && check[0] != '#' &&
		    (sgetspent_r(check, &sp, buf, sizeof(buf), &res) || !res)) {
			set_error(error, "%s:%u: not a valid shadow entry; nothing was changed",
				  path, lineno);
			return -1;
		}
		change = colon1 ? change_for(p, (size_t)(colon1 - p), changes, count) : NULL;
		if (change) {
			colon2 = memchr(colon1 + 1, ':', len - (size_t)(colon1 + 1 - p));
			if (!colon2) {
				set_error(error, "%s:%u: no hash field", path, lineno);
				return -1;
			}
			if (!write_all(fd, p, (size_t)(colon1 + 1 - p)) ||
			    !write_all(fd, change->hash, strlen(change->hash)) ||
			    !write_all(fd, colon2, (size_t)(p + len - colon2)))
				goto io_error;
			done++;
		} else if (!write_all(fd, p, len)) {
			goto io_error;
		}
		if (end && !write_all(fd, "\n", 1))
			goto io_error;
		p = end ? end + 1 : p + len;
	}
	if (done != count) {
		set_error(error, "%s: an account to change has no shadow entry", path);
		return -1;
	}
	return 0;
io_error:
	set_error(error, "%s: write: %s", path, strerror(errno));
	return -1;
}

/* Temporary files a killed writer left behind hold hashes: remove them. */
static void remove_stale(const char *dir)
{
	char pattern[600];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/.shadow.iotguard-*", dir);
	if (glob(pattern, GLOB_NOSORT, NULL, &g))
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		unlink(g.gl_pathv[i]);
	globfree(&g);
}

static bool valid_hash(const char *hash)
{
	return hash[0] && !strpbrk(hash, ":\n");
}

int shadow_update(const char *root, const struct shadow_change *changes,
		  size_t count, char error[SHADOW_ERROR_MAX])
{
	char path[512], dir[512], tmp[600];
	bool live = !strcmp(root, "/"), locked = false;
	struct stat st;
	char *old = NULL;
	size_t len;
	int fd = -1, dfd = -1, ret = -1;

	error[0] = '\0';
	if (root_path(path, sizeof(path), root, "etc/shadow") ||
	    root_path(dir, sizeof(dir), root, "etc")) {
		set_error(error, "%s: path too long", root);
		return -1;
	}
	/*
	 * A read-only root often links /etc/shadow into a data partition:
	 * rewrite the file it names, beside it, and keep the link. In an
	 * image (--root) the link would resolve on the build host: refuse.
	 */
	if (!lstat(path, &st) && S_ISLNK(st.st_mode)) {
		char real[PATH_MAX], *slash;

		if (!live) {
			set_error(error, "%s: a symbolic link; provision on the device", path);
			return -1;
		}
		if (!realpath(path, real) || strlen(real) >= sizeof(path)) {
			set_error(error, "%s: cannot resolve the link: %s", path, strerror(errno));
			return -1;
		}
		strcpy(path, real);
		slash = strrchr(real, '/');
		*slash = '\0';
		strcpy(dir, slash == real ? "/" : real);	/* shorter than path */
	}
	for (size_t i = 0; i < count; i++) {
		if (!valid_hash(changes[i].hash)) {
			set_error(error, "refusing an empty hash or one with ':' or a newline");
			return -1;
		}
	}
	snprintf(tmp, sizeof(tmp), "%s/.shadow.iotguard-XXXXXX", dir);
	if (live) {
		if (lckpwdf()) {
			set_error(error, "cannot take the shadow lock (lckpwdf): %s", strerror(errno));
			return -1;
		}
		locked = true;
	}
	remove_stale(dir);
	old = read_all(path, &len, &st, error);
	if (!old)
		goto out;
	fd = mkstemp(tmp);
	if (fd < 0) {
		not_writable(error, dir, errno);
		goto out;
	}
	if (fchown(fd, st.st_uid, st.st_gid) && geteuid() == 0) {
		set_error(error, "%s: fchown: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	if (fchmod(fd, st.st_mode & 07777)) {
		set_error(error, "%s: fchmod: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	if (rewrite(path, old, fd, changes, count, error))
		goto out_unlink;
	if (fsync(fd)) {
		set_error(error, "%s: fsync: %s", tmp, strerror(errno));
		goto out_unlink;
	}
	close(fd);
	fd = -1;
	if (rename(tmp, path)) {
		not_writable(error, path, errno);
		goto out_unlink;
	}
	/* The rename is only durable once the directory is. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd)) {
		set_error(error, "%s: fsync: %s", dir, strerror(errno));
		goto out;
	}
	ret = 0;
	goto out;

out_unlink:
	unlink(tmp);
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (locked)
		ulckpwdf();
	free(old);
	return ret;
}
