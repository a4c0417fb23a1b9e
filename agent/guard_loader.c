// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "guard_loader.h"
#include "login_guard.h"
#include "login_guard.skel.h"

#define LSM_LIST_PATH "/sys/kernel/security/lsm"
/* bpffs refuses dots in names: no ".new" suffix. */
#define LINK_PIN_TMP LOGIN_GUARD_LINK_PIN "_new"

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
	probe->lsm_prog_type = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_LSM, NULL) == 1;
	probe->bpffs = statfs("/sys/fs/bpf", &fs) == 0 && fs.f_type == BPF_FS_MAGIC;
}

bool guard_pinned(void)
{
	return access(LOGIN_GUARD_LINK_PIN, F_OK) == 0;
}

static int prog_tag(int prog_fd, __u8 tag[BPF_TAG_SIZE])
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	memcpy(tag, info.tag, BPF_TAG_SIZE);
	return 0;
}

/* The tag of the program behind the pinned link, if one is pinned. */
static int pinned_prog_tag(__u8 tag[BPF_TAG_SIZE])
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int link_fd, prog_fd, ret;

	link_fd = bpf_obj_get(LOGIN_GUARD_LINK_PIN);
	if (link_fd < 0)
		return -errno;
	ret = bpf_obj_get_info_by_fd(link_fd, &info, &len) ? -errno : 0;
	close(link_fd);
	if (ret)
		return ret;
	prog_fd = bpf_prog_get_fd_by_id(info.prog_id);
	if (prog_fd < 0)
		return -errno;
	ret = prog_tag(prog_fd, tag);
	close(prog_fd);
	return ret;
}

static int pin_maps(struct login_guard_bpf *skel)
{
	/* libbpf reuses a compatible map already pinned at this path. */
	if (bpf_map__set_pin_path(skel->maps.denied_uids, LOGIN_GUARD_DENIED_PIN) ||
	    bpf_map__set_pin_path(skel->maps.stats, LOGIN_GUARD_STATS_PIN) ||
	    bpf_map__set_pin_path(skel->maps.guard_config, LOGIN_GUARD_CONFIG_PIN))
		return -ENOMEM;
	return 0;
}

/*
 * Attach a new link and pin it in place of any old one. The rename is
 * atomic: the old link stays attached until the new one replaces its pin,
 * so there is no moment without a guard.
 */
static int attach_and_pin(struct login_guard_bpf *skel, char *error)
{
	struct bpf_link *link;
	int ret;

	link = bpf_program__attach_lsm(skel->progs.login_guard_setuid);
	if (!link) {
		ret = -errno;
		snprintf(error, GUARD_ERROR_MAX, "attaching the LSM program: %s",
			 strerror(-ret));
		return ret;
	}
	unlink(LINK_PIN_TMP);
	ret = bpf_link__pin(link, LINK_PIN_TMP);
	if (!ret && rename(LINK_PIN_TMP, LOGIN_GUARD_LINK_PIN))
		ret = -errno;
	if (ret) {
		snprintf(error, GUARD_ERROR_MAX, "pinning the guard link at %s: %s",
			 LOGIN_GUARD_LINK_PIN, strerror(-ret));
		unlink(LINK_PIN_TMP);
	}
	/* Closing our fd leaves the pinned link attached. */
	bpf_link__destroy(link);
	return ret;
}

int guard_attach(char error[GUARD_ERROR_MAX])
{
	struct login_guard_bpf *skel;
	__u8 old_tag[BPF_TAG_SIZE], new_tag[BPF_TAG_SIZE];
	bool have_old;
	int ret;

	error[0] = '\0';
	if (mkdir(LOGIN_GUARD_PIN_DIR, 0700) && errno != EEXIST) {
		ret = -errno;
		snprintf(error, GUARD_ERROR_MAX, "creating %s: %s (is bpffs mounted on /sys/fs/bpf?)",
			 LOGIN_GUARD_PIN_DIR, strerror(-ret));
		return ret;
	}
	skel = login_guard_bpf__open();
	if (!skel) {
		ret = -errno;
		snprintf(error, GUARD_ERROR_MAX, "opening the BPF skeleton: %s",
			 strerror(-ret));
		return ret;
	}
	ret = pin_maps(skel);
	if (!ret)
		ret = login_guard_bpf__load(skel);
	if (ret) {
		snprintf(error, GUARD_ERROR_MAX, "loading the BPF login guard: %s",
			 strerror(-ret));
		goto out;
	}

	have_old = pinned_prog_tag(old_tag) == 0;
	ret = prog_tag(bpf_program__fd(skel->progs.login_guard_setuid), new_tag);
	if (ret) {
		snprintf(error, GUARD_ERROR_MAX, "reading the program tag: %s",
			 strerror(-ret));
		goto out;
	}
	if (have_old && !memcmp(old_tag, new_tag, BPF_TAG_SIZE)) {
		ret = GUARD_KEPT;
		goto out;
	}
	ret = attach_and_pin(skel, error);
	if (!ret)
		ret = have_old ? GUARD_REPLACED : GUARD_ATTACHED;
out:
	login_guard_bpf__destroy(skel);
	return ret;
}

int guard_set_audit_only(bool audit_only)
{
	struct login_guard_config cfg = { .audit_only = audit_only };
	__u32 key = 0;
	int fd, ret;

	fd = bpf_obj_get(LOGIN_GUARD_CONFIG_PIN);
	if (fd < 0)
		return -errno;
	ret = bpf_map_update_elem(fd, &key, &cfg, BPF_ANY) ? -errno : 0;
	close(fd);
	return ret;
}

int guard_read_stats(__u64 stats[__LOGIN_GUARD_STAT_MAX])
{
	int ncpus = libbpf_num_possible_cpus();
	int fd, ret = 0;

	if (ncpus <= 0)
		return -EINVAL;
	fd = bpf_obj_get(LOGIN_GUARD_STATS_PIN);
	if (fd < 0)
		return -errno;
	for (__u32 key = 0; key < __LOGIN_GUARD_STAT_MAX && !ret; key++) {
		__u64 percpu[ncpus];

		stats[key] = 0;
		if (bpf_map_lookup_elem(fd, &key, percpu)) {
			ret = -errno;
			break;
		}
		for (int cpu = 0; cpu < ncpus; cpu++)
			stats[key] += percpu[cpu];
	}
	close(fd);
	return ret;
}
