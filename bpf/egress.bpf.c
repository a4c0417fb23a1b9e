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
 * destinations are judged. *
 * One object, so that its programs share its maps, in parts by concern:
 * egress_decide.bpf.h (the tables' lookup and the verdict),
 * egress_arrival.bpf.h (where accepted connections came in),
 * egress_lock.bpf.h and egress_netlink.bpf.h (what the lock refuses).
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

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, EGRESS_MAX_PREFIXES);
	__type(key, struct egress_key4);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, EGRESS_MAX_PREFIXES);
	__type(key, struct egress_key6);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_v6 SEC(".maps");

/*
 * Whole addresses, looked up before the tries (egress.h). Like the tries:
 * a BPF map is declared whole, each on its own.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EGRESS_MAX_PREFIXES);
	__type(key, struct egress_key4);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_h4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EGRESS_MAX_PREFIXES);
	__type(key, struct egress_key6);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_h6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EGRESS_MAX_SERVICE_CGROUPS);
	__type(key, struct egress_service_key);
	__type(value, struct egress_service_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct egress_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct egress_active);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_active SEC(".maps");

/*
 * The policy at `iotguardctl lock`: copies frozen right after (no syscall
 * can change them again) that programs may only read. Until reboot every
 * decision must pass both the live policy and this floor. The same shapes
 * as the live maps above: a BPF map is declared whole, each on its own.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, EGRESS_MAX_PREFIXES / 2);
	__type(key, struct egress_key4);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_v4_floor SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, EGRESS_MAX_PREFIXES / 2);
	__type(key, struct egress_key6);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_v6_floor SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EGRESS_MAX_PREFIXES / 2);
	__type(key, struct egress_key4);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_h4_floor SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EGRESS_MAX_PREFIXES / 2);
	__type(key, struct egress_key6);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_h6_floor SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EGRESS_MAX_SERVICE_CGROUPS / 2);
	__type(key, struct egress_service_key);
	__type(value, struct egress_service_value);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_services_floor SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct egress_lock);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_lock SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, __EGRESS_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, EGRESS_EVENTS_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, EGRESS_EVENTS_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_watch SEC(".maps");

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

/*
 * Sockets that put frames of the process's making on a link, past the IP
 * stack and every hook of this program and the module's judge: packet
 * sockets, AF_XDP, and the link-layer protocols that run over Ethernet
 * (802.2 LLC; AppleTalk; X.25 over LAPB, AX.25, NET/ROM and ROSE over
 * Ethernet devices; TIPC's Ethernet bearer) or the device's other radios
 * (IEEE 802.15.4, Phonet). Each is a raw socket to the policy.
 */
static bool link_layer_family(int family)
{
	switch (family) {
	case AF_PACKET: case AF_XDP: case AF_LLC: case AF_APPLETALK: case AF_X25:
	case AF_AX25: case AF_NETROM: case AF_ROSE: case AF_TIPC: case AF_IEEE802154:
	case AF_PHONET:
		return true;
	}
	return false;
}

/*
 * Families whose sockets stay on the device: unix, netlink, the kernel's
 * crypto (alg) and key management (key, which like netlink's xfrm only
 * configures). IP sockets are judged by destination, at connect and send.
 * AF_UNSPEC has no sockets: the kernel refuses it after this hook.
 */
static bool unjudged_family(int family)
{
	switch (family) {
	case AF_UNSPEC: case AF_UNIX: case AF_INET: case AF_INET6: case AF_NETLINK:
	case AF_ALG: case AF_KEY:
		return true;
	}
	return false;
}

/*
 * Raw IP and link-layer sockets: refused at creation unless raw_sockets
 * allows them. Every other family but the unjudged ones (CAN, Bluetooth,
 * NFC, vsock, Qualcomm's IPC router, MCTP, RDS, SMC, KCM, RxRPC, PPPoX,
 * and any a later kernel adds) reaches something off the device that no
 * destination rule can name: refused unless families names it. The hook
 * runs before the kernel looks the family up, so a refused family's module
 * is not even loaded.
 */
SEC("lsm/socket_create")
int BPF_PROG(egress_socket_create, int family, int type, int protocol, int kern, int ret)
{
	struct egress_req req = { .hook = EGRESS_HOOK_SOCKET };

	if (ret)
		return ret;
	/* The kernel's own sockets are not a process's outbound traffic. */
	if (kern)
		return 0;
	/* inet's IPPROTO_SMC is an SMC socket, whose data RDMA carries past every IP hook. */
	if ((family == AF_INET || family == AF_INET6) && protocol == IPPROTO_SMC)
		family = AF_SMC;
	req.family = family;
	req.sock_type = type;
	req.proto = protocol;
	if (link_layer_family(family) ||
	    ((family == AF_INET || family == AF_INET6) && type == SOCK_RAW))
		return decide(&req, NULL, false) == ALLOW ? 0 : -EPERM;
	if (unjudged_family(family))
		return 0;
	req.hook = EGRESS_HOOK_FAMILY;
	return decide(&req, NULL, false) == ALLOW ? 0 : -EPERM;
}

/*
 * A tun or tap device lets a process write whole packets, which the kernel
 * then routes or forwards past every hook above: attaching to one (which
 * creating one does) is judged as a raw socket. family 0 marks it.
 */
SEC("lsm/tun_dev_attach")
int BPF_PROG(egress_tun_attach, struct sock *sk, void *security, int ret)
{
	struct egress_req req = { .hook = EGRESS_HOOK_SOCKET };

	if (ret)
		return ret;
	return decide(&req, NULL, false) == ALLOW ? 0 : -EPERM;
}

/* An unconnected ping socket's sendto() has no cgroup hook before 6.2. */
SEC("lsm/socket_sendmsg")
int BPF_PROG(egress_ping_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	struct egress_req req = { .hook = EGRESS_HOOK_SENDMSG };
	struct sockaddr_in6 sin6;
	struct sockaddr_in sin;
	struct sock *sk;
	void *name;
	int family;

	if (ret)
		return ret;
	name = BPF_CORE_READ(msg, msg_name);
	if (!name)
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	if (BPF_CORE_READ(sock, type) != SOCK_DGRAM)
		return 0;
	req.proto = BPF_CORE_READ(sk, sk_protocol);
	if (req.proto != IPPROTO_ICMP && req.proto != IPPROTO_ICMPV6)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	req.sock_type = SOCK_DGRAM;
	if (family == AF_INET) {
		if (BPF_CORE_READ(msg, msg_namelen) < (int)sizeof(sin) ||
		    bpf_probe_read_kernel(&sin, sizeof(sin), name))
			return -EPERM;
		from_v4(&req, sin.sin_addr.s_addr);
	} else if (family == AF_INET6) {
		if (BPF_CORE_READ(msg, msg_namelen) < (int)sizeof(sin6) ||
		    bpf_probe_read_kernel(&sin6, sizeof(sin6), name))
			return -EPERM;
		from_v6(&req, sin6.sin6_addr.in6_u.u6_addr32);
	} else {
		return 0;
	}
	return decide(&req, NULL, false) == ALLOW ? 0 : -EPERM;
}

#include "egress_arrival.bpf.h"

/*
 * A TCP or UDP packet going exactly where its connected socket goes:
 * judged when it connected (or an accepted connection's answer), or a
 * listener's SYN-ACK. Not judged again, so inbound services keep working.
 */
static bool judged_at_connect(struct __sk_buff *skb, const struct egress_req *req, __u32 l4)
{
	struct bpf_sock *sk = skb->sk, *full;
	__u32 a[4];

	/*
	 * Only TCP and UDP connect() through the connect hooks (UDP-Lite's
	 * connect has none: its packets are judged each), and only by the
	 * socket's own protocol: a TCP socket's segment, or an SCTP
	 * listener's packet, that nftables made another protocol after it
	 * was judged goes where nothing was judged. Only TCP has sockets that
	 * are not full ones.
	 */
	if (!sk || (req->proto != IPPROTO_TCP && req->proto != IPPROTO_UDP))
		return false;
	full = bpf_sk_fullsock(sk);
	if (full ? full->protocol != req->proto : req->proto != IPPROTO_TCP)
		return false;
	if (sk->state == BPF_TCP_LISTEN)
		return req->proto == IPPROTO_TCP &&
		       answers_a_syn(skb, req, l4, bpf_skc_to_tcp_sock(sk));
	if (left_another_way(skb, sk, req->proto))
		return false;
	if (bpf_ntohs(sk->dst_port) != req->port || !req->port)
		return false;
	__builtin_memcpy(a, req->addr, sizeof(a));
	if (req->family == AF_INET)
		return a[0] && sk->dst_ip4 == a[0];
	return sk->dst_ip6[0] == a[0] && sk->dst_ip6[1] == a[1] && sk->dst_ip6[2] == a[2] &&
	       sk->dst_ip6[3] == a[3];
}

/*
 * A packet from a loopback address (127.0.0.0/8, ::1) never leaves the
 * device. The kernel's answers come from there when what they answer was
 * sent to loopback from a foreign address a socket bound (IPV6_FREEBIND,
 * IP_TRANSPARENT): an ICMP error quoting the data, or a reset, would then
 * carry it to that address. Counted as a refusal.
 */
static bool loopback_source_out(struct __sk_buff *skb, bool loopback_source)
{
	if (!loopback_source || skb->ifindex == LOOPBACK_IFINDEX)
		return false;
	count(EGRESS_STAT_DENIED);
	return true;
}

/*
 * ICMPv6 that keeps the link working, which the kernel's raw sockets send
 * on their own: MLD (130-132, 143) with a hop limit of 1, router and
 * neighbour discovery (133-136) with 255 (RFC 3810, RFC 4861: receivers
 * drop any other). Only from a raw socket, the kernel's or one the policy
 * allowed: another socket's packet made to look like one (rewritten by
 * nftables after it was judged), or a forwarded one, is judged.
 */
static bool link_upkeep6(__u8 type, __u8 hop_limit, bool raw)
{
	if (!raw)
		return false;
	if (type == 143 || (type >= 130 && type <= 132))
		return hop_limit == 1;
	return type >= 133 && type <= 136 && hop_limit == 255;
}

/*
 * An IGMP membership report as the kernel sends them: from no socket (not
 * forwarded: that came in somewhere) or an allowed raw socket, to a group
 * (224.0.0.0/4) with a TTL of 1, which no router forwards off the link.
 * Another socket's packet made to look like one is judged.
 */
static bool membership_report4(struct __sk_buff *skb, bool raw, __u32 daddr_be, __u8 ttl)
{
	if (!raw && (skb->sk || skb->ingress_ifindex))
		return false;
	return (bpf_ntohl(daddr_be) & 0xf0000000) == 0xe0000000 && ttl == 1;
}

/*
 * The backstop: an IPv4 or IPv6 packet leaving the device, judged by the
 * destination and port it really goes to, when that is not where its
 * socket connected: after what can change them once connect() or sendto()
 * was judged: NAT in netfilter's OUTPUT, an IPv6 routing header or IPv4
 * source route (the first hop is the destination), a tunnel's outer header
 * (its socket is the sender's). Unconnected sockets' packets are judged
 * each. Protocols without a cgroup hook (SCTP, DCCP, L2TP...) are judged
 * here only, every packet, as "another protocol": only a rule for any
 * protocol and every port allows them. The sender's service is its
 * socket's cgroup. A refused packet is dropped and the sender gets EPERM.
 *
 * The kernel's answers are judged too, as the packets they are: ICMP
 * errors (which quote what they answer), echo replies (which return its
 * data), and the resets and acks of the kernel's control sockets (whose
 * sequence numbers a sender chooses). A process that sends from a foreign
 * address (ip_nonlocal_bind), or from another network namespace over a
 * veth, to an address of the device would otherwise draw them out to that
 * address. They come from the kernel's raw sockets, or (through the
 * module's judge) from none. What stays on the device passes; so do IGMP
 * and the ICMPv6 of link upkeep. A raw socket a process was allowed to
 * open is judged the same way.
 */
SEC("cgroup_skb/egress")
int egress_packet(struct __sk_buff *skb)
{
	struct egress_req req = { .hook = EGRESS_HOOK_PACKET };
	struct bpf_sock *sk = skb->sk;
	bool raw = false;
	__u8 type, hops;
	__u32 l4, daddr4 = 0;
	__u16 dport;

	if (sk) {
		sk = bpf_sk_fullsock(sk);
		raw = sk && sk->type == SOCK_RAW;
	}
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)))
			return DENY;
		if (loopback_source_out(skb, (ip.saddr & bpf_htonl(0xff000000)) ==
					bpf_htonl(0x7f000000)))
			return DENY;
		from_v4(&req, ip.daddr);
		req.proto = ip.protocol;
		l4 = ip.ihl * 4;
		hops = ip.ttl;
		daddr4 = ip.daddr;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
			return DENY;
		if (loopback_source_out(skb, !ip6.saddr.in6_u.u6_addr32[0] &&
					!ip6.saddr.in6_u.u6_addr32[1] &&
					!ip6.saddr.in6_u.u6_addr32[2] &&
					ip6.saddr.in6_u.u6_addr32[3] == bpf_htonl(1)))
			return DENY;
		from_v6(&req, ip6.daddr.in6_u.u6_addr32);
		/* An extension header first: "another protocol", port 0. */
		req.proto = ip6.nexthdr;
		l4 = sizeof(ip6);
		hops = ip6.hop_limit;
		/* But MLD reports come after a hop-by-hop header (router alert). */
		if (req.proto == IPPROTO_HOPOPTS) {
			__u8 hbh[2];

			if (!bpf_skb_load_bytes(skb, l4, hbh, sizeof(hbh)) &&
			    hbh[0] == IPPROTO_ICMPV6 &&
			    !bpf_skb_load_bytes(skb, l4 + (hbh[1] + 1) * 8, &type, 1) &&
			    link_upkeep6(type, hops, raw))
				return ALLOW;
		}
	} else {
		return ALLOW;
	}
	/* A kernel's answer, or a raw socket's packet, to an address of the device. */
	if ((raw || !skb->sk) && skb->ifindex == LOOPBACK_IFINDEX)
		return ALLOW;
	/*
	 * Loopback is allowed at connect() and sendto() for what stays on
	 * the device. Root can route a loopback address out (route_localnet
	 * and a route of its own): such a packet is judged like any other,
	 * however its socket was judged.
	 */
	if (is_loopback(&req) && skb->ifindex != LOOPBACK_IFINDEX)
		req.routed_out = 1;
	switch (req.proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		if (bpf_skb_load_bytes(skb, l4 + 2, &dport, sizeof(dport)))
			return DENY;
		req.port = bpf_ntohs(dport);
		if (!raw && !req.routed_out && judged_at_connect(skb, &req, l4))
			return ALLOW;
		/*
		 * A SYN cookie's SYN-ACK: the kernel's, without a socket (not
		 * forwarded: that came in somewhere), answering an inbound
		 * connection as a listener's SYN-ACK does.
		 */
		if (req.proto == IPPROTO_TCP && !skb->sk && !skb->ingress_ifindex &&
		    cookie_answers_a_syn(skb, &req, l4))
			return ALLOW;
		break;
	case IPPROTO_IGMP:
		if (req.family == AF_INET && membership_report4(skb, raw, daddr4, hops))
			return ALLOW;
		break;
	case IPPROTO_ICMPV6:
		if (bpf_skb_load_bytes(skb, l4, &type, 1))
			return DENY;
		if (link_upkeep6(type, hops, raw))
			return ALLOW;
		break;
	default:
		break;
	}
	return decide(&req, skb, true);
}

#include "egress_lock.bpf.h"
#include "egress_netlink.bpf.h"

char LICENSE[] SEC("license") = "GPL";
