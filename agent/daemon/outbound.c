// SPDX-License-Identifier: GPL-2.0
/* iotguardd's outbound policy: attach, keep in force as names resolve, log refusals. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cgroup.h"
#include "egress.h"
#include "egress_install.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "egress_state.h"
#include "log.h"
#include "login_guard_loader.h"
#include "outbound.h"

/* Refusals a flood can cause: at most this many lines a second after a burst. */
#define REFUSAL_LOG_PER_SEC 5
#define REFUSAL_LOG_BURST 20

/* Services' cgroups need cgroup v2: without it the outbound policy reports itself degraded. */
void outbound_mount_cgroup2(void)
{
	struct iotguard_error err;
	char root[PATH_MAX];
	int ret = cgroup_v2_ensure(root, sizeof(root), &err);

	if (ret < 0)
		log_err("DEGRADED: no cgroup v2, so no outbound policy: %s", err.msg);
	else
		log_info("cgroup v2 %s %s", ret == CGROUP_V2_MOUNTED_NOW ? "mounted at" :
			 "already mounted at", root);
}

void outbound_init(struct outbound *o)
{
	memset(o, 0, sizeof(*o));
	rate_limit_init(&o->log_limit, REFUSAL_LOG_PER_SEC, REFUSAL_LOG_BURST);
	service_watch_init(&o->services);
}

static void log_refusal(const struct egress_event *event, void *arg)
{
	struct outbound *o = arg;
	uint64_t suppressed;
	char line[512];

	if (!rate_limit_take(&o->log_limit))
		return;
	egress_event_format(event, o->named, line, sizeof(line));
	suppressed = rate_limit_suppressed(&o->log_limit);
	if (suppressed)
		log_warn("%s (and %llu more not logged)", line, (unsigned long long)suppressed);
	else
		log_warn("%s", line);
}

/*
 * The agent's cgroup, which its service's rules (its resolvers) are keyed
 * on: its own if init gave it one (a systemd unit), else EGRESS_AGENT_CGROUP,
 * which it moves into: in the root cgroup a service would be every process.
 */
static int find_agent_cgroup(struct outbound *o, struct iotguard_error *err)
{
	char line[512] = "";
	FILE *f = fopen("/proc/self/cgroup", "r");
	int ret;

	if (f) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "0::/", 4))
				break;
		fclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	if (!strncmp(line, "0::/", 4) && line[4] && strlen(line + 4) < sizeof(o->agent_cgroup)) {
		snprintf(o->agent_cgroup, sizeof(o->agent_cgroup), "%s", line + 4);
		return 0;
	}
	snprintf(o->agent_cgroup, sizeof(o->agent_cgroup), "%s", EGRESS_AGENT_CGROUP);
	ret = cgroup_create(o->cgroup_root, o->agent_cgroup, err);
	if (!ret)
		ret = cgroup_move(o->cgroup_root, o->agent_cgroup, 0, err);
	return ret;
}

void outbound_judge(void)
{
	struct iotguard_error err;

	if (egress_pinned() && egress_set_judge(&err))
		log_err("outbound policy: DEGRADED: " EGRESS_NO_JUDGE_TEXT ": %s", err.msg);
}

/* Programs attached, cgroups found, the resolver running: once. */
static int start(struct outbound *o, struct iotguard_error *err)
{
	struct egress_attach_opts opts = { .cgroup_root = o->cgroup_root };
	struct guard_probe probe;
	int ret;

	ret = cgroup_v2_ensure(o->cgroup_root, sizeof(o->cgroup_root), err);
	if (ret < 0)
		return ret;
	guard_probe(&probe);
	/* Listed is not enough: arm64 6.1 lists bpf and attaches no LSM program. */
	opts.lsm = probe.lsm_listed && !probe.lsm_unsupported;
	ret = egress_attach(&opts, err);
	if (ret < 0)
		return ret;
	outbound_judge();
	if (!opts.lsm)
		log_err("outbound policy: DEGRADED: " EGRESS_NO_LSM_TEXT "; %s",
			probe.lsm_unsupported ? "this kernel lists bpf but attaches no LSM "
			"program (ENOTSUPP): use one that does" : "boot with lsm=...,bpf");
	ret = find_agent_cgroup(o, err);
	if (ret)
		return ret;
	if (!o->cache) {
		ret = dns_cache_new(&o->cache, err);
		if (ret)
			return ret;
	}
	if (!o->resolver) {
		ret = dns_resolver_new(o->cache, NULL, &o->resolver, err);
		if (ret)
			return ret;
	}
	if (!o->events &&
	    egress_events_open(&o->events, EGRESS_EVENTS_PIN, log_refusal, o, err))
		log_err("outbound policy: refusals are enforced but not logged: %s", err->msg);
	return 0;
}

/* Compile with the addresses resolved so far and install. */
static int install(struct outbound *o, struct iotguard_error *err)
{
	struct egress_address *addrs = NULL;
	size_t n = 0;
	int ret;

	ret = dns_cache_addresses(o->cache, dns_now_ms(), &addrs, &n);
	if (ret)
		return iotguard_fail_errno(err, -ret, "listing the resolved names");
	ret = egress_install(&o->with_agent, o->cgroup_root, addrs, n, err);
	free(addrs);
	return ret;
}

/* Watch the services' cgroups of the policy just installed. */
static void watch_services(struct outbound *o)
{
	int ret = service_watch_open(&o->services, o->cgroup_root, &o->with_agent);

	if (ret)
		log_err("outbound policy: a service whose cgroup is made again (its unit restarted) "
			"gets its rules only at the next SIGHUP: cannot watch the cgroups: %s",
			strerror(-ret));
}

int outbound_apply(struct outbound *o, const struct iotguard_policy *policy)
{
	struct egress_policy next = {};
	struct dns_server *servers = NULL;
	struct iotguard_error err;
	size_t n_servers = 0;
	int ret;

	if (!policy->has_egress) {
		if (!o->installed && !egress_pinned())
			return 0;
		ret = egress_uninstall(&err);
		if (ret)
			log_err("outbound policy: cannot remove it: %s", err.msg);
		else
			log_info("outbound policy: none in the policy file: outbound connections "
				 "are not restricted");
		o->installed = false;
		service_watch_close(&o->services);
		return ret;
	}
	ret = start(o, &err);
	if (!ret)
		ret = dns_cache_set_policy(o->cache, &policy->egress, &err);
	if (!ret)
		ret = dns_resolver_servers(o->resolver, &servers, &n_servers, &err);
	if (!ret)
		ret = egress_with_agent_service(&policy->egress, o->agent_cgroup, servers,
						n_servers, &next, &err);
	free(servers);
	if (ret) {
		log_err("outbound policy: not applied, what was in force stays: %s", err.msg);
		return ret;
	}
	egress_policy_free_copy(&o->with_agent);
	o->with_agent = next;
	o->named = &policy->egress;
	ret = install(o, &err);
	if (ret < 0) {
		log_err("outbound policy: not applied, what was in force stays: %s", err.msg);
		return ret;
	}
	o->installed = true;
	watch_services(o);
	log_info("outbound policy in force: %s, default %s, %zu rule(s), %zu service(s), %d "
		 "table entries; %zu DNS names resolving", policy->egress.mode ==
		 EGRESS_MODE_AUDIT ? "audit mode (counts, refuses nothing)" : "enforced",
		 policy->egress.default_action == EGRESS_ACTION_DENY ? "deny" : "allow",
		 policy->egress.rule_count, policy->egress.service_count, ret,
		 dns_cache_name_count(o->cache));
	return 0;
}

int outbound_resolver_fd(const struct outbound *o)
{
	return o->installed && o->resolver ? dns_resolver_fd(o->resolver) : -1;
}

int outbound_events_fd(const struct outbound *o)
{
	return o->events ? egress_events_fd(o->events) : -1;
}

int outbound_timeout_ms(const struct outbound *o)
{
	if (!o->installed || !o->resolver)
		return -1;
	return dns_resolver_timeout_ms(o->resolver, dns_now_ms());
}

void outbound_run(struct outbound *o)
{
	struct iotguard_error err;
	int ret;

	if (!o->installed || !o->resolver)
		return;
	dns_resolver_run(o->resolver, dns_now_ms());
	if (!dns_cache_take_changed(o->cache))
		return;
	ret = install(o, &err);
	if (ret < 0)
		log_err("outbound policy: the names' new addresses are not in force, the "
			"previous ones stay: %s", err.msg);
}

int outbound_services_fd(const struct outbound *o)
{
	return o->installed ? service_watch_fd(&o->services) : -1;
}

void outbound_services_changed(struct outbound *o)
{
	struct iotguard_error err;
	int ret;

	if (!service_watch_read(&o->services) || !o->installed)
		return;
	ret = install(o, &err);
	if (ret < 0) {
		log_err("outbound policy: a service's cgroup was made again, and its new id is not "
			"in force: %s", err.msg);
		return;
	}
	/* A parent made again is a new directory to watch. */
	watch_services(o);
	log_info("outbound policy: a service's cgroup was made again: installed with its new id");
}

void outbound_read_events(struct outbound *o)
{
	if (o->events)
		egress_events_read(o->events);
}

void outbound_stop(struct outbound *o)
{
	egress_events_close(o->events);
	service_watch_close(&o->services);
	dns_resolver_free(o->resolver);
	dns_cache_free(o->cache);
	egress_policy_free_copy(&o->with_agent);
	o->events = NULL;
	o->resolver = NULL;
	o->cache = NULL;
}
