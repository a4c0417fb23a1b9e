// SPDX-License-Identifier: GPL-2.0
/* Loading, attaching and pinning the BPF login guard; probing what it needs. */
#include <dirent.h>
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
#include "error.h"
#include "login_guard_loader.h"
#include "login_guard_maps.h"
#include "login_guard.h"
#include "login_guard.skel.h"

#define LSM_LIST_PATH "/sys/kernel/security/lsm"
/* bpffs refuses dots in names: no ".new" suffix. */
#define PIN_TMP_SUFFIX "_new"

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
}

bool guard_pinned(void)
{
	return access(LOGIN_GUARD_LINK_PIN, F_OK) == 0 &&
	       access(LOGIN_GUARD_EXEC_LINK_PIN, F_OK) == 0;
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

/*
 * The tag of the program behind a pinned link, if one is pinned. Get the
 * pin, query it, close it: the shape of every read of a pinned object
 * (login_guard_maps.c has it too); what each reads differs.
 */
static int pinned_prog_tag(const char *pin, __u8 tag[BPF_TAG_SIZE])
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int link_fd, prog_fd, ret;

	link_fd = bpf_obj_get(pin);
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

static bool same_program_pinned(struct bpf_program *prog, const char *pin)
{
	__u8 old_tag[BPF_TAG_SIZE], new_tag[BPF_TAG_SIZE];

	return pinned_prog_tag(pin, old_tag) == 0 &&
	       prog_tag(bpf_program__fd(prog), new_tag) == 0 &&
	       !memcmp(old_tag, new_tag, BPF_TAG_SIZE);
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

/*
 * Attach prog and pin its link at pin, in place of any old one. The rename
 * is atomic: the old link stays attached until the new one takes its pin.
 */
static int attach_and_pin(struct bpf_program *prog, const char *pin, struct iotguard_error *err)
{
	char tmp[256];
	struct bpf_link *link;
	int ret;

	link = bpf_program__attach_lsm(prog);
	if (!link)
		return iotguard_fail_errno(err, errno, "attaching %s", bpf_program__name(prog));
	snprintf(tmp, sizeof(tmp), "%s%s", pin, PIN_TMP_SUFFIX);
	unlink(tmp);
	ret = bpf_link__pin(link, tmp);
	if (!ret && rename(tmp, pin))
		ret = -errno;
	if (ret) {
		iotguard_fail_errno(err, -ret, "pinning the guard link at %s", pin);
		unlink(tmp);
	}
	/* Closing our fd leaves the pinned link attached. */
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
		if (same_program_pinned(prog, pin))
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

/* Is fd a BPF link? The anonymous inode says so: "anon_inode:bpf-link". */
static bool is_link_fd(int fd)
{
	char path[64], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, "anon_inode:bpf-link");
}

int guard_link_fds(int *fds, size_t max)
{
	struct dirent *entry;
	size_t n = 0;
	int ret = 0;
	char pin[128];
	DIR *dir;

	dir = opendir(LOGIN_GUARD_PIN_DIR);
	if (!dir)
		return -errno;
	while ((entry = readdir(dir))) {
		int fd;

		if (entry->d_name[0] == '.')
			continue;
		snprintf(pin, sizeof(pin), "%s/%.64s", LOGIN_GUARD_PIN_DIR, entry->d_name);
		fd = bpf_obj_get(pin);
		if (fd < 0)
			continue;
		if (!is_link_fd(fd)) {
			close(fd);
			continue;
		}
		if (n == max) {
			close(fd);
			ret = -E2BIG;
			break;
		}
		fds[n++] = fd;
	}
	closedir(dir);
	if (ret) {
		while (n)
			close(fds[--n]);
		return ret;
	}
	return (int)n;
}

const char *guard_degraded_text(const struct guard_probe *probe, bool advice)
{
	/* Without BPF LSM the guard cannot run at all: the filesystem comes second. */
	if (!probe->lsm_listed)
		return advice ? "DEGRADED: BPF LSM is not active (\"bpf\" missing from "
				"/sys/kernel/security/lsm); the account-level login guard cannot "
				"run. Boot with lsm=...,bpf" :
				"DEGRADED: BPF LSM is not active in this kernel";
	if (!probe->bpffs)
		return advice ? "DEGRADED: /sys/fs/bpf is not a BPF filesystem; "
				"mount -t bpf bpf /sys/fs/bpf" :
				"DEGRADED: no BPF filesystem on /sys/fs/bpf";
	return NULL;
}
