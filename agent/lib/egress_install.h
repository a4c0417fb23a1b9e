/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Putting an outbound policy in force: its services' cgroups created and
 * found, the agent's own way to its resolvers added, the tables compiled
 * and installed in one switch (egress_maps.h).
 */
#ifndef IOTGUARD_EGRESS_INSTALL_H
#define IOTGUARD_EGRESS_INSTALL_H

#include <stddef.h>
#include "dns_resolve.h"
#include "egress_compile.h"
#include "egress_policy.h"
#include "error.h"

/* The agent's own service, added to every policy it installs. */
#define EGRESS_AGENT_SERVICE "iotguardd"
#define EGRESS_AGENT_CGROUP "iotguard/iotguardd"
#define EGRESS_DNS_PORT 53

/*
 * A copy of policy with one more service, the agent's (cgroup
 * agent_cgroup), allowed to reach each of servers over TCP and UDP: the
 * agent must always be able to resolve the policy's names. Its rules are
 * numbered after the policy's and do not count against its limits. Free
 * the copy with egress_policy_free_copy(). 0, or -ENOMEM.
 */
int egress_with_agent_service(const struct egress_policy *policy, const char *agent_cgroup,
			      const struct dns_server *servers, size_t n_servers,
			      struct egress_policy *out, struct iotguard_error *err);
void egress_policy_free_copy(struct egress_policy *copy);

/*
 * Create each service's cgroup below cgroup_root (so that `iotguardctl run`
 * and the programs find it), compile policy with addrs and install it. On
 * any failure the policy in force stays as it was and err says why. The
 * number of table entries installed, or a negative errno.
 */
int egress_install(const struct egress_policy *policy, const char *cgroup_root,
		   const struct egress_address *addrs, size_t n_addrs,
		   struct iotguard_error *err);

#endif
