/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iotguardd's watch over the outbound policy's service cgroups. The
 * programs know a service by its cgroup's id, and a service manager
 * (systemd) removes a unit's cgroup when the unit stops and makes a new
 * one, with a new id, when it starts again: each service cgroup made
 * again is reported, so that the policy is installed again with the new
 * id. The directories watched are the services' cgroups' parents.
 */
#ifndef IOTGUARD_SERVICE_WATCH_H
#define IOTGUARD_SERVICE_WATCH_H

#include <stdbool.h>
#include "egress_policy.h"

/* Parent directories watched at most: one per service. */
#define SERVICE_WATCH_MAX (EGRESS_CAP_SERVICES + 1)

struct service_watch {
	int fd;					/* inotify; -1 when closed */
	size_t n;
	struct {
		int wd;
		char name[EGRESS_CGROUP_MAX];	/* the service cgroup's own directory name */
	} dirs[SERVICE_WATCH_MAX];
};

void service_watch_init(struct service_watch *w);
/*
 * Watch the parents of policy's services' cgroups under cgroup_root (which
 * the policy's install has made). 0 or -errno (logged by the caller); a
 * service whose parent cannot be watched is left out.
 */
int service_watch_open(struct service_watch *w, const char *cgroup_root,
		       const struct egress_policy *policy);
void service_watch_close(struct service_watch *w);
int service_watch_fd(const struct service_watch *w);
/* Drain the events; true if a service's cgroup was made (again) or a parent went away. */
bool service_watch_read(struct service_watch *w);

#endif
