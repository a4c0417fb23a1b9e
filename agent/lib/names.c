// SPDX-License-Identifier: GPL-2.0
/* Names of the kernel module's modes and credential states (names.h). */
#include <errno.h>
#include <string.h>
#include "iotguard.h"
#include "names.h"

static const char *const mode_names[] = IOTGUARD_MODE_NAMES;
static const char *const cred_state_names[] = IOTGUARD_CRED_STATE_NAMES;
_Static_assert(sizeof(mode_names) / sizeof(mode_names[0]) == __IOTGUARD_MODE_MAX,
	       "a name for every mode");
_Static_assert(sizeof(cred_state_names) / sizeof(cred_state_names[0]) == __IOTGUARD_CRED_MAX,
	       "a name for every credential state");

const char *mode_name(uint32_t mode)
{
	return mode <= IOTGUARD_MODE_MAX ? mode_names[mode] : "invalid";
}

int mode_from_name(const char *name, uint32_t *mode)
{
	for (uint32_t i = 0; i <= IOTGUARD_MODE_MAX; i++) {
		if (!strcmp(name, mode_names[i])) {
			*mode = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *cred_state_name(uint32_t cred_state)
{
	return cred_state <= IOTGUARD_CRED_MAX ? cred_state_names[cred_state] :
						  "invalid";
}
