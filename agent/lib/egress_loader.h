/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loads the outbound policy's BPF programs through their skeleton, attaches
 * them at the cgroup v2 root (so every process is covered) and pins their
 * links and maps under EGRESS_PIN_DIR, so that enforcement outlives the
 * agent.
 */
#ifndef IOTGUARD_EGRESS_LOADER_H
#define IOTGUARD_EGRESS_LOADER_H

#include <stdbool.h>
#include "error.h"

enum egress_attach_result {
	EGRESS_ATTACHED,	/* nothing was pinned: attached and pinned */
	EGRESS_KEPT,		/* the same programs were pinned: kept */
	EGRESS_REPLACED,	/* different programs were pinned: swapped */
};

struct egress_attach_opts {
	const char *cgroup_root;	/* where cgroup2 is mounted */
	/*
	 * BPF LSM is active: raw and packet sockets are refused at creation
	 * and ping sendto() judged with the process named. Without it the
	 * LSM programs are not loaded (AF_PACKET is then not covered).
	 */
	bool lsm;
};

/*
 * Load, attach and pin. Returns an enum egress_attach_result or a negative
 * errno with err set. A new version replaces the pinned one without a
 * moment unenforced: the new link is attached before the old pin goes.
 */
int egress_attach(const struct egress_attach_opts *opts, struct iotguard_error *err);

/* True if the connect hooks' links are pinned (they are then attached). */
bool egress_pinned(void);
/*
 * Hand the pinned packet program to the module, which judges with it what
 * no cgroup hook sees: tunnels' outer packets and forwarded packets
 * (kmod/judge.c). 0 or -errno with err set.
 */
int egress_set_judge(struct iotguard_error *err);

#endif
