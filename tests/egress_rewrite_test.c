// SPDX-License-Identifier: GPL-2.0
/*
 * Packets rewritten after they were judged. Root may add nftables rules to
 * the ip, ip6 and inet families at any time (an integrator's firewall; the
 * lock leaves them open), and such a rule runs after the socket hooks. So
 * the packet backstop judges what a packet became, and what it passes
 * unjudged (the kernel's IGMP membership reports and its ICMPv6 of link
 * upkeep, the packets of a connection judged at connect()) must really be
 * that:
 *   - an allowed UDP datagram made IGMP (protocol 2), or made to look like
 *     ICMPv6 neighbour discovery (next header 58, its first byte 135, hop
 *     limit 255), does not reach the peer;
 *   - a TCP socket's segment to an allowed port made a UDP datagram (which
 *     the policy refuses there) does not either;
 *   - the kernel's own neighbour discovery readdressed through a gateway
 *     (it carries addresses root chose) is dropped by the module's judge;
 *   - the kernel's ICMPv6 error (it quotes the packet it answers) made to
 *     look like neighbour discovery is dropped by the module's judge;
 *   - a connected UDP-Lite socket (its connect() has no cgroup hook) is
 *     judged at every datagram;
 *   - a tunnel's outer packet made TCP with the look of a SYN cookie's
 *     SYN-ACK (which has no socket) is judged as TCP;
 *   - the kernel's own membership reports still leave.
 * The peer counts what arrives with nftables rules of its own (counters on
 * the shapes the device's rules make), at its prerouting hook.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "egress.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "egress_peer.h"
#include "egress_tables.h"
#include "sessions.h"
#include "util.h"

#define IN_PEER IP " netns exec " NETNS " "
/* The device's rules rewrite only the test's packets: its sockets carry this mark. */
#define MARK 0x1e9
#define MARK_S "0x1e9"
/* A UDP source port whose high byte reads as ICMPv6 type 135 (neighbour solicitation). */
#define NS_LOOKALIKE_PORT (135 << 8 | 7)
#define SENDS 3
/* A shell command that deletes an nftables table where there is one. */
#define DROP_TABLE(in, table) \
	"{ ! " in "nft list table " table " > /dev/null 2>&1 || " in "nft delete table " table "; }"
#define PORT_OPEN_S "4430"
#define UDP_OPEN_S "5300"
#define UDP_SHUT_S "5301"
_Static_assert(UDP_OPEN == 5300 && UDP_SHUT == 5301, "UDP_*_S spell UDP_*");
#define DEVICE6 "fd00:99::1"
/*
 * An inner source address whose bytes, read as a TCP header's, give a
 * data offset of 13 words (0xd0) and the flags SYN and ACK (0x12).
 */
#define TUNNEL_SRC "208.18.0.1"
/* An address beyond the peer, which the device reaches through it as a gateway. */
#define OFF_LINK_NET "fd00:77::/64"
#define OFF_LINK "fd00:77::1"
/* An address of the device's whose duplicate address detection is watched. */
#define DAD_ADDR "fd00:99::77"
_Static_assert(PORT_OPEN == 4430, "PORT_OPEN_S spells PORT_OPEN");

/*
 * The peer's counters: the device's datagrams made IGMP, or ICMPv6, and
 * its TCP segments made UDP datagrams to PORT_OPEN; and the kernel's
 * membership reports (IGMP to a group).
 */
static const char peer_counters[] =
	"table inet count {\n"
	"  chain in {\n"
	"    type filter hook prerouting priority -300;\n"
	"    ip daddr " ATTACKER_ADDR " ip protocol 2 counter comment \"as_igmp\"\n"
	"    ip daddr 224.0.0.0/4 ip protocol 2 counter comment \"reports\"\n"
	"    ip6 daddr " PEER6 " ip6 nexthdr 58 @th,0,8 135 @th,64,16 0x4e53 counter comment \"as_icmp6\"\n"
	"    ip daddr " ATTACKER_ADDR " ip protocol 17 th dport " PORT_OPEN_S " counter comment \"as_udp\"\n"
	"    ip6 daddr " OFF_LINK " icmpv6 type nd-neighbor-solicit counter comment \"off_link\"\n"
	"    ip daddr " ATTACKER_ADDR " meta l4proto 136 th dport " UDP_SHUT_S
	" counter comment \"lite_shut\"\n"
	"    ip daddr " ATTACKER_ADDR " meta l4proto 136 th dport " UDP_OPEN_S
	" counter comment \"lite_open\"\n"
	"    ip6 daddr " PEER6 " ip6 nexthdr 58 @th,448,32 0x45525231 counter comment \"error\"\n"
	"    ip daddr " ATTACKER_ADDR " ip protocol 6 @th,224,32 0x54554e31 counter comment \"tunnel\"\n"
	"  }\n"
	"}\n";

static bool have_nft(void)
{
	return !sh("nft --version > /dev/null 2>&1");
}

/* Packets counted by the peer's rule commented name, or -1. */
static long peer_count(const char *name)
{
	char out[2048], want[64], *line, *p;

	if (run_capture(IN_PEER "nft list chain inet count in", out, sizeof(out)))
		return -1;
	snprintf(want, sizeof(want), "comment \"%s\"", name);
	line = strstr(out, want);
	if (!line)
		return -1;
	while (line > out && line[-1] != '\n')
		line--;
	p = strstr(line, "packets ");
	return p && p < strstr(line, want) ? strtol(p + strlen("packets "), NULL, 10) : -1;
}

/* Load nftables rules (nft -f) in this namespace, or the peer's. */
static int nft_load(bool in_peer, const char *rules)
{
	char path[] = "/tmp/egress-rewrite-XXXXXX", cmd[128];
	int fd = mkstemp(path), ret;

	if (fd < 0)
		return -1;
	ret = write(fd, rules, strlen(rules)) == (ssize_t)strlen(rules) ? 0 : -1;
	close(fd);
	snprintf(cmd, sizeof(cmd), "%snft -f %s", in_peer ? IN_PEER : "", path);
	if (!ret)
		ret = sh(cmd);
	unlink(path);
	return ret;
}

/* A socket whose packets the device's rewriting rules match. */
static int marked_socket(int family, int type)
{
	int fd = socket(family, type | SOCK_CLOEXEC, 0), mark = MARK;

	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark))) {
		close(fd);
		return -1;
	}
	return fd;
}

FIXTURE(rewrite)
{
	struct arrivals *arr;
	pid_t peer;
};

FIXTURE_SETUP(rewrite)
{
	struct egress_attach_opts opts = { .cgroup_root = "/sys/fs/cgroup", .lsm = true };
	struct iotguard_error err;
	int ret;

	if (!have_nft())
		SKIP(longjmp(_metadata->env, 1), "no nft on this device (the host's architecture only)");
	SKIP_SETUP_WITHOUT_BPF_LSM();
	ASSERT_EQ(0, setup_network());
	ret = egress_pinned() ? 0 : egress_attach(&opts, &err);
	ASSERT_LE(0, ret) TH_LOG("egress_attach: %s", err.msg);
	ASSERT_EQ(0, egress_set_judge(&err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, sh(DROP_TABLE(IN_PEER, "inet count")));
	ASSERT_EQ(0, nft_load(true, peer_counters));
	/* The peer: TCP on PORT_OPEN, UDP on UDP_OPEN; nothing else, no other protocol. */
	ASSERT_EQ(0, apply_tables(true, false));
	self->arr = peer_up(&self->peer);
	ASSERT_NE(NULL, self->arr);
}

FIXTURE_TEARDOWN(rewrite)
{
	struct iotguard_error err;

	sh(DROP_TABLE("", "ip rewrite") " && " DROP_TABLE("", "ip6 rewrite") " && "
	   DROP_TABLE(IN_PEER, "inet count"));
	sh(IP " -6 route del " OFF_LINK_NET " 2> /dev/null; " IP " -6 addr del " DAD_ADDR
	   "/64 dev veth0 2> /dev/null; " IP " rule del from " TUNNEL_SRC " lookup 100 2> /dev/null; "
	   IP " link del jt0 2> /dev/null; true");
	EXPECT_EQ(0, egress_uninstall(&err));
	peer_down(self->arr, self->peer);
}

/* Datagrams to the peer's UDP_OPEN (allowed) that a rule makes IGMP: none arrives. */
TEST_F_TIMEOUT(rewrite, a_datagram_made_igmp_is_judged, EGRESS_TEST_TIMEOUT_S)
{
	struct sockaddr_storage to;
	socklen_t len = sockaddr_of(ATTACKER_ADDR, UDP_OPEN, &to);
	int fd = marked_socket(AF_INET, SOCK_DGRAM);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nft_load(false, "table ip rewrite { chain out {\n"
			      "  type filter hook output priority 0;\n"
			      "  meta mark " MARK_S " ip protocol set 2\n}\n}\n"));
	for (int i = 0; i < SENDS; i++)
		sendto(fd, "IGMP-LOOKALIKE", 14, 0, (struct sockaddr *)&to, len);
	settle();
	EXPECT_EQ(0, peer_count("as_igmp")) TH_LOG("a UDP datagram made IGMP reached the peer");
	/* Unrewritten, the same datagram arrives. */
	ASSERT_EQ(0, sh("nft delete table ip rewrite"));
	EXPECT_EQ(1, sendto(fd, "x", 1, 0, (struct sockaddr *)&to, len));
	settle();
	EXPECT_EQ(1, self->arr->udp_open);
	close(fd);
}

/*
 * Datagrams to the peer's UDP_OPEN over IPv6 with a hop limit of 255 from
 * a source port whose first byte reads 135, which a rule makes ICMPv6: a
 * neighbour solicitation by its look. None arrives.
 */
TEST_F_TIMEOUT(rewrite, a_datagram_made_neighbour_discovery_is_judged, EGRESS_TEST_TIMEOUT_S)
{
	struct sockaddr_in6 me = { .sin6_family = AF_INET6, .sin6_port = htons(NS_LOOKALIKE_PORT) };
	struct sockaddr_storage to;
	socklen_t len = sockaddr_of(PEER6, UDP_OPEN, &to);
	int fd = marked_socket(AF_INET6, SOCK_DGRAM), hops = 255;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&me, sizeof(me)));
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof(hops)));
	/* The peer's neighbour entry first: the solicitations are the kernel's, and pass. */
	EXPECT_EQ(1, sendto(fd, "x", 1, 0, (struct sockaddr *)&to, len));
	settle();
	ASSERT_EQ(1, self->arr->udp_open) TH_LOG("the peer is not reachable over IPv6");
	ASSERT_EQ(0, nft_load(false, "table ip6 rewrite { chain out {\n"
			      "  type filter hook output priority 0;\n"
			      "  meta mark " MARK_S " @nh,48,8 set 58\n}\n}\n"));
	/* The data starts "NS": the peer's counter looks for it. */
	for (int i = 0; i < SENDS; i++)
		sendto(fd, "NS-LOOKALIKE", 12, 0, (struct sockaddr *)&to, len);
	settle();
	EXPECT_EQ(0, peer_count("as_icmp6")) TH_LOG("a UDP datagram made ICMPv6 reached the peer");
	close(fd);
}

/*
 * A TCP connection to the peer's PORT_OPEN (allowed), whose segments a
 * rule then makes UDP datagrams to that port (refused): none arrives.
 */
TEST_F_TIMEOUT(rewrite, a_tcp_segment_made_udp_is_judged, EGRESS_TEST_TIMEOUT_S)
{
	struct sockaddr_storage to;
	socklen_t len = sockaddr_of(ATTACKER_ADDR, PORT_OPEN, &to);
	int fd = marked_socket(AF_INET, SOCK_STREAM);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&to, len)) TH_LOG("%s", strerror(errno));
	ASSERT_EQ(0, nft_load(false, "table ip rewrite { chain out {\n"
			      "  type filter hook output priority 0;\n"
			      "  meta mark " MARK_S " ip protocol set 17\n}\n}\n"));
	for (int i = 0; i < SENDS; i++)
		send(fd, "TCP-AS-UDP", 10, MSG_NOSIGNAL);
	settle();
	EXPECT_EQ(0, peer_count("as_udp")) TH_LOG("a TCP segment made UDP reached the peer");
	close(fd);
}

/*
 * The duplicate address detection of a new address (a neighbour
 * solicitation for it, the kernel's) readdressed by a rule to a host
 * beyond the peer, which the device reaches with the peer as its gateway:
 * it never leaves. The peer's neighbour entry is fixed, so that reaching
 * the gateway needs no solicitation of its own.
 */
TEST_F_TIMEOUT(rewrite, readdressed_discovery_is_dropped, EGRESS_TEST_TIMEOUT_S)
{
	unsigned long long dropped = judge_dropped();
	long ms;

	ASSERT_EQ(0, sh(IP " -6 neigh replace " PEER6 " lladdr " "$(" IN_PEER
			"cat /sys/class/net/veth1/address) dev veth0 nud permanent && "
			IP " -6 route replace " OFF_LINK_NET " via " PEER6 " dev veth0"));
	ASSERT_EQ(0, nft_load(false, "table ip6 rewrite {\nchain out {\n"
			      "  type route hook output priority 0;\n"
			      "  icmpv6 type nd-neighbor-solicit ip6 daddr set " OFF_LINK "\n}\n}\n"));
	ASSERT_EQ(0, sh(IP " -6 addr add " DAD_ADDR "/64 dev veth0"));
	/* Detection starts within a second (rtr_solicit_delay) and sends one solicitation. */
	for (ms = 0; judge_dropped() == dropped && ms < SETTLE_MAX_MS; ms += 100)
		usleep(100 * 1000);
	settle();
	EXPECT_LT(dropped, judge_dropped()) TH_LOG("no solicitation was dropped");
	EXPECT_EQ(0, peer_count("off_link")) TH_LOG("readdressed discovery reached the gateway");
	sh(IP " -6 neigh del " PEER6 " dev veth0");
}

/*
 * A datagram to a closed port of loopback draws the kernel's port
 * unreachable error, which quotes it. A rule readdresses the error to the
 * peer and makes it a neighbour solicitation by its look (type 135, hop
 * limit 255). A raw socket of the kernel's sent it, but not the one that
 * sends discovery: it never reaches the peer.
 */
TEST_F_TIMEOUT(rewrite, a_kernel_error_made_discovery_is_dropped, EGRESS_TEST_TIMEOUT_S)
{
	unsigned long long dropped = judge_dropped();
	struct sockaddr_storage to;
	socklen_t len = sockaddr_of("::1", 9, &to);
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nft_load(false, "table ip6 rewrite {\nchain out {\n"
			      "  type route hook output priority 0;\n"
			      "  ip6 daddr ::1 icmpv6 type destination-unreachable"
			      " ip6 saddr set " DEVICE6 " ip6 daddr set " PEER6
			      " ip6 hoplimit set 255 icmpv6 type set 135\n}\n}\n"));
	for (int i = 0; i < SENDS; i++) {
		sendto(fd, "ERR1", 4, 0, (struct sockaddr *)&to, len);
		/* The kernel sends at most one error a second to a host. */
		usleep(1100 * 1000);
	}
	settle();
	EXPECT_LT(dropped, judge_dropped()) TH_LOG("no error was dropped");
	EXPECT_EQ(0, peer_count("error")) TH_LOG("an error made discovery reached the peer");
	close(fd);
}

/*
 * A datagram to the peer's UDP_OPEN (allowed) through an IPIP tunnel to
 * the peer: its outer packet (IPIP, refused) made TCP by a rule. The inner
 * header then reads as a TCP header of 52 bytes with SYN and ACK set, the
 * packet's exact length: the look of a SYN cookie's SYN-ACK, which the
 * kernel sends without a socket. The module's judge runs the program on
 * the outer packet without its socket; it still had one, and is judged as
 * TCP to the peer's port 52 (refused). None arrives.
 */
TEST_F_TIMEOUT(rewrite, a_tunnel_packet_made_a_syn_ack_is_judged, EGRESS_TEST_TIMEOUT_S)
{
	unsigned long long dropped = judge_dropped();
	struct sockaddr_in me = { .sin_family = AF_INET };
	struct sockaddr_storage to;
	socklen_t len = sockaddr_of(ATTACKER_ADDR, UDP_OPEN, &to);
	char data[24] = "TUN1";
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, sh("modprobe ipip"));
	/* The inner packets (from TUNNEL_SRC) to the peer take the tunnel; the outer ones veth0. */
	ASSERT_EQ(0, sh(IP " tunnel add jt0 mode ipip local " DEVICE_ADDR " remote " ATTACKER_ADDR
			" ttl 64 && " IP " link set jt0 up && " IP " addr add " TUNNEL_SRC
			"/32 dev jt0 && " IP " route add " ATTACKER_ADDR "/32 dev jt0 table 100 && "
			IP " rule add from " TUNNEL_SRC " lookup 100"));
	ASSERT_EQ(0, nft_load(false, "table ip rewrite {\nchain post {\n"
			      "  type filter hook postrouting priority 0;\n"
			      "  ip protocol 4 ip daddr " ATTACKER_ADDR " ip protocol set 6\n}\n}\n"));
	inet_pton(AF_INET, TUNNEL_SRC, &me.sin_addr);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&me, sizeof(me)));
	/* 20 + 8 + 24 bytes inside: the 52 the header claims. */
	for (int i = 0; i < SENDS; i++)
		EXPECT_EQ(24, sendto(fd, data, sizeof(data), 0, (struct sockaddr *)&to, len));
	settle();
	EXPECT_LT(dropped, judge_dropped()) TH_LOG("no outer packet was dropped");
	EXPECT_EQ(0, peer_count("tunnel")) TH_LOG("a tunnel packet made TCP reached the peer");
	close(fd);
}

/*
 * UDP-Lite's connect() passes no cgroup hook: a connected socket's
 * datagrams to the peer's UDP_SHUT (refused) are judged each and none
 * arrives; to UDP_OPEN (allowed: UDP-Lite is judged as UDP) they do.
 */
TEST_F_TIMEOUT(rewrite, connected_udp_lite_is_judged, EGRESS_TEST_TIMEOUT_S)
{
	struct sockaddr_storage shut, open;
	socklen_t shut_len = sockaddr_of(ATTACKER_ADDR, UDP_SHUT, &shut);
	socklen_t open_len = sockaddr_of(ATTACKER_ADDR, UDP_OPEN, &open);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDPLITE);

	ASSERT_LE(0, fd);
	if (!connect(fd, (struct sockaddr *)&shut, shut_len))
		for (int i = 0; i < SENDS; i++)
			send(fd, "LITE", 4, 0);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&open, open_len));
	EXPECT_EQ(4, send(fd, "LITE", 4, 0));
	for (long ms = 0; peer_count("lite_open") <= 0 && ms < SETTLE_MAX_MS; ms += 100)
		usleep(100 * 1000);
	settle();
	EXPECT_EQ(0, peer_count("lite_shut")) TH_LOG("connected UDP-Lite reached a refused port");
	EXPECT_EQ(1, peer_count("lite_open"));
	close(fd);
}

/*
 * What the IGMP rule is for still leaves: the kernel's membership report
 * when the device joins a group on veth0, to the group with a TTL of 1.
 */
TEST_F_TIMEOUT(rewrite, the_kernels_membership_reports_leave, EGRESS_TEST_TIMEOUT_S)
{
	struct ip_mreqn mr = { .imr_ifindex = (int)if_nametoindex("veth0") };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	long ms;

	ASSERT_LE(0, fd);
	inet_pton(AF_INET, "239.1.2.3", &mr.imr_multiaddr);
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr, sizeof(mr)));
	for (ms = 0; peer_count("reports") <= 0 && ms < SETTLE_MAX_MS; ms += 100)
		usleep(100 * 1000);
	EXPECT_LT(0, peer_count("reports")) TH_LOG("no membership report reached the link");
	close(fd);
}

TEST_HARNESS_MAIN
