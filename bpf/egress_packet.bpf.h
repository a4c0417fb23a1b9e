/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of egress.bpf.c's object (after egress_arrival.bpf.h): the
 * packet backstop, cgroup_skb/egress, for every packet not going where
 * its socket connected and for the kernel's own answers; the module
 * runs the same program on what no cgroup hook sees (kmod/judge.c).
 */
#ifndef IOTGUARD_EGRESS_PACKET_BPF_H
#define IOTGUARD_EGRESS_PACKET_BPF_H

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

#endif /* IOTGUARD_EGRESS_PACKET_BPF_H */
