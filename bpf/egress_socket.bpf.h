/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of egress.bpf.c's object (after its connect programs): the LSM
 * hooks for what has no destination a cgroup hook sees: raw and
 * link-layer sockets and the other families at creation, tun and tap
 * devices, and unconnected ping sockets' sendto before 6.2.
 */
#ifndef IOTGUARD_EGRESS_SOCKET_BPF_H
#define IOTGUARD_EGRESS_SOCKET_BPF_H

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

#endif /* IOTGUARD_EGRESS_SOCKET_BPF_H */
