/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOTGUARD_NETLINK_H
#define _IOTGUARD_NETLINK_H

int iotguard_genl_init(void);
void iotguard_genl_uninit(void);

#endif /* _IOTGUARD_NETLINK_H */
