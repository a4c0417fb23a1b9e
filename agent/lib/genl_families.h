/* SPDX-License-Identifier: GPL-2.0 */
/* Which generic netlink families the kernel has registered now (libnl-genl-3). */
#ifndef IOTGUARD_GENL_FAMILIES_H
#define IOTGUARD_GENL_FAMILIES_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"

/*
 * ids[i]: the id of the family names[i], or 0 if none of that name is
 * registered. From one dump of the registered families: asking for a
 * family by name would have the kernel load its module. 0, or -errno
 * with err set.
 */
int genl_family_ids(const char *const *names, size_t n, uint16_t *ids,
		    struct iotguard_error *err);

#endif
