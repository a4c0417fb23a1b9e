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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "bpf_pin.h"
#include "egress.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "egress_peer.h"
#include "egress_tables.h"
#include "genl_client.h"
#include "sessions.h"
#include "util.h"

#define IN_PEER IP " netns exec " NETNS " "
#define FWD_NS "egress-fwd"
#define IN_FWD IP " netns exec " FWD_NS " "
#define FWD_CLIENT "10.98.0.2"

static unsigned long long judge_dropped(void)
{
	char buf[32];

	if (sysfs_read("counters/egress_judge_dropped", buf, sizeof(buf)))
		return ~0ULL;
	return strtoull(buf, NULL, 10);
}

static int sh(const char *cmd)
{
	char out[512];
	int ret = run_capture(cmd, out, sizeof(out));

	if (ret)
		fprintf(stderr, "# %s: %d: %s\n", cmd, ret, out);
	return ret;
}

FIXTURE(judge)
{
	struct arrivals *arr;
	pid_t peer;
};

FIXTURE_SETUP(judge)
{
	struct egress_attach_opts opts = { .cgroup_root = "/sys/fs/cgroup", .lsm = true };
	struct module_status st = {};
	struct genl_client *client;
	struct iotguard_error err;
	int ret;

	SKIP_SETUP_WITHOUT_BPF_LSM();
	ASSERT_EQ(0, setup_network());
	/* The peer's tunnel end: a second address the tables refuse. */
	sh(IN_PEER IP " addr replace " JUDGE_OUTER "/24 dev veth1");
	ret = egress_pinned() ? 0 : egress_attach(&opts, &err);
	ASSERT_LE(0, ret) TH_LOG("egress_attach: %s", err.msg);
	ASSERT_EQ(0, egress_set_judge(&err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, genl_client_open(&client));
	ASSERT_EQ(0, genl_client_get_status(client, &st));
	genl_client_close(client);
	ASSERT_NE(0, st.egress_judge);
	self->arr = peer_up(&self->peer);
	ASSERT_NE(NULL, self->arr);
	ASSERT_EQ(0, apply_judge_tables(false, 0));
}

FIXTURE_TEARDOWN(judge)
{
	struct iotguard_error err;

	EXPECT_EQ(0, egress_uninstall(&err));
	peer_down(self->arr, self->peer);
}

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
	ASSERT_EQ(0, apply_judge_tables(true, 0));
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
 * From a third namespace through the device to the peer: the sender is in
 * a service that may send anywhere, so its own socket passes; forwarded,
 * the packet has no socket and meets the device-wide rules, which allow
 * only UDP_OPEN. IPv4 and IPv6.
 */
TEST_F_TIMEOUT(judge, forwarded_packets_are_judged, EGRESS_TEST_TIMEOUT_S)
{
	unsigned long long dropped;
	struct stat st;
	int status;
	pid_t pid;

	mkdir("/sys/fs/cgroup/iotguard", 0755);
	mkdir(SVC_CGROUP, 0755);
	ASSERT_EQ(0, stat(SVC_CGROUP, &st));
	ASSERT_EQ(0, apply_judge_tables(false, st.st_ino));
	ASSERT_EQ(0, sh(IP " netns add " FWD_NS " && "
			IP " link add jf0 type veth peer name jf1 && "
			IP " link set jf1 netns " FWD_NS " && "
			IP " addr add 10.98.0.1/24 dev jf0 && "
			IP " addr add fd00:98::1/64 dev jf0 nodad && " IP " link set jf0 up && "
			IN_FWD IP " addr add " FWD_CLIENT "/24 dev jf1 && "
			IN_FWD IP " addr add fd00:98::2/64 dev jf1 nodad && "
			IN_FWD IP " link set jf1 up && "
			IN_FWD IP " route add default via 10.98.0.1 && "
			IN_FWD IP " -6 route add default via fd00:98::1"));
	ASSERT_EQ(0, write_text("/proc/sys/net/ipv4/ip_forward", "1"));
	ASSERT_EQ(0, write_text("/proc/sys/net/ipv6/conf/all/forwarding", "1"));
	dropped = judge_dropped();
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char me[16];
		int fd = open("/run/netns/" FWD_NS, O_RDONLY | O_CLOEXEC);

		snprintf(me, sizeof(me), "%d", getpid());
		if (write_text(SVC_CGROUP "/cgroup.procs", me) || fd < 0 ||
		    setns(fd, CLONE_NEWNET))
			_exit(1);
		/* Both leave the client: its service allows them. */
		for (int i = 0; i < 3; i++)
			if (dev_sendto(ATTACKER_ADDR, UDP_SHUT, 0, SOCK_DGRAM) ||
			    dev_sendto(PEER6, UDP_SHUT, 0, SOCK_DGRAM) ||
			    dev_sendto(ATTACKER_ADDR, UDP_OPEN, 0, SOCK_DGRAM) ||
			    dev_sendto(PEER6, UDP_OPEN, 0, SOCK_DGRAM))
				_exit(2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) TH_LOG("status %d", status);
	/* IPv6 resolves the peer's neighbour first: retry what is allowed. */
	settle();
	EXPECT_EQ(0, self->arr->udp_shut) TH_LOG("a forwarded packet reached a refused port");
	EXPECT_LE(6, judge_dropped() - dropped);
	EXPECT_LT(0, self->arr->udp_open) TH_LOG("forwarding does not deliver what is allowed");
	write_text("/proc/sys/net/ipv4/ip_forward", "0");
	write_text("/proc/sys/net/ipv6/conf/all/forwarding", "0");
	sh(IP " link del jf0");
	sh(IP " netns del " FWD_NS);
	rmdir(SVC_CGROUP);
}

/* Only a cgroup_skb/egress program can judge: anything else is refused. */
TEST_F_TIMEOUT(judge, only_an_egress_packet_program_judges, EGRESS_TEST_TIMEOUT_S)
{
	struct genl_client *client;
	int fd;

	ASSERT_EQ(0, genl_client_open(&client));
	/* Not a program, or a program of another kind: refused. */
	fd = open("/dev/null", O_RDONLY);
	EXPECT_EQ(-EINVAL, genl_client_set_egress_judge(client, fd));
	close(fd);
	fd = bpf_pin_link_prog_fd(EGRESS_LINK_PIN_PREFIX "egress_connect4");
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, genl_client_set_egress_judge(client, fd));
	close(fd);
	genl_client_close(client);
}

TEST_HARNESS_MAIN
