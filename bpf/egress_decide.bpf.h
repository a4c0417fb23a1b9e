/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of egress.bpf.c's object (included after its maps): the decision.
 * A destination, a protocol and a port, looked up in the device-wide and
 * the service's tables of one policy (egress.h), deny before allow; the
 * verdict counted, reported as an event, and enforced or only audited.
 */
#ifndef IOTGUARD_EGRESS_DECIDE_BPF_H
#define IOTGUARD_EGRESS_DECIDE_BPF_H

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
static __always_inline __u64 ancestor_cgroup(const struct egress_req *req, struct __sk_buff *skb,
					     const bool in_skb, int level)
{
	struct cgroup *cgrp = (struct cgroup *)req->kern_cgroup, *anc = NULL;
	__u64 id = 0;

	if (in_skb)
		return bpf_skb_ancestor_cgroup_id(skb, level);
	/* Read as a value: the level varies, and the record is on the stack. */
	if (req->origin_set)
		return level <= EGRESS_MAX_CGROUP_LEVEL &&
		       !bpf_probe_read_kernel(&id, sizeof(id), &req->origin[level]) ? id : 0;
	if (!cgrp)
		return bpf_get_current_ancestor_cgroup_id(level);
	/*
	 * As the helper: the ancestor at level (ancestors[], the cgroup's own
	 * last), or 0; none before 6.0's ancestors[] (ancestor_ids[] then).
	 */
	if (!bpf_core_field_exists(struct cgroup, ancestors) || level > BPF_CORE_READ(cgrp, level) ||
	    bpf_probe_read_kernel(&anc, sizeof(anc), (void *)cgrp +
				  bpf_core_field_offset(struct cgroup, ancestors) +
				  level * sizeof(anc)) || !anc)
		return 0;
	return BPF_CORE_READ(anc, kn, id);
}

/* The cgroup the event names: the process's, the packet's socket's, or the connection's (MPTCP). */
static __always_inline __u64 own_cgroup(const struct egress_req *req, struct __sk_buff *skb,
					const bool in_skb)
{
	struct cgroup *cgrp = (struct cgroup *)req->kern_cgroup;

	if (in_skb)
		return bpf_skb_cgroup_id(skb);
	if (req->origin_set)
		return req->origin[0];
	if (cgrp)
		return BPF_CORE_READ(cgrp, kn, id);
	return bpf_get_current_cgroup_id();
}

/*
 * The service of the process (or, for a packet, of the socket): its
 * deepest cgroup level that is a service's cgroup. Only the levels that
 * hold services are looked at.
 */
static __always_inline __u16 find_service(const struct egress_req *req, struct __sk_buff *skb,
					  const bool in_skb,
					  const struct egress_config *cfg, __u32 gen,
					  __u8 *raw_ok, __u64 *families, const bool floor)
{
	for (int level = EGRESS_MAX_CGROUP_LEVEL; level >= 1; level--) {
		struct egress_service_key key = { .gen = gen };
		struct egress_service_value *v;

		if (!(cfg->svc_levels & (1u << level)))
			continue;
		key.cgroup_id = ancestor_cgroup(req, skb, in_skb, level);
		if (!key.cgroup_id)
			continue;
		v = bpf_map_lookup_elem(floor ? (void *)&egress_services_floor :
					(void *)&egress_services, &key);
		if (v) {
			*raw_ok = v->raw_sockets;
			*families = v->families;
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
	__u64 families;		/* the service's */
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
	if (req->hook == EGRESS_HOOK_FAMILY) {
		/* Families past 63: no kernel has them yet; refused. */
		v->deny = req->family > 63 ||
			  !(((in->cfg.families | in->families) >> req->family) & 1);
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
	__u64 cgroup_id, families = 0;
	__u8 raw_ok = 0;
	bool live, locked;

	active = bpf_map_lookup_elem(&egress_active, &key);
	lock = bpf_map_lookup_elem(&egress_lock, &key);
	live = active && active->installed;
	locked = lock && lock->locked;
	if (!live && !locked)
		return ALLOW;
	if (req->hook != EGRESS_HOOK_SOCKET && req->hook != EGRESS_HOOK_FAMILY &&
	    is_loopback(req) && !req->routed_out)
		return ALLOW;
	cgroup_id = own_cgroup(req, skb, in_skb);
	if (live) {
		in.gen = active->gen & 1;
		live_cfg = bpf_map_lookup_elem(&egress_config, &in.gen);
		if (live_cfg) {
			in.cfg = *live_cfg;
			in.svc = find_service(req, skb, in_skb, &in.cfg, in.gen, &raw_ok, &families,
					      false);
			in.raw_ok = raw_ok;
			in.families = families;
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
		families = 0;
		in.svc = find_service(req, skb, in_skb, &in.cfg, in.gen, &raw_ok, &families, true);
		in.raw_ok = raw_ok;
		in.families = families;
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

#endif
