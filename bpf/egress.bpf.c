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
 *   the protocol's pre_connect hook.
 * - cgroup/sendmsg4, sendmsg6: unconnected UDP sendto/sendmsg/sendmmsg and
 *   io_uring's sendmsg (per message).
 * - lsm/socket_create: raw IP, AF_PACKET and AF_XDP sockets, refused at
 *   creation; lsm/tun_dev_attach: tun and tap devices, refused likewise.
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
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "egress.h"

#define EPERM 1
#define AF_INET 2
#define AF_INET6 10
#define AF_PACKET 17
#define AF_XDP 44
#define SOCK_DGRAM 2
#define SOCK_RAW 3
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
};

struct verdict {
	__u16 rule;
	__u16 svc;
	__u8 deny;		/* the policy refuses it */
	__u8 enforce;		/* and the mode is enforce */
};

static void count(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&egress_stats, &stat);

	if (v)
		*v += 1;
}

static __u8 proto_bit(__u8 proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return EGRESS_P_TCP;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		return EGRESS_P_UDP;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return EGRESS_P_ICMP;
	default:
		/* Other protocols match only rules for any protocol and port. */
		return 0;
	}
}

/* 1: an entry of set decided (*rule, *deny set); 0: none matched. */
static int match_set(const struct egress_set *set, __u8 pbit, __u16 port, __u16 *rule,
		     __u8 *deny)
{
	__u32 n = set->count;

	for (int i = 0; i < EGRESS_SET_MAX; i++) {
		const struct egress_entry *e = &set->e[i];

		if (i >= n)
			break;
		if (pbit) {
			if (!(e->protos & pbit))
				continue;
			if (pbit != EGRESS_P_ICMP && (port < e->port_first || port > e->port_last))
				continue;
		} else if (e->protos != (EGRESS_P_TCP | EGRESS_P_UDP | EGRESS_P_ICMP) ||
			   e->port_first != 0 || e->port_last != 0xffff) {
			continue;
		}
		*rule = e->rule;
		*deny = e->action == EGRESS_ENTRY_DENY;
		return 1;
	}
	return 0;
}

/*
 * The longest prefix of the address: the whole address in the hash, else
 * the trie (egress.h). floor: the tables frozen at lock, else the live
 * ones. Always a constant.
 */
static __always_inline const struct egress_set *lookup(const struct egress_req *req, __u8 gen,
						       __u16 svc, const bool floor)
{
	const struct egress_set *set;

	if (req->family == AF_INET) {
		struct egress_key4 k = {
			.prefixlen = EGRESS_KEY_FIXED_BITS + 32, .gen = gen, .svc = svc,
		};

		__builtin_memcpy(k.addr, req->addr, 4);
		set = bpf_map_lookup_elem(floor ? (void *)&egress_h4_floor : (void *)&egress_h4,
					  &k);
		if (set)
			return set;
		return bpf_map_lookup_elem(floor ? (void *)&egress_v4_floor : (void *)&egress_v4,
					   &k);
	} else {
		struct egress_key6 k = {
			.prefixlen = EGRESS_KEY_FIXED_BITS + 128, .gen = gen, .svc = svc,
		};

		__builtin_memcpy(k.addr, req->addr, 16);
		set = bpf_map_lookup_elem(floor ? (void *)&egress_h6_floor : (void *)&egress_h6,
					  &k);
		if (set)
			return set;
		return bpf_map_lookup_elem(floor ? (void *)&egress_v6_floor : (void *)&egress_v6,
					   &k);
	}
}

/*
 * in_skb: called from the packet backstop, which has no process context:
 * the socket's cgroup stands for the process's. Always a constant, and the
 * callers always inlined, so that each program holds only the helpers its
 * type may call.
 */
static __always_inline __u64 ancestor_cgroup(struct __sk_buff *skb, const bool in_skb, int level)
{
	if (in_skb)
		return bpf_skb_ancestor_cgroup_id(skb, level);
	return bpf_get_current_ancestor_cgroup_id(level);
}

/*
 * The service of the process (or, for a packet, of the socket): its
 * deepest cgroup level that is a service's cgroup. Only the levels that
 * hold services are looked at.
 */
static __always_inline __u16 find_service(struct __sk_buff *skb, const bool in_skb,
					  const struct egress_config *cfg, __u32 gen,
					  __u8 *raw_ok, const bool floor)
{
	for (int level = EGRESS_MAX_CGROUP_LEVEL; level >= 1; level--) {
		struct egress_service_key key = { .gen = gen };
		struct egress_service_value *v;

		if (!(cfg->svc_levels & (1u << level)))
			continue;
		key.cgroup_id = ancestor_cgroup(skb, in_skb, level);
		if (!key.cgroup_id)
			continue;
		v = bpf_map_lookup_elem(floor ? (void *)&egress_services_floor :
					(void *)&egress_services, &key);
		if (v) {
			*raw_ok = v->raw_sockets;
			return v->svc;
		}
	}
	return 0;
}

static bool is_loopback(const struct egress_req *req)
{
	if (req->family == AF_INET)
		return req->addr[0] == 127 ||
		       !(req->addr[0] | req->addr[1] | req->addr[2] | req->addr[3]);
	for (int i = 0; i < 15; i++)
		if (req->addr[i])
			return false;
	return req->addr[15] <= 1;	/* ::1, and :: which means this host */
}

static __always_inline void fill(struct egress_event *ev, const struct egress_req *req,
				 const struct verdict *v, __u64 cgroup_id, const bool in_skb)
{
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->time_ns = bpf_ktime_get_ns();
	ev->cgroup_id = cgroup_id;
	if (!in_skb) {
		ev->pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	}
	ev->svc = v->svc;
	ev->rule = v->rule;
	ev->port = req->port;
	ev->proto = req->proto;
	ev->family = req->family;
	ev->hook = req->hook;
	ev->allowed = !v->enforce;
	ev->sock_type = req->sock_type;
	__builtin_memcpy(ev->addr, req->addr, 16);
}

/* To the agent (a loss is counted) and to a watcher, if one reads (egress.h). */
static __always_inline void report(const struct egress_req *req, const struct verdict *v,
				   __u64 cgroup_id, const bool in_skb)
{
	struct egress_event *ev = bpf_ringbuf_reserve(&egress_events, sizeof(*ev), 0);

	if (ev) {
		fill(ev, req, v, cgroup_id, in_skb);
		bpf_ringbuf_submit(ev, 0);
	} else {
		count(EGRESS_STAT_EVENTS_LOST);
	}
	ev = bpf_ringbuf_reserve(&egress_watch, sizeof(*ev), 0);
	if (ev) {
		fill(ev, req, v, cgroup_id, in_skb);
		bpf_ringbuf_submit(ev, 0);
	}
}

/* Count, report a refusal, and say what the hook returns. */
static __always_inline int conclude(const struct egress_req *req, const struct verdict *v,
				    __u64 cgroup_id, const bool in_skb)
{
	/*
	 * The backstop sees every packet: it counts and reports only what it
	 * refuses, and in audit mode leaves TCP and UDP to the socket hooks,
	 * which reported the connect or send once.
	 */
	if (req->hook == EGRESS_HOOK_PACKET &&
	    (!v->deny || (!v->enforce && (proto_bit(req->proto) & (EGRESS_P_TCP | EGRESS_P_UDP)))))
		return ALLOW;
	count(EGRESS_STAT_CHECKED);
	if (!v->deny) {
		count(EGRESS_STAT_ALLOWED);
		return ALLOW;
	}
	count(v->enforce ? EGRESS_STAT_DENIED : EGRESS_STAT_AUDITED);
	report(req, v, cgroup_id, in_skb);
	return v->enforce ? DENY : ALLOW;
}

/*
 * The decision of egress.h on one policy (the live one, or the floor frozen
 * at lock, which floor selects) for a process of service svc, into *v. A
 * global function, so that the verifier checks it once per program, with
 * what it is given unknown, rather than once per path into it: two
 * policies judged inline multiplied the paths, and loading took 13 s under
 * emulation.
 */
struct judge_in {
	struct egress_config cfg;
	__u32 gen;
	__u32 svc;
	__u32 raw_ok;
	__u32 floor;
};

__noinline int judge(const struct egress_req *req, const struct judge_in *in, struct verdict *v)
{
	const struct egress_set *set;
	__u32 gen, svc, floor;
	__u8 deny = 0, pbit;
	__u16 rule = 0;

	if (!req || !in || !v)
		return 0;
	gen = in->gen & 1;
	svc = in->svc;
	floor = in->floor;
	pbit = proto_bit(req->proto);
	v->rule = 0;
	v->svc = svc;
	v->enforce = in->cfg.enforce;
	if (req->hook == EGRESS_HOOK_SOCKET) {
		v->deny = !(in->cfg.raw_sockets || in->raw_ok);
		return 0;
	}
	set = lookup(req, gen, 0, floor);
	if (set && match_set(set, pbit, req->port, &rule, &deny)) {
		v->rule = rule;
		v->deny = deny;
		return 0;
	}
	if (svc) {
		set = lookup(req, gen, svc, floor);
		if (set && match_set(set, pbit, req->port, &rule, &deny)) {
			v->rule = rule;
			v->deny = deny;
			return 0;
		}
	}
	v->deny = in->cfg.default_deny;
	return 0;
}

/*
 * Returns ALLOW or DENY. The live policy decides (none installed: allow);
 * after lock the floor must allow too, so that no later change, and no
 * write to the live maps, makes the policy weaker than it was at lock. A
 * missing config cannot happen (the agent writes it before it switches
 * generations) but would deny.
 */
static __always_inline int decide(struct egress_req *req, struct __sk_buff *skb, const bool in_skb)
{
	const struct egress_active *active;
	const struct egress_config *live_cfg;
	const struct egress_lock *lock;
	struct verdict v = { .deny = 0 }, f = { .deny = 1, .enforce = 1 };
	struct judge_in in = {};
	__u32 key = 0;
	__u8 raw_ok = 0;
	__u64 cgroup_id;
	bool live, locked;

	active = bpf_map_lookup_elem(&egress_active, &key);
	lock = bpf_map_lookup_elem(&egress_lock, &key);
	live = active && active->installed;
	locked = lock && lock->locked;
	if (!live && !locked)
		return ALLOW;
	if (req->hook != EGRESS_HOOK_SOCKET && is_loopback(req) && !req->routed_out)
		return ALLOW;
	cgroup_id = in_skb ? bpf_skb_cgroup_id(skb) : bpf_get_current_cgroup_id();
	if (live) {
		in.gen = active->gen & 1;
		live_cfg = bpf_map_lookup_elem(&egress_config, &in.gen);
		if (live_cfg) {
			in.cfg = *live_cfg;
			in.svc = find_service(skb, in_skb, &in.cfg, in.gen, &raw_ok, false);
			in.raw_ok = raw_ok;
			judge(req, &in, &v);
		} else {
			v = f;
		}
	}
	if (locked && !(v.deny && v.enforce)) {
		in.cfg = lock->config;
		in.gen = lock->gen & 1;
		in.floor = 1;
		raw_ok = 0;
		in.svc = find_service(skb, in_skb, &in.cfg, in.gen, &raw_ok, true);
		in.raw_ok = raw_ok;
		judge(req, &in, &f);
		if (f.deny && (f.enforce || !v.deny))
			v = f;
	}
	return conclude(req, &v, cgroup_id, in_skb);
}

static void from_v4(struct egress_req *req, __u32 ip4_be)
{
	__builtin_memset(req->addr, 0, sizeof(req->addr));
	__builtin_memcpy(req->addr, &ip4_be, 4);
	req->family = AF_INET;
}

/* IPv4-mapped (::ffff:a.b.c.d) is judged as the IPv4 address it is. */
static void from_v6(struct egress_req *req, const __u32 w[4])
{
	if (w[0] == 0 && w[1] == 0 && w[2] == bpf_htonl(0xffff)) {
		from_v4(req, w[3]);
		return;
	}
	__builtin_memcpy(req->addr, w, 16);
	req->family = AF_INET6;
}

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

/* Raw IP and packet sockets: refused at creation unless the policy allows them. */
SEC("lsm/socket_create")
int BPF_PROG(egress_socket_create, int family, int type, int protocol, int kern, int ret)
{
	struct egress_req req = { .hook = EGRESS_HOOK_SOCKET };

	if (ret)
		return ret;
	/* The kernel's own sockets are not a process's outbound traffic. */
	if (kern)
		return 0;
	/* AF_XDP sends frames of its own making, past the IP stack: a packet socket too. */
	if (family == AF_PACKET || family == AF_XDP ||
	    ((family == AF_INET || family == AF_INET6) && type == SOCK_RAW)) {
		req.family = family;
		req.sock_type = type;
		req.proto = protocol;
		return decide(&req, NULL, false) == ALLOW ? 0 : -EPERM;
	}
	return 0;
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

/* The handshake's arrival device, from the request to the socket made of it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EGRESS_PENDING_HANDSHAKES);
	__type(key, __u64);
	__type(value, struct egress_arrival);
} egress_handshakes SEC(".maps");

/*
 * Where each SYN came from, to which local port in which network
 * namespace, and by which device: the only destinations a listener's or a
 * SYN cookie's SYN-ACK answers. Any packet of a socket that listens when
 * the packet is judged comes as the listener's (a SYN that nftables held
 * in a queue while its socket became a listener did). Device indexes are
 * per namespace, and root picks them: the namespace is part of the key.
 */
struct syn_source {
	__u8 addr[16];
	__u16 rport, lport;	/* network order */
	__u32 family;
	__u32 netns;		/* the listener's namespace's inode number */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, EGRESS_PENDING_HANDSHAKES);
	__type(key, struct syn_source);
	/*
	 * The identity of the SYN's arrival device: an index names a device
	 * only while it exists (root moves the uplink out, gives its index
	 * to a device of its own, and moves it back).
	 */
	__type(value, __u64);
} egress_syn_sources SEC(".maps");

/* The SYN's source and ports, read from the packet as the kernel received it. */
static __always_inline bool syn_source_of(struct sk_buff *skb, struct syn_source *src)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header), th = BPF_CORE_READ(skb, transport_header);
	struct egress_req from = {};
	__u16 ports[2];
	__u32 w[4];
	__u8 version;

	if (bpf_probe_read_kernel(&version, 1, head + nh) ||
	    bpf_probe_read_kernel(ports, sizeof(ports), head + th))
		return false;
	if (version >> 4 == 4) {
		if (bpf_probe_read_kernel(w, 4, head + nh + offsetof(struct iphdr, saddr)))
			return false;
		from_v4(&from, w[0]);
	} else {
		if (bpf_probe_read_kernel(w, 16, head + nh + offsetof(struct ipv6hdr, saddr)))
			return false;
		from_v6(&from, w);
	}
	__builtin_memcpy(src->addr, from.addr, sizeof(src->addr));
	src->family = from.family;
	src->rport = ports[0];
	src->lport = ports[1];
	return true;
}

/*
 * A device's identity: the id of its sysfs directory's kernfs node,
 * unique for as long as the kernel runs (its upper half counts the
 * allocator's wraps). 0 if it has none.
 */
static __always_inline __u64 device_id(const struct net_device *dev)
{
	return BPF_CORE_READ(dev, dev.kobj.sd, id);
}

/* netdev_priv(): the driver's data, after struct net_device aligned to NETDEV_ALIGN. */
#define NETDEV_ALIGN 32
#define KIND_LEN 8

/*
 * The namespace cookie of a paired device's far end: a veth's, vxcan's or
 * netkit's, whose private data starts with a pointer to its peer. 0 if
 * the peer is gone.
 */
static __always_inline __u64 peer_netns(const struct net_device *dev)
{
	__u64 priv = (__u64)dev + ((bpf_core_type_size(struct net_device) + NETDEV_ALIGN - 1) &
				   ~(__u64)(NETDEV_ALIGN - 1));
	struct net_device *peer;

	if (bpf_probe_read_kernel(&peer, sizeof(peer), (void *)priv) || !peer)
		return 0;
	return BPF_CORE_READ(peer, nd_net.net, net_cookie);
}

/* The same for any device: 0 for one that is not paired. */
static __always_inline __u64 far_end_netns(const struct net_device *dev)
{
	static const char paired[3][KIND_LEN] = { "veth", "vxcan", "netkit" };
	const struct rtnl_link_ops *ops = BPF_CORE_READ(dev, rtnl_link_ops);
	char kind[KIND_LEN] = {};
	bool is_paired = false;

	if (!ops || bpf_probe_read_kernel_str(kind, sizeof(kind), BPF_CORE_READ(ops, kind)) <= 0)
		return 0;
	for (int k = 0; k < 3; k++) {
		bool same = true;

		for (int i = 0; i < KIND_LEN; i++)
			same &= kind[i] == paired[k][i];
		is_paired |= same;
	}
	return is_paired ? peer_netns(dev) : 0;
}

/* The kernel's table of a namespace's devices by index: its buckets, and the chains looked along. */
#define NETDEV_HASHENTRIES 256	/* 1 << NETDEV_HASHBITS */
#define DEVICE_CHAIN_MAX 16

/*
 * The device of index ifindex in sk's network namespace (the kernel's
 * dev_get_by_index(), walked by hand); NULL if none is found.
 */
static __always_inline struct net_device *device_of_index(const struct sock *sk, __u32 ifindex)
{
	struct net *net = BPF_CORE_READ(sk, __sk_common.skc_net.net);
	struct hlist_head *heads = BPF_CORE_READ(net, dev_index_head);
	struct hlist_node *node;

	if (!heads)
		return NULL;
	node = BPF_CORE_READ(heads + (ifindex & (NETDEV_HASHENTRIES - 1)), first);
	for (int i = 0; i < DEVICE_CHAIN_MAX && node; i++) {
		struct net_device *dev = (void *)node -
					 bpf_core_field_offset(struct net_device, index_hlist);

		if (BPF_CORE_READ(dev, ifindex) == (int)ifindex)
			return dev;
		node = BPF_CORE_READ(node, next);
	}
	return NULL;
}

/*
 * For each SYN, and for the ACK that completes a SYN cookie's handshake.
 * TCP has let go of the packet's device by now (skb->dev is NULL): the
 * device is found by the index it arrived on.
 */
SEC("lsm/inet_conn_request")
int BPF_PROG(egress_conn_request, const struct sock *sk, struct sk_buff *skb,
	     struct request_sock *req, int ret)
{
	struct egress_arrival arrival = {};
	struct syn_source src = {};
	__u64 key = (__u64)req;
	struct net_device *dev;

	if (ret)
		return ret;
	arrival.ifindex = BPF_CORE_READ(skb, skb_iif);
	dev = device_of_index(sk, arrival.ifindex);
	if (dev) {
		arrival.dev_id = device_id(dev);
		arrival.far_netns = far_end_netns(dev);
	}
	bpf_map_update_elem(&egress_handshakes, &key, &arrival, BPF_ANY);
	src.netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	if (syn_source_of(skb, &src))
		bpf_map_update_elem(&egress_syn_sources, &src, &arrival.dev_id, BPF_ANY);
	return 0;
}

/*
 * Every accepted connection gets a record. One whose handshake's entry is
 * gone (evicted from egress_handshakes by more handshakes pending than it
 * holds, which root can keep) gets index 0, no device's: its answers are
 * judged like any destination.
 */
SEC("lsm/inet_csk_clone")
int BPF_PROG(egress_csk_clone, struct sock *newsk, const struct request_sock *req)
{
	__u64 key = (__u64)req;
	struct egress_arrival *arrival = bpf_map_lookup_elem(&egress_handshakes, &key), *rec;

	rec = bpf_sk_storage_get(&egress_arrival, newsk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
	if (rec && arrival)
		*rec = *arrival;
	if (arrival)
		bpf_map_delete_elem(&egress_handshakes, &key);
	return 0;
}

/*
 * The identity of the device a TCP socket's packets leave by: its route's
 * (sk_dst_cache), which the packet being judged took, as the kernel routes
 * a TCP socket's packets by it and stores a new route there before it
 * sends by one. Read as the kernel's types (tp is one), not by helper
 * calls: this runs for every packet of an accepted connection. A missing
 * route or device reads as 0.
 */
static __always_inline __u64 route_device_id(struct tcp_sock *tp, struct net_device **dev)
{
	struct dst_entry *dst = tp->inet_conn.icsk_inet.sk.sk_dst_cache;

	*dev = dst ? dst->dev : NULL;
	return *dev ? (*dev)->dev.kobj.sd->id : 0;
}

/*
 * An accepted TCP connection whose packet leaves another way than the
 * connection came in (above), or without a record. Without BPF LSM (no
 * records), the arrival device of its packets stands in, for loopback
 * only.
 */
static bool left_another_way(struct __sk_buff *skb, struct bpf_sock *sk, __u8 proto)
{
	struct bpf_sock *full = bpf_sk_fullsock(sk);
	struct egress_arrival *rec;
	struct net_device *dev;
	struct tcp_sock *tp;

	if (proto != IPPROTO_TCP || !full)
		return false;
	tp = bpf_skc_to_tcp_sock(sk);
	rec = bpf_sk_storage_get(&egress_arrival, full, NULL, 0);
	if (rec && rec->client)
		return false;
	if (rec) {
		if (rec->ifindex != skb->ifindex || !tp)
			return true;
		/*
		 * The same identity is the same device: a paired one still,
		 * whose far end is all that can have moved.
		 */
		if (!rec->dev_id || rec->dev_id != route_device_id(tp, &dev))
			return true;
		return rec->far_netns && rec->far_netns != peer_netns(dev);
	}
	if (arrivals_recorded)
		return true;
	if (skb->ifindex == LOOPBACK_IFINDEX)
		return false;
	return tp && tp->inet_conn.icsk_inet.sk.sk_rx_dst_ifindex == LOOPBACK_IFINDEX;
}

/*
 * A SYN-ACK without data, to where a SYN to its port in netns came from,
 * leaving by the device that SYN came in by: all that a listener sends,
 * and a SYN cookie's SYN-ACK. Without the LSM programs that record SYNs,
 * any SYN-ACK without data.
 */
static bool answers_a_syn(struct __sk_buff *skb, const struct egress_req *req, __u32 l4,
			  struct tcp_sock *listener)
{
	struct syn_source src = {};
	struct net_device *dev;
	__u64 *arrived;
	__u16 ports[2];
	__u8 tcp[2];

	if (bpf_skb_load_bytes(skb, l4 + 12, tcp, sizeof(tcp)) ||
	    (tcp[1] & (TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_RST | TCP_FLAG_FIN)) !=
	    (TCP_FLAG_SYN | TCP_FLAG_ACK) || skb->len != l4 + (tcp[0] >> 4) * 4)
		return false;
	if (!arrivals_recorded)
		return true;
	if (!listener || bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)))
		return false;
	__builtin_memcpy(src.addr, req->addr, sizeof(src.addr));
	src.family = req->family;
	src.rport = ports[1];
	src.lport = ports[0];
	src.netns = listener->inet_conn.icsk_inet.sk.__sk_common.skc_net.net->ns.inum;
	arrived = bpf_map_lookup_elem(&egress_syn_sources, &src);
	if (!arrived || !*arrived)
		return false;
	dev = device_of_index((struct sock *)listener, skb->ifindex);
	return dev && device_id(dev) == *arrived;
}

/*
 * A SYN cookie's SYN-ACK has no socket: its listener is looked up as the
 * answered SYN would find it (in the namespace of the device the SYN-ACK
 * leaves by), and answers_a_syn() asked for it.
 */
static bool cookie_answers_a_syn(struct __sk_buff *skb, const struct egress_req *req, __u32 l4)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *sk;
	__u16 ports[2];
	__u32 len;
	bool ok;

	if (bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)))
		return false;
	if (req->family == AF_INET) {
		if (bpf_skb_load_bytes(skb, offsetof(struct iphdr, saddr), &t.ipv4.daddr, 4))
			return false;
		__builtin_memcpy(&t.ipv4.saddr, req->addr, 4);
		t.ipv4.sport = ports[1];
		t.ipv4.dport = ports[0];
		len = sizeof(t.ipv4);
	} else {
		if (bpf_skb_load_bytes(skb, offsetof(struct ipv6hdr, saddr), t.ipv6.daddr, 16))
			return false;
		__builtin_memcpy(t.ipv6.saddr, req->addr, 16);
		t.ipv6.sport = ports[1];
		t.ipv6.dport = ports[0];
		len = sizeof(t.ipv6);
	}
	sk = bpf_skc_lookup_tcp(skb, &t, len, CURRENT_NETNS, 0);
	if (!sk)
		return false;
	ok = answers_a_syn(skb, req, l4, bpf_skc_to_tcp_sock(sk));
	bpf_sk_release(sk);
	return ok;
}

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
