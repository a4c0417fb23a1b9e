/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extension programs (BPF_PROG_TYPE_EXT, "freplace") replace a global
 * function of another loaded program, or its whole body, while it stays
 * attached: one on the outbound policy's judge allows everything while the
 * lock reports the policy locked. One loaded but not attached is as bad:
 * it can be attached later (to any program with a function of its shape)
 * with no load for the lock to refuse. So the lock refuses while any is
 * loaded, and after the lock none loads.
 */
#ifndef IOTGUARD_BPF_EXTENSIONS_H
#define IOTGUARD_BPF_EXTENSIONS_H

#include "error.h"

/*
 * 0 if no extension program is loaded; -EBUSY naming the first (and what
 * it is attached to, if anything) in err; or -errno if the programs could
 * not be listed.
 */
int bpf_no_extensions(struct iotguard_error *err);

#endif
