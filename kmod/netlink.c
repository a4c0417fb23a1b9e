// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink control plane (family "iotguard"). The attribute tree
 * is documented in uapi/iotguard.h. Each command has its own policy, so an
 * attribute that belongs to another command is refused like an unknown one,
 * and the family is validated strictly (resv_start_op 0: every command is
 * "new" to the genetlink core).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <net/genetlink.h>
#include "judge.h"
#include "links.h"
#include "netlink.h"
#include "state.h"

static const struct nla_policy get_status_policy[IOTGUARD_A_MAX + 1] = {
	/* No attributes: anything sent is refused. */
};

static const struct nla_policy set_mode_policy[IOTGUARD_A_MAX + 1] = {
	[IOTGUARD_A_MODE] = { .type = NLA_U32 },
	[IOTGUARD_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, __IOTGUARD_SET_F_ALL),
};

static const struct nla_policy set_cred_state_policy[IOTGUARD_A_MAX + 1] = {
	[IOTGUARD_A_CRED_STATE] = { .type = NLA_U32 },
};

static const struct nla_policy lock_policy[IOTGUARD_A_MAX + 1] = {
	/* The nest's entries are checked by iotguard_links_hold(). */
	[IOTGUARD_A_LINKS] = { .type = NLA_NESTED },
};

static const struct nla_policy set_egress_judge_policy[IOTGUARD_A_MAX + 1] = {
	[IOTGUARD_A_PROG_FD] = { .type = NLA_U32 },
};

static int put_counters(struct sk_buff *skb,
			const struct iotguard_status *status)
{
	struct nlattr *nest;
	int ctr;

	nest = nla_nest_start(skb, IOTGUARD_A_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	for (ctr = IOTGUARD_CTR_PAD + 1; ctr <= IOTGUARD_CTR_MAX; ctr++) {
		if (nla_put_u64_64bit(skb, ctr, status->counters[ctr],
				      IOTGUARD_CTR_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_status(struct sk_buff *skb, struct genl_info *info)
{
	struct iotguard_status status;
	void *hdr;

	iotguard_state_snapshot(&status);
	hdr = genlmsg_put_reply(skb, info, &iotguard_genl_family, 0,
				IOTGUARD_CMD_GET_STATUS);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, IOTGUARD_A_VERSION, IOTGUARD_VERSION) ||
	    nla_put_u32(skb, IOTGUARD_A_MODE, status.mode) ||
	    nla_put_u32(skb, IOTGUARD_A_CRED_STATE, status.cred_state) ||
	    nla_put_u64_64bit(skb, IOTGUARD_A_POLICY_GENERATION,
			      status.policy_generation, IOTGUARD_A_PAD) ||
	    nla_put_u8(skb, IOTGUARD_A_LOCKED, status.locked) ||
	    nla_put_u32(skb, IOTGUARD_A_HELD_LINKS, iotguard_links_held()) ||
	    nla_put_u32(skb, IOTGUARD_A_EGRESS_JUDGE, iotguard_judge_id()) ||
	    iotguard_gate_put_status(skb) ||
	    put_counters(skb, &status)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int iotguard_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *reply;
	int ret;

	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	ret = fill_status(reply, info);
	if (ret) {
		nlmsg_free(reply);
		return ret;
	}
	return genlmsg_reply(reply, info);
}

static int iotguard_set_mode(struct sk_buff *skb, struct genl_info *info)
{
	u32 flags = 0;

	if (GENL_REQ_ATTR_CHECK(info, IOTGUARD_A_MODE))
		return -EINVAL;
	if (info->attrs[IOTGUARD_A_FLAGS])
		flags = nla_get_u32(info->attrs[IOTGUARD_A_FLAGS]);
	return iotguard_state_set_mode(nla_get_u32(info->attrs[IOTGUARD_A_MODE]),
				       flags, info->extack);
}

static int iotguard_set_cred_state(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, IOTGUARD_A_CRED_STATE))
		return -EINVAL;
	return iotguard_state_set_cred_state(nla_get_u32(info->attrs[IOTGUARD_A_CRED_STATE]),
					     info->extack);
}

static int iotguard_set_gate(struct sk_buff *skb, struct genl_info *info)
{
	return iotguard_gate_set(info);
}

static int iotguard_set_egress_judge(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, IOTGUARD_A_PROG_FD))
		return -EINVAL;
	ret = iotguard_judge_set_fd(nla_get_u32(info->attrs[IOTGUARD_A_PROG_FD]),
				    info->extack);
	if (ret)
		iotguard_state_count(IOTGUARD_CTR_REFUSED_REQUESTS);
	return ret;
}

/* The links first: a lock that cannot hold them is not taken. */
static int iotguard_lock(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	if (info->attrs[IOTGUARD_A_LINKS]) {
		ret = iotguard_links_hold(info->attrs[IOTGUARD_A_LINKS], info->extack);
		if (ret) {
			iotguard_state_count(IOTGUARD_CTR_REFUSED_REQUESTS);
			return ret;
		}
	}
	iotguard_state_lock();
	return 0;
}

static const struct genl_ops genl_ops[] = {
	{
		.cmd = IOTGUARD_CMD_GET_STATUS,
		.doit = iotguard_get_status,
		.policy = get_status_policy,
		.maxattr = IOTGUARD_A_MAX,
	},
	{
		.cmd = IOTGUARD_CMD_SET_MODE,
		.doit = iotguard_set_mode,
		.policy = set_mode_policy,
		.maxattr = IOTGUARD_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IOTGUARD_CMD_SET_CRED_STATE,
		.doit = iotguard_set_cred_state,
		.policy = set_cred_state_policy,
		.maxattr = IOTGUARD_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IOTGUARD_CMD_SET_GATE,
		.doit = iotguard_set_gate,
		.policy = iotguard_set_gate_policy,
		.maxattr = IOTGUARD_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IOTGUARD_CMD_LOCK,
		.doit = iotguard_lock,
		.policy = lock_policy,
		.maxattr = IOTGUARD_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = IOTGUARD_CMD_SET_EGRESS_JUDGE,
		.doit = iotguard_set_egress_judge,
		.policy = set_egress_judge_policy,
		.maxattr = IOTGUARD_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

/* Events name attacking addresses: only an administrator may listen. */
static const struct genl_multicast_group genl_mcgrps[] = {
	[IOTGUARD_MCGRP_EVENTS_ID] = {
		.name = IOTGUARD_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family iotguard_genl_family __ro_after_init = {
	.name = IOTGUARD_GENL_NAME,
	.version = IOTGUARD_GENL_VERSION,
	.maxattr = IOTGUARD_A_MAX,
	.module = THIS_MODULE,
	.ops = genl_ops,
	.n_ops = ARRAY_SIZE(genl_ops),
	.mcgrps = genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(genl_mcgrps),
	.netnsok = true,
};

int __init iotguard_genl_init(void)
{
	return genl_register_family(&iotguard_genl_family);
}

void iotguard_genl_uninit(void)
{
	genl_unregister_family(&iotguard_genl_family);
}
MODULE_ALIAS_GENL_FAMILY(IOTGUARD_GENL_NAME);
