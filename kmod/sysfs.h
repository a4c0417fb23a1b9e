/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOTGUARD_SYSFS_H
#define _IOTGUARD_SYSFS_H

int iotguard_sysfs_init(void);
void iotguard_sysfs_uninit(void);

#endif /* _IOTGUARD_SYSFS_H */
