/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * iotguard generic netlink interface, shared by the kernel module and the
 * userspace agent.
 *
 * Family name: "iotguard" (IOTGUARD_GENL_NAME), version 1.
 *
 * Every attribute is validated strictly: an attribute not listed for a
 * command, a wrong length, a flag bit not defined here or a missing required
 * attribute is refused with EINVAL (a value or length outside its range
 * with ERANGE) and changes nothing. Unknown commands get EOPNOTSUPP.
 * Commands marked [admin] need CAP_NET_ADMIN; anyone may read.
 *
 * IOTGUARD_CMD_GET_STATUS (anyone)
 *   request: no attributes
 *   reply:   IOTGUARD_CMD_GET_STATUS with
 *     IOTGUARD_A_VERSION            NLA_NUL_STRING  module version
 *     IOTGUARD_A_MODE               NLA_U32         enum iotguard_mode
 *     IOTGUARD_A_CRED_STATE         NLA_U32         enum iotguard_cred_state
 *     IOTGUARD_A_POLICY_GENERATION  NLA_U64         accepted policy changes
 *                                                   since the module loaded
 *     IOTGUARD_A_COUNTERS           NLA_NESTED
 *       IOTGUARD_CTR_MODE_CHANGES       NLA_U64     set-mode that changed it
 *       IOTGUARD_CTR_REFUSED_REQUESTS   NLA_U64     mutations refused by a
 *                                                   semantic check
 *       IOTGUARD_CTR_CRED_STATE_CHANGES NLA_U64     set-cred-state that changed it
 *       IOTGUARD_CTR_LOCKOUT_REFUSED ...            the gate's counters, one
 *       ... IOTGUARD_CTR_EVENTS_DROPPED             per enum iotguard_counter
 *                                                   value (see below)
 *
 * IOTGUARD_CMD_SET_MODE [admin]
 *   request:
 *     IOTGUARD_A_MODE   NLA_U32  required; enum iotguard_mode
 *     IOTGUARD_A_FLAGS  NLA_U32  optional; IOTGUARD_SET_F_* bits
 *   reply: none (ack). On success the policy generation is incremented.
 *
 * IOTGUARD_CMD_SET_CRED_STATE [admin]
 *   request:
 *     IOTGUARD_A_CRED_STATE  NLA_U32  required; enum iotguard_cred_state,
 *                                     "default" or "provisioned" (the audit's
 *                                     verdict; "unknown" is only the boot state)
 *   reply: none (ack). Refused (EPERM) after IOTGUARD_CMD_LOCK if the state
 *   would become "provisioned": that lifts the network lockout.
 *
 * IOTGUARD_CMD_SET_GATE [admin]: the network gate's configuration. Every
 *   attribute is optional; those given replace the current value, all at
 *   once or (on any error) not at all.
 *   request:
 *     IOTGUARD_A_LOGIN_PORTS        NLA_NESTED   the whole set of remote-login
 *                                                TCP ports, at most
 *                                                IOTGUARD_MAX_LOGIN_PORTS
 *       IOTGUARD_A_LOGIN_PORT       NLA_U16      one port, 1..65535; repeated
 *     IOTGUARD_A_PROV_IFNAME        NLA_NUL_STRING  provisioning interface,
 *                                                exempt from the lockout;
 *                                                "" for none. Resolved now,
 *                                                in the requester's network
 *                                                namespace, to that device
 *                                                (ifindex and namespace): a
 *                                                later rename neither moves
 *                                                nor lifts the exemption. A
 *                                                name that does not resolve
 *                                                exempts nothing (status
 *                                                shows ifindex 0); a device
 *                                                that goes away or leaves
 *                                                the namespace stops being
 *                                                exempt until set again
 *     IOTGUARD_A_PROV_NET4          NLA_NESTED   provisioning IPv4 subnet,
 *                                                exempt from the lockout;
 *                                                empty nest for none
 *       IOTGUARD_NET_A_ADDR         NLA_BINARY   4 bytes, network order,
 *                                                no host bits set
 *       IOTGUARD_NET_A_PREFIX_LEN   NLA_U8       1..32
 *     IOTGUARD_A_PROV_NET6          NLA_NESTED   the same for IPv6: 16 bytes,
 *                                                prefix length 1..128
 *     IOTGUARD_A_THROTTLE_BURST     NLA_U32      new connections a source may
 *                                                make at once, 1..
 *                                                IOTGUARD_MAX_THROTTLE_BURST
 *     IOTGUARD_A_THROTTLE_INTERVAL_MS NLA_U32    one more connection is
 *                                                allowed every this many ms,
 *                                                IOTGUARD_MIN_/MAX_THROTTLE_
 *                                                INTERVAL_MS
 *   reply: none (ack). After IOTGUARD_CMD_LOCK, EPERM for any weakening:
 *   removing a port, adding or widening an exemption (an interface name
 *   that resolves to any device but the one exempt now: the exemption can
 *   be cleared, never moved), a larger burst or a shorter interval.
 *
 * IOTGUARD_CMD_LOCK [admin]: until reboot, refuse every weakening (a lower
 *   mode, and the SET_GATE and SET_CRED_STATE cases above) and refuse to
 *   unload the module. Idempotent.
 *     IOTGUARD_A_LINKS              NLA_NESTED   optional: BPF LSM links (the
 *                                                login guard's) and cgroup
 *                                                links (the outbound
 *                                                policy's) to hold until
 *                                                reboot, so that removing
 *                                                their bpffs pins cannot
 *                                                detach them; all or none
 *       IOTGUARD_A_LINK_FD          NLA_U32      an fd of the sender's for a
 *                                                BPF LSM or cgroup link; at most
 *                                                IOTGUARD_MAX_HELD_LINKS in
 *                                                all. EINVAL for any other fd
 *   If a held link is the outbound policy's cgroup_skb/egress program and
 *   no judge is set (below), that program becomes the judge.
 *
 * IOTGUARD_CMD_SET_EGRESS_JUDGE [admin]: the outbound policy's program
 *   for the packets no cgroup hook judges (a tunnel's outer packets,
 *   forwarded packets): the module runs it at POST_ROUTING on those, in
 *   every network namespace, and drops what it refuses.
 *     IOTGUARD_A_PROG_FD            NLA_U32      required; an fd of the
 *                                                sender's for a BPF program
 *                                                of type cgroup_skb, attach
 *                                                type egress (EINVAL else)
 *   reply: none (ack). It replaces the one set before; after
 *   IOTGUARD_CMD_LOCK, EPERM unless none was set or it is the same.
 *
 * GET_STATUS also reports the gate:
 *     IOTGUARD_A_LOCKED             NLA_U8       1 after IOTGUARD_CMD_LOCK
 *     IOTGUARD_A_LOGIN_PORTS, IOTGUARD_A_PROV_IFNAME (if set, as given),
 *     IOTGUARD_A_PROV_IFINDEX       NLA_U32      (with the name) the exempt
 *                                                device's ifindex in the
 *                                                namespace it was set from;
 *                                                0: it exempts nothing
 *     IOTGUARD_A_PROV_NET4 / _NET6 (if set), IOTGUARD_A_THROTTLE_BURST,
 *     IOTGUARD_A_THROTTLE_INTERVAL_MS as above
 *     IOTGUARD_A_THROTTLE_TABLE_SIZE NLA_U32     sources from outside the
 *                                                provisioning paths the table
 *                                                can hold (module parameter
 *                                                throttle_table_size); the
 *                                                provisioning paths have their
 *                                                own table, 1/8 of that size
 *     IOTGUARD_A_THROTTLE_ENTRIES   NLA_U32      sources both hold now
 *     IOTGUARD_A_THROTTLE_PRESSURE  NLA_U8       1 if a newcomer was refused
 *                                                for a full table within the
 *                                                last IOTGUARD_THROTTLE_
 *                                                PRESSURE_QUIET_MS
 *     IOTGUARD_A_HELD_LINKS         NLA_U32      BPF links held since LOCK
 *     IOTGUARD_A_EGRESS_JUDGE       NLA_U32      the judge's BPF program id;
 *                                                0: none
 *
 * Multicast group "events" (IOTGUARD_MCGRP_EVENTS; CAP_NET_ADMIN to join):
 *   IOTGUARD_CMD_EVENT, at most IOTGUARD_EVENTS_PER_SEC a second (bursts of
 *   IOTGUARD_EVENT_BURST); the rest are counted in IOTGUARD_CTR_EVENTS_DROPPED.
 *     IOTGUARD_A_EVENT_KIND         NLA_U32      enum iotguard_event_kind
 *     IOTGUARD_A_MODE               NLA_U32      mode at the time: only
 *                                                "enforce" refused it
 *     IOTGUARD_A_EVENT_SADDR        NLA_BINARY   source address, 4 or 16
 *                                                bytes, network order
 *     IOTGUARD_A_EVENT_DPORT        NLA_U16      destination port
 *     IOTGUARD_A_EVENT_IFINDEX      NLA_U32      receiving interface
 *
 * The same values are readable by anyone under /sys/kernel/iotguard/.
 */
#ifndef _UAPI_IOTGUARD_H
#define _UAPI_IOTGUARD_H

#define IOTGUARD_GENL_NAME "iotguard"
#define IOTGUARD_GENL_VERSION 1
#define IOTGUARD_MCGRP_EVENTS "events"

/* The gate's limits and defaults (the module starts with the defaults). */
#define IOTGUARD_MAX_LOGIN_PORTS 32
#define IOTGUARD_DEFAULT_LOGIN_PORTS { 22, 23, 2323 }
#define IOTGUARD_MAX_THROTTLE_BURST 1000
#define IOTGUARD_MIN_THROTTLE_INTERVAL_MS 10
#define IOTGUARD_MAX_THROTTLE_INTERVAL_MS (24 * 60 * 60 * 1000)
#define IOTGUARD_DEFAULT_THROTTLE_BURST 5
#define IOTGUARD_DEFAULT_THROTTLE_INTERVAL_MS 10000
#define IOTGUARD_EVENTS_PER_SEC 20
#define IOTGUARD_EVENT_BURST 50
#define IOTGUARD_MAX_HELD_LINKS 32
/* A table-full refusal this long after the last one starts a new episode. */
#define IOTGUARD_THROTTLE_PRESSURE_QUIET_MS 10000

enum iotguard_cmd {
	IOTGUARD_CMD_UNSPEC,
	IOTGUARD_CMD_GET_STATUS,
	IOTGUARD_CMD_SET_MODE,
	IOTGUARD_CMD_SET_CRED_STATE,
	IOTGUARD_CMD_SET_GATE,
	IOTGUARD_CMD_LOCK,
	IOTGUARD_CMD_EVENT,
	IOTGUARD_CMD_SET_EGRESS_JUDGE,
	__IOTGUARD_CMD_MAX
};
#define IOTGUARD_CMD_MAX (__IOTGUARD_CMD_MAX - 1)

/*
 * off:     nothing is enforced or reported.
 * audit:   violations are counted and reported, never refused.
 * enforce: violations are refused. The module starts here: closed until the
 *          agent's first audit says the device is safe.
 */
enum iotguard_mode {
	IOTGUARD_MODE_OFF,
	IOTGUARD_MODE_AUDIT,
	IOTGUARD_MODE_ENFORCE,
	__IOTGUARD_MODE_MAX
};
#define IOTGUARD_MODE_MAX (__IOTGUARD_MODE_MAX - 1)

/* Names shown in sysfs and accepted by iotguardctl, in enum order. */
#define IOTGUARD_MODE_NAMES { "off", "audit", "enforce" }

/*
 * unknown:     no audit has reported yet; treated exactly like default.
 * default:     some login-enabled account has an empty or known-default
 *              password, or is not provisioned yet.
 * provisioned: every login-enabled account has a unique password.
 */
enum iotguard_cred_state {
	IOTGUARD_CRED_UNKNOWN,
	IOTGUARD_CRED_DEFAULT,
	IOTGUARD_CRED_PROVISIONED,
	__IOTGUARD_CRED_MAX
};
#define IOTGUARD_CRED_MAX (__IOTGUARD_CRED_MAX - 1)

/* Names shown in sysfs and by iotguardctl, in enum order. */
#define IOTGUARD_CRED_STATE_NAMES { "unknown", "default", "provisioned" }

/* IOTGUARD_A_FLAGS bits for IOTGUARD_CMD_SET_MODE. */
enum iotguard_set_flag {
	/* Refuse (EPERM) if the new mode is weaker than the current one. */
	IOTGUARD_SET_F_NO_WEAKEN = 1U << 0,
	__IOTGUARD_SET_F_ALL = IOTGUARD_SET_F_NO_WEAKEN
};

enum iotguard_attr {
	IOTGUARD_A_UNSPEC,
	IOTGUARD_A_PAD,
	IOTGUARD_A_VERSION,
	IOTGUARD_A_MODE,
	IOTGUARD_A_FLAGS,
	IOTGUARD_A_CRED_STATE,
	IOTGUARD_A_POLICY_GENERATION,
	IOTGUARD_A_COUNTERS,
	IOTGUARD_A_LOCKED,
	IOTGUARD_A_LOGIN_PORTS,
	IOTGUARD_A_LOGIN_PORT,
	IOTGUARD_A_PROV_IFNAME,
	IOTGUARD_A_PROV_NET4,
	IOTGUARD_A_PROV_NET6,
	IOTGUARD_A_THROTTLE_BURST,
	IOTGUARD_A_THROTTLE_INTERVAL_MS,
	IOTGUARD_A_THROTTLE_TABLE_SIZE,
	IOTGUARD_A_THROTTLE_ENTRIES,
	IOTGUARD_A_EVENT_KIND,
	IOTGUARD_A_EVENT_SADDR,
	IOTGUARD_A_EVENT_DPORT,
	IOTGUARD_A_EVENT_IFINDEX,
	IOTGUARD_A_LINKS,
	IOTGUARD_A_LINK_FD,
	IOTGUARD_A_HELD_LINKS,
	IOTGUARD_A_PROV_IFINDEX,
	IOTGUARD_A_THROTTLE_PRESSURE,
	IOTGUARD_A_PROG_FD,
	IOTGUARD_A_EGRESS_JUDGE,
	__IOTGUARD_A_MAX
};
#define IOTGUARD_A_MAX (__IOTGUARD_A_MAX - 1)

enum iotguard_counter {
	IOTGUARD_CTR_UNSPEC,
	IOTGUARD_CTR_PAD,
	IOTGUARD_CTR_MODE_CHANGES,
	IOTGUARD_CTR_REFUSED_REQUESTS,
	IOTGUARD_CTR_CRED_STATE_CHANGES,
	IOTGUARD_CTR_LOCKOUT_REFUSED,	/* SYNs refused: credentials default */
	IOTGUARD_CTR_THROTTLE_REFUSED,	/* SYNs refused: source over its limit */
	IOTGUARD_CTR_THROTTLE_TABLE_FULL, /* refused: no slot without losing
					   * an over-limit source
					   */
	IOTGUARD_CTR_THROTTLE_EVICTIONS, /* sources dropped from the table
					  * while under their limit
					  */
	IOTGUARD_CTR_EVENTS_SENT,
	IOTGUARD_CTR_EVENTS_DROPPED,	/* over the rate limit (or no memory) */
	IOTGUARD_CTR_THROTTLE_PRESSURE,	/* episodes of table-full refusals,
					 * each the first after a quiet
					 * IOTGUARD_THROTTLE_PRESSURE_QUIET_MS
					 */
	IOTGUARD_CTR_EGRESS_JUDGE_DROPPED, /* tunnel or forwarded packets the
					    * outbound policy refused
					    */
	__IOTGUARD_CTR_MAX
};
#define IOTGUARD_CTR_MAX (__IOTGUARD_CTR_MAX - 1)
/* Each counter's name, as sysfs (counters/NAME) and iotguardctl status show it. */
#define IOTGUARD_COUNTER_NAMES {						\
	[IOTGUARD_CTR_MODE_CHANGES] = "mode_changes",			\
	[IOTGUARD_CTR_REFUSED_REQUESTS] = "refused_requests",		\
	[IOTGUARD_CTR_CRED_STATE_CHANGES] = "cred_state_changes",	\
	[IOTGUARD_CTR_LOCKOUT_REFUSED] = "lockout_refused",		\
	[IOTGUARD_CTR_THROTTLE_REFUSED] = "throttle_refused",		\
	[IOTGUARD_CTR_THROTTLE_TABLE_FULL] = "throttle_table_full",	\
	[IOTGUARD_CTR_THROTTLE_EVICTIONS] = "throttle_evictions",	\
	[IOTGUARD_CTR_EVENTS_SENT] = "events_sent",			\
	[IOTGUARD_CTR_EVENTS_DROPPED] = "events_dropped",		\
	[IOTGUARD_CTR_THROTTLE_PRESSURE] = "throttle_pressure",		\
	[IOTGUARD_CTR_EGRESS_JUDGE_DROPPED] = "egress_judge_dropped",	\
}

/* Inside IOTGUARD_A_PROV_NET4 and IOTGUARD_A_PROV_NET6. */
enum iotguard_net_attr {
	IOTGUARD_NET_A_UNSPEC,
	IOTGUARD_NET_A_ADDR,
	IOTGUARD_NET_A_PREFIX_LEN,
	__IOTGUARD_NET_A_MAX
};
#define IOTGUARD_NET_A_MAX (__IOTGUARD_NET_A_MAX - 1)

/*
 * lockout:    a new connection to a login port while the credential state
 *             is not "provisioned", from outside the exemptions.
 * throttle:   a new connection from a source over its token bucket.
 * table_full: a new source found every slot of its table set held by a
 *             source over its limit; it is refused rather than evict one.
 * table_pressure: the first table_full of an episode (see
 *             IOTGUARD_CTR_THROTTLE_PRESSURE), naming that source. Sent
 *             once per episode, outside the events' rate limit, so that a
 *             flood cannot hide it among its own refusals.
 */
enum iotguard_event_kind {
	IOTGUARD_EVENT_LOCKOUT = 1,
	IOTGUARD_EVENT_THROTTLE,
	IOTGUARD_EVENT_TABLE_FULL,
	IOTGUARD_EVENT_TABLE_PRESSURE,
	__IOTGUARD_EVENT_MAX
};
#define IOTGUARD_EVENT_NAMES { "none", "lockout", "throttle", "table_full", \
			       "table_pressure" }

#endif /* _UAPI_IOTGUARD_H */
