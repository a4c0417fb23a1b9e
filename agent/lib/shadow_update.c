// SPDX-License-Identifier: GPL-2.0
/*
 * Replacing hashes in a root's shadow file: the shadow lock, the link to a
 * data partition, every line checked; the write itself is atomic_file's.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <shadow.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "accounts.h"
#include "atomic_file.h"
#include "error.h"
#include "shadow_update.h"

/* Failures that mean the store is read-only here: say how to make it writable. */
static int not_writable(struct iotguard_error *err, int code)
{
	char msg[IOTGUARD_ERROR_MAX];

	if (!err || (code != -EROFS && code != -EACCES && code != -EPERM))
		return code;
	memcpy(msg, err->msg, sizeof(msg));
	return iotguard_fail(err, -code, "%s. The credential store must be writable to "
			     "provision this device: give /etc a writable overlay (overlayfs on a "
			     "data partition), or bind-mount a writable /etc/shadow; remote login "
			     "stays locked until then", msg);
}

/* The whole file into *buf (NUL-terminated), its owner and mode into st. */
static int read_all(const char *path, char **buf, struct stat *st, struct iotguard_error *err)
{
	ssize_t n;
	int fd, ret = 0;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, st)) {
		ret = iotguard_fail_errno(err, errno, "%s: cannot open", path);
		goto out;
	}
	if (st->st_size > SHADOW_MAX_BYTES) {
		ret = iotguard_fail(err, EFBIG, "%s: larger than %d bytes", path, SHADOW_MAX_BYTES);
		goto out;
	}
	*buf = malloc((size_t)st->st_size + 1);
	if (!*buf) {
		ret = iotguard_fail(err, ENOMEM, "out of memory");
		goto out;
	}
	n = read(fd, *buf, (size_t)st->st_size);
	if (n != st->st_size) {
		ret = iotguard_fail(err, n < 0 ? errno : EIO, "%s: short read", path);
		free(*buf);
		*buf = NULL;
		goto out;
	}
	(*buf)[n] = '\0';
out:
	if (fd >= 0)
		close(fd);
	return ret;
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

/* Append len bytes to out (sized by the caller for every change). */
static char *put(char *out, const char *p, size_t len)
{
	memcpy(out, p, len);
	return out + len;
}

/*
 * Copy old into new line by line, replacing the hash field of changed
 * accounts, each once (applied[] says which); *len_out is the new
 * length. Every line must parse as a shadow entry. new has room for old
 * and every change's hash.
 */
static int rewrite(const char *path, const char *old, char *new, size_t *len_out,
		   const struct shadow_change *changes, size_t count, bool *applied,
		   struct iotguard_error *err)
{
	char check[ACCOUNTS_MAX_LINE], buf[ACCOUNTS_MAX_LINE];
	unsigned int lineno = 0;
	size_t done = 0;
	const char *p = old;
	struct spwd sp, *res;
	char *out = new;

	while (*p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *colon1 = memchr(p, ':', len), *colon2;
		const struct shadow_change *change;

		lineno++;
		if (len >= sizeof(check))
			return iotguard_fail(err, EINVAL, "%s:%u: line longer than %zu bytes", path,
					     lineno, sizeof(check) - 1);
		memcpy(check, p, len);
		check[len] = '\0';
		res = NULL;
		if (check[strspn(check, " \t")] != '\0' && check[0] != '#' &&
		    (sgetspent_r(check, &sp, buf, sizeof(buf), &res) || !res))
			return iotguard_fail(err, EINVAL, "%s:%u: not a valid shadow entry; "
					     "nothing was changed", path, lineno);
		change = colon1 ? change_for(p, (size_t)(colon1 - p), changes, count) : NULL;
		/* Each change once: an account on two lines would take it twice. */
		if (change && applied[change - changes])
			return iotguard_fail(err, EINVAL, "%s:%u: account '%s' listed twice; "
					     "nothing was changed", path, lineno, change->account);
		if (change) {
			applied[change - changes] = true;
			colon2 = memchr(colon1 + 1, ':', len - (size_t)(colon1 + 1 - p));
			if (!colon2)
				return iotguard_fail(err, EINVAL, "%s:%u: no hash field", path,
						     lineno);
			out = put(out, p, (size_t)(colon1 + 1 - p));
			out = put(out, change->hash, strlen(change->hash));
			out = put(out, colon2, (size_t)(p + len - colon2));
			done++;
		} else {
			out = put(out, p, len);
		}
		if (end)
			out = put(out, "\n", 1);
		p = end ? end + 1 : p + len;
	}
	if (done != count)
		return iotguard_fail(err, ENOENT, "%s: an account to change has no shadow entry",
				     path);
	*len_out = (size_t)(out - new);
	return 0;
}

static bool valid_hash(const char *hash)
{
	return hash[0] && !strpbrk(hash, ":\n");
}

int shadow_update(const char *root, const struct shadow_change *changes,
		  size_t count, struct iotguard_error *err)
{
	char path[512], dir[512];
	bool live = !strcmp(root, "/");
	struct atomic_file_opts opts = { .remove_stale = true };
	char *old = NULL, *new = NULL;
	bool *applied = NULL;
	size_t len = 0, room;
	struct stat st;
	int dfd = -1, ret;

	if (root_path(path, sizeof(path), root, "etc/shadow") ||
	    root_path(dir, sizeof(dir), root, "etc"))
		return iotguard_fail(err, ENAMETOOLONG, "%s: path too long", root);
	/*
	 * A read-only root often links /etc/shadow into a data partition:
	 * rewrite the file it names, beside it, and keep the link. In an
	 * image (--root) the link would resolve on the build host: refuse.
	 */
	if (!lstat(path, &st) && S_ISLNK(st.st_mode)) {
		char real[PATH_MAX], *slash;

		if (!live)
			return iotguard_fail(err, ELOOP, "%s: a symbolic link; provision on the "
					     "device", path);
		if (!realpath(path, real) || strlen(real) >= sizeof(path))
			return iotguard_fail(err, errno ? errno : ENAMETOOLONG, "%s: cannot "
					     "resolve the link: %s", path, strerror(errno));
		strcpy(path, real);
		slash = strrchr(real, '/');
		*slash = '\0';
		strcpy(dir, slash == real ? "/" : real);	/* shorter than path */
	}
	room = 1;
	for (size_t i = 0; i < count; i++) {
		if (!valid_hash(changes[i].hash))
			return iotguard_fail(err, EINVAL, "refusing an empty hash or one with ':' "
					     "or a newline");
		room += strlen(changes[i].hash);
	}
	/* Tools that follow the convention (passwd, chpasswd) wait for us, and we for them. */
	if (live && lckpwdf())
		return iotguard_fail_errno(err, errno, "cannot take the shadow lock (lckpwdf)");
	ret = read_all(path, &old, &st, err);
	if (ret)
		goto out;
	room += strlen(old);
	new = malloc(room);
	applied = calloc(count + 1, sizeof(*applied));
	if (!new || !applied) {
		ret = iotguard_fail(err, ENOMEM, "out of memory");
		goto out;
	}
	ret = rewrite(path, old, new, &len, changes, count, applied, err);
	if (ret)
		goto out;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ret = not_writable(err, iotguard_fail_errno(err, errno, "%s: cannot open", dir));
		goto out;
	}
	/* The original's owner and mode (root:shadow 0640 on some systems, 0600 on others). */
	opts.mode = st.st_mode & 07777;
	opts.uid = st.st_uid;
	opts.gid = st.st_gid;
	ret = atomic_file_write_at(dfd, dir, strrchr(path, '/') + 1, new, len, &opts, err);
	ret = not_writable(err, ret);
out:
	if (dfd >= 0)
		close(dfd);
	if (live)
		ulckpwdf();
	if (new)
		explicit_bzero(new, room);
	free(new);
	free(old);
	free(applied);
	return ret;
}
