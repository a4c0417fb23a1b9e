// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardd's watch over the login programs' directories and their
 * ancestors (program_watch.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include "program_watch.h"

#define WATCH_EVENTS (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_ATTRIB | \
		      IN_CLOSE_WRITE | IN_ONLYDIR)

static bool seen(char dirs[][PATH_MAX], size_t n, const char *dir)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(dirs[i], dir))
			return true;
	return false;
}

/* path's directory and every ancestor, each once. */
static void add_dirs(char dirs[][PATH_MAX], size_t *n, const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	if (path[0] != '/' || strlen(path) >= sizeof(dir))
		return;
	strcpy(dir, path);
	while ((slash = strrchr(dir, '/')) && *n < PROGRAM_WATCH_MAX_DIRS) {
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (!seen(dirs, *n, dir))
			strcpy(dirs[(*n)++], dir);
		if (!strcmp(dir, "/"))
			break;
	}
}

static void add_path(char dirs[][PATH_MAX], size_t *n, const char *path)
{
	char real[PATH_MAX];

	add_dirs(dirs, n, path);
	if (realpath(path, real))
		add_dirs(dirs, n, real);
}

int program_watch_open(struct program_watch *w, const struct login_guard_policy *policy)
{
	static char dirs[PROGRAM_WATCH_MAX_DIRS][PATH_MAX];
	size_t n = 0;

	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	/* The paths as written and as resolved: a link re-pointed anywhere on the way is seen. */
	for (size_t i = 0; i < policy->program_count; i++)
		add_path(dirs, &n, policy->programs[i]);
	for (size_t i = 0; i < policy->multi_call_count; i++)
		add_path(dirs, &n, policy->multi_call[i]);
	/* A directory that does not exist holds no program: nothing to watch. */
	for (size_t i = 0; i < n; i++)
		inotify_add_watch(w->fd, dirs[i], WATCH_EVENTS);
	return 0;
}

void program_watch_close(struct program_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

int program_watch_fd(const struct program_watch *w)
{
	return w->fd;
}

bool program_watch_read(struct program_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t len;

	while ((len = read(w->fd, buf, sizeof(buf))) > 0)
		changed = true;
	return changed;
}
