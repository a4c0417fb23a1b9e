/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Services' cgroups on cgroup v2, whatever the init system: where cgroup2
 * is mounted (and mounting it if nothing has), a service's cgroup created
 * and a process moved into it, and the id and level the outbound policy's
 * BPF programs see.
 *
 * A service's cgroup is a path relative to the cgroup v2 root ("iotguard/
 * camera"); the functions that touch the file system take that root, so
 * that tests can point them at a temporary directory. cgroup v1
 * hierarchies are ignored: BPF programs attach to cgroup v2 only.
 */
#ifndef IOTGUARD_CGROUP_H
#define IOTGUARD_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"

#define CGROUP_MOUNTINFO "/proc/self/mountinfo"
/* Where cgroup2 is mounted when nothing has mounted it. */
#define CGROUP_V2_MOUNT_POINT "/sys/fs/cgroup"

/*
 * Is path a cgroup below the root that stays below it? Relative, its
 * components separated by single '/', none "." or "..", no control
 * characters (a newline would forge lines of /proc/PID/cgroup), shorter
 * than EGRESS_CGROUP_MAX. "" is the root itself. 0, or -EINVAL with error
 * saying what is wrong.
 */
int cgroup_path_check(const char *path, struct iotguard_error *error);

/* The number of components of a checked path: "" (the root) is 0, "iotguard/cam" 2. */
int cgroup_level(const char *path);

/*
 * Where cgroup v2 is mounted, according to mountinfo (CGROUP_MOUNTINFO on
 * the device): the first mount of type cgroup2 of the whole hierarchy
 * (root "/"; a bind mount of a subtree is not the root), its mount point
 * into root. cgroup v1 mounts are ignored. Returns 0; -ENOENT if none, with
 * error saying so; another negative errno if mountinfo cannot be read.
 */
int cgroup_v2_find(const char *mountinfo, char *root, size_t len, struct iotguard_error *error);

/*
 * May cgroup2 be mounted at target? Not if target is already the mount
 * point of another file system: the tmpfs holding cgroup v1 hierarchies
 * of a legacy layout (/sys/fs/cgroup/cpu, ...), or a cgroup v1 hierarchy
 * itself. Mounting over it would hide them from whatever manages them.
 * 0 if target is free; -EBUSY with error naming what is there.
 */
int cgroup_v2_target_free(const char *mountinfo, const char *target,
			  struct iotguard_error *error);

enum cgroup_v2_found {
	CGROUP_V2_WAS_MOUNTED,		/* someone (init, the agent earlier) had mounted it */
	CGROUP_V2_MOUNTED_NOW,		/* nothing had: mounted at CGROUP_V2_MOUNT_POINT */
};

/*
 * Make sure cgroup v2 is mounted: find it in CGROUP_MOUNTINFO, or mount
 * cgroup2 at CGROUP_V2_MOUNT_POINT (created if missing) unless that is a
 * mount of another file system (cgroup_v2_target_free). Its mount point
 * goes into root. Returns an enum cgroup_v2_found, or a negative errno
 * with error naming the mount point and the reason.
 */
int cgroup_v2_ensure(char *root, size_t len, struct iotguard_error *error);

/*
 * mkdir -p of path's components below root, each 0755 whatever the umask;
 * existing directories are fine. path must pass cgroup_path_check, and no
 * component is followed if it is a symbolic link. 0, or a negative errno
 * with error naming the cgroup and the reason.
 */
int cgroup_create(const char *root, const char *path, struct iotguard_error *error);

/*
 * Move pid (0: the caller) into the cgroup path below root by writing it
 * to its cgroup.procs. 0, or a negative errno with error naming the cgroup
 * and the reason.
 */
int cgroup_move(const char *root, const char *path, pid_t pid, struct iotguard_error *error);

/*
 * The id of the cgroup path below root: what bpf_get_current_cgroup_id()
 * returns for a process in it and what bpf/egress.h's tables key
 * services by. Read through name_to_handle_at(), whose handle on cgroup v2
 * is the kernfs node id, all 64 bits of it: st_ino is the same number on
 * 64-bit machines only, and on 32-bit ones (most ARM IoT devices) loses
 * the upper half. 0, or a negative errno: -EMEDIUMTYPE if path is not a
 * cgroup v2 directory.
 */
int cgroup_id(const char *root, const char *path, uint64_t *id, struct iotguard_error *error);

#endif
