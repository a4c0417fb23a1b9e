// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "iotguard.h"
#include "names.h"

static const char *const mode_names[] = {
	[IOTGUARD_MODE_OFF] = "off",
	[IOTGUARD_MODE_AUDIT] = "audit",
	[IOTGUARD_MODE_ENFORCE] = "enforce",
};

static const char *const cred_state_names[] = {
	[IOTGUARD_CRED_UNKNOWN] = "unknown",
	[IOTGUARD_CRED_DEFAULT] = "default",
	[IOTGUARD_CRED_PROVISIONED] = "provisioned",
};

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
	return -1;
}

const char *cred_state_name(uint32_t cred_state)
{
	return cred_state <= IOTGUARD_CRED_MAX ? cred_state_names[cred_state] :
						  "invalid";
}
