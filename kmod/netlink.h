/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOTGUARD_NETLINK_H
#define _IOTGUARD_NETLINK_H

#include <net/genetlink.h>

/* Index of the "events" group in the family's mcgrps. */
#define IOTGUARD_MCGRP_EVENTS_ID 0

extern struct genl_family iotguard_genl_family;

int iotguard_genl_init(void);
void iotguard_genl_uninit(void);

/* The gate's part of the attribute tree (gate_netlink.c). */
extern const struct nla_policy iotguard_set_gate_policy[];
int iotguard_gate_put_status(struct sk_buff *skb);
int iotguard_gate_set(struct genl_info *info);

#endif /* _IOTGUARD_NETLINK_H */
