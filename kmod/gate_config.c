// SPDX-License-Identifier: GPL-2.0
/*
 * The gate's configuration: login ports, lockout exemptions and throttle
 * parameters. Changes are made on a private copy and published whole under
 * RCU; once the module is locked, a copy weaker than the current one in any
 * respect is refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include "gate.h"
#include "gate_internal.h"
#include "state.h"

static DEFINE_MUTEX(config_lock);
struct iotguard_gate_config __rcu *iotguard_gate_config;

static int cmp_port(const void *a, const void *b)
{
	return *(const u16 *)a - *(const u16 *)b;
}

void iotguard_gate_config_set_ports(struct iotguard_gate_config *config,
				    const u16 *ports, unsigned int n)
{
	unsigned int i, kept = 0;

	bitmap_zero(config->login_port_map, IOTGUARD_PORT_SPACE);
	memcpy(config->login_ports, ports, n * sizeof(*ports));
	sort(config->login_ports, n, sizeof(*ports), cmp_port, NULL);
	for (i = 0; i < n; i++) {
		if (kept && config->login_ports[kept - 1] == config->login_ports[i])
			continue;	/* a duplicate */
		config->login_ports[kept++] = config->login_ports[i];
		__set_bit(config->login_ports[i], config->login_port_map);
	}
	config->n_login_ports = kept;
}

struct iotguard_gate_config *iotguard_gate_config_copy(void)
{
	struct iotguard_gate_config *copy;

	copy = kmalloc(sizeof(*copy), GFP_KERNEL);
	if (!copy)
		return NULL;
	mutex_lock(&config_lock);
	memcpy(copy, rcu_dereference_protected(iotguard_gate_config,
					       lockdep_is_held(&config_lock)),
	       sizeof(*copy));
	mutex_unlock(&config_lock);
	return copy;
}

/* Does next exempt a source that cur does not? */
static bool subnet_widened(const struct iotguard_subnet *cur,
			   const struct iotguard_subnet *next)
{
	if (!next->set)
		return false;
	if (!cur->set || next->prefix_len < cur->prefix_len)
		return true;
	return !ipv6_prefix_equal(&next->addr, &cur->addr, cur->prefix_len);
}

/* Is next weaker than cur in any respect? Says which in extack. */
static bool weakening(const struct iotguard_gate_config *cur,
		      const struct iotguard_gate_config *next,
		      struct netlink_ext_ack *extack)
{
	unsigned int i;

	for (i = 0; i < cur->n_login_ports; i++) {
		if (!test_bit(cur->login_ports[i], next->login_port_map)) {
			NL_SET_ERR_MSG(extack, "locked: a login port would be removed");
			return true;
		}
	}
	if (next->prov_ifname[0] &&
	    strncmp(next->prov_ifname, cur->prov_ifname, IFNAMSIZ)) {
		NL_SET_ERR_MSG(extack, "locked: an interface would be exempted");
		return true;
	}
	if (subnet_widened(&cur->prov_net4, &next->prov_net4) ||
	    subnet_widened(&cur->prov_net6, &next->prov_net6)) {
		NL_SET_ERR_MSG(extack, "locked: the provisioning subnet would be widened");
		return true;
	}
	if (next->throttle_burst > cur->throttle_burst ||
	    next->throttle_interval_ms < cur->throttle_interval_ms) {
		NL_SET_ERR_MSG(extack, "locked: the throttle limits would be raised");
		return true;
	}
	return false;
}

int iotguard_gate_config_apply(struct iotguard_gate_config *next,
			       struct netlink_ext_ack *extack)
{
	struct iotguard_gate_config *cur;

	mutex_lock(&config_lock);
	cur = rcu_dereference_protected(iotguard_gate_config,
					lockdep_is_held(&config_lock));
	if (iotguard_state_locked() && weakening(cur, next, extack)) {
		mutex_unlock(&config_lock);
		iotguard_state_count(IOTGUARD_CTR_REFUSED_REQUESTS);
		kfree(next);
		return -EPERM;
	}
	rcu_assign_pointer(iotguard_gate_config, next);
	iotguard_state_bump_generation();
	mutex_unlock(&config_lock);
	kfree_rcu(cur, rcu);
	return 0;
}

int __init iotguard_gate_config_init(void)
{
	static const u16 default_ports[] = IOTGUARD_DEFAULT_LOGIN_PORTS;
	struct iotguard_gate_config *config;

	config = kzalloc(sizeof(*config), GFP_KERNEL);
	if (!config)
		return -ENOMEM;
	iotguard_gate_config_set_ports(config, default_ports,
				       ARRAY_SIZE(default_ports));
	config->throttle_burst = IOTGUARD_DEFAULT_THROTTLE_BURST;
	config->throttle_interval_ms = IOTGUARD_DEFAULT_THROTTLE_INTERVAL_MS;
	RCU_INIT_POINTER(iotguard_gate_config, config);
	return 0;
}

void iotguard_gate_config_uninit(void)
{
	/* The hooks and the control plane are gone: nobody else holds it. */
	kfree(rcu_dereference_protected(iotguard_gate_config, true));
	RCU_INIT_POINTER(iotguard_gate_config, NULL);
}
