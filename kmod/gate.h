/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOTGUARD_GATE_H
#define _IOTGUARD_GATE_H

#include <linux/if.h>
#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include "uapi/iotguard.h"

#define IOTGUARD_PORT_SPACE 65536

struct iotguard_subnet {
	bool set;
	u8 prefix_len;
	struct in6_addr addr;	/* IPv4 in the first 4 bytes */
};

/*
 * One immutable configuration, replaced whole under RCU: the packet path
 * sees the old one or the new one, never a mix.
 */
struct iotguard_gate_config {
	struct rcu_head rcu;
	/* The packet path's port check: one bit per TCP port. */
	DECLARE_BITMAP(login_port_map, IOTGUARD_PORT_SPACE);
	u16 login_ports[IOTGUARD_MAX_LOGIN_PORTS];	/* sorted */
	unsigned int n_login_ports;
	/*
	 * The exempt interface: a device, not a name (a rename must not move
	 * the exemption). Resolved when set; ifindex 0 exempts nothing.
	 */
	char prov_ifname[IFNAMSIZ];			/* as given; "" = none */
	int prov_ifindex;
	u64 prov_net_cookie;				/* its namespace */
	struct iotguard_subnet prov_net4;
	struct iotguard_subnet prov_net6;
	u32 throttle_burst;
	u32 throttle_interval_ms;
};

/* The configuration first (the control plane needs it), the hooks last. */
int iotguard_gate_config_init(void);
void iotguard_gate_config_uninit(void);
int iotguard_gate_init(void);
void iotguard_gate_uninit(void);

/* A private copy of the current configuration to edit; NULL on ENOMEM. */
struct iotguard_gate_config *iotguard_gate_config_copy(void);
/* Free a copy that was not published. */
void iotguard_gate_config_free(struct iotguard_gate_config *config);
/*
 * Publish an edited copy (consumed either way). With net, its prov_ifname
 * is resolved there to a device; without, the current interface is kept.
 * EPERM if the module is locked and the copy is weaker than the current
 * configuration.
 */
struct net;
int iotguard_gate_config_apply(struct iotguard_gate_config *next, struct net *net,
			       struct netlink_ext_ack *extack);
/* Sets the sorted port list and the bitmap together. */
void iotguard_gate_config_set_ports(struct iotguard_gate_config *config,
				    const u16 *ports, unsigned int n);

#endif /* _IOTGUARD_GATE_H */
