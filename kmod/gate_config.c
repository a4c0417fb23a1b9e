// SPDX-License-Identifier: GPL-2.0
/*
 * The gate's configuration: login ports, lockout exemptions and throttle
 * parameters. Changes are made on a private copy and published whole under
 * RCU; once the module is locked, a copy weaker than the current one in any
 * respect is refused.
 *
 * The exempt interface is resolved from its name when it is set, under
 * config_lock, to an ifindex and a namespace. When that device is
 * unregistered (deleted, or moved to another namespace) the exemption is
 * cleared, so that no later device inherits it by taking the same ifindex
 * (root may choose one).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include "gate.h"
#include "gate_internal.h"
#include "objects.h"
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

/* A configuration never published (or no longer referenced). */
void iotguard_gate_config_free(struct iotguard_gate_config *config)
{
	if (!config)
		return;
	kfree(config);
	iotguard_object_gone(IOTGUARD_OBJ_GATE_CONFIG);
}

struct iotguard_gate_config *iotguard_gate_config_copy(void)
{
	struct iotguard_gate_config *copy;

	copy = kmalloc(sizeof(*copy), GFP_KERNEL);
	if (!copy)
		return NULL;
	iotguard_object_new(IOTGUARD_OBJ_GATE_CONFIG);
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
	/* By device, not name: it may be cleared, never moved. */
	if (next->prov_ifindex &&
	    (next->prov_ifindex != cur->prov_ifindex ||
	     next->prov_net_cookie != cur->prov_net_cookie)) {
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

/* A name that does not resolve exempts nothing: fail closed. */
static void resolve_ifname(struct iotguard_gate_config *config, struct net *net,
			   struct netlink_ext_ack *extack)
{
	struct net_device *dev;

	config->prov_ifindex = 0;
	config->prov_net_cookie = 0;
	if (!config->prov_ifname[0])
		return;
	rcu_read_lock();
	dev = dev_get_by_name_rcu(net, config->prov_ifname);
	if (dev) {
		config->prov_ifindex = dev->ifindex;
		config->prov_net_cookie = net->net_cookie;
	}
	rcu_read_unlock();
	if (!dev) {
		NL_SET_ERR_MSG(extack, "no such provisioning interface: it exempts nothing");
		pr_notice("provisioning interface %s not found: it exempts nothing until set again\n",
			  config->prov_ifname);
	}
}

int iotguard_gate_config_apply(struct iotguard_gate_config *next, struct net *net,
			       struct netlink_ext_ack *extack)
{
	struct iotguard_gate_config *cur;

	mutex_lock(&config_lock);
	cur = rcu_dereference_protected(iotguard_gate_config,
					lockdep_is_held(&config_lock));
	/*
	 * Under config_lock, so the device cannot go away unnoticed between
	 * its lookup and the publication; a copy that keeps the interface
	 * takes it as it is now (the notifier may have cleared it).
	 */
	if (net) {
		resolve_ifname(next, net, extack);
	} else {
		memcpy(next->prov_ifname, cur->prov_ifname, sizeof(next->prov_ifname));
		next->prov_ifindex = cur->prov_ifindex;
		next->prov_net_cookie = cur->prov_net_cookie;
	}
	if (iotguard_state_locked() && weakening(cur, next, extack)) {
		mutex_unlock(&config_lock);
		iotguard_state_count(IOTGUARD_CTR_REFUSED_REQUESTS);
		iotguard_gate_config_free(next);
		return -EPERM;
	}
	rcu_assign_pointer(iotguard_gate_config, next);
	iotguard_state_bump_generation();
	mutex_unlock(&config_lock);
	kfree_rcu(cur, rcu);
	iotguard_object_gone(IOTGUARD_OBJ_GATE_CONFIG);
	return 0;
}

/*
 * The exempt device is being unregistered. The one change made in place:
 * a single word, and it only takes an exemption away. Runs under RTNL;
 * nothing takes RTNL under config_lock.
 */
static int netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct iotguard_gate_config *cur;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	mutex_lock(&config_lock);
	cur = rcu_dereference_protected(iotguard_gate_config,
					lockdep_is_held(&config_lock));
	if (cur->prov_ifindex && cur->prov_ifindex == dev->ifindex &&
	    cur->prov_net_cookie == dev_net(dev)->net_cookie) {
		WRITE_ONCE(cur->prov_ifindex, 0);
		iotguard_state_bump_generation();
		pr_info("provisioning interface %s (ifindex %d) unregistered: no longer exempt\n",
			dev->name, dev->ifindex);
	}
	mutex_unlock(&config_lock);
	return NOTIFY_DONE;
}

static struct notifier_block netdev_notifier = {
	.notifier_call = netdev_event,
};

int __init iotguard_gate_config_init(void)
{
	static const u16 default_ports[] = IOTGUARD_DEFAULT_LOGIN_PORTS;
	struct iotguard_gate_config *config;
	int ret;

	config = kzalloc(sizeof(*config), GFP_KERNEL);
	if (!config)
		return -ENOMEM;
	iotguard_object_new(IOTGUARD_OBJ_GATE_CONFIG);
	iotguard_gate_config_set_ports(config, default_ports,
				       ARRAY_SIZE(default_ports));
	config->throttle_burst = IOTGUARD_DEFAULT_THROTTLE_BURST;
	config->throttle_interval_ms = IOTGUARD_DEFAULT_THROTTLE_INTERVAL_MS;
	RCU_INIT_POINTER(iotguard_gate_config, config);
	ret = register_netdevice_notifier(&netdev_notifier);
	if (ret) {
		RCU_INIT_POINTER(iotguard_gate_config, NULL);
		iotguard_gate_config_free(config);
	}
	return ret;
}

void iotguard_gate_config_uninit(void)
{
	/*
	 * Unregistering replays NETDEV_UNREGISTER for every device: forget the
	 * exempt one first, so the replay does not report it as gone.
	 */
	mutex_lock(&config_lock);
	WRITE_ONCE(rcu_dereference_protected(iotguard_gate_config,
					     lockdep_is_held(&config_lock))->prov_ifindex, 0);
	mutex_unlock(&config_lock);
	unregister_netdevice_notifier(&netdev_notifier);
	/* The hooks and the control plane are gone: nobody else holds it. */
	iotguard_gate_config_free(rcu_dereference_protected(iotguard_gate_config, true));
	RCU_INIT_POINTER(iotguard_gate_config, NULL);
}
