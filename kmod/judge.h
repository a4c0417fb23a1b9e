/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOTGUARD_JUDGE_H
#define _IOTGUARD_JUDGE_H

#include <linux/bpf.h>
#include <linux/types.h>
#include <net/netlink.h>

int iotguard_judge_init(void);
void iotguard_judge_uninit(void);
int iotguard_judge_set_fd(u32 fd, struct netlink_ext_ack *extack);
int iotguard_judge_from_link(struct bpf_link *link, struct netlink_ext_ack *extack);
/* The judge's BPF program id; 0: none. */
u32 iotguard_judge_id(void);

#endif /* _IOTGUARD_JUDGE_H */
