/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _IOTGUARD_OBJECTS_H
#define _IOTGUARD_OBJECTS_H

#include <linux/types.h>

/*
 * What the module creates and must destroy, counted as WireGuard's
 * self-tests count theirs: Debian's kernels have no kmemleak. Each count
 * is live objects; all are zero after unload (the exit says so).
 */
enum iotguard_object {
	IOTGUARD_OBJ_GATE_CONFIG,	/* struct iotguard_gate_config */
	IOTGUARD_OBJ_BPF_REF,		/* a reference to a BPF program or link */
	__IOTGUARD_OBJ_MAX
};

#define IOTGUARD_OBJECT_NAMES { "gate_config", "bpf_ref" }

void iotguard_object_new(enum iotguard_object obj);
void iotguard_object_gone(enum iotguard_object obj);
long iotguard_objects_live(enum iotguard_object obj);
const char *iotguard_object_name(enum iotguard_object obj);
/* Module exit, after everything else: no object left, or which leaked. */
void iotguard_objects_report(void);

#endif /* _IOTGUARD_OBJECTS_H */
