/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each of iotguard's guarantees needs from the kernel, as one table of
 * data, and judging a kernel against it: its .config and, for the running
 * kernel, what it shows live (active LSMs, BTF, filesystems, release). The
 * same table is kernel/iotguard.cfg's and the README's (checked by a host
 * test); `iotguardctl doctor` prints the judgement.
 */
#ifndef IOTGUARD_KERNEL_REQ_H
#define IOTGUARD_KERNEL_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include "kconfig.h"

enum kreq_guarantee {
	KREQ_LOGIN_GUARD,	/* bpf/login_guard.bpf.c, BPF LSM */
	KREQ_NETWORK_GATE,	/* kmod/gate.c, netfilter */
	KREQ_OUTBOUND,		/* bpf/egress.bpf.c, cgroup BPF (+ BPF LSM) */
	KREQ_LOCK,		/* iotguardctl lock: module reference, frozen maps */
	KREQ_GUARANTEES,
};

/* In rising severity: a guarantee's verdict is its worst row's. */
enum kreq_verdict {
	KREQ_OK,
	KREQ_UNKNOWN,		/* neither the configuration nor a live fact says */
	KREQ_DEGRADED,		/* works, with a part lost */
	KREQ_MISSING,		/* does not work at all */
};

enum kreq_test {
	KREQ_ENABLED,		/* =y or =m */
	KREQ_DISABLED,		/* is not set */
	KREQ_LSM_HAS_BPF,	/* the LSM list (CONFIG_LSM, lsm=) names bpf */
	KREQ_TRAMPOLINE,	/* arm64: a release whose BPF LSM programs can attach */
};

/* A fact the running kernel shows, which decides over its configuration. */
enum kreq_live {
	KREQ_LIVE_NONE,
	KREQ_LIVE_LSM,		/* /sys/kernel/security/lsm */
	KREQ_LIVE_BTF,		/* /sys/kernel/btf/vmlinux */
	KREQ_LIVE_BPF_FS,	/* "bpf" in /proc/filesystems: the bpf() syscall is built */
	KREQ_LIVE_CGROUP2,	/* cgroup2 mounted, or in /proc/filesystems */
	KREQ_LIVE_RELEASE,	/* uname: release and machine */
};

struct kreq_row {
	enum kreq_guarantee guarantee;
	const char *option;	/* "CONFIG_BPF_LSM"; for KREQ_TRAMPOLINE the condition */
	enum kreq_test test;
	const char *only_if;	/* the row counts only if this option is enabled */
	const char *only_arch;	/* the row counts only on this architecture */
	bool automatic;		/* chosen by the architecture, not by a fragment */
	enum kreq_live live;
	enum kreq_verdict if_failed;	/* KREQ_OK: a note, which costs nothing */
	const char *lost;	/* what the guarantee loses without it */
};

extern const struct kreq_row kreq_rows[];
extern const size_t kreq_n_rows;

/*
 * The minimum releases measured on Debian's kernels (README "Kernel
 * requirements"); a release below, on arm64 below KREQ_ARM64_TRAMPOLINE,
 * cannot attach BPF LSM programs.
 */
#define KREQ_ARM64_TRAMPOLINE "6.4"
#define KREQ_ARM64_MEASURED "6.12"
#define KREQ_X86_MEASURED "6.1"

const char *kreq_guarantee_name(enum kreq_guarantee g);
const char *kreq_verdict_name(enum kreq_verdict v);

/* What is known about a kernel. */
struct kreq_facts {
	const struct kconfig *config;	/* NULL: not readable */
	bool live;			/* the running kernel: the fields below are read */
	bool lsm_read;
	char lsm[512];			/* the active LSMs, "lockdown,capability,..." */
	bool btf, bpf_fs, cgroup2;
	char release[96];		/* "6.1.0-57-arm64" */
	char arch[32];			/* as arch/ names it: "x86", "arm64" */
};

/* The running kernel's live facts (config stays as it is). Never fails. */
void kreq_read_live(struct kreq_facts *facts);

/* One row's outcome. */
struct kreq_finding {
	const struct kreq_row *row;
	enum kreq_verdict verdict;	/* KREQ_OK, KREQ_UNKNOWN or row->if_failed */
	bool failed;			/* the test failed (a note if verdict is OK) */
	char found[640];		/* what was found */
	char fix[1280];			/* how to get it, if failed */
};

struct kreq_result {
	enum kreq_verdict verdict[KREQ_GUARANTEES];
	struct kreq_finding *findings;	/* one per row that counts, in table order */
	size_t n;
	char arch[32];
	char release[96];
};

/*
 * Judge the kernel facts describe. Returns 0, or -ENOMEM. kreq_result_free
 * releases the findings.
 */
int kreq_evaluate(const struct kreq_facts *facts, struct kreq_result *result);
void kreq_result_free(struct kreq_result *result);

/* The worst verdict over all guarantees. */
enum kreq_verdict kreq_worst(const struct kreq_result *result);

#endif
