/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of egress.bpf.c's object (included before its packet program): an
 * accepted TCP connection's arrival. Where each SYN came in and by which
 * device, recorded by the LSM programs that see the handshake, and the
 * checks the packet program makes of it: an accepted connection's answers
 * and a SYN-ACK pass unjudged only to where their SYN came from, by the
 * device it came in on.
 */
#ifndef IOTGUARD_EGRESS_ARRIVAL_BPF_H
#define IOTGUARD_EGRESS_ARRIVAL_BPF_H

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

#endif
