/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOTGUARD_STATE_H
#define _IOTGUARD_STATE_H

#include <linux/types.h>
#include <linux/netlink.h>
#include "uapi/iotguard.h"

#define IOTGUARD_VERSION "0.2.0"
#define IOTGUARD_LOCKED_MSG "iotguard is locked until reboot: weakening refused"

struct iotguard_status {
	u32 mode;
	u32 cred_state;
	u64 policy_generation;
	bool locked;
	u64 counters[__IOTGUARD_CTR_MAX];
};

void iotguard_state_init(void);
void iotguard_state_snapshot(struct iotguard_status *status);
int iotguard_state_set_mode(u32 mode, u32 flags,
			    struct netlink_ext_ack *extack);
int iotguard_state_set_cred_state(u32 cred_state,
				  struct netlink_ext_ack *extack);
void iotguard_state_count(enum iotguard_counter counter);
void iotguard_state_lock(void);
void iotguard_state_bump_generation(void);
bool iotguard_state_locked(void);
u32 iotguard_state_mode(void);
bool iotguard_state_provisioned(void);

const char *iotguard_mode_name(u32 mode);
const char *iotguard_cred_state_name(u32 cred_state);

#endif /* _IOTGUARD_STATE_H */
