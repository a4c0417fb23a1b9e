/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether this kernel can attach BPF LSM programs, found by attaching one:
 * "bpf" in the LSM list is not enough (Debian's arm64 6.1 lists it, and
 * every attach fails with ENOTSUPP: no BPF trampoline there).
 */
#ifndef IOTGUARD_LSM_PROBE_H
#define IOTGUARD_LSM_PROBE_H

#include <errno.h>

/* The kernel's "operation not supported" (not in userspace errno.h). */
#define KERNEL_ENOTSUPP 524

/*
 * Loads a program that allows everything on the file_open hook, attaches it
 * and detaches it at once. Returns 0 if it attached, else a negative errno:
 * -KERNEL_ENOTSUPP when the kernel cannot attach LSM programs at all, and
 * -EPERM when something (an iotguard lock) refuses new LSM programs.
 */
int bpf_lsm_attach_probe(void);

/* True if the probe's result means the kernel cannot attach them. */
static inline int bpf_lsm_unsupported(int probe)
{
	return probe == -KERNEL_ENOTSUPP || probe == -EOPNOTSUPP;
}

#endif
