// SPDX-License-Identifier: GPL-2.0
/* One iotguardd at a time: see instance_lock.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include "paths.h"
#include "instance_lock.h"

/* The pid the holder wrote, or 0. */
static pid_t holder_pid(int fd)
{
	char buf[24];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 0 && pid <= INT32_MAX ? (pid_t)pid : 0;
}

int instance_lock(const char *path, int *fd, pid_t *holder, struct iotguard_error *error)
{
	char pid[24];
	int len, lfd;

	*fd = -1;
	*holder = 0;
	/* O_NOFOLLOW: a link planted there must not aim our writes elsewhere. */
	lfd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (lfd < 0)
		return iotguard_fail_errno(error, errno, "%s", path);
	if (flock(lfd, LOCK_EX | LOCK_NB)) {
		int err = errno;

		if (err != EWOULDBLOCK) {
			close(lfd);
			return iotguard_fail_errno(error, err, "%s", path);
		}
		*holder = holder_pid(lfd);
		close(lfd);
		if (*holder)
			return iotguard_fail(error, EWOULDBLOCK, "%s is held by pid %ld", path,
					     (long)*holder);
		return iotguard_fail(error, EWOULDBLOCK, "%s is held by another process", path);
	}
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(lfd, 0) || pwrite(lfd, pid, (size_t)len, 0) != len) {
		int err = errno;

		close(lfd);
		return iotguard_fail_errno(error, err, "%s", path);
	}
	*fd = lfd;
	return 0;
}
