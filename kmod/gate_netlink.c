// SPDX-License-Identifier: GPL-2.0
/*
 * The gate's attributes in the control plane: IOTGUARD_CMD_SET_GATE and the
 * gate's part of the GET_STATUS reply (tree in uapi/iotguard.h). The
 * nla_policy checks types and lengths; the semantic checks here (ports,
 * prefixes, host bits) run on a private copy, so a request is applied whole
 * or not at all.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include "gate.h"
#include "gate_internal.h"
#include "netlink.h"
#include "state.h"
#include "throttle.h"

static const struct nla_policy net4_policy[IOTGUARD_NET_A_MAX + 1] = {
	[IOTGUARD_NET_A_ADDR] = NLA_POLICY_EXACT_LEN(4),
	[IOTGUARD_NET_A_PREFIX_LEN] = NLA_POLICY_RANGE(NLA_U8, 1, 32),
};

static const struct nla_policy net6_policy[IOTGUARD_NET_A_MAX + 1] = {
	[IOTGUARD_NET_A_ADDR] = NLA_POLICY_EXACT_LEN(16),
	[IOTGUARD_NET_A_PREFIX_LEN] = NLA_POLICY_RANGE(NLA_U8, 1, 128),
};

/* Not const: 6.1's NLA_POLICY_FULL_RANGE takes a mutable pointer. */
static struct netlink_range_validation interval_range = {
	.min = IOTGUARD_MIN_THROTTLE_INTERVAL_MS,
	.max = IOTGUARD_MAX_THROTTLE_INTERVAL_MS,
};

const struct nla_policy iotguard_set_gate_policy[IOTGUARD_A_MAX + 1] = {
	[IOTGUARD_A_LOGIN_PORTS] = { .type = NLA_NESTED },
	[IOTGUARD_A_PROV_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[IOTGUARD_A_PROV_NET4] = NLA_POLICY_NESTED(net4_policy),
	[IOTGUARD_A_PROV_NET6] = NLA_POLICY_NESTED(net6_policy),
	[IOTGUARD_A_THROTTLE_BURST] =
		NLA_POLICY_RANGE(NLA_U32, 1, IOTGUARD_MAX_THROTTLE_BURST),
	[IOTGUARD_A_THROTTLE_INTERVAL_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &interval_range),
};

/* The nest holds only IOTGUARD_A_LOGIN_PORT, each a non-zero u16. */
static int parse_ports(const struct nlattr *nest, struct iotguard_gate_config *config,
		       struct netlink_ext_ack *extack)
{
	u16 ports[IOTGUARD_MAX_LOGIN_PORTS];
	const struct nlattr *attr;
	unsigned int n = 0;
	int rem;

	nla_for_each_nested(attr, nest, rem) {
		if (nla_type(attr) != IOTGUARD_A_LOGIN_PORT || nla_len(attr) != sizeof(u16)) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "expected a u16 login port");
			return -EINVAL;
		}
		if (!nla_get_u16(attr)) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "port 0 is not a port");
			return -EINVAL;
		}
		if (n == IOTGUARD_MAX_LOGIN_PORTS) {
			NL_SET_ERR_MSG_ATTR(extack, attr, "too many login ports");
			return -EINVAL;
		}
		ports[n++] = nla_get_u16(attr);
	}
	if (rem) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "trailing bytes after the login ports");
		return -EINVAL;
	}
	iotguard_gate_config_set_ports(config, ports, n);
	return 0;
}

/* An empty nest clears the exemption; otherwise both members are needed. */
static int parse_subnet(const struct nlattr *nest, const struct nla_policy *policy,
			unsigned int addr_len, struct iotguard_subnet *subnet,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[IOTGUARD_NET_A_MAX + 1];
	struct in6_addr masked = {};
	int ret;

	ret = nla_parse_nested(tb, IOTGUARD_NET_A_MAX, nest, policy, extack);
	if (ret)
		return ret;
	if (!tb[IOTGUARD_NET_A_ADDR] && !tb[IOTGUARD_NET_A_PREFIX_LEN]) {
		memset(subnet, 0, sizeof(*subnet));
		return 0;
	}
	if (!tb[IOTGUARD_NET_A_ADDR] || !tb[IOTGUARD_NET_A_PREFIX_LEN]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "a subnet needs an address and a prefix length");
		return -EINVAL;
	}
	memset(subnet, 0, sizeof(*subnet));
	nla_memcpy(&subnet->addr, tb[IOTGUARD_NET_A_ADDR], addr_len);
	subnet->prefix_len = nla_get_u8(tb[IOTGUARD_NET_A_PREFIX_LEN]);
	ipv6_addr_prefix(&masked, &subnet->addr, subnet->prefix_len);
	if (!ipv6_addr_equal(&masked, &subnet->addr)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IOTGUARD_NET_A_ADDR],
				    "the subnet address has host bits set");
		return -EINVAL;
	}
	subnet->set = true;
	return 0;
}

/* *resolve_net: where to resolve the interface name, if one was given. */
static int parse_gate(struct genl_info *info, struct iotguard_gate_config *config,
		      struct net **resolve_net)
{
	struct nlattr **attrs = info->attrs;
	int ret;

	if (attrs[IOTGUARD_A_LOGIN_PORTS]) {
		ret = parse_ports(attrs[IOTGUARD_A_LOGIN_PORTS], config, info->extack);
		if (ret)
			return ret;
	}
	if (attrs[IOTGUARD_A_PROV_IFNAME]) {
		nla_strscpy(config->prov_ifname, attrs[IOTGUARD_A_PROV_IFNAME],
			    sizeof(config->prov_ifname));
		/* The requester's namespace: where its names mean something. */
		*resolve_net = genl_info_net(info);
	}
	if (attrs[IOTGUARD_A_PROV_NET4]) {
		ret = parse_subnet(attrs[IOTGUARD_A_PROV_NET4], net4_policy, 4,
				   &config->prov_net4, info->extack);
		if (ret)
			return ret;
	}
	if (attrs[IOTGUARD_A_PROV_NET6]) {
		ret = parse_subnet(attrs[IOTGUARD_A_PROV_NET6], net6_policy, 16,
				   &config->prov_net6, info->extack);
		if (ret)
			return ret;
	}
	if (attrs[IOTGUARD_A_THROTTLE_BURST])
		config->throttle_burst = nla_get_u32(attrs[IOTGUARD_A_THROTTLE_BURST]);
	if (attrs[IOTGUARD_A_THROTTLE_INTERVAL_MS])
		config->throttle_interval_ms =
			nla_get_u32(attrs[IOTGUARD_A_THROTTLE_INTERVAL_MS]);
	return 0;
}

int iotguard_gate_set(struct genl_info *info)
{
	struct iotguard_gate_config *next;
	struct net *resolve_net = NULL;
	int ret;

	next = iotguard_gate_config_copy();
	if (!next)
		return -ENOMEM;
	ret = parse_gate(info, next, &resolve_net);
	if (ret) {
		iotguard_state_count(IOTGUARD_CTR_REFUSED_REQUESTS);
		iotguard_gate_config_free(next);
		return ret;
	}
	return iotguard_gate_config_apply(next, resolve_net, info->extack);
}

static int put_subnet(struct sk_buff *skb, int type, const struct iotguard_subnet *subnet,
		      unsigned int addr_len)
{
	struct nlattr *nest;

	if (!subnet->set)
		return 0;
	nest = nla_nest_start(skb, type);
	if (!nest ||
	    nla_put(skb, IOTGUARD_NET_A_ADDR, addr_len, &subnet->addr) ||
	    nla_put_u8(skb, IOTGUARD_NET_A_PREFIX_LEN, subnet->prefix_len))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int iotguard_gate_put_status(struct sk_buff *skb)
{
	const struct iotguard_gate_config *config;
	struct nlattr *ports;
	unsigned int i;
	int ret = -EMSGSIZE;

	/* Read in place: nothing below sleeps (the table scan takes BH locks). */
	rcu_read_lock();
	config = rcu_dereference(iotguard_gate_config);
	ports = nla_nest_start(skb, IOTGUARD_A_LOGIN_PORTS);
	if (!ports)
		goto out;
	for (i = 0; i < config->n_login_ports; i++)
		if (nla_put_u16(skb, IOTGUARD_A_LOGIN_PORT, config->login_ports[i]))
			goto out;
	nla_nest_end(skb, ports);
	if ((config->prov_ifname[0] &&
	     (nla_put_string(skb, IOTGUARD_A_PROV_IFNAME, config->prov_ifname) ||
	      nla_put_u32(skb, IOTGUARD_A_PROV_IFINDEX,
			  READ_ONCE(config->prov_ifindex)))) ||
	    put_subnet(skb, IOTGUARD_A_PROV_NET4, &config->prov_net4, 4) ||
	    put_subnet(skb, IOTGUARD_A_PROV_NET6, &config->prov_net6, 16) ||
	    nla_put_u32(skb, IOTGUARD_A_THROTTLE_BURST, config->throttle_burst) ||
	    nla_put_u32(skb, IOTGUARD_A_THROTTLE_INTERVAL_MS,
			config->throttle_interval_ms) ||
	    nla_put_u32(skb, IOTGUARD_A_THROTTLE_TABLE_SIZE,
			iotguard_throttle_table_size()) ||
	    nla_put_u32(skb, IOTGUARD_A_THROTTLE_ENTRIES,
			iotguard_throttle_entries(config->throttle_burst,
						  config->throttle_interval_ms)) ||
	    nla_put_u8(skb, IOTGUARD_A_THROTTLE_PRESSURE,
		       iotguard_throttle_under_pressure()))
		goto out;
	ret = 0;
out:
	rcu_read_unlock();
	return ret;
}
