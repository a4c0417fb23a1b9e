/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy file (/etc/iotguard/iotguard.conf), parsed with libconfig.
 * A policy is validated whole into a struct before anything is applied, so
 * it applies whole or not at all.
 */
#ifndef IOTGUARD_POLICY_H
#define IOTGUARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "egress_policy.h"
#include "error.h"
#include "gate_settings.h"
#include "paths.h"
#include "policy_publish.h"

#define POLICY_DEFAULT_PATH IOTGUARD_CONF_DIR "/iotguard.conf"
#define POLICY_VERSION 1
#define POLICY_DEFAULT_DELIVER_FILE "/root/iotguard-initial-password"

#define POLICY_PATH_MAX 256
#define POLICY_MAX_ACCOUNTS 32
#define POLICY_ACCOUNT_MAX 64

enum provision_method {
	PROVISION_RANDOM,	/* a random per-device password, delivered once */
	PROVISION_DERIVED,	/* HMAC of account + device id, factory secret */
	PROVISION_USER,		/* the owner sets one on the local console */
};

struct provisioning_policy {
	enum provision_method method;
	int scheme;				/* enum hash_scheme */
	/* Accounts to provision; none listed: every flagged account. */
	char accounts[POLICY_MAX_ACCOUNTS][POLICY_ACCOUNT_MAX];
	size_t account_count;
	char deliver_file[POLICY_PATH_MAX];	/* "" for none */
	bool deliver_console;
	char secret_file[POLICY_PATH_MAX];	/* derived */
	char device_id_file[POLICY_PATH_MAX];	/* derived */
	bool first_boot;			/* provision at first boot */
};

#define POLICY_MAX_LOGIN_PROGRAMS 32
#define POLICY_MAX_MULTI_CALL 8
#define POLICY_MAX_CONSOLES 16
#define POLICY_TTY_MAX 16

/* Which programs are login programs, and which ttys are the owner's console. */
struct login_guard_policy {
	char programs[POLICY_MAX_LOGIN_PROGRAMS][POLICY_PATH_MAX];
	size_t program_count;
	/* Multi-call binaries: only their login applets count, by name. */
	char multi_call[POLICY_MAX_MULTI_CALL][POLICY_PATH_MAX];
	size_t multi_call_count;
	char consoles[POLICY_MAX_CONSOLES][POLICY_TTY_MAX];
	size_t console_count;
};

struct iotguard_policy {
	int version;
	uint32_t mode;			/* enum iotguard_mode */
	char deny_lists[POLICY_PATH_MAX];
	struct provisioning_policy provisioning;
	struct login_guard_policy login_guard;
	struct gate_settings gate;		/* network_gate = { ... } */
	struct publish_policy publish;		/* product, disclosure, support, compliance */
	bool has_egress;			/* egress = { ... } is present */
	struct egress_policy egress;		/* its rules and services are on the heap */
};

/* Every setting at its default: what an empty policy file means. */
void policy_defaults(struct iotguard_policy *policy);

/*
 * Parse and validate path. On success fill *policy and return 0. On failure
 * leave *policy untouched and return -EINVAL with "path:line: message" in
 * error, or the negative errno of open(2) with "path: cannot open: reason".
 */
int policy_load(const char *path, struct iotguard_policy *policy, struct iotguard_error *error);

/*
 * Free what policy_load allocated (the egress section's rules and services)
 * and leave policy as policy_defaults() does. Safe on a policy from
 * policy_defaults() and on one already released.
 */
void policy_release(struct iotguard_policy *policy);

#endif
