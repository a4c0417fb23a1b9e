/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between gate.c (packet path) and gate_config.c only. */
#ifndef _IOTGUARD_GATE_INTERNAL_H
#define _IOTGUARD_GATE_INTERNAL_H

#include "gate.h"

extern struct iotguard_gate_config __rcu *iotguard_gate_config;

#endif /* _IOTGUARD_GATE_INTERNAL_H */
