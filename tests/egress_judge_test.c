// SPDX-License-Identifier: GPL-2.0
/*
 * The module's judge (kmod/judge.c): the packets no cgroup hook sees are
 * judged by the outbound policy all the same. A tunnel's outer packet goes
 * to the tunnel's remote end, which the policy may refuse while it allows
 * the inner destination; a forwarded packet has no socket at all. Each
 * test shows the refused packet never arrives at the peer, and that the
 * same path delivers once the policy allows it, so the path itself works.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include "kselftest_harness.h"
#include "bpf_pin.h"
#include "egress.h"
#include "egress_judge_fixture.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "egress_peer.h"
#include "egress_tables.h"
#include "genl_client.h"
#include "netpath.h"
#include "sessions.h"
#include "util.h"

#define IN_FWD IP " netns exec " FWD_NS " "
#define FWD_CLIENT "10.98.0.2"

/*
 * A datagram to the tunnel's far end (allowed: rule 2) while the tunnel's
 * remote (JUDGE_OUTER) is refused, then allowed. The refused outer packet
 * is dropped by the judge and counted; nothing arrives. Allowed, it does.
 */
/* Packets the peer's end of tunnel dev received, or -1. */
static long peer_rx_packets(const char *dev)
{
	char cmd[128], out[64];

	snprintf(cmd, sizeof(cmd), IN_PEER "cat /sys/class/net/%s/statistics/rx_packets", dev);
	return run_capture(cmd, out, sizeof(out)) ? -1 : strtol(out, NULL, 10);
}

static void tunnel_case(struct __test_metadata *_metadata, struct arrivals *arr,
			const char *inner_peer, const char *dev)
{
	unsigned long long dropped = judge_dropped();

	/* The send itself succeeds: the tunnel drops its outer packet later. */
	for (int i = 0; i < 3; i++)
		dev_sendto(inner_peer, UDP_OPEN, 0, SOCK_DGRAM);
	settle();
	EXPECT_EQ(0, arr->udp_open) TH_LOG("a tunnel carried data to a refused remote");
	EXPECT_LT(dropped, judge_dropped());
	/*
	 * Nothing at all came through: not the kernel's own packets either
	 * (IPv6 router and neighbour solicitations, MLD reports at link-up,
	 * ICMP errors), which a raw socket of the kernel's sends inside.
	 */
	EXPECT_EQ(0, peer_rx_packets(dev));
	ASSERT_EQ(0, apply_judge_tables(true, 0, false));
	/* vxlan resolves the inner address first (ARP, encapsulated too): retry. */
	for (int i = 0; i < 50 && !arr->udp_open; i++) {
		dev_sendto(inner_peer, UDP_OPEN, 0, SOCK_DGRAM);
		settle();
	}
	EXPECT_LT(0, arr->udp_open) TH_LOG("the tunnel does not deliver when allowed");
}

TEST_F_TIMEOUT(judge, ipip_outer_packet_is_judged, EGRESS_TEST_TIMEOUT_S)
{
	ASSERT_EQ(0, sh("modprobe ipip"));
	ASSERT_EQ(0, sh(IP " tunnel add jt0 mode ipip local " DEVICE_ADDR " remote " JUDGE_OUTER
			" && " IP " addr add 10.77.0.1/24 dev jt0 && " IP " link set jt0 up"));
	ASSERT_EQ(0, sh(IN_PEER IP " tunnel add jt0 mode ipip local " JUDGE_OUTER " remote "
			DEVICE_ADDR " && " IN_PEER IP " addr add 10.77.0.2/24 dev jt0 && "
			IN_PEER IP " link set jt0 up"));
	tunnel_case(_metadata, self->arr, "10.77.0.2", "jt0");
	sh(IP " link del jt0");
	sh(IN_PEER IP " link del jt0");
}

TEST_F_TIMEOUT(judge, vxlan_outer_packet_is_judged, EGRESS_TEST_TIMEOUT_S)
{
	ASSERT_EQ(0, sh("modprobe vxlan"));
	ASSERT_EQ(0, sh(IP " link add jv0 type vxlan id 42 dstport 4789 local " DEVICE_ADDR
			" remote " JUDGE_OUTER " dev veth0 && " IP " addr add 10.77.1.1/24 dev jv0"
			" && " IP " link set jv0 up"));
	ASSERT_EQ(0, sh(IN_PEER IP " link add jv0 type vxlan id 42 dstport 4789 local "
			JUDGE_OUTER " remote " DEVICE_ADDR " dev veth1 && " IN_PEER IP
			" addr add 10.77.1.2/24 dev jv0 && " IN_PEER IP " link set jv0 up"));
	tunnel_case(_metadata, self->arr, "10.77.1.2", "jv0");
	sh(IP " link del jv0");
	sh(IN_PEER IP " link del jv0");
}

/*
 * A client namespace FWD_NS behind the device (jf0), which forwards, and
 * tables whose service SVC_CGROUP may send anywhere. 0 or -1.
 */
static int forwarding_up(void)
{
	struct stat st;

	mkdir("/sys/fs/cgroup/iotguard", 0755);
	mkdir(SVC_CGROUP, 0755);
	if (stat(SVC_CGROUP, &st) || apply_judge_tables(false, st.st_ino, false) ||
	    sh(IP " netns add " FWD_NS " && "
	       IP " link add jf0 type veth peer name jf1 && "
	       IP " link set jf1 netns " FWD_NS " && "
	       IP " addr add 10.98.0.1/24 dev jf0 && "
	       IP " addr add fd00:98::1/64 dev jf0 nodad && " IP " link set jf0 up && "
	       IN_FWD IP " addr add " FWD_CLIENT "/24 dev jf1 && "
	       IN_FWD IP " addr add fd00:98::2/64 dev jf1 nodad && "
	       IN_FWD IP " link set jf1 up && "
	       IN_FWD IP " route add default via 10.98.0.1 && "
	       IN_FWD IP " -6 route add default via fd00:98::1"))
		return -1;
	return write_text("/proc/sys/net/ipv4/ip_forward", "1") ||
	       write_text("/proc/sys/net/ipv6/conf/all/forwarding", "1") ? -1 : 0;
}

/* Its end; harmless when it is down already. */
static void forwarding_down(void)
{
	write_text("/proc/sys/net/ipv4/ip_forward", "0");
	write_text("/proc/sys/net/ipv6/conf/all/forwarding", "0");
	run_capture(IP " link del jf0", NULL, 0);
	run_capture(IP " netns del " FWD_NS, NULL, 0);
}

/*
 * Run sends() as the client, in SVC_CGROUP and FWD_NS: its wait status,
 * exit 0 when sends() returned 0; -1 if no client ran.
 */
static int as_fwd_client(int (*sends)(void))
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int fd = open("/run/netns/" FWD_NS, O_RDONLY | O_CLOEXEC);
		char me[16];

		snprintf(me, sizeof(me), "%d", getpid());
		if (write_text(SVC_CGROUP "/cgroup.procs", me) || fd < 0 ||
		    setns(fd, CLONE_NEWNET))
			_exit(1);
		_exit(sends() ? 2 : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* Three datagrams to each port, IPv4 and IPv6, each from a socket of its own: 0 or -1. */
static int datagrams_each_way(void)
{
	/* Both leave the client: its service allows them. */
	for (int i = 0; i < 3; i++)
		if (dev_sendto(ATTACKER_ADDR, UDP_SHUT, 0, SOCK_DGRAM) ||
		    dev_sendto(PEER6, UDP_SHUT, 0, SOCK_DGRAM) ||
		    dev_sendto(ATTACKER_ADDR, UDP_OPEN, 0, SOCK_DGRAM) ||
		    dev_sendto(PEER6, UDP_OPEN, 0, SOCK_DGRAM))
			return -1;
	return 0;
}

/*
 * From a third namespace through the device to the peer: the sender is in
 * a service that may send anywhere, so its own socket passes; forwarded,
 * the packet has no socket and meets the device-wide rules, which allow
 * only UDP_OPEN. IPv4 and IPv6.
 */
TEST_F_TIMEOUT(judge, forwarded_packets_are_judged, EGRESS_TEST_TIMEOUT_S)
{
	unsigned long long dropped;
	int status;

	ASSERT_EQ(0, forwarding_up());
	dropped = judge_dropped();
	status = as_fwd_client(datagrams_each_way);
	EXPECT_EQ(0, status) TH_LOG("the client's sends failed: status %d", status);
	/* IPv6 resolves the peer's neighbour first: retry what is allowed. */
	settle();
	EXPECT_EQ(0, self->arr->udp_shut) TH_LOG("a forwarded packet reached a refused port");
	EXPECT_LE(6, judge_dropped() - dropped);
	EXPECT_LT(0, self->arr->udp_open) TH_LOG("forwarding does not deliver what is allowed");
	forwarding_down();
	rmdir(SVC_CGROUP);
}

/* Datagrams a flow sends: the flowtable takes it over from the second. */
#define FLOW_PACKETS 12

/* FLOW_PACKETS datagrams from one socket to addr and port: 0, or -1. */
static int one_flow(const char *addr, int port)
{
	struct sockaddr_storage to;
	socklen_t len = sockaddr_of(addr, port, &to);
	int fd = socket(to.ss_family, SOCK_DGRAM, 0), n = 0;

	if (fd < 0 || connect(fd, (struct sockaddr *)&to, len))
		return -1;
	for (int i = 0; i < FLOW_PACKETS; i++) {
		n += send(fd, "flow", 4, 0) == 4;
		usleep(20 * 1000);
	}
	close(fd);
	return n == FLOW_PACKETS ? 0 : -1;
}

/* A flow to each port, IPv4 and IPv6: 0 or -1. */
static int flows_each_way(void)
{
	static const char *const addrs[] = { ATTACKER_ADDR, PEER6 };

	for (int i = 0; i < 2; i++)
		if (one_flow(addrs[i], UDP_SHUT) || one_flow(addrs[i], UDP_OPEN))
			return -1;
	return 0;
}

/*
 * An nftables flowtable ("flow add" in a forward chain, root may make one
 * after the lock) sends the rest of a forwarded flow from the device it
 * came in by straight out, past every hook where it would be judged, once
 * its conntrack entry is confirmed. A refused flow's packets are dropped
 * before that, each: nothing arrives. An allowed flow arrives. IPv4 and
 * IPv6, one socket (one flow) each.
 */
TEST_F_TIMEOUT(judge, a_flowtable_forwards_no_refused_flow, EGRESS_TEST_TIMEOUT_S)
{
	unsigned long long dropped;
	char out[512];
	int status;

	if (access("/usr/sbin/nft", X_OK))
		SKIP(return, "no nft in this image (a foreign architecture's)");
	ASSERT_EQ(0, forwarding_up());
	ASSERT_EQ(0, run_capture("modprobe nft_flow_offload && modprobe nf_flow_table_inet && "
				 "nft add table inet ft && "
				 "nft add flowtable inet ft f '{ hook ingress priority 0; "
				 "devices = { jf0, veth0 }; }' && "
				 "nft add chain inet ft pass '{ type filter hook forward priority 0; }' && "
				 "nft add rule inet ft pass meta l4proto udp flow add @f",
				 out, sizeof(out))) TH_LOG("%s", out);
	dropped = judge_dropped();
	status = as_fwd_client(flows_each_way);
	EXPECT_EQ(0, status) TH_LOG("the client's sends failed: status %d", status);
	settle();
	EXPECT_EQ(0, self->arr->udp_shut) TH_LOG("a refused flow was forwarded by the flowtable");
	EXPECT_LE(2 * FLOW_PACKETS, judge_dropped() - dropped) TH_LOG("not every packet judged");
	EXPECT_LT(0, self->arr->udp_open) TH_LOG("forwarding does not deliver what is allowed");
	run_capture("nft delete table inet ft", NULL, 0);
	forwarding_down();
}

/* What the kernel answers reaching the peer are counted as, one per answer. */
static const char *const answer_counters[] = {
	"Icmp:InDestUnreachs", "Icmp6InDestUnreachs",	/* port unreachable, quoting */
	"Tcp:InSegs",					/* resets, both families */
	"Icmp:InEchoReps", "Icmp6InEchoReplies",	/* echo replies */
};
#define ANSWER_KINDS (sizeof(answer_counters) / sizeof(answer_counters[0]))

static void snapshot(long *v)
{
	for (size_t i = 0; i < ANSWER_KINDS; i++)
		v[i] = peer_snmp(answer_counters[i]);
}

/* A datagram, or a connection attempt, from the peer's address to the device's port: 0 or -errno. */
static int from_peer_address(const char *src, const char *dst, int type, int port)
{
	struct sockaddr_storage me, to;
	socklen_t ml = sockaddr_of(src, 0, &me), tl = sockaddr_of(dst, port, &to);
	int fd = socket(me.ss_family, type | SOCK_NONBLOCK, 0), ret = 0;

	if (fd < 0)
		return -errno;
	/* IPv4 routes nothing from a foreign source without it (root, before a lock). */
	if (me.ss_family == AF_INET)
		setsockopt(fd, SOL_IP, IP_TRANSPARENT, &(int){ 1 }, sizeof(int));
	if (bind(fd, (struct sockaddr *)&me, ml))
		ret = -errno;
	else if (type == SOCK_DGRAM && sendto(fd, "data", 4, 0, (struct sockaddr *)&to, tl) != 4)
		ret = -errno;
	else if (type == SOCK_STREAM && connect(fd, (struct sockaddr *)&to, tl) &&
		 errno != EINPROGRESS)
		ret = -errno;
	/* The reset comes back from the listener-less port at once. */
	if (type == SOCK_STREAM)
		usleep(WAIT_MS * 1000);
	close(fd);
	return ret;
}

/* Echo requests to the device from the peer's namespace, by ping socket: 0 or a status. */
static int ping_from_peer(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (enter_attacker() ||
		    write_text("/proc/sys/net/ipv4/ping_group_range", "0 0") ||
		    dev_ping(DEVICE_ADDR, false) || dev_ping(DEVICE_ADDR6, false))
			_exit(1);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Each kind of answer drawn once; 0 or the first failure. */
static int draw_answers(void)
{
	int ret;

	ret = from_peer_address(ATTACKER_ADDR, DEVICE_ADDR, SOCK_DGRAM, UDP_SHUT);
	if (!ret)
		ret = from_peer_address(PEER6, DEVICE_ADDR6, SOCK_DGRAM, UDP_SHUT);
	if (!ret)
		ret = from_peer_address(ATTACKER_ADDR, DEVICE_ADDR, SOCK_STREAM, PORT_SHUT);
	if (!ret)
		ret = from_peer_address(PEER6, DEVICE_ADDR6, SOCK_STREAM, PORT_SHUT);
	if (!ret)
		ret = ping_from_peer();
	return ret;
}

/*
 * The kernel's answers to a host the policy refuses. Root sends from the
 * peer's address (IPv6's ip_nonlocal_bind, which a lock leaves; IPv4 needs
 * IP_TRANSPARENT, which it refuses) to an address of the device, which the
 * tables allow: the port unreachable that quotes the datagram, and the
 * reset whose numbers the sender chose, would go out to the peer. A
 * process in another namespace pings the device over the veth: the echo
 * replies would carry its data out. None arrives while the peer is refused
 * (6 answers refused, at least); each kind arrives once the policy allows
 * the peer, so the test would see one.
 */
TEST_F_TIMEOUT(judge, kernel_answers_are_judged, EGRESS_TEST_TIMEOUT_S)
{
	long before[ANSWER_KINDS], after[ANSWER_KINDS];
	__u64 denied;

	ASSERT_EQ(0, write_text("/proc/sys/net/ipv4/ip_nonlocal_bind", "1"));
	ASSERT_EQ(0, write_text("/proc/sys/net/ipv6/ip_nonlocal_bind", "1"));
	snapshot(before);
	denied = egress_stat(EGRESS_STAT_DENIED);
	EXPECT_EQ(0, draw_answers());
	EXPECT_LE(denied + 6, denied_reaching(denied + 6));
	settle();
	snapshot(after);
	for (size_t i = 0; i < ANSWER_KINDS; i++) {
		EXPECT_LE(0, before[i]) TH_LOG("%s: not read", answer_counters[i]);
		EXPECT_EQ(before[i], after[i])
			TH_LOG("%s: %ld answers reached a refused peer", answer_counters[i],
			       after[i] - before[i]);
	}
	/* Allowed: each kind arrives. */
	ASSERT_EQ(0, apply_judge_tables(false, 0, true));
	memcpy(before, after, sizeof(before));
	EXPECT_EQ(0, draw_answers());
	for (int ms = 0, all = 0; !all && ms < SETTLE_MAX_MS; ms += WAIT_MS) {
		usleep(WAIT_MS * 1000);
		snapshot(after);
		all = 1;
		for (size_t i = 0; i < ANSWER_KINDS; i++)
			all &= after[i] > before[i];
	}
	for (size_t i = 0; i < ANSWER_KINDS; i++) {
		EXPECT_LT(before[i], after[i]) TH_LOG("%s: no answer when allowed",
						      answer_counters[i]);
	}
	write_text("/proc/sys/net/ipv4/ip_nonlocal_bind", "0");
	write_text("/proc/sys/net/ipv6/ip_nonlocal_bind", "0");
}

TEST_HARNESS_MAIN
