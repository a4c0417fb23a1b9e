// SPDX-License-Identifier: GPL-2.0
/*
 * The outbound policy's BPF programs against tables written directly
 * (bpf/egress.h), in the device: every outbound path is judged, for IPv4
 * and IPv6, and a listener in the peer namespace confirms that nothing
 * refused arrived and that what is allowed did.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include "kselftest_harness.h"
#include "egress.h"
#include "egress_fixture.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "egress_peer.h"
#include "egress_tables.h"
#include "netpath.h"
#include "sessions.h"
#include "uring.h"
#include "util.h"


TEST_F_TIMEOUT(egress, tcp_connect_ipv4_and_ipv6, EGRESS_TEST_TIMEOUT_S)
{
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_OPEN));
	EXPECT_EQ(-EPERM, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_SHUT));
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, PEER6, PORT_OPEN));
	EXPECT_EQ(-EPERM, dev_connect(SOCK_STREAM, PEER6, PORT_SHUT));
	/* IPv4-mapped IPv6 is judged as the IPv4 address. */
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, "::ffff:" ATTACKER_ADDR, PORT_OPEN));
	EXPECT_EQ(-EPERM, dev_connect(SOCK_STREAM, "::ffff:" ATTACKER_ADDR, PORT_SHUT));
	settle();
	EXPECT_EQ(3, self->arr->tcp_open);
	EXPECT_EQ(0, self->arr->tcp_shut);
}

/*
 * A UDP socket bound to bind_addr (any address: IP_TRANSPARENT) and
 * connected to the unspecified address, which the kernel turns into the
 * bound address. 0 or -errno of the connect; -1000 - errno if the setup
 * failed.
 */
static int connect_unspecified(int family, const char *bind_addr, int port)
{
	struct sockaddr_storage b, d;
	socklen_t bl = bind_addr ? sockaddr_of(bind_addr, 5555, &b) : 0;
	socklen_t dl = sockaddr_of(family == AF_INET ? "0.0.0.0" : "::ffff:0.0.0.0", port, &d);
	int one = 1, fd = socket(family, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return -1000 - errno;
	if (bind_addr &&
	    (setsockopt(fd, family == AF_INET ? SOL_IP : SOL_IPV6,
			family == AF_INET ? IP_TRANSPARENT : IPV6_TRANSPARENT, &one, sizeof(one)) ||
	     bind(fd, (struct sockaddr *)&b, bl))) {
		ret = -1000 - errno;
		close(fd);
		return ret;
	}
	ret = connect(fd, (struct sockaddr *)&d, dl) ? -errno : 0;
	if (!ret)
		send(fd, "x", 1, 0);
	close(fd);
	return ret;
}

TEST_F_TIMEOUT(egress, unspecified_destination_is_the_bound_address, EGRESS_TEST_TIMEOUT_S)
{
	/* Bound to the peer's address, 0.0.0.0 is the peer: judged as it. */
	EXPECT_EQ(-EPERM, connect_unspecified(AF_INET, ATTACKER_ADDR, UDP_SHUT));
	EXPECT_EQ(-EPERM, connect_unspecified(AF_INET6, "::ffff:" ATTACKER_ADDR, UDP_SHUT));
	EXPECT_EQ(0, connect_unspecified(AF_INET, ATTACKER_ADDR, UDP_OPEN));
	/* Unbound, it is loopback, always allowed, and made explicit (see egress.bpf.c). */
	EXPECT_EQ(0, connect_unspecified(AF_INET, NULL, UDP_SHUT));
	{
		struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(UDP_SHUT) };
		struct sockaddr_in peer_addr = {};
		socklen_t len = sizeof(peer_addr);
		int fd = socket(AF_INET, SOCK_DGRAM, 0);

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, connect(fd, (struct sockaddr *)&any, sizeof(any)));
		ASSERT_EQ(0, getpeername(fd, (struct sockaddr *)&peer_addr, &len));
		EXPECT_EQ(htonl(INADDR_LOOPBACK), peer_addr.sin_addr.s_addr);
		close(fd);
	}
	settle();
	EXPECT_EQ(0, self->arr->udp_shut);
}

/*
 * Root accepts a connection from an address of its own (ATTACKER_ADDR on
 * lo, to an allowed local port) and removes the address: the accepted
 * socket's answers now leave for the peer, a destination never judged.
 * They are judged, and refused.
 */
TEST_F_TIMEOUT(egress, accepted_from_loopback_is_judged_leaving, EGRESS_TEST_TIMEOUT_S)
{
	struct sockaddr_storage dev, me;
	socklen_t dl = sockaddr_of(DEVICE_ADDR, INBOUND_PORT, &dev);
	socklen_t ml = sockaddr_of(ATTACKER_ADDR, 0, &me);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), a, one = 1;
	__u64 denied;
	char out[256];

	ASSERT_LE(0, l);
	ASSERT_LE(0, c);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&dev, dl));
	ASSERT_EQ(0, listen(l, 1));
	ASSERT_EQ(0, run_capture(IP " addr add " ATTACKER_ADDR "/32 dev lo", out, sizeof(out)))
		TH_LOG("%s", out);
	EXPECT_EQ(0, bind(c, (struct sockaddr *)&me, ml));
	EXPECT_EQ(0, connect(c, (struct sockaddr *)&dev, dl));
	a = accept(l, NULL, NULL);
	run_capture(IP " addr del " ATTACKER_ADDR "/32 dev lo", out, sizeof(out));
	ASSERT_LE(0, a);
	denied = egress_stat(EGRESS_STAT_DENIED);
	/* A write may be accepted into the send queue: the backstop drops its packets. */
	if (write(a, "x", 1) < 0)
		TH_LOG("write: %s", strerror(errno));
	EXPECT_LT(denied, denied_reaching(denied + 1)) TH_LOG("the answer left unjudged");
	close(a);
	close(c);
	close(l);
}

/*
 * A socket bound to the peer's address, sending to loopback: the kernel's
 * answer (an ICMPv6 port unreachable quoting the data, from ::1) would go
 * out to the peer. IPV6_FREEBIND, open to any process, is refused while the
 * policy is enforced; with IPV6_TRANSPARENT (root, before a lock) the
 * answer leaves from a loopback address, and never gets out.
 */
TEST_F_TIMEOUT(egress, loopback_answers_stay_in, EGRESS_TEST_TIMEOUT_S)
{
	struct sockaddr_storage me, lo;
	socklen_t ml = sockaddr_of(PEER6, 5555, &me), ll = sockaddr_of("::1", 9, &lo);
	int one = 1, fd = socket(AF_INET6, SOCK_DGRAM, 0);
	__u64 denied;

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EPERM, setsockopt(fd, SOL_IPV6, IPV6_FREEBIND, &one, sizeof(one)) ? -errno : 0);
	EXPECT_EQ(-EPERM, setsockopt(fd, SOL_IP, IP_FREEBIND, &one, sizeof(one)) ? -errno : 0);
	ASSERT_EQ(0, setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof(one)));
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&me, ml));
	denied = egress_stat(EGRESS_STAT_DENIED);
	EXPECT_EQ(1, sendto(fd, "x", 1, 0, (struct sockaddr *)&lo, ll));
	EXPECT_LT(denied, denied_reaching(denied + 1)) TH_LOG("an answer from ::1 left the device");
	close(fd);
}

TEST_F_TIMEOUT(egress, loopback_always_allowed, EGRESS_TEST_TIMEOUT_S)
{
	int l = listen_on(PORT_SHUT);

	ASSERT_LE(0, l);
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, "127.0.0.1", PORT_SHUT));
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, "::1", PORT_SHUT));
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, "::ffff:127.0.0.1", PORT_SHUT));
	close(l);
}

/*
 * Root's routes: 127.0.0.2 leaves through the peer, which takes 127/8.
 * The local table keeps 127.0.0.1's own route.
 */
#define ROUTE_LOOPBACK_OUT						\
	"echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet && "	\
	"echo 1 > /proc/sys/net/ipv4/conf/veth0/route_localnet && "	\
	IP " route del local 127.0.0.0/8 dev lo table local && "	\
	IP " route add 127.0.0.2/32 via " ATTACKER_ADDR " dev veth0 && "	\
	IP " -n " NETNS " addr add 127.0.0.2/32 dev veth1 && "		\
	IP " netns exec " NETNS " sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet && " \
	"echo 1 > /proc/sys/net/ipv4/conf/veth1/route_localnet'"
#define ROUTE_LOOPBACK_BACK						\
	IP " route del 127.0.0.2/32; "					\
	IP " route add local 127.0.0.0/8 dev lo table local; "		\
	IP " -n " NETNS " addr del 127.0.0.2/32 dev veth1; "		\
	"echo 0 > /proc/sys/net/ipv4/conf/all/route_localnet; "		\
	"echo 0 > /proc/sys/net/ipv4/conf/veth0/route_localnet"

/*
 * Loopback is allowed because it stays on the device. Routed out by root,
 * a loopback address is judged like any other (no rule: the default).
 */
TEST_F_TIMEOUT(egress, loopback_routed_out_is_judged, EGRESS_TEST_TIMEOUT_S)
{
	char out[1024];
	int ret;

	ASSERT_EQ(0, run_capture(ROUTE_LOOPBACK_OUT, out, sizeof(out))) TH_LOG("%s", out);
	/* connect() lets a loopback address by; its packets are judged. */
	EXPECT_EQ(-EPERM, dev_sendto("127.0.0.2", UDP_OPEN, 0, SOCK_DGRAM));
	EXPECT_EQ(0, dev_sendto("127.0.0.1", UDP_OPEN, 0, SOCK_DGRAM));
	settle();
	EXPECT_EQ(0, self->arr->udp_open);
	/* The route works: in audit mode the same datagram arrives. */
	ret = apply_tables(false, true);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(0, dev_sendto("127.0.0.2", UDP_OPEN, 0, SOCK_DGRAM));
	settle();
	EXPECT_EQ(1, self->arr->udp_open);
	run_capture(ROUTE_LOOPBACK_BACK, out, sizeof(out));
	ASSERT_EQ(0, apply_tables(true, false));
}

TEST_F_TIMEOUT(egress, udp_connect_sendto_sendmmsg, EGRESS_TEST_TIMEOUT_S)
{
	EXPECT_EQ(0, dev_connect(SOCK_DGRAM, ATTACKER_ADDR, UDP_OPEN));
	EXPECT_EQ(-EPERM, dev_connect(SOCK_DGRAM, ATTACKER_ADDR, UDP_SHUT));
	EXPECT_EQ(0, dev_sendto(ATTACKER_ADDR, UDP_OPEN, 0, SOCK_DGRAM));
	EXPECT_EQ(-EPERM, dev_sendto(ATTACKER_ADDR, UDP_SHUT, 0, SOCK_DGRAM));
	EXPECT_EQ(0, dev_sendto(PEER6, UDP_OPEN, 0, SOCK_DGRAM));
	EXPECT_EQ(-EPERM, dev_sendto(PEER6, UDP_SHUT, 0, SOCK_DGRAM));
	EXPECT_EQ(-EPERM, dev_sendto("::ffff:" ATTACKER_ADDR, UDP_SHUT, 0, SOCK_DGRAM));
	EXPECT_EQ(2, dev_sendmmsg(ATTACKER_ADDR, UDP_OPEN));
	EXPECT_EQ(-EPERM, dev_sendmmsg(ATTACKER_ADDR, UDP_SHUT));
	settle();
	EXPECT_EQ(5, self->arr->udp_open);
	EXPECT_EQ(0, self->arr->udp_shut);
}

TEST_F_TIMEOUT(egress, tcp_fast_open, EGRESS_TEST_TIMEOUT_S)
{
	ASSERT_EQ(0, write_text("/proc/sys/net/ipv4/tcp_fastopen", "3"));
	EXPECT_EQ(-EPERM, dev_sendto(ATTACKER_ADDR, PORT_SHUT, MSG_FASTOPEN, SOCK_STREAM));
	EXPECT_EQ(-EPERM, dev_sendto(PEER6, PORT_SHUT, MSG_FASTOPEN, SOCK_STREAM));
	settle();
	EXPECT_EQ(0, self->arr->tcp_shut);
}

TEST_F_TIMEOUT(egress, ping_sockets, EGRESS_TEST_TIMEOUT_S)
{
	/* The tables allow no ICMP to the peer: connected and unconnected are refused. */
	EXPECT_EQ(-EPERM, dev_ping(ATTACKER_ADDR, true));
	EXPECT_EQ(-EPERM, dev_ping(ATTACKER_ADDR, false));
	EXPECT_EQ(-EPERM, dev_ping(PEER6, true));
	EXPECT_EQ(-EPERM, dev_ping(PEER6, false));
	EXPECT_EQ(0, dev_ping("127.0.0.1", false));
}

TEST_F_TIMEOUT(egress, raw_and_packet_sockets, EGRESS_TEST_TIMEOUT_S)
{
	static const int link_layer[] = {
		AF_LLC, AF_APPLETALK, AF_X25, AF_AX25, AF_NETROM, AF_ROSE, AF_TIPC,
		AF_IEEE802154, AF_PHONET,
	};
	int fd;

	EXPECT_EQ(-1, socket(AF_INET, SOCK_RAW, IPPROTO_UDP));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP)));
	EXPECT_EQ(EPERM, errno);
	/* The obsolete SOCK_PACKET is a packet socket by the time the hook sees it. */
	EXPECT_EQ(-1, socket(AF_INET, SOCK_PACKET, htons(ETH_P_ALL)));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, socket(AF_XDP, SOCK_RAW, 0));
	EXPECT_TRUE(errno == EPERM || errno == EAFNOSUPPORT) TH_LOG("%s", strerror(errno));
	/*
	 * 802.2 LLC and the other link-layer families send frames past the IP
	 * stack. The hook runs before the family's module would load: EPERM
	 * whether the kernel has the family or not.
	 */
	for (size_t i = 0; i < sizeof(link_layer) / sizeof(link_layer[0]); i++) {
		EXPECT_EQ(-1, socket(link_layer[i], SOCK_DGRAM, 0));
		EXPECT_EQ(EPERM, errno) TH_LOG("family %d: %s", link_layer[i], strerror(errno));
	}
	/* A tun device writes packets past every socket hook. */
	run_capture("modprobe tun", NULL, 0);
	fd = open("/dev/net/tun", O_RDWR);
	ASSERT_LE(0, fd) TH_LOG("/dev/net/tun: %s", strerror(errno));
	{
		struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };

		strcpy(ifr.ifr_name, "egtun0");
		EXPECT_EQ(-1, ioctl(fd, TUNSETIFF, &ifr));
		EXPECT_EQ(EPERM, errno);
		close(fd);
	}
	/* Allowed when the policy says so. */
	ASSERT_EQ(0, apply_tables(true, true));
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	EXPECT_LE(0, fd);
	close(fd);
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	EXPECT_LE(0, fd);
	close(fd);
	/* llc2 is in the image. */
	fd = socket(AF_LLC, SOCK_DGRAM, 0);
	EXPECT_LE(0, fd) TH_LOG("AF_LLC: %s", strerror(errno));
	close(fd);
}

TEST_F_TIMEOUT(egress, audit_mode_counts_and_refuses_nothing, EGRESS_TEST_TIMEOUT_S)
{
	__u64 audited = egress_stat(EGRESS_STAT_AUDITED), denied = egress_stat(EGRESS_STAT_DENIED);

	ASSERT_EQ(0, apply_tables(false, false));
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_SHUT));
	EXPECT_EQ(0, dev_sendto(ATTACKER_ADDR, UDP_SHUT, 0, SOCK_DGRAM));
	settle();
	EXPECT_EQ(1, self->arr->tcp_shut);
	EXPECT_EQ(1, self->arr->udp_shut);
	EXPECT_EQ(audited + 2, egress_stat(EGRESS_STAT_AUDITED));
	EXPECT_EQ(denied, egress_stat(EGRESS_STAT_DENIED));
}

TEST_F_TIMEOUT(egress, uninstalled_allows_all, EGRESS_TEST_TIMEOUT_S)
{
	struct iotguard_error err;

	ASSERT_EQ(0, egress_uninstall(&err));
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_SHUT));
	settle();
	EXPECT_EQ(1, self->arr->tcp_shut);
}

/*
 * A pinned map the programs cannot use (an older version's, or root's):
 * the agent loads again with new maps, and must then replace the programs
 * too, though their code is the same, or the old ones would go on
 * enforcing the old maps while every new policy went into the new ones.
 * Shown by removing the policy afterwards: the connection it refused gets
 * through.
 */
TEST_F_TIMEOUT(egress, incompatible_pinned_map_replaces_the_programs, EGRESS_TEST_TIMEOUT_S)
{
	struct egress_attach_opts opts = { .cgroup_root = "/sys/fs/cgroup", .lsm = true };
	struct iotguard_error err;
	int fd;

	ASSERT_EQ(-EPERM, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_SHUT));
	ASSERT_EQ(0, unlink(EGRESS_CONFIG_PIN));
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 2, NULL);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, bpf_obj_pin(fd, EGRESS_CONFIG_PIN));
	close(fd);
	EXPECT_EQ(EGRESS_REPLACED, egress_attach(&opts, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, egress_uninstall(&err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_SHUT))
		TH_LOG("the old programs still enforce the old maps");
	settle();
	EXPECT_EQ(1, self->arr->tcp_shut);
}

TEST_F_TIMEOUT(egress, io_uring_connect_and_sendmsg, EGRESS_TEST_TIMEOUT_S)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct iovec iov = { .iov_base = "x", .iov_len = 1 };
	struct msghdr msg = { .msg_name = &ss, .msg_iov = &iov, .msg_iovlen = 1 };
	int fd, ret;

	len = sockaddr_of(ATTACKER_ADDR, PORT_SHUT, &ss);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ret = uring_connect(fd, (struct sockaddr *)&ss, len);
	close(fd);
	if (ret == -ENOSYS)
		SKIP(return, "io_uring is not available in this kernel");
	EXPECT_EQ(-EPERM, ret);
	len = sockaddr_of(ATTACKER_ADDR, PORT_OPEN, &ss);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	EXPECT_EQ(0, uring_connect(fd, (struct sockaddr *)&ss, len));
	close(fd);

	msg.msg_namelen = sockaddr_of(PEER6, UDP_SHUT, &ss);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	EXPECT_EQ(-EPERM, uring_sendmsg(fd, &msg));
	msg.msg_namelen = sockaddr_of(PEER6, UDP_OPEN, &ss);
	EXPECT_EQ(1, uring_sendmsg(fd, &msg));
	close(fd);
	settle();
	EXPECT_EQ(0, self->arr->tcp_shut);
	EXPECT_EQ(0, self->arr->udp_shut);
	EXPECT_EQ(1, self->arr->tcp_open);
	EXPECT_EQ(1, self->arr->udp_open);
}

TEST_F_TIMEOUT(egress, refusal_reported, EGRESS_TEST_TIMEOUT_S)
{
	struct egress_watch w;
	struct egress_event *ev = &w.ev;
	uint8_t want[4];

	ASSERT_EQ(0, egress_watch_open(&w));
	ASSERT_EQ(-EPERM, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_SHUT));
	ASSERT_EQ(0, egress_watch_next(&w, 1000));
	EXPECT_EQ(getpid(), (pid_t)ev->pid);
	EXPECT_STREQ("egress_bpf_test", ev->comm);
	EXPECT_EQ(EGRESS_HOOK_CONNECT, ev->hook);
	EXPECT_EQ(AF_INET, ev->family);
	EXPECT_EQ(IPPROTO_TCP, ev->proto);
	EXPECT_EQ(PORT_SHUT, ev->port);
	EXPECT_EQ(0, ev->rule);		/* the default */
	EXPECT_EQ(0, ev->allowed);
	inet_pton(AF_INET, ATTACKER_ADDR, want);
	EXPECT_EQ(0, memcmp(want, ev->addr, 4));

	ASSERT_EQ(-EPERM, dev_sendto(ATTACKER_ADDR, 5002, 0, SOCK_DGRAM));
	ASSERT_EQ(0, egress_watch_next(&w, 1000));
	EXPECT_EQ(EGRESS_HOOK_SENDMSG, ev->hook);
	EXPECT_EQ(3, ev->rule);		/* the deny rule */
	EXPECT_EQ(5002, ev->port);
	egress_watch_close(&w);
}

/*
 * Inbound connections are not outbound: the device's answers to a peer
 * that connected to it (the listener's SYN-ACK, the accepted socket's data
 * to the peer's port) pass the packet backstop, though no rule names the
 * peer's port.
 */
TEST_F_TIMEOUT(egress, inbound_connections_answered, EGRESS_TEST_TIMEOUT_S)
{
	int l = listen_on(INBOUND_PORT);

	ASSERT_LE(0, l);
	EXPECT_EQ(0, attacker_connect(ATTACKER_ADDR, DEVICE_ADDR, INBOUND_PORT));
	drain(l);
	close(l);
}

/*
 * A destination the socket hooks allowed, rerouted by the sender on the
 * way: an IPv6 segment routing header (unprivileged) or an IPv4 loose
 * source route sends the packet first to the hop, which the policy does
 * not allow. The packet backstop judges where the packet really goes.
 */
TEST_F_TIMEOUT(egress, rerouted_packets_judged_where_they_go, EGRESS_TEST_TIMEOUT_S)
{
	struct sockaddr_storage ss;
	socklen_t len;
	unsigned char srh[8 + 32] = {
		0, 4, 4, 1, 1,		/* nexthdr, hdrlen, type 4 (SRH), segments left, first */
	};
	unsigned char lsrr[8] = { 0x83, 7, 4 };	/* loose source route, one hop */
	int fd;

	/* The same steps for each family, spelled out: each is its own attack. */
	inet_pton(AF_INET6, PEER6, srh + 8);
	inet_pton(AF_INET6, "fd00:99::3", srh + 24);
	len = sockaddr_of(PEER6, UDP_OPEN, &ss);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_IPV6, IPV6_RTHDR, srh, sizeof(srh)));
	EXPECT_EQ(-1, sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len));
	EXPECT_EQ(EPERM, errno);
	close(fd);

	inet_pton(AF_INET, "10.99.0.3", lsrr + 3);
	len = sockaddr_of(ATTACKER_ADDR, UDP_OPEN, &ss);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_IP, IP_OPTIONS, lsrr, sizeof(lsrr)));
	EXPECT_EQ(-1, sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len));
	EXPECT_EQ(EPERM, errno);
	close(fd);
	/* Sent plainly, the same destination is allowed. */
	EXPECT_EQ(0, dev_sendto(PEER6, UDP_OPEN, 0, SOCK_DGRAM));
	EXPECT_EQ(0, dev_sendto(ATTACKER_ADDR, UDP_OPEN, 0, SOCK_DGRAM));
	settle();
	EXPECT_EQ(2, self->arr->udp_open);
}

/* iotguardctl events shows a refusal as it happens, beside the gate's. */
TEST_F_TIMEOUT(egress, ctl_events_shows_refusals, EGRESS_TEST_TIMEOUT_S)
{
	char out[8192] = "";
	size_t got = 0;
	FILE *watch;
	pid_t refuser;

	/*
	 * A watcher shows only what is refused after it started, and when it
	 * has started depends on the machine: a child repeats three different
	 * refusals until both watchers have seen three events, so any three in
	 * a row are one of each.
	 */
	watch = popen("iotguardctl events --count 3 --timeout 60 2>&1; "
		      "iotguardctl events --json --count 3 --timeout 60 2>&1", "r");
	ASSERT_NE(NULL, watch);
	refuser = fork();
	ASSERT_LE(0, refuser);
	if (refuser == 0) {
		for (;;) {
			dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_SHUT);
			dev_sendto(PEER6, UDP_SHUT, 0, SOCK_DGRAM);
			dev_sendto(ATTACKER_ADDR, 5002, 0, SOCK_DGRAM);
			usleep(100 * 1000);
		}
	}
	while (got < sizeof(out) - 1) {
		size_t n = fread(out + got, 1, sizeof(out) - 1 - got, watch);

		if (!n)
			break;
		got += n;
	}
	out[got] = '\0';
	pclose(watch);
	kill(refuser, SIGKILL);
	waitpid(refuser, NULL, 0);
	EXPECT_NE(NULL, strstr(out, "outbound: refused tcp to " ATTACKER_ADDR " port 4431: pid "))
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "(egress_bpf_test), no service, by the default")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "outbound: refused udp to " PEER6 " port 5301")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"kind\":\"outbound\",\"refused\":true,\"hook\":\"send\","
			       "\"destination\":\"" ATTACKER_ADDR "\",\"port\":5002")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "\"rule\":3")) TH_LOG("%s", out);
}

/*
 * Swap the tables back and forth while children connect in a loop: a
 * destination both versions allow is never refused and one both refuse
 * never gets through.
 */
TEST_F_TIMEOUT(egress, swap_under_load_is_atomic, EGRESS_TEST_TIMEOUT_S)
{
	int *bad = mmap(NULL, sizeof(int) * 2, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	volatile int *stop = bad + 1;
	pid_t kids[2];

	ASSERT_NE(MAP_FAILED, bad);
	bad[0] = 0;
	*stop = 0;
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			while (!*stop) {
				if (k == 0 ? dev_sendto(ATTACKER_ADDR, UDP_OPEN, 0, SOCK_DGRAM) :
					     dev_sendto(ATTACKER_ADDR, UDP_SHUT, 0, SOCK_DGRAM) != -EPERM)
					__atomic_add_fetch(&bad[0], 1, __ATOMIC_SEQ_CST);
			}
			_exit(0);
		}
	}
	for (int i = 0; i < 100; i++)
		ASSERT_EQ(0, apply_full(true, false, 0, i & 1));
	*stop = 1;
	for (int k = 0; k < 2; k++)
		waitpid(kids[k], NULL, 0);
	EXPECT_EQ(0, bad[0]);
	settle();
	EXPECT_EQ(0, self->arr->udp_shut);
	EXPECT_LT(0, self->arr->udp_open);
	munmap(bad, sizeof(int) * 2);
}

TEST_HARNESS_MAIN
