/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOTGUARD_LINKS_H
#define _IOTGUARD_LINKS_H

#include <linux/types.h>
#include <net/netlink.h>

int iotguard_links_hold(const struct nlattr *nest, struct netlink_ext_ack *extack);
u32 iotguard_links_held(void);
void iotguard_links_release(void);

#endif /* _IOTGUARD_LINKS_H */
