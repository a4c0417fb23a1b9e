// SPDX-License-Identifier: GPL-2.0
/* Loading, attaching and pinning the BPF login guard; probing what it needs. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf_pin.h"
#include "error.h"
#include "login_guard_loader.h"
#include "login_guard_maps.h"
#include "login_guard.h"
#include "login_guard.skel.h"
#include "lsm_probe.h"

#define LSM_LIST_PATH "/sys/kernel/security/lsm"

static bool lsm_listed(void)
{
	char list[512] = "";
	char *tok, *save;
	FILE *f = fopen(LSM_LIST_PATH, "r");

	if (!f)
		return false;
	if (!fgets(list, sizeof(list), f))
		list[0] = '\0';
	fclose(f);
	list[strcspn(list, "\n")] = '\0';
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, "bpf"))
			return true;
	return false;
}

void guard_probe(struct guard_probe *probe)
{
	struct statfs fs;

	probe->lsm_listed = lsm_listed();
	probe->bpffs = statfs("/sys/fs/bpf", &fs) == 0 && fs.f_type == BPF_FS_MAGIC;
	/* An attached guard has answered the question; else try one program. */
	probe->lsm_unsupported = probe->lsm_listed && !guard_pinned() &&
				 bpf_lsm_unsupported(bpf_lsm_attach_probe());
}

bool guard_pinned(void)
{
	return access(LOGIN_GUARD_LINK_PIN, F_OK) == 0 &&
	       access(LOGIN_GUARD_EXEC_LINK_PIN, F_OK) == 0;
}

/*
 * Pinned maps of an older, incompatible version: drop their names. The old
 * links keep their maps alive, and enforcing, until replaced.
 */
static void unpin_maps(struct login_guard_bpf *skel)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, skel->obj)
		if (bpf_map__pin_path(map))
			unlink(bpf_map__pin_path(map));
}

static int load(struct login_guard_bpf **out, struct iotguard_error *err)
{
	struct login_guard_bpf *skel;
	int ret = 0;

	/* Maps marked LIBBPF_PIN_BY_NAME are reused from, or pinned at, here. */
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = LOGIN_GUARD_PIN_DIR);

	for (int attempt = 0; attempt < 2; attempt++) {
		skel = login_guard_bpf__open_opts(&opts);
		if (!skel)
			return iotguard_fail_errno(err, errno, "opening the BPF skeleton");
		ret = login_guard_bpf__load(skel);
		if (!ret) {
			*out = skel;
			return 0;
		}
		iotguard_fail_errno(err, -ret, "loading the BPF login guard");
		unpin_maps(skel);
		login_guard_bpf__destroy(skel);
	}
	return ret;
}

/* Attach prog and pin its link at pin, in place of any old one (bpf_pin_link). */
static int attach_and_pin(struct bpf_program *prog, const char *pin, struct iotguard_error *err)
{
	struct bpf_link *link;
	int ret;

	link = bpf_program__attach_lsm(prog);
	if (!link)
		return iotguard_fail_errno(err, errno, "attaching %s", bpf_program__name(prog));
	ret = bpf_pin_link(link, pin, err);
	bpf_link__destroy(link);
	return ret;
}

int guard_attach(struct iotguard_error *err)
{
	struct login_guard_lock lock = {};
	struct login_guard_bpf *skel = NULL;
	struct bpf_program *prog;
	int ret;
	bool had_any = false;
	char pin[128];

	/*
	 * Locked until reboot: the module holds the guard's links and its maps
	 * are sealed. Loading another copy could only fail; keep the guard.
	 */
	if (!guard_lock_state(&lock) && lock.locked)
		return GUARD_KEPT;
	if (mkdir(LOGIN_GUARD_PIN_DIR, 0700) && errno != EEXIST)
		return iotguard_fail(err, errno, "creating %s: %s (is bpffs mounted on "
				     "/sys/fs/bpf?)", LOGIN_GUARD_PIN_DIR, strerror(errno));
	ret = load(&skel, err);
	if (ret)
		return ret;
	ret = GUARD_KEPT;
	/* Each link is pinned under its program's name. */
	bpf_object__for_each_program(prog, skel->obj) {
		snprintf(pin, sizeof(pin), "%s/%s", LOGIN_GUARD_PIN_DIR, bpf_program__name(prog));
		had_any |= access(pin, F_OK) == 0;
		if (bpf_pin_same_program(prog, pin))
			continue;
		ret = attach_and_pin(prog, pin, err);
		if (ret)
			break;
		ret = GUARD_REPLACED;
	}
	if (ret == GUARD_REPLACED && !had_any)
		ret = GUARD_ATTACHED;
	login_guard_bpf__destroy(skel);
	return ret;
}

const char *guard_degraded_text(const struct guard_probe *probe, bool advice)
{
	/* Without BPF LSM the guard cannot run at all: the filesystem comes second. */
	if (!probe->lsm_listed)
		return advice ? "DEGRADED: BPF LSM is not active (\"bpf\" missing from "
				"/sys/kernel/security/lsm); the account-level login guard cannot "
				"run. Boot with lsm=...,bpf" :
				"DEGRADED: BPF LSM is not active in this kernel";
	if (probe->lsm_unsupported)
		return advice ? "DEGRADED: BPF LSM is listed but this kernel cannot attach its "
				"programs (ENOTSUPP: no BPF trampoline; Debian's arm64 6.1 kernel, "
				"measured). Lost: the account-level login guard (setuid and exec "
				"of flagged accounts, relays of a login session). Kept: the "
				"module's gate, throttle and lock. Use a kernel that attaches "
				"them (arm64: 6.12, measured)" :
				"DEGRADED: this kernel cannot attach BPF LSM programs (ENOTSUPP); "
				"the account-level login guard is lost";
	if (!probe->bpffs)
		return advice ? "DEGRADED: /sys/fs/bpf is not a BPF filesystem; "
				"mount -t bpf bpf /sys/fs/bpf" :
				"DEGRADED: no BPF filesystem on /sys/fs/bpf";
	return NULL;
}
