// SPDX-License-Identifier: GPL-2.0
/* iotguardd's watch over the service cgroups (service_watch.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include "service_watch.h"

/* A new directory; the parent itself going (the watch is then gone). */
#define WATCH_EVENTS (IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

void service_watch_init(struct service_watch *w)
{
	w->fd = -1;
	w->n = 0;
}

int service_watch_open(struct service_watch *w, const char *cgroup_root,
		       const struct egress_policy *policy)
{
	service_watch_close(w);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	for (size_t i = 0; i < policy->service_count && w->n < SERVICE_WATCH_MAX; i++) {
		const char *cgroup = policy->services[i].cgroup;
		const char *slash = strrchr(cgroup, '/');
		char parent[PATH_MAX];
		int wd, len;

		/* "camera" is the root's child; "system.slice/camera.service" system.slice's. */
		len = slash ? snprintf(parent, sizeof(parent), "%s/%.*s", cgroup_root,
				       (int)(slash - cgroup), cgroup) :
			      snprintf(parent, sizeof(parent), "%s", cgroup_root);
		if (len < 0 || (size_t)len >= sizeof(parent))
			continue;
		wd = inotify_add_watch(w->fd, parent, WATCH_EVENTS);
		if (wd < 0)
			continue;
		w->dirs[w->n].wd = wd;
		snprintf(w->dirs[w->n].name, sizeof(w->dirs[w->n].name), "%s",
			 slash ? slash + 1 : cgroup);
		w->n++;
	}
	return 0;
}

void service_watch_close(struct service_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	service_watch_init(w);
}

int service_watch_fd(const struct service_watch *w)
{
	return w->fd;
}

/* Whether ev, in the directory watched as wd, is a service's cgroup made, or the directory gone. */
static bool matters(const struct service_watch *w, const struct inotify_event *ev)
{
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_Q_OVERFLOW))
		return true;
	if (!(ev->mask & IN_ISDIR) || !ev->len)
		return false;
	for (size_t i = 0; i < w->n; i++)
		if (w->dirs[i].wd == ev->wd && !strcmp(w->dirs[i].name, ev->name))
			return true;
	return false;
}

bool service_watch_read(struct service_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t n;

	while ((n = read(w->fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n; ) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			changed |= matters(w, ev);
			p += sizeof(*ev) + ev->len;
		}
	}
	return changed;
}
