// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel requirements table (kernel_req.h) and judging a kernel by it.
 * Each row was read off the code that needs it: kmod/ and Kbuild for the
 * gate, the programs' SEC() types in bpf/, and the agent's loaders.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel_req.h"

#define LSM_BPF_ROW(g, verdict, what)							\
	{ g, "CONFIG_BPF_LSM", KREQ_ENABLED, NULL, NULL, false, KREQ_LIVE_LSM, verdict,	\
	  "no BPF LSM: " what },							\
	{ g, "CONFIG_LSM", KREQ_LSM_HAS_BPF, NULL, NULL, false, KREQ_LIVE_LSM, verdict,	\
	  "BPF LSM is built but not active (bpf missing from the LSM list): " what },	\
	{ g, "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS", KREQ_ENABLED, NULL, "arm64", true,	\
	  KREQ_LIVE_NONE, verdict, "BPF LSM programs cannot attach (ENOTSUPP): on arm64 "	\
	  "the BPF trampoline reaches kernel functions only through ftrace direct "	\
	  "calls: " what },								\
	{ g, "arm64 kernel " KREQ_ARM64_TRAMPOLINE " or later", KREQ_TRAMPOLINE, NULL,	\
	  "arm64", true, KREQ_LIVE_RELEASE, verdict, "BPF LSM programs cannot attach "	\
	  "(ENOTSUPP, measured on Debian's 6.1 arm64) even with bpf in the LSM list: " what }

#define GUARD_LOST "the login guard cannot run"
#define OUTBOUND_LSM_LOST "raw IP and packet sockets and tun devices are not refused"
#define LOCK_GUARD_LOST "there is no login guard to lock: only the gate and the module are"

const struct kreq_row kreq_rows[] = {
	/* bpf/login_guard.bpf.c: lsm/ programs, task storage, ring buffers, bpffs pins. */
	{ KREQ_LOGIN_GUARD, "CONFIG_BPF_SYSCALL", KREQ_ENABLED, NULL, NULL, false,
	  KREQ_LIVE_BPF_FS, KREQ_MISSING, "no bpf() system call: " GUARD_LOST },
	{ KREQ_LOGIN_GUARD, "CONFIG_BPF_JIT", KREQ_ENABLED, NULL, NULL, false, KREQ_LIVE_NONE,
	  KREQ_MISSING, "LSM programs attach through a trampoline the JIT builds: "
	  GUARD_LOST },
	{ KREQ_LOGIN_GUARD, "CONFIG_SECURITY", KREQ_ENABLED, NULL, NULL, false, KREQ_LIVE_LSM,
	  KREQ_MISSING, "no LSM framework: " GUARD_LOST },
	{ KREQ_LOGIN_GUARD, "CONFIG_SECURITYFS", KREQ_ENABLED, NULL, NULL, false, KREQ_LIVE_LSM,
	  KREQ_MISSING, "iotguardd reads the active LSMs from /sys/kernel/security/lsm "
	  "and loads no guard without them" },
	LSM_BPF_ROW(KREQ_LOGIN_GUARD, KREQ_MISSING, GUARD_LOST),
	{ KREQ_LOGIN_GUARD, "CONFIG_DEBUG_INFO_BTF", KREQ_ENABLED, NULL, NULL, false,
	  KREQ_LIVE_BTF, KREQ_MISSING, "no kernel BTF: LSM programs attach by BTF type "
	  "and read the kernel's structures through it (CO-RE): " GUARD_LOST },

	/* kmod/: netfilter hooks at LOCAL_IN, nf_send_reset(6), genetlink. */
	{ KREQ_NETWORK_GATE, "CONFIG_MODULES", KREQ_ENABLED, NULL, NULL, false, KREQ_LIVE_NONE,
	  KREQ_MISSING, "iotguard.ko cannot be loaded: no gate, no kernel security state" },
	{ KREQ_NETWORK_GATE, "CONFIG_NETFILTER", KREQ_ENABLED, NULL, NULL, false, KREQ_LIVE_NONE,
	  KREQ_MISSING, "no netfilter hooks: the module does not build" },
	{ KREQ_NETWORK_GATE, "CONFIG_NF_REJECT_IPV4", KREQ_ENABLED, NULL, NULL, false,
	  KREQ_LIVE_NONE, KREQ_MISSING, "the gate's TCP reset (nf_send_reset): the module "
	  "does not build" },
	{ KREQ_NETWORK_GATE, "CONFIG_IPV6", KREQ_ENABLED, NULL, NULL, false, KREQ_LIVE_NONE,
	  KREQ_OK, "no IPv6: the gate guards IPv4, all this kernel has" },
	{ KREQ_NETWORK_GATE, "CONFIG_NF_REJECT_IPV6", KREQ_ENABLED, "CONFIG_IPV6", NULL, false,
	  KREQ_LIVE_NONE, KREQ_DEGRADED, "IPv6 refusals are dropped, not reset: IPv6 "
	  "clients wait for their timeout" },

	/* bpf/egress.bpf.c: cgroup/connect, cgroup/sendmsg, cgroup_skb, and lsm/ hooks. */
	{ KREQ_OUTBOUND, "CONFIG_BPF_SYSCALL", KREQ_ENABLED, NULL, NULL, false, KREQ_LIVE_BPF_FS,
	  KREQ_MISSING, "no bpf() system call: no outbound policy" },
	{ KREQ_OUTBOUND, "CONFIG_CGROUPS", KREQ_ENABLED, NULL, NULL, false, KREQ_LIVE_CGROUP2,
	  KREQ_MISSING, "no cgroup v2: services have no cgroups to hold their rules" },
	{ KREQ_OUTBOUND, "CONFIG_CGROUP_BPF", KREQ_ENABLED, NULL, NULL, false, KREQ_LIVE_NONE,
	  KREQ_MISSING, "no cgroup BPF programs (connect, sendmsg, egress): no outbound policy" },
	LSM_BPF_ROW(KREQ_OUTBOUND, KREQ_DEGRADED, OUTBOUND_LSM_LOST),
	{ KREQ_OUTBOUND, "CONFIG_DEBUG_INFO_BTF", KREQ_ENABLED, "CONFIG_BPF_LSM", NULL, false,
	  KREQ_LIVE_BTF, KREQ_MISSING, "no kernel BTF: iotguardd loads the policy's LSM "
	  "hooks whenever BPF LSM is active, and they need BTF" },

	/* iotguardctl lock: a module reference, frozen maps, links held by the module. */
	{ KREQ_LOCK, "CONFIG_MODULES", KREQ_ENABLED, NULL, NULL, false, KREQ_LIVE_NONE,
	  KREQ_MISSING, "no module to hold the lock" },
	{ KREQ_LOCK, "CONFIG_MODULE_FORCE_UNLOAD", KREQ_DISABLED, NULL, NULL, false,
	  KREQ_LIVE_NONE, KREQ_DEGRADED, "`rmmod -f` unloads the module even after lock, "
	  "taking the gate and the judge of tunnels and forwarding with it" },
	LSM_BPF_ROW(KREQ_LOCK, KREQ_DEGRADED, LOCK_GUARD_LOST),
};

const size_t kreq_n_rows = sizeof(kreq_rows) / sizeof(kreq_rows[0]);

const char *kreq_guarantee_name(enum kreq_guarantee g)
{
	static const char *const names[] = {
		[KREQ_LOGIN_GUARD] = "login guard",
		[KREQ_NETWORK_GATE] = "network gate",
		[KREQ_OUTBOUND] = "outbound policy",
		[KREQ_LOCK] = "lock",
	};

	return (unsigned int)g < KREQ_GUARANTEES ? names[g] : "?";
}

const char *kreq_verdict_name(enum kreq_verdict v)
{
	static const char *const names[] = {
		[KREQ_OK] = "ok",
		[KREQ_UNKNOWN] = "unknown",
		[KREQ_DEGRADED] = "degraded",
		[KREQ_MISSING] = "missing",
	};

	return (unsigned int)v <= KREQ_MISSING ? names[v] : "?";
}

/* "bpf" as a whole entry of a comma-separated LSM list. */
static bool lists_bpf(const char *list)
{
	size_t n = strlen("bpf");

	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, "bpf", n) && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* Major and minor of "6.12.117+deb12-arm64"; false if it is not a release. */
static bool release_version(const char *release, int *major, int *minor)
{
	return sscanf(release, "%d.%d", major, minor) == 2;
}

static bool release_before(const char *release, const char *than)
{
	int major, minor, tmajor, tminor;

	if (!release_version(release, &major, &minor) ||
	    !release_version(than, &tmajor, &tminor))
		return false;
	return major < tmajor || (major == tmajor && minor < tminor);
}

static void lsm_fix(const struct kreq_facts *facts, struct kreq_finding *f)
{
	const char *cfg = facts->config ? kconfig_get(facts->config, "CONFIG_LSM") : NULL;
	/* lsm= replaces the whole list: the fix keeps what the kernel runs now. */
	const char *keep = facts->live && facts->lsm_read ? facts->lsm : cfg;

	if (keep && *keep)
		snprintf(f->fix, sizeof(f->fix), "boot with lsm=%s,bpf (lsm= replaces the whole "
			 "list: keep these), or build with CONFIG_LSM=\"%s,bpf\"", keep,
			 cfg && *cfg ? cfg : keep);
	else
		snprintf(f->fix, sizeof(f->fix), "boot with lsm=...,bpf naming every LSM to keep "
			 "(lsm= replaces the whole list), or add bpf to CONFIG_LSM");
}

/* The live fact's answer: 1 pass, 0 fail, -1 none to be had. */
static int live_answer(const struct kreq_facts *facts, const struct kreq_row *row,
		       struct kreq_finding *f)
{
	if (!facts->live)
		return -1;
	switch (row->live) {
	case KREQ_LIVE_LSM:
		if (!facts->lsm_read)
			return -1;
		snprintf(f->found, sizeof(f->found), "active LSMs (/sys/kernel/security/lsm): %s",
			 facts->lsm);
		return lists_bpf(facts->lsm);
	case KREQ_LIVE_BTF:
		snprintf(f->found, sizeof(f->found), "/sys/kernel/btf/vmlinux %s",
			 facts->btf ? "exists" : "does not exist");
		return facts->btf;
	case KREQ_LIVE_BPF_FS:
		snprintf(f->found, sizeof(f->found), "bpf %s in /proc/filesystems",
			 facts->bpf_fs ? "is" : "is not");
		return facts->bpf_fs;
	case KREQ_LIVE_CGROUP2:
		snprintf(f->found, sizeof(f->found), "cgroup2 is %s",
			 facts->cgroup2 ? "mounted or mountable" : "not in /proc/filesystems");
		return facts->cgroup2;
	case KREQ_LIVE_RELEASE:
	case KREQ_LIVE_NONE:
		break;
	}
	return -1;
}

/* The configuration's answer: 1 pass, 0 fail, -1 not readable. */
static int config_answer(const struct kreq_facts *facts, const struct kreq_row *row,
			 struct kreq_finding *f)
{
	const char *value;

	if (!facts->config)
		return -1;
	value = kconfig_get(facts->config, row->option);
	if (value && !strcmp(value, "n"))
		value = NULL;
	switch (row->test) {
	case KREQ_LSM_HAS_BPF:
		snprintf(f->found, sizeof(f->found), "%s=\"%s\"", row->option, value ? value : "");
		return value && lists_bpf(value);
	case KREQ_ENABLED:
	case KREQ_DISABLED:
		if (value)
			snprintf(f->found, sizeof(f->found), "%s=%s", row->option, value);
		else
			snprintf(f->found, sizeof(f->found), "%s is not set", row->option);
		return (row->test == KREQ_ENABLED) == kconfig_enabled(facts->config, row->option);
	case KREQ_TRAMPOLINE:
		break;
	}
	return -1;
}

static void judge(const struct kreq_facts *facts, const struct kreq_result *result,
		  const struct kreq_row *row, struct kreq_finding *f)
{
	int pass;

	f->row = row;
	if (row->test == KREQ_TRAMPOLINE) {
		snprintf(f->found, sizeof(f->found), "%s %s", result->arch, result->release);
		pass = result->release[0] ?
		       !release_before(result->release, KREQ_ARM64_TRAMPOLINE) : -1;
	} else {
		pass = live_answer(facts, row, f);
		if (pass < 0)
			pass = config_answer(facts, row, f);
	}
	if (pass < 0) {
		f->verdict = KREQ_UNKNOWN;
		if (row->test == KREQ_TRAMPOLINE)
			snprintf(f->found, sizeof(f->found), "%s: the kernel's release is not "
				 "known", row->option);
		else
			snprintf(f->found, sizeof(f->found), "%s: the kernel's configuration is "
				 "not readable", row->option);
		return;
	}
	f->failed = !pass;
	f->verdict = pass ? KREQ_OK : row->if_failed;
	if (pass)
		return;
	if (row->test == KREQ_LSM_HAS_BPF)
		lsm_fix(facts, f);
	else if (row->automatic)
		snprintf(f->fix, sizeof(f->fix), "an arm64 kernel %s or later (arm64 gained ftrace "
			 "direct calls in %s; Debian's %s is measured)", KREQ_ARM64_TRAMPOLINE,
			 KREQ_ARM64_TRAMPOLINE, KREQ_ARM64_MEASURED);
	else if (row->test == KREQ_DISABLED)
		snprintf(f->fix, sizeof(f->fix), "build the kernel with \"# %s is not set\" "
			 "(kernel/iotguard.cfg)", row->option);
	else
		snprintf(f->fix, sizeof(f->fix), "build the kernel with %s=y (kernel/iotguard.cfg)",
			 row->option);
}

/* Does the row apply to this kernel? Unknown conditions count it. */
static bool counts(const struct kreq_facts *facts, const struct kreq_result *result,
		   const struct kreq_row *row)
{
	if (row->only_arch && strcmp(row->only_arch, result->arch))
		return false;
	if (row->only_if && facts->config && !kconfig_enabled(facts->config, row->only_if))
		return false;
	return true;
}

int kreq_evaluate(const struct kreq_facts *facts, struct kreq_result *result)
{
	memset(result, 0, sizeof(*result));
	if (facts->live) {
		snprintf(result->arch, sizeof(result->arch), "%s", facts->arch);
		snprintf(result->release, sizeof(result->release), "%s", facts->release);
	} else if (facts->config) {
		snprintf(result->arch, sizeof(result->arch), "%s", kconfig_arch(facts->config));
		snprintf(result->release, sizeof(result->release), "%s",
			 kconfig_release(facts->config));
	}
	result->findings = calloc(kreq_n_rows, sizeof(*result->findings));
	if (!result->findings)
		return -ENOMEM;
	for (size_t i = 0; i < kreq_n_rows; i++) {
		const struct kreq_row *row = &kreq_rows[i];
		struct kreq_finding *f = &result->findings[result->n];

		if (!counts(facts, result, row))
			continue;
		judge(facts, result, row, f);
		result->n++;
		if (f->verdict > result->verdict[row->guarantee])
			result->verdict[row->guarantee] = f->verdict;
	}
	return 0;
}

void kreq_result_free(struct kreq_result *result)
{
	free(result->findings);
	result->findings = NULL;
	result->n = 0;
}

enum kreq_verdict kreq_worst(const struct kreq_result *result)
{
	enum kreq_verdict worst = KREQ_OK;

	for (int g = 0; g < KREQ_GUARANTEES; g++)
		if (result->verdict[g] > worst)
			worst = result->verdict[g];
	return worst;
}
