/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outbound-connection policy's kernel tables, shared between
 * egress.bpf.c, its loader and the compiler that fills them
 * (agent/lib/egress_compile.c).
 *
 * Decision for a destination (address, port, protocol) from a process in
 * service S (0: no service):
 *   1. Longest-prefix lookup of {gen, svc 0, address}: the device-wide
 *      rules. IPv4-mapped IPv6 is looked up as IPv4.
 *   2. If S != 0, the same lookup of {gen, S, address}: S's own rules.
 *   Each hit is a set: every rule whose prefix covers the entry's prefix
 *   (the compiler flattens covering prefixes down, so the longest match is
 *   enough), deny entries first. The first entry matching the protocol and
 *   port decides. A deny in step 1 wins over everything; then an allow in
 *   either step; else the default.
 *
 * A longest-prefix lookup is two maps per family with the same key: whole
 * addresses (/32, /128: what DNS names resolve to, most of a large policy)
 * in a hash, found first; shorter prefixes in an LPM trie. A trie's walk
 * grows with the log of its prefixes; a hash's does not. So the cost is at
 * most two hash and two trie lookups and 2 * EGRESS_SET_MAX compares, and
 * a policy of host addresses costs the same at 10 rules as at 10,000.
 *
 * Updates are atomic: every key and the config carry a generation (0 or
 * 1). The agent writes the whole new generation beside the live one, then
 * flips egress_active (one 4-byte array write), then deletes the old one.
 * A program reads egress_active once per decision.
 */
#ifndef _IOTGUARD_EGRESS_H
#define _IOTGUARD_EGRESS_H

/* BPF programs have the kernel's types from vmlinux.h. */
#ifndef __bpf__
#include <linux/types.h>
#endif

/* Up to this many entries (rule and port range pairs) apply to one prefix. */
#define EGRESS_SET_MAX 16
/* Trie capacity: both generations of the largest policy (not preallocated). */
#define EGRESS_MAX_PREFIXES (2 * 65536)
/* Handshakes between a SYN and the socket made of it (an LRU: a flood evicts, never fails). */
#define EGRESS_PENDING_HANDSHAKES 8192
#define EGRESS_MAX_SERVICE_CGROUPS (2 * 64)
/* Services are found among the process's cgroup and its ancestors up to this level. */
#define EGRESS_MAX_CGROUP_LEVEL 8
#define EGRESS_COMM_LEN 16
#define EGRESS_EVENTS_BYTES (64 * 1024)

/* The 32 bits of {gen, pad, svc} before the address are always matched. */
#define EGRESS_KEY_FIXED_BITS 32

/*
 * A directory of its own: the lock hands every link pinned directly under
 * the login guard's directory to the module, which takes only LSM links.
 */
#define EGRESS_PIN_DIR "/sys/fs/bpf/iotguard/egress"
#define EGRESS_V4_PIN EGRESS_PIN_DIR "/egress_v4"
#define EGRESS_V6_PIN EGRESS_PIN_DIR "/egress_v6"
/* Whole addresses: the same keys, prefixlen always the full length. */
#define EGRESS_H4_PIN EGRESS_PIN_DIR "/egress_h4"
#define EGRESS_H6_PIN EGRESS_PIN_DIR "/egress_h6"
#define EGRESS_SERVICES_PIN EGRESS_PIN_DIR "/egress_services"
#define EGRESS_CONFIG_PIN EGRESS_PIN_DIR "/egress_config"
#define EGRESS_ACTIVE_PIN EGRESS_PIN_DIR "/egress_active"
#define EGRESS_STATS_PIN EGRESS_PIN_DIR "/egress_stats"
/*
 * Every refusal goes to two ring buffers: egress_events for the agent,
 * which logs them, and egress_watch for `iotguardctl events`. A ring
 * buffer has one reader position, so two readers of one would each see
 * only part. Nobody may be watching: the watch buffer then fills and
 * refuses more, which costs the agent's log nothing; a watcher skips what
 * is older than its start.
 */
#define EGRESS_EVENTS_PIN EGRESS_PIN_DIR "/egress_events"
#define EGRESS_WATCH_PIN EGRESS_PIN_DIR "/egress_watch"
#define EGRESS_V4_FLOOR_PIN EGRESS_PIN_DIR "/egress_v4_floor"
#define EGRESS_V6_FLOOR_PIN EGRESS_PIN_DIR "/egress_v6_floor"
#define EGRESS_H4_FLOOR_PIN EGRESS_PIN_DIR "/egress_h4_floor"
#define EGRESS_H6_FLOOR_PIN EGRESS_PIN_DIR "/egress_h6_floor"
#define EGRESS_SERVICES_FLOOR_PIN EGRESS_PIN_DIR "/egress_services_floor"
#define EGRESS_LOCK_PIN EGRESS_PIN_DIR "/egress_lock"
/* Links: EGRESS_LINK_PIN_PREFIX "<program name>". */
#define EGRESS_LINK_PIN_PREFIX EGRESS_PIN_DIR "/egress_link_"

struct egress_key4 {
	__u32 prefixlen;	/* EGRESS_KEY_FIXED_BITS + the address prefix */
	__u8 gen;
	__u8 pad;
	__u16 svc;		/* host order; 0 is the device-wide table */
	__u8 addr[4];
};

struct egress_key6 {
	__u32 prefixlen;
	__u8 gen;
	__u8 pad;
	__u16 svc;
	__u8 addr[16];
};

/* Matches protocol bits as egress_policy.h's enum egress_proto. */
#define EGRESS_P_TCP (1 << 0)
#define EGRESS_P_UDP (1 << 1)
#define EGRESS_P_ICMP (1 << 2)

#define EGRESS_ENTRY_ALLOW 0
#define EGRESS_ENTRY_DENY 1

struct egress_entry {
	__u16 rule;		/* the policy's rule number, 1.. */
	__u8 protos;		/* EGRESS_P_* bits */
	__u8 action;		/* EGRESS_ENTRY_* */
	__u16 port_first;	/* host order; ICMP: ignored */
	__u16 port_last;
};

struct egress_set {
	__u32 count;		/* deny entries before allow entries */
	struct egress_entry e[EGRESS_SET_MAX];
};

struct egress_service_key {
	__u64 cgroup_id;	/* the cgroup v2 directory's inode number */
	__u32 gen;
	__u32 pad;
};

struct egress_service_value {
	__u16 svc;		/* 1.. */
	__u8 raw_sockets;	/* the service may open raw and packet sockets */
	__u8 pad;
	__u32 pad2;
	__u64 families;		/* bit F: the service may open sockets of family F */
};

/* egress_config[gen]: one per generation. */
struct egress_config {
	__u32 enforce;		/* 0: audit, count and report only */
	__u32 default_deny;
	__u32 raw_sockets;	/* device-wide */
	__u32 svc_levels;	/* bit L: some service's cgroup is at level L */
	__u32 rule_count;
	__u32 pad;
	/*
	 * Bit F: sockets of address family F may be opened, device-wide. Only
	 * the families that are neither local (unix, netlink, alg, key), nor
	 * IP (judged by the rules), nor link-layer (raw_sockets) are looked
	 * up here: CAN, Bluetooth, vsock, RDS... (egress_socket.bpf.h).
	 */
	__u64 families;
};

/* egress_active[0]. All zero: no outbound policy installed, allow all. */
struct egress_active {
	__u32 installed;
	__u32 gen;
};

/*
 * A generic netlink family whose changes the lock refuses: Open vSwitch's
 * datapath (a flow rewrites a packet's destination after it was judged,
 * and sends it past every IP hook), TIPC's bearers (the kernel sends
 * discovery frames of its own on a link). Its id is the kernel's, given when the
 * family registered: the lock finds it by name among those registered
 * then (none registers after it: no module loads). family 0: unused.
 */
#define EGRESS_GENL_REFUSED_MAX 8
struct egress_genl_refusal {
	__u16 family;
	__u16 pad;
	__u32 allowed_cmds;	/* bit n: command n still works; commands past 31 never */
};

/*
 * egress_lock[0], written and frozen by `iotguardctl lock` with copies of
 * the live tables of generation gen (EGRESS_*_FLOOR_PIN), and the generic
 * netlink families whose changes it refuses, from genl[0] on.
 */
struct egress_lock {
	__u32 locked;
	__u32 gen;
	struct egress_config config;
	struct egress_genl_refusal genl[EGRESS_GENL_REFUSED_MAX];
};

enum egress_hook {
	EGRESS_HOOK_CONNECT = 1,	/* connect(), TCP Fast Open, ping connect, io_uring */
	EGRESS_HOOK_SENDMSG,		/* unconnected UDP sendto/sendmsg/sendmmsg */
	EGRESS_HOOK_SOCKET,		/* raw IP or packet socket creation */
	EGRESS_HOOK_PACKET,		/* the packet backstop (cgroup_skb egress) */
	EGRESS_HOOK_FAMILY,		/* a socket of a family the policy names (families) */
};

struct egress_event {
	__u64 time_ns;		/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 cgroup_id;
	__u32 pid;
	__u16 svc;
	__u16 rule;		/* 0: the default decided */
	__u16 port;		/* host order */
	__u8 proto;		/* IPPROTO_*; SOCKET: the socket's protocol */
	__u8 family;		/* AF_INET, AF_INET6; SOCKET, FAMILY: the socket's */
	__u8 hook;		/* enum egress_hook */
	__u8 allowed;		/* audit mode: reported, not refused */
	__u8 sock_type;		/* SOCKET: SOCK_RAW, SOCK_DGRAM... */
	__u8 pad;
	__u8 addr[16];		/* IPv4 in the first 4 bytes */
	char comm[EGRESS_COMM_LEN];
};

/* Index of each counter in the per-CPU egress_stats array. */
enum egress_stat {
	EGRESS_STAT_CHECKED,
	EGRESS_STAT_ALLOWED,
	EGRESS_STAT_DENIED,
	EGRESS_STAT_AUDITED,	/* would have been denied: audit mode */
	EGRESS_STAT_EVENTS_LOST,
	__EGRESS_STAT_MAX
};

#endif
