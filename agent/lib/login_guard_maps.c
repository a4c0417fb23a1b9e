// SPDX-License-Identifier: GPL-2.0
/* Keeping the pinned login guard's maps: its settings, denied uids, programs, the lock. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf_pin.h"
#include "login_guard_maps.h"

/* The kernel's dev_t: 12 bits of major above 20 bits of minor. */
#define KERNEL_MINORBITS 20

__u64 kernel_dev(dev_t dev)
{
	return ((__u64)major(dev) << KERNEL_MINORBITS) | minor(dev);
}

int guard_set_config(bool audit_only, bool audited, bool flagged)
{
	struct login_guard_config cfg = {
		.audit_only = audit_only, .audited = audited, .flagged = flagged
	};
	__u32 key = 0;
	int fd, ret;

	fd = bpf_obj_get(LOGIN_GUARD_CONFIG_PIN);
	if (fd < 0)
		return -errno;
	ret = bpf_map_update_elem(fd, &key, &cfg, BPF_ANY) ? -errno : 0;
	close(fd);
	return ret;
}

static bool in_set(const void *keys, size_t n, size_t key_size, const void *key)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp((const char *)keys + i * key_size, key, key_size))
			return true;
	return false;
}

/*
 * Make the pinned hash map hold keys[0..n) with values[i]: add and update
 * first, then (prune) delete what is no longer wanted. Entries already
 * right are not written, so syncing a map frozen at lock with what it holds
 * succeeds, and any change to it fails with EPERM.
 */
static int sync_set(const char *pin, const void *keys, const __u32 *values,
		    size_t n, size_t key_size, bool prune)
{
	char cur[64], next[64];
	bool have_cur = false;
	int fd, ret = 0;
	__u32 value;

	if (key_size > sizeof(cur))
		return -EINVAL;
	fd = bpf_obj_get(pin);
	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < n && !ret; i++) {
		const void *key = (const char *)keys + i * key_size;

		if (!bpf_map_lookup_elem(fd, key, &value) && value == values[i])
			continue;
		if (bpf_map_update_elem(fd, key, &values[i], BPF_ANY))
			ret = -errno;
	}
	while (prune && !ret && !bpf_map_get_next_key(fd, have_cur ? cur : NULL, next)) {
		if (!in_set(keys, n, key_size, next)) {
			/* Deleting the current key restarts the walk. */
			if (bpf_map_delete_elem(fd, next)) {
				ret = -errno;
				break;
			}
			have_cur = false;
			continue;
		}
		memcpy(cur, next, key_size);
		have_cur = true;
	}
	close(fd);
	return ret;
}

int guard_set_denied(const uid_t *uids, size_t n)
{
	__u32 keys[LOGIN_GUARD_MAX_DENIED_UIDS], values[LOGIN_GUARD_MAX_DENIED_UIDS];

	if (n > LOGIN_GUARD_MAX_DENIED_UIDS)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		keys[i] = (__u32)uids[i];
		values[i] = 1;
	}
	return sync_set(LOGIN_GUARD_DENIED_PIN, keys, values, n, sizeof(keys[0]), true);
}

static bool is_multi_call(const struct login_guard_policy *policy, const char *real)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < policy->multi_call_count; i++)
		if (realpath(policy->multi_call[i], path) && !strcmp(path, real))
			return true;
	return false;
}

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void comm_key(struct login_comm_key *key, const char *name)
{
	memset(key, 0, sizeof(*key));
	strncpy(key->comm, name, sizeof(key->comm) - 1);
}

int guard_set_programs(const struct login_guard_policy *policy)
{
	struct login_program_key progs[POLICY_MAX_LOGIN_PROGRAMS];
	struct login_comm_key comms[POLICY_MAX_LOGIN_PROGRAMS], consoles[POLICY_MAX_CONSOLES];
	__u32 prog_flags[POLICY_MAX_LOGIN_PROGRAMS];
	__u32 ones[POLICY_MAX_LOGIN_PROGRAMS > POLICY_MAX_CONSOLES ?
		   POLICY_MAX_LOGIN_PROGRAMS : POLICY_MAX_CONSOLES];
	size_t n_progs = 0, n_comms = 0;
	char real[PATH_MAX];
	struct stat st;
	int ret;

	for (size_t i = 0; i < sizeof(ones) / sizeof(ones[0]); i++)
		ones[i] = 1;

	for (size_t i = 0; i < policy->program_count; i++) {
		const char *path = policy->programs[i], *name = strrchr(path, '/');
		struct login_program_key key;
		__u32 flags;
		size_t k;

		if (!realpath(path, real) || stat(real, &st) || !S_ISREG(st.st_mode))
			continue;
		key.dev = kernel_dev(st.st_dev);
		key.ino = st.st_ino;
		/* busybox and friends: only the login applets, judged from argv. */
		flags = is_multi_call(policy, real) ? LOGIN_PROGRAM_MULTI_CALL : LOGIN_PROGRAM_WHOLE;
		/* dropbearmulti also tries argv[1]; busybox only behind "busybox". */
		if (flags == LOGIN_PROGRAM_MULTI_CALL && !strncmp(basename_of(real), "dropbearmulti", 13))
			flags |= LOGIN_PROGRAM_ARGV1;
		if (flags == LOGIN_PROGRAM_MULTI_CALL) {
			comm_key(&comms[n_comms++], name ? name + 1 : path);
		}
		for (k = 0; k < n_progs; k++)
			if (!memcmp(&progs[k], &key, sizeof(key)))
				break;
		if (k == n_progs) {
			progs[n_progs] = key;
			prog_flags[n_progs++] = flags;
		}
	}
	for (size_t i = 0; i < policy->console_count; i++)
		comm_key(&consoles[i], policy->consoles[i]);

	/*
	 * Never prune programs: a replaced login program's old inode lives on
	 * in running shells (busybox runs applets through /proc/self/exe) and
	 * in fds held open, still setuid. Stale entries go at reboot; an inode
	 * number reused meanwhile is only guarded more than it need be.
	 */
	ret = sync_set(LOGIN_GUARD_PROGRAMS_PIN, progs, prog_flags, n_progs, sizeof(progs[0]),
		       false);
	if (!ret)
		ret = sync_set(LOGIN_GUARD_COMMS_PIN, comms, ones, n_comms, sizeof(comms[0]), true);
	if (!ret)
		ret = sync_set(LOGIN_GUARD_CONSOLES_PIN, consoles, ones, policy->console_count,
			       sizeof(consoles[0]), true);
	return ret ? ret : (int)n_progs;
}

/* Copy every entry of one pinned map into another (key and __u32 value), and into copy. */
static int copy_map(const char *from_pin, const char *to_pin, struct bpf_pin_copy *copy)
{
	char cur[64], next[64];
	bool have_cur = false;
	int from, to, ret = 0;
	__u32 value, old;

	from = bpf_obj_get(from_pin);
	if (from < 0)
		return -errno;
	to = bpf_obj_get(to_pin);
	if (to < 0) {
		ret = -errno;
		close(from);
		return ret;
	}
	while (!ret && !bpf_map_get_next_key(from, have_cur ? cur : NULL, next)) {
		memcpy(cur, next, sizeof(cur));
		have_cur = true;
		if (bpf_map_lookup_elem(from, next, &value))
			continue;	/* deleted meanwhile */
		ret = bpf_pin_copy_add(copy, next, &value);
		/* Already there (a repeated lock): a frozen map takes no write. */
		if (ret || (!bpf_map_lookup_elem(to, next, &old) && old == value))
			continue;
		if (bpf_map_update_elem(to, next, &value, BPF_ANY))
			ret = -errno;
	}
	close(to);
	close(from);
	return ret;
}

int guard_lock_state(struct login_guard_lock *lock)
{
	__u32 key = 0;
	int fd, ret = 0;

	fd = bpf_obj_get(LOGIN_GUARD_LOCK_PIN);
	if (fd < 0)
		return -errno;
	if (bpf_map_lookup_elem(fd, &key, lock))
		ret = -errno;
	close(fd);
	return ret;
}

static int pinned_map_id(const char *pin, __u32 *id)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(pin), ret = 0;

	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		ret = -errno;
	close(fd);
	*id = info.id;
	return ret;
}

int guard_lock(void)
{
	static const char *const frozen[] = {
		LOGIN_GUARD_DENIED_LOCKED_PIN, LOGIN_GUARD_PROGRAMS_LOCKED_PIN,
		LOGIN_GUARD_COMMS_PIN, LOGIN_GUARD_CONSOLES_PIN, LOGIN_GUARD_TASKS_PIN,
		LOGIN_GUARD_SCRATCH_PIN, LOGIN_GUARD_STATS_PIN,
	};
	/* Checked once frozen: a delete held in progress lands after the copy. */
	struct bpf_pin_copy denied = { .key_size = 64, .value_size = sizeof(__u32) };
	struct bpf_pin_copy programs = { .key_size = 64, .value_size = sizeof(__u32) };
	struct login_guard_config cfg = {};
	struct login_guard_lock lock = {}, written;
	__u32 key = 0;
	int fd, ret;

	ret = guard_lock_state(&lock);
	if (ret)
		return ret;
	if (lock.locked) {
		/* Ours is frozen; one that root wrote before any lock is not: lock again. */
		ret = bpf_pin_frozen(LOGIN_GUARD_LOCK_PIN);
		if (ret)
			return ret < 0 ? ret : 0;
		lock = (struct login_guard_lock){ 0 };
	}
	fd = bpf_obj_get(LOGIN_GUARD_CONFIG_PIN);
	if (fd < 0)
		return -errno;
	ret = bpf_map_lookup_elem(fd, &key, &cfg) ? -errno : 0;
	close(fd);
	if (ret)
		return ret;

	ret = copy_map(LOGIN_GUARD_DENIED_PIN, LOGIN_GUARD_DENIED_LOCKED_PIN, &denied);
	if (!ret)
		ret = copy_map(LOGIN_GUARD_PROGRAMS_PIN, LOGIN_GUARD_PROGRAMS_LOCKED_PIN,
			       &programs);
	for (size_t i = 0; !ret && i < sizeof(frozen) / sizeof(frozen[0]); i++)
		ret = bpf_pin_freeze(frozen[i]);
	if (!ret)
		ret = bpf_pin_copy_check(LOGIN_GUARD_DENIED_LOCKED_PIN, &denied, false);
	if (!ret)
		ret = bpf_pin_copy_check(LOGIN_GUARD_PROGRAMS_LOCKED_PIN, &programs, false);
	bpf_pin_copy_free(&denied);
	bpf_pin_copy_free(&programs);
	if (ret)
		return ret;
	if (!ret)
		ret = pinned_map_id(LOGIN_GUARD_TASKS_PIN, &lock.sealed_map_ids[0]);
	if (!ret)
		ret = pinned_map_id(LOGIN_GUARD_SCRATCH_PIN, &lock.sealed_map_ids[1]);
	if (ret)
		return ret;
	/* Last: the guard consults the frozen copies once this says locked. */
	lock.locked = 1;
	lock.audit_only = cfg.audit_only;
	lock.audited = cfg.audited;
	lock.flagged = cfg.flagged;
	fd = bpf_obj_get(LOGIN_GUARD_LOCK_PIN);
	if (fd < 0)
		return -errno;
	ret = bpf_map_update_elem(fd, &key, &lock, BPF_ANY) ? -errno : 0;
	close(fd);
	if (!ret)
		ret = bpf_pin_freeze(LOGIN_GUARD_LOCK_PIN);
	/* A write held in progress may have landed between ours and the freeze. */
	if (!ret)
		ret = guard_lock_state(&written);
	if (!ret && memcmp(&written, &lock, sizeof(lock)))
		ret = -EAGAIN;
	return ret;
}

int guard_read_stats(__u64 stats[__LOGIN_GUARD_STAT_MAX])
{
	return bpf_pin_sum_percpu(LOGIN_GUARD_STATS_PIN, stats, __LOGIN_GUARD_STAT_MAX);
}
