/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of egress.bpf.c's object (included at its end, sharing its maps):
 * the LSM programs that keep the outbound policy whole after `iotguardctl
 * lock`. What each refuses can change where a packet goes after it was
 * judged, or send one no hook judges.
 */
#ifndef IOTGUARD_EGRESS_LOCK_BPF_H
#define IOTGUARD_EGRESS_LOCK_BPF_H

static __always_inline bool egress_locked(void)
{
	const struct egress_lock *lock;
	__u32 key = 0;

	lock = bpf_map_lookup_elem(&egress_lock, &key);
	return lock && lock->locked;
}

/* One of this object's maps: their pointers compare as addresses. */
static __always_inline bool is_map(const struct bpf_map *map, const void *ours)
{
	return (__u64)map == (__u64)ours;
}

/*
 * No new fd to the maps that only these programs may write. Frozen maps
 * refuse system calls only: a BPF program of root's holding an fd could
 * still write them (cgroup and socket programs still load after the
 * lock). Where accepted connections came in, the handshakes on their
 * way there, where SYNs came from and whose MPTCP connections are, always (they are not pinned: only
 * the agent's load holds fds, and closes them). The floor, once egress_lock says locked (the
 * lock's last step; one that root wrote so before any lock is first
 * cleared by the lock, which then fills the floor).
 */
SEC("lsm/bpf_map")
int BPF_PROG(egress_map_fd, struct bpf_map *map, fmode_t fmode, int ret)
{
	if (ret)
		return ret;
	if (is_map(map, &egress_arrival) || is_map(map, &egress_handshakes) ||
	    is_map(map, &egress_syn_sources) || is_map(map, &egress_mptcp_origin))
		return -EPERM;
	if (is_map(map, &egress_v4_floor) || is_map(map, &egress_v6_floor) ||
	    is_map(map, &egress_h4_floor) || is_map(map, &egress_h6_floor) ||
	    is_map(map, &egress_services_floor))
		return egress_locked() ? -EPERM : 0;
	return 0;
}

/*
 * After the outbound policy is locked, no new program that can change a
 * packet's destination once it was judged, or send one no socket sent:
 * cgroup programs that rewrite connect and sendto addresses, or a
 * setsockopt's option after lsm/socket_setsockopt passed it (one that
 * turns a harmless option into IP_TRANSPARENT), sock_ops programs (they
 * write TCP header options of their choosing into any segment, a SYN-ACK
 * to whatever address a SYN came from included, and set socket options
 * unchecked), tc,
 * lightweight-tunnel and XDP programs (XDP_TX and redirects send frames
 * the backstop never sees, as forwarded packets have no socket), and
 * extensions (freplace: they replace the judge itself; the lock refuses
 * while one is loaded, bpf_extensions.h). The backstop above sees what
 * the first kind does; the others run after it or beside it. Nor is any program test-run: XDP's live-frames mode
 * transmits whatever frame it is given, like a packet socket.
 */
SEC("lsm/bpf")
int BPF_PROG(egress_bpf_load, int cmd, union bpf_attr *attr)
{
	/* Not the previous verdict: its position differs between kernels. */
	if (cmd != BPF_PROG_LOAD && cmd != BPF_PROG_TEST_RUN)
		return 0;
	if (!egress_locked())
		return 0;
	if (cmd == BPF_PROG_TEST_RUN)
		return -EPERM;
	switch (BPF_CORE_READ(attr, prog_type)) {
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
	case BPF_PROG_TYPE_SOCK_OPS:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_LWT_SEG6LOCAL:
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_EXT:
		return -EPERM;
	default:
		return 0;
	}
}

/*
 * A kernel module is code in the kernel: it can undo every guarantee (and
 * bring what the policy leaves out, a bridge or a datapath that rewrites
 * packets). kexec boots another kernel without a reboot's boot chain.
 * After the lock, neither: load modules before `iotguardctl lock`.
 */
SEC("lsm/kernel_read_file")
int BPF_PROG(egress_read_file, struct file *file, enum kernel_read_file_id id, bool contents,
	     int ret)
{
	if (ret)
		return ret;
	if ((id == READING_MODULE || id == READING_KEXEC_IMAGE ||
	     id == READING_KEXEC_INITRAMFS) && egress_locked())
		return -EPERM;
	return 0;
}

SEC("lsm/kernel_load_data")
int BPF_PROG(egress_load_data, enum kernel_load_data_id id, bool contents, int ret)
{
	if (ret)
		return ret;
	if ((id == LOADING_MODULE || id == LOADING_KEXEC_IMAGE ||
	     id == LOADING_KEXEC_INITRAMFS) && egress_locked())
		return -EPERM;
	return 0;
}

/*
 * IP_TRANSPARENT lets a socket send from an address that is not the
 * device's: the kernel's answers to it (ICMP errors quoting what was sent,
 * resets, echo replies) then leave for that address, a destination root
 * chose and no hook judges as one. After the lock it is not set again.
 */
#define SOL_IP 0
#define SOL_IPV6 41
#define IP_FREEBIND 15
#define IP_TRANSPARENT 19
#define IPV6_TRANSPARENT 75
#define IPV6_FREEBIND 78

/* An outbound policy in force refuses (locked, or installed in enforce mode). */
static __always_inline bool egress_enforced(void)
{
	const struct egress_active *active;
	const struct egress_config *cfg;
	__u32 key = 0, gen;

	if (egress_locked())
		return true;
	active = bpf_map_lookup_elem(&egress_active, &key);
	if (!active || !active->installed)
		return false;
	gen = active->gen & 1;
	cfg = bpf_map_lookup_elem(&egress_config, &gen);
	return cfg && cfg->enforce;
}

/*
 * IP_FREEBIND and IPV6_FREEBIND do the same for any process, without a
 * privilege (the kernel's answers to a loopback destination went out to
 * the bound address): refused while an outbound policy is enforced.
 */
SEC("lsm/socket_setsockopt")
int BPF_PROG(egress_setsockopt, struct socket *sock, int level, int optname, int ret)
{
	if (ret)
		return ret;
	if (((level == SOL_IP && optname == IP_TRANSPARENT) ||
	     (level == SOL_IPV6 && optname == IPV6_TRANSPARENT)) && egress_locked())
		return -EPERM;
	if (((level == SOL_IP && optname == IP_FREEBIND) ||
	     (level == SOL_IPV6 && optname == IPV6_FREEBIND)) && egress_enforced())
		return -EPERM;
	return 0;
}

/*
 * Two kernel senders are configured through files, not sockets: a
 * netconsole target (configfs: its directory made, its remote address and
 * device written, enabled) sends the kernel log, and text anyone writes
 * to /dev/kmsg, by netpoll past every hook; pktgen (/proc/net/pktgen)
 * sends packets of its own making from a kernel thread to any address.
 * After the lock neither is configured again: what the device's boot set
 * up before it keeps working, reading still works. Keyed on the kernel's
 * own names (the fixed directories these modules make; a procfs or
 * configfs file cannot be renamed, and a bind mount keeps its dentry).
 */
#define CONFIGFS_MAGIC 0x62656570
#define PROC_SUPER_MAGIC 0x9fa0
#define FMODE_WRITE 0x2
/* netconsole's tree: netconsole/TARGET/userdata/KEY/value. */
#define CONFIGFS_DEPTH 8

static __always_inline bool dentry_named(struct dentry *d, const char *want, __u32 n)
{
	union { char c[16]; __u64 v[2]; } got = {}, name = {};

	if (BPF_CORE_READ(d, d_name.len) != n ||
	    bpf_probe_read_kernel(got.c, n, BPF_CORE_READ(d, d_name.name)))
		return false;
	__builtin_memcpy(name.c, want, n);
	return got.v[0] == name.v[0] && got.v[1] == name.v[1];
}

/* Whether d is in (or is) configfs's top-level netconsole directory. */
static bool in_netconsole(struct dentry *d)
{
	struct dentry *root = BPF_CORE_READ(d, d_sb, s_root), *parent;

	for (int i = 0; i < CONFIGFS_DEPTH; i++) {
		parent = BPF_CORE_READ(d, d_parent);
		if (parent == root)
			return dentry_named(d, "netconsole", 10);
		if (parent == d)
			return false;
		d = parent;
	}
	return false;
}

/* A file of pktgen's: in a "pktgen" directory of a network namespace's "net". */
static __always_inline bool in_pktgen(struct dentry *d)
{
	struct dentry *dir = BPF_CORE_READ(d, d_parent);

	return dentry_named(dir, "pktgen", 6) && dentry_named(BPF_CORE_READ(dir, d_parent), "net", 3);
}

static bool kernel_sender_config(struct dentry *d)
{
	unsigned long magic = BPF_CORE_READ(d, d_sb, s_magic);

	if (magic == CONFIGFS_MAGIC)
		return in_netconsole(d);
	return magic == PROC_SUPER_MAGIC && in_pktgen(d);
}

SEC("lsm/file_open")
int BPF_PROG(egress_file_open, struct file *file, int ret)
{
	if (ret)
		return ret;
	if (!(BPF_CORE_READ(file, f_mode) & FMODE_WRITE))
		return 0;
	if (kernel_sender_config(BPF_CORE_READ(file, f_path.dentry)) && egress_locked())
		return -EPERM;
	return 0;
}

/* A new netconsole target (or a key of a target's userdata). */
SEC("lsm/inode_mkdir")
int BPF_PROG(egress_mkdir, struct inode *dir, struct dentry *dentry, umode_t mode, int ret)
{
	if (ret)
		return ret;
	if (BPF_CORE_READ(dentry, d_sb, s_magic) == CONFIGFS_MAGIC && in_netconsole(dentry) &&
	    egress_locked())
		return -EPERM;
	return 0;
}

#endif /* IOTGUARD_EGRESS_LOCK_BPF_H */
