// SPDX-License-Identifier: GPL-2.0
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
#include "guard_maps.h"
#include "log.h"

/* The kernel's dev_t: 12 bits of major above 20 bits of minor. */
#define KERNEL_MINORBITS 20

__u64 kernel_dev(dev_t dev)
{
	return ((__u64)major(dev) << KERNEL_MINORBITS) | minor(dev);
}

int guard_set_config(bool audit_only, bool audited)
{
	struct login_guard_config cfg = { .audit_only = audit_only, .audited = audited };
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
 * Make the pinned hash map hold exactly keys[0..n) with values[i]: add and
 * update first, then delete what is no longer wanted.
 */
static int sync_set(const char *pin, const void *keys, const __u32 *values,
		    size_t n, size_t key_size)
{
	char cur[64], next[64];
	bool have_cur = false;
	int fd, ret = 0;

	if (key_size > sizeof(cur))
		return -EINVAL;
	fd = bpf_obj_get(pin);
	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < n && !ret; i++)
		if (bpf_map_update_elem(fd, (const char *)keys + i * key_size, &values[i], BPF_ANY))
			ret = -errno;
	while (!ret && !bpf_map_get_next_key(fd, have_cur ? cur : NULL, next)) {
		if (!in_set(keys, n, key_size, next)) {
			/* Deleting the current key restarts the walk. */
			bpf_map_delete_elem(fd, next);
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
	return sync_set(LOGIN_GUARD_DENIED_PIN, keys, values, n, sizeof(keys[0]));
}

static bool is_multi_call(const struct login_guard_policy *policy, const char *real)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < policy->multi_call_count; i++)
		if (realpath(policy->multi_call[i], path) && !strcmp(path, real))
			return true;
	return false;
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
	__u32 prog_flags[POLICY_MAX_LOGIN_PROGRAMS], ones[POLICY_MAX_LOGIN_PROGRAMS];
	size_t n_progs = 0, n_comms = 0;
	char real[PATH_MAX];
	struct stat st;
	int ret;

	for (size_t i = 0; i < policy->program_count; i++) {
		const char *path = policy->programs[i], *name = strrchr(path, '/');
		struct login_program_key key;
		__u32 flags;
		size_t k;

		if (!realpath(path, real) || stat(real, &st) || !S_ISREG(st.st_mode))
			continue;
		key.dev = kernel_dev(st.st_dev);
		key.ino = st.st_ino;
		/* busybox and friends: only the login applets, by the name they run under. */
		flags = is_multi_call(policy, real) ? LOGIN_PROGRAM_MULTI_CALL : LOGIN_PROGRAM_WHOLE;
		if (flags == LOGIN_PROGRAM_MULTI_CALL) {
			comm_key(&comms[n_comms], name ? name + 1 : path);
			ones[n_comms++] = 1;
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

	ret = sync_set(LOGIN_GUARD_PROGRAMS_PIN, progs, prog_flags, n_progs, sizeof(progs[0]));
	if (!ret)
		ret = sync_set(LOGIN_GUARD_COMMS_PIN, comms, ones, n_comms, sizeof(comms[0]));
	if (!ret)
		ret = sync_set(LOGIN_GUARD_CONSOLES_PIN, consoles, ones, policy->console_count,
			       sizeof(consoles[0]));
	return ret ? ret : (int)n_progs;
}

int guard_read_stats(__u64 stats[__LOGIN_GUARD_STAT_MAX])
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 *percpu;
	int fd, ret = 0;

	if (ncpus <= 0)
		return -EINVAL;
	percpu = calloc((size_t)ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	fd = bpf_obj_get(LOGIN_GUARD_STATS_PIN);
	if (fd < 0) {
		free(percpu);
		return -errno;
	}
	for (__u32 key = 0; key < __LOGIN_GUARD_STAT_MAX && !ret; key++) {
		stats[key] = 0;
		if (bpf_map_lookup_elem(fd, &key, percpu)) {
			ret = -errno;
			break;
		}
		for (int cpu = 0; cpu < ncpus; cpu++)
			stats[key] += percpu[cpu];
	}
	close(fd);
	free(percpu);
	return ret;
}
