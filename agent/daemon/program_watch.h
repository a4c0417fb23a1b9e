/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iotguardd's watch over where the login programs live. The guard knows a
 * login program by its inode; a package manager that renames a new file
 * over the old one is followed in the kernel, but a replaced symlink, a
 * versioned install (a new target, the link re-pointed) or an exchanged
 * directory gives a path a new inode the kernel cannot connect to the old
 * one. Any change in the directories on the way to a program's path, as
 * written and as resolved through its links, reloads the guard's programs
 * from the policy's paths; the watch itself is then set up again, since a
 * directory exchanged or a link re-pointed moves what must be watched.
 */
#ifndef IOTGUARD_PROGRAM_WATCH_H
#define IOTGUARD_PROGRAM_WATCH_H

#include <stdbool.h>
#include "policy.h"

/* Directories watched at most: each program's and their ancestors. */
#define PROGRAM_WATCH_MAX_DIRS 64

struct program_watch {
	int fd;		/* inotify; -1 when closed */
};

/* Watch the directories of policy's programs. 0 or -errno (logged by the caller). */
int program_watch_open(struct program_watch *w, const struct login_guard_policy *policy);
void program_watch_close(struct program_watch *w);
int program_watch_fd(const struct program_watch *w);
/* Drain the events; true if a watched directory changed. */
bool program_watch_read(struct program_watch *w);

#endif
