/* SPDX-License-Identifier: GPL-2.0 */
/* Names of the module's enums, as users write and read them. */
#ifndef IOTGUARD_NAMES_H
#define IOTGUARD_NAMES_H

#include <stdint.h>

const char *mode_name(uint32_t mode);
/* Returns 0 and sets *mode, or -EINVAL if name is not a mode. */
int mode_from_name(const char *name, uint32_t *mode);
const char *cred_state_name(uint32_t cred_state);

#endif
