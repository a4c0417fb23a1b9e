/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of login_guard.bpf.c's object: the guard kept whole. A login
 * program replaced by rename stays one; after the lock no new fd to the
 * maps only its programs may write, and no BPF program that could
 * change what it sees or decides, nor any link detached or updated.
 */
#ifndef IOTGUARD_LOGIN_GUARD_SELF_BPF_H
#define IOTGUARD_LOGIN_GUARD_SELF_BPF_H

/*
 * A login program replaced by rename (how package managers update) stays a
 * login program: the new inode gets the old one's entry. If it cannot, the
 * rename is refused rather than leave the new file unguarded.
 */
static int follow(struct dentry *from, struct dentry *over)
{
	struct inode *moved = BPF_CORE_READ(from, d_inode);
	struct inode *replaced = BPF_CORE_READ(over, d_inode);
	struct login_program_key old_key, new_key;
	struct settings s;
	__u32 flags;

	if (!moved || !replaced)
		return 0;
	read_settings(&s);
	inode_key(replaced, &old_key);
	flags = program_flags(&s, &old_key);
	if (!flags)
		return 0;
	inode_key(moved, &new_key);
	if (program_flags(&s, &new_key) == flags)
		return 0;
	if (bpf_map_update_elem(&login_programs, &new_key, &flags, BPF_ANY))
		return -ENOSPC;
	count(LOGIN_GUARD_STAT_PROGRAMS_FOLLOWED);
	return 0;
}

SEC("lsm/inode_rename")
int BPF_PROG(login_guard_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, int ret)
{
	if (ret)
		return ret;
	return follow(old_dentry, new_dentry);
}

/*
 * After lock, no new fd to the maps that only the guard's own programs may
 * write: a BPF program loaded by root could otherwise clear a task's
 * decision. Their fds were all closed when the lock was taken.
 */
SEC("lsm/bpf_map")
int BPF_PROG(login_guard_map_fd, struct bpf_map *map, fmode_t fmode, int ret)
{
	struct login_guard_lock *lock;
	__u32 key = 0, id;

	if (ret)
		return ret;
	lock = bpf_map_lookup_elem(&guard_lock, &key);
	if (!lock || !lock->locked)
		return 0;
	id = BPF_CORE_READ(map, id);
	if (id && (id == lock->sealed_map_ids[0] || id == lock->sealed_map_ids[1]))
		return -EPERM;
	return 0;
}

/*
 * After lock, no new BPF program of a kind that can change what the guard
 * sees or decides: tracing (fentry/fexit/fmod_ret, which can rewrite argv
 * with bpf_probe_write_user or skip a security hook), kprobes, tracepoints,
 * perf events, LSM programs and extensions. Programs for cgroups, sockets
 * and networking (what systemd and firewalls load) are not affected.
 * And no link is detached or given another program: the module holds the
 * outbound policy's cgroup links, but a held link can still be emptied by
 * BPF_LINK_DETACH or BPF_LINK_UPDATE, and the fd a command names cannot be
 * resolved here without a race, so both commands are refused for every
 * link (systemd releases its links by closing them, which stays possible).
 */
SEC("lsm/bpf")
int BPF_PROG(login_guard_bpf_load, int cmd, union bpf_attr *attr)
{
	struct login_guard_lock *lock;
	__u32 key = 0, type;

	/* Not the previous verdict: its position differs between kernels. */
	if (cmd != BPF_PROG_LOAD && cmd != BPF_LINK_DETACH && cmd != BPF_LINK_UPDATE)
		return 0;
	lock = bpf_map_lookup_elem(&guard_lock, &key);
	if (!lock || !lock->locked)
		return 0;
	if (cmd != BPF_PROG_LOAD)
		return -EPERM;
	type = BPF_CORE_READ(attr, prog_type);
	switch (type) {
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_LSM:
	case BPF_PROG_TYPE_EXT:
		return -EPERM;
	default:
		return 0;
	}
}

#endif /* IOTGUARD_LOGIN_GUARD_SELF_BPF_H */
