// SPDX-License-Identifier: GPL-2.0
/* Putting an outbound policy in force: cgroups, the agent's resolvers, compile, install. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "cgroup.h"
#include "egress_install.h"
#include "egress_maps.h"

int egress_with_agent_service(const struct egress_policy *policy, const char *agent_cgroup,
			      const struct dns_server *servers, size_t n_servers,
			      struct egress_policy *out, struct iotguard_error *err)
{
	size_t n_rules = policy->rule_count + n_servers, n_svc = policy->service_count + 1;
	struct egress_service *agent;

	*out = *policy;
	out->rules = calloc(n_rules ? n_rules : 1, sizeof(*out->rules));
	out->services = calloc(n_svc, sizeof(*out->services));
	if (!out->rules || !out->services) {
		egress_policy_free_copy(out);
		return iotguard_fail_errno(err, ENOMEM, "adding the agent's resolvers to the "
					   "outbound policy");
	}
	if (policy->rule_count)
		memcpy(out->rules, policy->rules, policy->rule_count * sizeof(*out->rules));
	if (policy->service_count)
		memcpy(out->services, policy->services,
		       policy->service_count * sizeof(*out->services));
	agent = &out->services[policy->service_count];
	snprintf(agent->name, sizeof(agent->name), "%s", EGRESS_AGENT_SERVICE);
	snprintf(agent->cgroup, sizeof(agent->cgroup), "%s", agent_cgroup);
	for (size_t i = 0; i < n_servers; i++) {
		struct egress_rule *r = &out->rules[policy->rule_count + i];

		r->id = (uint32_t)(policy->rule_count + i + 1);
		r->action = EGRESS_ACTION_ALLOW;
		r->kind = EGRESS_TARGET_PREFIX;
		r->family = servers[i].family;
		memcpy(r->addr, servers[i].addr, sizeof(r->addr));
		r->prefix_len = servers[i].family == AF_INET ? 32 : 128;
		r->protos = EGRESS_PROTO_TCP | EGRESS_PROTO_UDP;
		r->ports[0].first = r->ports[0].last = servers[i].port;
		r->port_count = 1;
		r->service = (int)policy->service_count;
	}
	out->rule_count = n_rules;
	out->service_count = n_svc;
	/* The agent's additions are not the integrator's to budget. */
	out->limits.rules += (uint32_t)n_servers;
	out->limits.services += 1;
	return 0;
}

void egress_policy_free_copy(struct egress_policy *copy)
{
	free(copy->rules);
	free(copy->services);
	copy->rules = NULL;
	copy->services = NULL;
	copy->rule_count = copy->service_count = 0;
}

int egress_install(const struct egress_policy *policy, const char *cgroup_root,
		   const struct egress_address *addrs, size_t n_addrs,
		   struct iotguard_error *err)
{
	struct egress_service_cgroup *svcs;
	struct egress_tables tables = {};
	int ret;

	svcs = calloc(policy->service_count ? policy->service_count : 1, sizeof(*svcs));
	if (!svcs)
		return iotguard_fail_errno(err, ENOMEM, "installing the outbound policy");
	for (size_t i = 0; i < policy->service_count; i++) {
		const struct egress_service *s = &policy->services[i];

		ret = cgroup_create(cgroup_root, s->cgroup, err);
		if (!ret)
			ret = cgroup_id(cgroup_root, s->cgroup, &svcs[i].cgroup_id, err);
		if (ret) {
			iotguard_error_wrap(err, "service %s", s->name);
			goto out;
		}
		svcs[i].svc = (uint16_t)(i + 1);
		svcs[i].raw_sockets = s->raw_sockets;
		svcs[i].families = s->families;
	}
	ret = egress_compile(policy, addrs, n_addrs, &tables, err);
	if (ret)
		goto out;
	ret = egress_apply(&tables, svcs, policy->service_count, err);
	if (!ret)
		ret = (int)tables.entry_count;
	egress_tables_free(&tables);
out:
	free(svcs);
	return ret;
}
