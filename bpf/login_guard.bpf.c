// SPDX-License-Identifier: GPL-2.0
/*
 * Login guard, first slice: a BPF LSM hook on every uid transition of the
 * setuid family. A transition into a uid listed in denied_uids is refused
 * while enforcing; every transition the hook sees is counted, so the agent
 * and the tests can tell that the hook is live.
 *
 * The agent fills denied_uids from its credential audit (accounts whose
 * password is empty or a known default). The maps and the link are pinned
 * under /sys/fs/bpf/iotguard, so enforcement outlives the agent.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "login_guard.h"

#define EPERM 1

/*
 * Runtime settings written by the agent. Not const volatile: the mode can
 * change at runtime (policy reload) while the pinned program stays.
 * A missing or zeroed entry means enforce: the guard fails closed.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct login_guard_config);
} guard_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LOGIN_GUARD_MAX_DENIED_UIDS);
	__type(key, __u32);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} denied_uids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, __LOGIN_GUARD_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static void count(__u32 stat)
{
	__u64 *value = bpf_map_lookup_elem(&stats, &stat);

	if (value)
		*value += 1;
}

static bool audit_only(void)
{
	__u32 key = 0;
	struct login_guard_config *cfg = bpf_map_lookup_elem(&guard_config, &key);

	return cfg && cfg->audit_only;
}

static bool denied(__u32 uid)
{
	return bpf_map_lookup_elem(&denied_uids, &uid) != NULL;
}

SEC("lsm/task_fix_setuid")
int BPF_PROG(login_guard_setuid, struct cred *new, const struct cred *old,
	     int flags, int ret)
{
	__u32 uid, euid, suid, fsuid;

	if (ret)
		return ret;
	count(LOGIN_GUARD_STAT_SETUID_SEEN);

	uid = BPF_CORE_READ(new, uid.val);
	euid = BPF_CORE_READ(new, euid.val);
	suid = BPF_CORE_READ(new, suid.val);
	fsuid = BPF_CORE_READ(new, fsuid.val);
	if (!denied(uid) && !denied(euid) && !denied(suid) && !denied(fsuid))
		return 0;

	count(LOGIN_GUARD_STAT_SETUID_DENIED);
	return audit_only() ? 0 : -EPERM;
}

char LICENSE[] SEC("license") = "GPL";
