/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outbound policy as the kernel holds it (attached, installed, mode,
 * counters, lock), read from the pinned maps for `iotguardctl status` and
 * the compliance report, and its JSON form. The kernel's state is what is
 * in force, whatever the policy file says.
 */
#ifndef IOTGUARD_EGRESS_STATE_H
#define IOTGUARD_EGRESS_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include <linux/types.h>
#include "egress.h"

/* What a kernel without BPF LSM does not enforce (its programs are not loaded). */
#define EGRESS_NO_JUDGE_TEXT "tunnels' outer packets and forwarded packets are not judged"
#define EGRESS_NO_LSM_TEXT "BPF LSM is not active: packet sockets and other families' " \
	"(CAN, Bluetooth...) are not refused, raw IP sockets only by the cgroup hooks"

struct egress_state {
	/*
	 * 0, or the -errno that kept the pinned maps from being read
	 * (-EACCES: not root). Maps that are not pinned are no error: the
	 * programs were never attached.
	 */
	int read_error;
	bool attached;		/* the connect hooks' links are pinned */
	bool lsm_hooks;		/* the LSM programs' too: raw and packet sockets judged */
	bool installed;		/* egress_active names a generation */
	__u32 gen;
	struct egress_config config;	/* generation gen's, when installed */
	size_t services;		/* service cgroups of generation gen */
	struct egress_lock lock;
	__u64 stats[__EGRESS_STAT_MAX];
};

/* Never fails: what could not be read is in read_error. */
void egress_state_read(struct egress_state *st);

/* "enforce" or "audit" for the installed policy; NULL when none is. */
const char *egress_state_mode(const struct egress_state *st);

/* "checked", "allowed", "denied", "audited", "events_lost". */
const char *egress_stat_name(enum egress_stat stat);

/* The state as an object (schema in the README, under iotguardctl status --json). */
json_object *egress_state_json(const struct egress_state *st);

#endif
