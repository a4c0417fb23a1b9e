/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iotguardd's outbound policy: attaching its programs, keeping the policy
 * in force as the policy file and its names' addresses change, and logging
 * what it refuses.
 */
#ifndef IOTGUARD_OUTBOUND_H
#define IOTGUARD_OUTBOUND_H

#include <limits.h>
#include <stdbool.h>
#include "dns_cache.h"
#include "dns_resolve.h"
#include "egress_events.h"
#include "egress_policy.h"
#include "policy.h"
#include "rate_limit.h"
#include "service_watch.h"

struct outbound {
	char cgroup_root[PATH_MAX];
	char agent_cgroup[EGRESS_CGROUP_MAX];
	bool installed;			/* a policy of ours is in force */
	struct egress_policy with_agent;	/* the file's policy plus the agent's service */
	const struct egress_policy *named;	/* the file's, for names in the log */
	struct dns_cache *cache;
	struct dns_resolver *resolver;
	struct egress_events *events;
	struct rate_limit log_limit;
	struct service_watch services;	/* the services' cgroups, made again */
};

/* At start, whatever the policy: cgroup2 mounted if nothing has; logs what it found. */
void outbound_mount_cgroup2(void);
void outbound_init(struct outbound *o);
/*
 * Put policy's egress section in force (or, without one, none). Logs what
 * it did; on failure logs why and leaves the policy in force as it was.
 * 0 or a negative errno.
 */
int outbound_apply(struct outbound *o, const struct iotguard_policy *policy);
/*
 * Hand the module the judge of tunnels' and forwarded packets, if the
 * programs are pinned; a failure is logged as degraded.
 */
void outbound_judge(void);
/* For the poll loop: the resolver's and the events' fds (-1: none), and how long to wait. */
int outbound_resolver_fd(const struct outbound *o);
int outbound_events_fd(const struct outbound *o);
int outbound_timeout_ms(const struct outbound *o);
/* After poll: resolve what is due and reinstall if the addresses changed. */
void outbound_run(struct outbound *o);
/* The service cgroups' watch's fd for the poll loop (-1: none). */
int outbound_services_fd(const struct outbound *o);
/*
 * After poll, on POLLIN of that fd: a service's cgroup made again (a
 * service manager restarting its unit) has a new id; install the policy
 * again, with it.
 */
void outbound_services_changed(struct outbound *o);
/* After poll, on POLLIN of the events' fd: log the refusals. */
void outbound_read_events(struct outbound *o);
/* Stop resolving and reading; what is in force stays in force. */
void outbound_stop(struct outbound *o);

#endif
