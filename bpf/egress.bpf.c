// SPDX-License-Identifier: GPL-2.0
/*
 * The outbound-connection policy: every new outbound destination a process
 * asks for is looked up in the policy's tables (egress.h) and refused with
 * EPERM unless a rule allows it.
 *
 * Which layer covers which path:
 * - cgroup/connect4, connect6 (attached at the cgroup v2 root, so every
 *   process): TCP and UDP connect(), TCP Fast Open's sendto(MSG_FASTOPEN),
 *   ping sockets' connect(), and io_uring's connect, which all go through
 *   the protocol's pre_connect hook. MPTCP's extra subflows, which a
 *   kernel thread connects, are judged by the cgroups of the process that
 *   connected their connection (connect_origin).
 * - cgroup/sendmsg4, sendmsg6: unconnected UDP sendto/sendmsg/sendmmsg and
 *   io_uring's sendmsg (per message).
 * - lsm/socket_create: raw IP, AF_PACKET, AF_XDP and link-layer (AF_LLC...)
 *   sockets, refused at creation, and sockets of every other family that
 *   reaches past the device (CAN, Bluetooth, vsock...) unless the policy
 *   names it; lsm/tun_dev_attach: tun and tap devices, refused likewise.
 *   They have no cgroup hook, so this needs BPF LSM.
 * - lsm/socket_sendmsg: unconnected ping sockets' sendto (no cgroup hook
 *   before 6.2's), with a clean EPERM and the process named.
 * - lsm/inet_conn_request, lsm/inet_csk_clone: the device each accepted TCP
 *   connection came in on, for the backstop.
 * - cgroup_skb/egress: the backstop for every packet not going where its
 *   socket connected (ICMP, rerouted packets, other protocols), and for
 *   the kernel's answers (ICMP errors, echo replies, its resets); a
 *   refused packet is dropped and the sender gets EPERM. The module
 *   (kmod/judge.c) runs the same program on what no cgroup hook sees: a
 *   tunnel's outer packets, forwarded packets, socketless resets.
 * IPv4-mapped IPv6 destinations are judged as IPv4. Loopback is always
 * allowed. Established connections are not cut by a policy change: only new
 * destinations are judged.
 *
 * One object, so that its programs share its maps, in parts by concern:
 * this file (the connect and sendmsg programs), egress_maps.bpf.h (the
 * maps), egress_decide.bpf.h (the tables' lookup and the verdict),
 * egress_socket.bpf.h (the LSM hooks at socket creation and ping's
 * sendto), egress_arrival.bpf.h (where accepted connections came in),
 * egress_packet.bpf.h (the packet backstop), egress_lock.bpf.h and
 * egress_netlink.bpf.h (what the lock refuses).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "egress.h"

#define EPERM 1
#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_KEY 15
#define AF_NETLINK 16
#define AF_ALG 38
#define AF_INET6 10
#define AF_AX25 3
#define AF_APPLETALK 5
#define AF_NETROM 6
#define AF_X25 9
#define AF_ROSE 11
#define AF_PACKET 17
#define AF_LLC 26
#define AF_TIPC 30
#define AF_PHONET 35
#define AF_IEEE802154 36
#define AF_SMC 43
#define AF_XDP 44
#define SOCK_DGRAM 2
#define SOCK_RAW 3
/* Since 6.11 an SMC socket is also made as an inet protocol. */
#define IPPROTO_SMC 256
#define IPPROTO_ICMP 1
#define IPPROTO_HOPOPTS 0
#define IPPROTO_IGMP 2
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_ICMPV6 58
#define IPPROTO_UDPLITE 136
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
/* uapi's BPF_F_CURRENT_NETNS (an enum vmlinux.h lacks): the caller's namespace. */
#define CURRENT_NETNS ((__u64)-1)
#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04
#define TCP_FLAG_ACK 0x10
#define LOOPBACK_IFINDEX 1	/* lo, in every network namespace */
#define ALLOW 1
#define DENY 0

#include "egress_maps.bpf.h"

/* What is being asked: filled by each hook, judged by decide(). */
struct egress_req {
	__u8 addr[16];		/* IPv4 in the first 4 bytes */
	__u16 port;
	__u8 family;		/* as judged: AF_INET for mapped IPv6 */
	__u8 proto;		/* IPPROTO_* */
	__u8 hook;
	__u8 sock_type;
	__u8 routed_out;	/* a loopback address on another device than lo */
	__u64 kern_cgroup;	/* an accepted MPTCP connection's struct cgroup (connect_origin) */
	__u64 origin_set;	/* origin[] stands for the current task's cgroups */
	__u64 origin[EGRESS_MAX_CGROUP_LEVEL + 1];	/* [0] its own id, [L] its level-L ancestor's */
};

struct verdict {
	__u16 rule;
	__u16 svc;
	__u8 deny;		/* the policy refuses it */
	__u8 enforce;		/* and the mode is enforce */
};

#include "egress_decide.bpf.h"

/*
 * connect() to 0.0.0.0 (or ::ffff:0.0.0.0) connects to the socket's own
 * bound address: the kernel routes an unspecified destination to the
 * source, or to 127.0.0.1 if there is none. Root can bind any address
 * (IP_TRANSPARENT, or one added for a moment), even from another thread
 * between this hook and the connect (UDP's hook runs before its lock): so
 * the destination is made explicit here, the bound address or 127.0.0.1,
 * and judged as such. (IPv6's :: becomes ::1 whatever the binding.)
 */
static __always_inline __u32 connect_dest4(struct bpf_sock_addr *ctx, __u32 ip4, __u8 hook)
{
	struct bpf_sock *sk = ctx->sk;
	__u32 src;

	if (ip4 || hook != EGRESS_HOOK_CONNECT || !sk)
		return ip4;
	src = sk->src_ip4;
	return src ? src : bpf_htonl(0x7f000001);
}

/*
 * Where an accepted TCP connection came in: the device its handshake's
 * last packet arrived on, recorded when the kernel makes the connection's
 * socket. Its peer was never judged as a destination (an accepted
 * connection's never is), so its packets pass only while they leave by
 * that device. Root can make them leave another way: accept a connection
 * from an address of its own (or from another network namespace over a
 * veth, with the peer's address), then remove the address or switch the
 * route, and the answers go out to the real host of that address. The
 * record cannot be changed after: the packets' arrival device
 * (sk_rx_dst_ifindex) follows whatever packet came last, which that host
 * can send; the agent freezes these maps for system calls at load, and
 * lsm/bpf_map (egress_lock.bpf.h) gives no fd to them, so that no other
 * BPF program can write them either.
 *
 * A device is its index, its identity and, for a veth (or vxcan, netkit),
 * the namespace of its far end. Root can give a deleted device's index to
 * another (creating it with that index, or moving it in from another
 * namespace, where it keeps its own), so the record holds the device's
 * sysfs node id, which the kernel never gives twice. Root can move a
 * veth's far end into the namespace that holds the refused host, so the
 * record holds the far end's namespace cookie (also never given twice).
 */
struct egress_arrival {
	__u32 ifindex;
	__u32 client;		/* connect()ed, not accepted (connect_verdict) */
	__u64 dev_id;
	__u64 far_netns;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct egress_arrival);
} egress_arrival SEC(".maps");

/*
 * Set by the loader when the LSM programs that record arrivals are
 * loaded: then every accepted connection has a record, or is judged.
 */
const volatile bool arrivals_recorded;

/*
 * A TCP socket connect()ed through these hooks is marked a client (an
 * accepted connection has an arrival record instead): so a TCP socket
 * without either, an accepted connection whose record could not be made
 * (root can shrink net.core.optmem_max, which socket storage counts
 * against), is judged like any destination (left_another_way). A connect
 * whose mark cannot be made is refused while a policy is installed.
 */
static int connect_verdict(struct bpf_sock_addr *ctx, int verdict)
{
	const struct egress_active *active;
	struct egress_arrival *rec;
	struct bpf_sock *sk = ctx->sk;
	__u32 key = 0;

	if (verdict != ALLOW || ctx->protocol != IPPROTO_TCP || !sk)
		return verdict;
	rec = bpf_sk_storage_get(&egress_arrival, sk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
	if (rec) {
		rec->client = 1;
		return ALLOW;
	}
	active = bpf_map_lookup_elem(&egress_active, &key);
	return active && active->installed ? DENY : ALLOW;
}

/*
 * An MPTCP connection's extra subflows are connected for the process that
 * connected the connection, by a kernel thread (the in-kernel path
 * manager's worker) or in another process's system call (an endpoint
 * added with `ip mptcp`, a userspace path manager): the process's cgroups
 * are recorded on the connection at its own connect (its first subflow,
 * judged by the process, again after a disconnect), and every extra
 * subflow is judged by that record, whoever's context it is connected in.
 * An accepted connection (no record: the client announced another path)
 * is judged by the cgroup its socket was made in, its listener's; a
 * client connection without one (no memory for it) by the device-wide
 * rules. Every other socket is judged by the task that connects it: a
 * kernel thread's own (NFS, RDS, SMC's worker) by the root cgroup's.
 */
#define PF_KTHREAD 0x00200000

struct egress_origin {
	__u64 origin[EGRESS_MAX_CGROUP_LEVEL + 1];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct egress_origin);
} egress_mptcp_origin SEC(".maps");

/* The current task's cgroup and its ancestors, as ancestor_cgroup() reads them. */
static __always_inline void current_origin(__u64 *origin)
{
	origin[0] = bpf_get_current_cgroup_id();
	for (int level = 1; level <= EGRESS_MAX_CGROUP_LEVEL; level++)
		origin[level] = bpf_get_current_ancestor_cgroup_id(level);
}

/* Fill req's cgroups for a connect: see above. */
static __always_inline void connect_origin(struct bpf_sock_addr *ctx, struct egress_req *req)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct bpf_sock *bsk = ctx->sk;
	struct egress_origin *rec;
	struct mptcp_sock *msk;

	if (!bsk || ctx->protocol != IPPROTO_TCP)
		return;
	msk = bpf_skc_to_mptcp_sock(bsk);
	if (!msk)
		return;
	if ((__u64)BPF_CORE_READ(msk, first) == (__u64)bsk) {
		/* The connection's own connect: the process decides, and is recorded. */
		if (BPF_CORE_READ(task, flags) & PF_KTHREAD)
			return;
		rec = bpf_sk_storage_get(&egress_mptcp_origin, msk, NULL,
					 BPF_SK_STORAGE_GET_F_CREATE);
		if (rec)
			current_origin(rec->origin);
		return;
	}
	rec = bpf_sk_storage_get(&egress_mptcp_origin, msk, NULL, 0);
	if (rec) {
		__builtin_memcpy(req->origin, rec->origin, sizeof(req->origin));
		req->origin_set = 1;
	} else if (BPF_CORE_READ(msk, pm.server_side)) {
		req->kern_cgroup = (__u64)BPF_CORE_READ(msk, sk.icsk_inet.sk.sk_cgrp_data.cgroup);
	} else {
		/* origin[] all zero: no service's. */
		req->origin_set = 1;
	}
}

static int sock_addr4(struct bpf_sock_addr *ctx, __u8 hook)
{
	struct egress_req req = { .hook = hook };
	__u32 ip4 = connect_dest4(ctx, ctx->user_ip4, hook);

	if (ip4 != ctx->user_ip4)
		ctx->user_ip4 = ip4;
	from_v4(&req, ip4);
	req.port = bpf_ntohs((__u16)ctx->user_port);
	req.proto = ctx->protocol;
	req.sock_type = ctx->type;
	if (hook == EGRESS_HOOK_CONNECT)
		connect_origin(ctx, &req);
	return decide(&req, NULL, false);
}

static int sock_addr6(struct bpf_sock_addr *ctx, __u8 hook)
{
	struct egress_req req = { .hook = hook };
	__u32 w[4];

	w[0] = ctx->user_ip6[0];
	w[1] = ctx->user_ip6[1];
	w[2] = ctx->user_ip6[2];
	w[3] = ctx->user_ip6[3];
	/* The same for a dual-stack socket: its IPv4 address ends its IPv6 one. */
	if (!w[0] && !w[1] && w[2] == bpf_htonl(0xffff) && !w[3] &&
	    hook == EGRESS_HOOK_CONNECT && ctx->sk) {
		struct bpf_sock *sk = ctx->sk;

		w[3] = sk->src_ip6[3];
		if (!w[3])
			w[3] = bpf_htonl(0x7f000001);
		ctx->user_ip6[3] = w[3];
	}
	from_v6(&req, w);
	req.port = bpf_ntohs((__u16)ctx->user_port);
	req.proto = ctx->protocol;
	req.sock_type = ctx->type;
	if (hook == EGRESS_HOOK_CONNECT)
		connect_origin(ctx, &req);
	return decide(&req, NULL, false);
}

SEC("cgroup/connect4")
int egress_connect4(struct bpf_sock_addr *ctx)
{
	return connect_verdict(ctx, sock_addr4(ctx, EGRESS_HOOK_CONNECT));
}

SEC("cgroup/connect6")
int egress_connect6(struct bpf_sock_addr *ctx)
{
	return connect_verdict(ctx, sock_addr6(ctx, EGRESS_HOOK_CONNECT));
}

SEC("cgroup/sendmsg4")
int egress_sendmsg4(struct bpf_sock_addr *ctx)
{
	return sock_addr4(ctx, EGRESS_HOOK_SENDMSG);
}

SEC("cgroup/sendmsg6")
int egress_sendmsg6(struct bpf_sock_addr *ctx)
{
	return sock_addr6(ctx, EGRESS_HOOK_SENDMSG);
}

#include "egress_socket.bpf.h"
#include "egress_arrival.bpf.h"
#include "egress_packet.bpf.h"
#include "egress_lock.bpf.h"
#include "egress_netlink.bpf.h"

char LICENSE[] SEC("license") = "GPL";
