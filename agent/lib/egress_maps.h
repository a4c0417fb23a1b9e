/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keeping the pinned outbound policy's maps: installing compiled tables as
 * one atomic switch, removing the policy, reading its counters.
 */
#ifndef IOTGUARD_EGRESS_MAPS_H
#define IOTGUARD_EGRESS_MAPS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "egress.h"
#include "egress_compile.h"
#include "error.h"

/* A service's cgroup, found by the caller: what the programs look up. */
struct egress_service_cgroup {
	uint64_t cgroup_id;
	uint16_t svc;			/* service index + 1 */
	bool raw_sockets;
	uint64_t families;
};

/*
 * Install tables and services as the policy in force. The new generation is
 * written beside the live one and switched to with one map write, so a
 * connection is judged by the old policy or the new one, never a mixture.
 * On failure (a map full, -E2BIG or -ENOMEM) the old policy stays in force,
 * what was written of the new one is removed, and err says why.
 */
int egress_apply(const struct egress_tables *tables, const struct egress_service_cgroup *services,
		 size_t n_services, struct iotguard_error *err);

/* No outbound policy: allow everything (the programs stay attached). */
int egress_uninstall(struct iotguard_error *err);

/* The pinned egress_active entry: installed, and which generation. */
int egress_active_state(struct egress_active *active);

/*
 * `iotguardctl lock`: copy the policy in force into the floor maps, record
 * it in egress_lock and freeze all four, so that until reboot every
 * decision must also pass the policy of this moment. Without a policy in
 * force the floor allows everything. Repeating it changes nothing.
 */
int egress_lock_floor(struct iotguard_error *err);

/* The pinned egress_lock entry. */
int egress_lock_state(struct egress_lock *lock);

/* The settings of generation gen (egress_active's gen when installed). */
int egress_config_state(__u32 gen, struct egress_config *config);

/* How many service cgroups generation gen holds, or -errno. */
int egress_service_count(__u32 gen);

/* The counters, summed over CPUs. */
int egress_read_stats(__u64 stats[__EGRESS_STAT_MAX]);

#endif
