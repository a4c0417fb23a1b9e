/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy file (/etc/iotguard/iotguard.conf), parsed with libconfig.
 * A policy is validated whole into a struct before anything is applied, so
 * it applies whole or not at all.
 */
#ifndef IOTGUARD_POLICY_H
#define IOTGUARD_POLICY_H

#include <stddef.h>
#include <stdint.h>

#define POLICY_DEFAULT_PATH "/etc/iotguard/iotguard.conf"
#define POLICY_VERSION 1
#define POLICY_ERROR_MAX 512

struct iotguard_policy {
	int version;
	uint32_t mode;			/* enum iotguard_mode */
};

/*
 * Parse and validate path. On success fill *policy and return 0. On failure
 * return -1, leave *policy untouched and write "path:line: message" to
 * error.
 */
int policy_load(const char *path, struct iotguard_policy *policy,
		char error[POLICY_ERROR_MAX]);

#endif
