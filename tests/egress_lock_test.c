// SPDX-License-Identifier: GPL-2.0
/*
 * The outbound policy after `iotguardctl lock`: root tries every way to
 * widen it or take it away (a looser policy, no policy, writes to the live
 * and frozen maps, removing the pins, detaching or replacing the links),
 * and each time the destination it refused at lock is still refused and
 * the one it allowed still works. Stricter changes still apply. A lock
 * lasts until reboot: scripts/check runs this in a boot of its own.
 * What is tried before the lock (and the lock itself) is the fixture's,
 * egress_lock_fixture.h; the attacks' mechanics, egress_lock_attacks.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/genetlink.h>
#include <linux/tipc_config.h>
#include <linux/tipc_netlink.h>
#include <linux/netlink.h>
#include <linux/openvswitch.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "kselftest_harness.h"
#include "genl_raw.h"
#include "can_bus.h"
#include "bpf_pin.h"
#include "egress.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "egress_peer.h"
#include "egress_tables.h"
#include "genl_client.h"
#include "genl_families.h"
#include "held_write.h"
#include "nl_raw.h"
#include "sessions.h"
#include "util.h"

#include "egress_lock_attacks.h"
#include "egress_lock_fixture.h"

PROBE_BPF_LSM_BEFORE_THE_TESTS();

TEST_F_TIMEOUT(egress_lock, enforced_after_lock, EGRESS_TEST_TIMEOUT_S)
{
	EXPECT_STILL_ENFORCED("the lock");
}

TEST_F_TIMEOUT(egress_lock, audit_mode_and_looser_policy_do_not_widen, EGRESS_TEST_TIMEOUT_S)
{
	struct iotguard_error err;

	/* The live policy in audit mode: refuses nothing, but the floor does. */
	ASSERT_EQ(0, apply_tables(false, true));
	EXPECT_STILL_ENFORCED("an audit-mode policy");
	EXPECT_EQ(-1, socket(AF_INET, SOCK_RAW, IPPROTO_UDP));
	ASSERT_EQ(0, egress_uninstall(&err));
	EXPECT_STILL_ENFORCED("removing the policy");
	ASSERT_EQ(0, apply_tables(true, false));
}

TEST_F_TIMEOUT(egress_lock, live_map_writes_do_not_widen, EGRESS_TEST_TIMEOUT_S)
{
	struct egress_active off = { 0 };
	struct egress_config open_cfg = {
		.enforce = 0, .default_deny = 0, .raw_sockets = 1, .families = ~0ull,
	};
	__u32 key = 0;

	ASSERT_EQ(0, pinned_map_set(EGRESS_CONFIG_PIN, &(__u32){ 0 }, &open_cfg, true));
	ASSERT_EQ(0, pinned_map_set(EGRESS_CONFIG_PIN, &(__u32){ 1 }, &open_cfg, true));
	EXPECT_STILL_ENFORCED("writing an open config");
	/* The attacker's whole address allowed in the live hash, both generations. */
	for (int gen = 0; gen < 2; gen++) {
		struct egress_key4 k = { .prefixlen = EGRESS_KEY_FIXED_BITS + 32, .gen = gen };
		struct egress_set allow_all = { .count = 1, .e[0] = {
			.rule = 1, .protos = EGRESS_P_TCP | EGRESS_P_UDP | EGRESS_P_ICMP,
			.action = EGRESS_ENTRY_ALLOW, .port_first = 0, .port_last = 0xffff } };

		ASSERT_EQ(1, inet_pton(AF_INET, ATTACKER_ADDR, k.addr));
		ASSERT_EQ(0, pinned_map_set(EGRESS_H4_PIN, &k, &allow_all, true));
	}
	EXPECT_STILL_ENFORCED("allowing the address in the live hash");
	ASSERT_EQ(0, pinned_map_set(EGRESS_ACTIVE_PIN, &key, &off, true));
	EXPECT_STILL_ENFORCED("switching the live policy off");
	ASSERT_EQ(0, apply_tables(true, false));
}

TEST_F_TIMEOUT(egress_lock, floor_maps_are_frozen, EGRESS_TEST_TIMEOUT_S)
{
	struct egress_lock none = { 0 };
	struct egress_key4 k = { .prefixlen = EGRESS_KEY_FIXED_BITS };
	struct egress_set allow_all = { .count = 1, .e[0] = {
		.rule = 1, .protos = EGRESS_P_TCP | EGRESS_P_UDP | EGRESS_P_ICMP,
		.action = EGRESS_ENTRY_ALLOW, .port_first = 0, .port_last = 0xffff } };

	EXPECT_EQ(-EPERM, pinned_map_set(EGRESS_LOCK_PIN, &(__u32){ 0 }, &none, true));
	EXPECT_EQ(-EPERM, pinned_map_set(EGRESS_V4_FLOOR_PIN, &k, &allow_all, true));
	for (int gen = 0; gen < 2; gen++) {
		k.gen = gen;
		EXPECT_EQ(-EPERM, pinned_map_set(EGRESS_V4_FLOOR_PIN, &k, &allow_all, true));
	}
	/* The whole-address floor, with the attacker's address. */
	k.prefixlen = EGRESS_KEY_FIXED_BITS + 32;
	ASSERT_EQ(1, inet_pton(AF_INET, ATTACKER_ADDR, k.addr));
	for (int gen = 0; gen < 2; gen++) {
		struct egress_key6 k6 = { .prefixlen = EGRESS_KEY_FIXED_BITS + 128, .gen = gen };

		k.gen = gen;
		EXPECT_EQ(-EPERM, pinned_map_set(EGRESS_H4_FLOOR_PIN, &k, &allow_all, true));
		EXPECT_EQ(-EPERM, pinned_map_set(EGRESS_H6_FLOOR_PIN, &k6, &allow_all, true));
	}
	EXPECT_STILL_ENFORCED("writing the frozen maps");
}

/*
 * Frozen maps refuse system calls, not BPF programs: after the lock no fd
 * at all to the floor, or to where accepted connections came in, by pin
 * or by id (root's own cgroup program could write them). The lock's own
 * map still opens: status reads it.
 */
TEST_F_TIMEOUT(egress_lock, sealed_maps_give_no_fd, EGRESS_TEST_TIMEOUT_S)
{
	__u32 ids[64], refused = 0;
	struct bpf_prog_info info = { .nr_map_ids = 64, .map_ids = (__u64)(unsigned long)ids };
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(EGRESS_V4_FLOOR_PIN), prog;

	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EPERM, errno);
	if (fd >= 0)
		close(fd);
	fd = bpf_obj_get(EGRESS_LOCK_PIN);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
	prog = bpf_pin_link_prog_fd(EGRESS_LINK_PIN_PREFIX "egress_packet");
	ASSERT_LE(0, prog);
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(prog, &info, &len));
	close(prog);
	for (__u32 i = 0; i < info.nr_map_ids && i < 64; i++) {
		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd >= 0)
			close(fd);
		else if (errno == EPERM)
			refused++;
	}
	/* The four tries and hashes of the floor, its services, the arrivals, the SYN sources. */
	EXPECT_EQ(7, refused);
	EXPECT_STILL_ENFORCED("asking for the sealed maps");
}

/*
 * XDP sends frames no socket sent; a test run in live-frames mode too; an
 * extension replaces what judges.
 */
TEST_F_TIMEOUT(egress_lock, no_xdp_programs_or_test_runs, EGRESS_TEST_TIMEOUT_S)
{
	struct bpf_insn ret_pass[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 2 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	char data[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = data, .data_size_in = sizeof(data));
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_XDP, NULL, "GPL", ret_pass, 2, NULL);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EPERM, errno);
	if (fd >= 0)
		close(fd);
	/* A socket filter still loads; running it is refused. */
	fd = bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, NULL, "GPL", ret_pass, 2, NULL);
	ASSERT_LE(0, fd) TH_LOG("socket filter: %s", strerror(errno));
	EXPECT_EQ(-EPERM, bpf_prog_test_run_opts(fd, &run) ? -errno : 0);
	close(fd);
	/* Nor does an extension, which would replace the policy's own code. */
	fd = connect4_extension();
	EXPECT_EQ(-EPERM, fd);
	if (fd >= 0)
		close(fd);
	EXPECT_STILL_ENFORCED("loading programs");
}

/*
 * The lock gave the module the packet program as its judge (kmod/judge.c)
 * and it cannot be replaced, even by a program of the right kind. An IPIP
 * tunnel to a refused remote carries nothing, although the inner
 * destination (the peer's UDP_OPEN, routed into the tunnel) is allowed.
 */
TEST_F_TIMEOUT(egress_lock, judge_stays_and_tunnels_are_judged, EGRESS_TEST_TIMEOUT_S)
{
	struct bpf_insn ret_allow[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, load, .expected_attach_type = BPF_CGROUP_INET_EGRESS);
	struct module_status st = {};
	struct genl_client *client;
	char out[512];
	int fd, before;

	ASSERT_EQ(0, genl_client_open(&client));
	ASSERT_EQ(0, genl_client_get_status(client, &st));
	/* The policy's own program, not the one root offered before the lock. */
	{
		__u32 own = 0;

		ASSERT_EQ(0, bpf_pin_link_prog_id(EGRESS_LINK_PIN_PREFIX "egress_packet", &own));
		EXPECT_EQ(own, st.egress_judge);
	}
	fd = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, NULL, "GPL", ret_allow, 2, &load);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(-EPERM, genl_client_set_egress_judge(client, fd));
	/* And the judge is still the one the lock set. */
	{
		struct module_status after = {};

		EXPECT_EQ(0, genl_client_get_status(client, &after));
		EXPECT_EQ(st.egress_judge, after.egress_judge);
	}
	close(fd);
	genl_client_close(client);

	ASSERT_EQ(0, run_capture(IP " netns exec " NETNS " " IP " addr replace "
				 JUDGE_OUTER "/24 dev veth1 && " IP " netns exec " NETNS " " IP
				 " tunnel add jl0 mode ipip local " JUDGE_OUTER " remote " DEVICE_ADDR
				 " && " IP " netns exec " NETNS " " IP " link set jl0 up && " IP
				 " tunnel add jl0 mode ipip local " DEVICE_ADDR " remote " JUDGE_OUTER
				 " && " IP " link set jl0 up && " IP " route add " ATTACKER_ADDR
				 "/32 dev jl0", out, sizeof(out))) TH_LOG("%s", out);
	before = arr->udp_open;
	for (int i = 0; i < 3; i++)
		dev_sendto(ATTACKER_ADDR, UDP_OPEN, 0, SOCK_DGRAM);
	settle();
	EXPECT_EQ(before, arr->udp_open) TH_LOG("a tunnel carried data to a refused remote");
	run_capture(IP " link del jl0; " IP " netns exec " NETNS " " IP " link del jl0", out,
		    sizeof(out));
	EXPECT_STILL_ENFORCED("a tunnel");
}

/*
 * tc's actions (pedit, nat, mirred...) and nftables' netdev family act
 * after every hook that judges, and a flowtable sends a forwarded flow on
 * past them: after the lock none is added, in any family, and no rule
 * gives a flow to a flowtable made before. What is refused fails at
 * sendto(), before the kernel reads it; everything else still reaches the
 * kernel.
 */
TEST_F_TIMEOUT(egress_lock, no_tc_actions_or_netdev_rules, EGRESS_TEST_TIMEOUT_S)
{
	char buf[8192], out[512];
	size_t n = 0;

	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_ROUTE, buf, rawnl_put(buf, RTM_NEWTFILTER,
							      sizeof(struct tcmsg), AF_UNSPEC)));
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_ROUTE, buf, rawnl_put(buf, RTM_NEWACTION,
							      sizeof(struct tcamsg), AF_UNSPEC)));
	/* Behind harmless messages in the same send. */
	n = rawnl_put(buf, NLMSG_NOOP, 0, 0);
	n += rawnl_put(buf + n, RTM_NEWTFILTER, sizeof(struct tcmsg), AF_UNSPEC);
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_ROUTE, buf, n));
	EXPECT_EQ(0, rawnl_send(NETLINK_ROUTE, buf, rawnl_put(buf, RTM_GETLINK,
							 sizeof(struct ifinfomsg), AF_UNSPEC)));
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_NETFILTER, buf,
				     nft_batch(buf, NFT_MSG_NEWTABLE, NFPROTO_NETDEV)));
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_NETFILTER, buf,
				     nft_batch(buf, NFT_MSG_NEWTABLE, NFPROTO_BRIDGE)));
	EXPECT_EQ(0, rawnl_send(NETLINK_NETFILTER, buf,
				nft_batch(buf, NFT_MSG_NEWTABLE, NFPROTO_IPV4)));
	for (int i = 0; i < 3; i++) {
		static const uint8_t families[] = { NFPROTO_INET, NFPROTO_IPV4, NFPROTO_IPV6 };

		EXPECT_EQ(-EPERM, rawnl_send(NETLINK_NETFILTER, buf,
					     nft_batch(buf, NFT_MSG_NEWFLOWTABLE, families[i])));
		/* "flow add", with its name's NUL and without, behind other expressions. */
		EXPECT_EQ(-EPERM, rawnl_send(NETLINK_NETFILTER, buf, nft_rule_batch(
			buf, families[i], 0, 3, "flow_offload", 13, 0)));
		EXPECT_EQ(-EPERM, rawnl_send(NETLINK_NETFILTER, buf, nft_rule_batch(
			buf, families[i], 0, 0, "flow_offload", 12, 0)));
	}
	/* A name that only begins like it names another expression. */
	EXPECT_EQ(0, rawnl_send(NETLINK_NETFILTER, buf, nft_rule_batch(
		buf, NFPROTO_INET, 0, 0, "flow_offloa", 11, 0)));
	EXPECT_EQ(0, rawnl_send(NETLINK_NETFILTER, buf, nft_batch(buf, NFT_MSG_GETFLOWTABLE,
								   NFPROTO_INET)));
	if (!access("/usr/sbin/nft", X_OK)) {
		ASSERT_EQ(0, run_capture("nft add table inet fl", out, sizeof(out)));
		EXPECT_NE(0, run_capture("nft add flowtable inet fl f '{ hook ingress priority 0; "
					 "devices = { lo }; }'", out, sizeof(out)));
		run_capture("nft delete table inet fl", out, sizeof(out));
	}
	/* More messages than are looked at: refused whole; fewer pass. */
	for (n = 0; n < 300 * NLMSG_HDRLEN; )
		n += rawnl_put(buf + n, NLMSG_NOOP, 0, 0);
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_ROUTE, buf, n));
	EXPECT_EQ(0, rawnl_send(NETLINK_ROUTE, buf, 100 * NLMSG_HDRLEN));
	/* An encapsulation sends by its own output, past every hook; MPLS forwards past them. */
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_ROUTE, buf, route_msg(buf, ROUTE_ENCAP)));
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_ROUTE, buf, route_msg(buf, ROUTE_NEXTHOP_ENCAP)));
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_ROUTE, buf, route_msg(buf, ROUTE_MPLS)));
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_ROUTE, buf, route_msg(buf, NEXTHOP_ENCAP)));
	EXPECT_EQ(0, rawnl_send(NETLINK_ROUTE, buf, route_msg(buf, ROUTE_PLAIN)));
	EXPECT_EQ(0, rawnl_send(NETLINK_ROUTE, buf, route_msg(buf, ROUTE_NEXTHOPS)));
	EXPECT_EQ(0, rawnl_send(NETLINK_ROUTE, buf, route_msg(buf, NEXTHOP_PLAIN)));
	EXPECT_NE(0, run_capture(IP " route add 203.0.113.78/32 encap mpls 100 dev lo", out,
				 sizeof(out)));
	EXPECT_EQ(0, run_capture(IP " route add 203.0.113.78/32 dev lo", out, sizeof(out)))
		TH_LOG("%s", out);
	run_capture(IP " route del 203.0.113.78/32; " IP " route del 203.0.113.77/32", out,
		    sizeof(out));
	EXPECT_STILL_ENFORCED("netlink configuration");
}

/*
 * A rewrite of a packet's content at an inbound hook turns a packet the
 * refused host's kernel sends anyway (its neighbour advertisement) into a
 * connection from it, which the accepted-connection exemption answers.
 * After the lock no nftables payload write is added, in any family, and
 * no queued packet is given back changed; reading the payload still works.
 */
TEST_F_TIMEOUT(egress_lock, no_payload_rewrites, EGRESS_TEST_TIMEOUT_S)
{
	static const __u8 families[] = { NFPROTO_INET, NFPROTO_IPV4, NFPROTO_IPV6 };
	static char big[300 * 1024];
	char buf[16384], out[4096];

	for (size_t i = 0; i < sizeof(families); i++) {
		EXPECT_EQ(-EPERM, rawnl_send(NETLINK_NETFILTER, buf, nft_rule_batch(
			buf, families[i], 0, 0, "payload", 8, NFTA_PAYLOAD_SREG)));
		EXPECT_EQ(0, rawnl_send(NETLINK_NETFILTER, buf, nft_rule_batch(
			buf, families[i], 0, 0, "payload", 8, NFTA_PAYLOAD_DREG)));
	}
	/* The name with NULs to spare (the kernel drops them all). */
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_NETFILTER, buf, nft_rule_batch(
		buf, NFPROTO_INET, 0, 0, "payload\0\0\0\0", 12, NFTA_PAYLOAD_SREG)));
	/* The name without its NUL, behind a hundred other expressions. */
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_NETFILTER, buf, nft_rule_batch(
		buf, NFPROTO_INET, 0, 100, "payload", 7, NFTA_PAYLOAD_SREG)));
	EXPECT_EQ(0, rawnl_send(NETLINK_NETFILTER, buf, nft_rule_batch(
		buf, NFPROTO_INET, 0, 100, "payload", 7, NFTA_PAYLOAD_DREG)));
	/* A send too long to be looked through (NETLINK_STEPS) is refused whole. */
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_NETFILTER, big, nft_rule_batch(
		big, NFPROTO_INET, 70000, 0, "payload", 8, NFTA_PAYLOAD_DREG)));
	EXPECT_EQ(0, rawnl_send(NETLINK_NETFILTER, big, nft_rule_batch(
		big, NFPROTO_INET, 1000, 0, "payload", 8, NFTA_PAYLOAD_DREG)));
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_NETFILTER, buf,
				     nfq_verdict(buf, NFQNL_MSG_VERDICT, NF_ACCEPT, true)));
	EXPECT_EQ(0, rawnl_send(NETLINK_NETFILTER, buf,
				nfq_verdict(buf, NFQNL_MSG_VERDICT, NF_ACCEPT, false)));
	/* With the tool root would use, where the image has it. */
	if (!access("/usr/sbin/nft", X_OK)) {
		ASSERT_EQ(0, run_capture("nft add table inet rw && nft add chain inet rw pre "
					 "'{ type filter hook prerouting priority -300; }'",
					 out, sizeof(out))) TH_LOG("%s", out);
		EXPECT_NE(0, run_capture("nft add rule inet rw pre ip saddr set " ATTACKER_ADDR,
					 out, sizeof(out)));
		EXPECT_NE(0, run_capture("nft add rule inet rw pre tcp flags set syn", out,
					 sizeof(out)));
		EXPECT_EQ(0, run_capture("nft add rule inet rw pre ip saddr " ATTACKER_ADDR
					 " counter", out, sizeof(out))) TH_LOG("%s", out);
		ASSERT_EQ(0, run_capture("nft list chain inet rw pre", out, sizeof(out)));
		EXPECT_EQ(NULL, strstr(out, " set ")) TH_LOG("%s", out);
		EXPECT_NE(NULL, strstr(out, "counter")) TH_LOG("%s", out);
		EXPECT_EQ(0, run_capture("nft delete table inet rw", out, sizeof(out)));
	}
	EXPECT_STILL_ENFORCED("rewriting packets");
}

/*
 * A queue's verdict NF_STOP sends the packet on past every later hook of
 * its hook point, the module's judge at POST_ROUTING and LOCAL_IN (the
 * last) among them: after the lock no queued packet is given back so, by
 * a verdict or a batch of them, whatever the queue number in its upper
 * bits. Every other verdict still works.
 */
TEST_F_TIMEOUT(egress_lock, no_queue_verdict_skips_the_judge, EGRESS_TEST_TIMEOUT_S)
{
	static const uint16_t msgs[] = { NFQNL_MSG_VERDICT, NFQNL_MSG_VERDICT_BATCH };
	static const uint32_t allowed[] = { NF_ACCEPT, NF_DROP, NF_REPEAT, NF_QUEUE | 3 << 16 };
	char buf[1024];

	for (size_t i = 0; i < ARRAY_SIZE(msgs); i++) {
		EXPECT_EQ(-EPERM, rawnl_send(NETLINK_NETFILTER, buf,
					     nfq_verdict(buf, msgs[i], NF_STOP, false)));
		EXPECT_EQ(-EPERM, rawnl_send(NETLINK_NETFILTER, buf,
					     nfq_verdict(buf, msgs[i], NF_STOP | 7 << 16, false)));
		for (size_t j = 0; j < ARRAY_SIZE(allowed); j++) {
			EXPECT_EQ(0, rawnl_send(NETLINK_NETFILTER, buf,
						nfq_verdict(buf, msgs[i], allowed[j], false)))
				TH_LOG("verdict %#x refused", allowed[j]);
		}
	}
	EXPECT_STILL_ENFORCED("a queue's verdict");
}

/*
 * No kernel module loads after the lock (modprobe worked before it: the
 * fixture loaded ipip and nf_tables), and no socket becomes transparent,
 * which would send from an address that is not the device's.
 */
TEST_F_TIMEOUT(egress_lock, no_modules_no_transparent_sockets, EGRESS_TEST_TIMEOUT_S)
{
	char out[512];
	int one = 1, fd;

	/* scripts/check runs this in a boot of its own: nothing loaded vxlan. */
	ASSERT_NE(0, access("/sys/module/vxlan", F_OK)) TH_LOG("vxlan was loaded before the lock");
	EXPECT_NE(0, run_capture("modprobe vxlan", out, sizeof(out)));
	EXPECT_NE(0, access("/sys/module/vxlan", F_OK)) TH_LOG("vxlan loaded after the lock");
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EPERM, setsockopt(fd, SOL_IP, IP_TRANSPARENT, &one, sizeof(one)) ? -errno : 0);
	/* Other options still work. */
	EXPECT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ? -errno : 0);
	close(fd);
	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EPERM, setsockopt(fd, SOL_IPV6, IPV6_TRANSPARENT, &one, sizeof(one)) ? -errno : 0);
	close(fd);
	EXPECT_STILL_ENFORCED("loading a module");
}

/*
 * netconsole (a configfs target) and pktgen (/proc/net/pktgen) send from
 * the kernel past every hook, to where root writes: after the lock none
 * is configured again, in any network namespace; reading still works. The
 * fixture showed each sending before the lock, and left netconsole's
 * target disabled, aimed at the refused port.
 */
TEST_F_TIMEOUT(egress_lock, no_kernel_senders_configured, EGRESS_TEST_TIMEOUT_S)
{
	char out[256];
	pid_t child;
	int status;

	EXPECT_EQ(-EPERM, mkdir(CONFIGFS "/netconsole/late", 0755) ? -errno : 0);
	EXPECT_EQ(-EPERM, try_open(NETCONSOLE_TARGET "/enabled", O_WRONLY));
	EXPECT_EQ(-EPERM, try_open(NETCONSOLE_TARGET "/remote_ip", O_RDWR));
	EXPECT_EQ(0, read_text(NETCONSOLE_TARGET "/remote_port", out, sizeof(out)));
	EXPECT_STREQ("5301", out);
	/* A bind mount keeps the file's own name and directory. */
	ASSERT_EQ(0, sh("touch /tmp/enabled && mount --bind " NETCONSOLE_TARGET "/enabled "
			"/tmp/enabled"));
	EXPECT_EQ(-EPERM, try_open("/tmp/enabled", O_WRONLY));
	sh("umount /tmp/enabled");
	/* Were the target enabled, this would reach the refused port. */
	write_line("/dev/kmsg", "<2>iotguard test: netconsole after the lock");
	EXPECT_EQ(-EPERM, try_open(PKTGEN "pgctrl", O_WRONLY));
	EXPECT_EQ(-EPERM, try_open(PKTGEN "kpktgend_0", O_WRONLY));
	EXPECT_EQ(0, try_open(PKTGEN "pgctrl", O_RDONLY));
	EXPECT_EQ(-EPERM, pktgen_send(UDP_SHUT));
	/* By the thread's own view, a second procfs, and an fd opened for reading, opened again. */
	EXPECT_EQ(-EPERM, try_open("/proc/thread-self/net/pktgen/kpktgend_0", O_WRONLY));
	ASSERT_EQ(0, sh("mkdir -p /tmp/proc2 && mount -t proc proc /tmp/proc2"));
	EXPECT_EQ(-EPERM, try_open("/tmp/proc2/self/net/pktgen/kpktgend_0", O_WRONLY));
	sh("umount /tmp/proc2");
	{
		int fd = open(PKTGEN "kpktgend_0", O_RDONLY | O_CLOEXEC);
		char again[64];

		ASSERT_LE(0, fd);
		snprintf(again, sizeof(again), "/proc/self/fd/%d", fd);
		EXPECT_EQ(-EPERM, try_open(again, O_WRONLY));
		close(fd);
	}
	/* A new network namespace has a pktgen of its own. */
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		if (unshare(CLONE_NEWNET))
			_exit(2);
		_exit(try_open(PKTGEN "kpktgend_0", O_WRONLY) == -EPERM &&
		      !try_open(PKTGEN "pgctrl", O_RDONLY) ? 0 : 1);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, WIFEXITED(status) ? WEXITSTATUS(status) : -1)
		TH_LOG("pktgen in a new network namespace (2: unshare failed)");
	/* Other configfs and procfs writes still work. */
	EXPECT_EQ(0, try_open("/proc/sys/net/ipv4/ip_forward", O_WRONLY));
	EXPECT_STILL_ENFORCED("configuring netconsole and pktgen");
}

/*
 * A TIPC bearer makes the kernel send discovery frames of its own on the
 * link, with no TIPC socket: none is enabled after the lock, by either
 * family; disabling one still works (the kernel answers: there is none).
 */
TEST_F_TIMEOUT(egress_lock, no_tipc_bearers, EGRESS_TEST_TIMEOUT_S)
{
	struct raw_genl g;

	EXPECT_EQ(-EPERM, tipc_bearer(TIPC_NL_BEARER_ENABLE));
	EXPECT_EQ(-EPERM, tipc_bearer(TIPC_NL_BEARER_ADD));
	EXPECT_EQ(-EPERM, tipc_bearer(TIPC_NL_NET_SET));
	EXPECT_NE(-EPERM, tipc_bearer(TIPC_NL_BEARER_DISABLE));
	/* The old family's one command carries the old API's bearer enable. */
	ASSERT_EQ(0, raw_genl_open(&g, TIPC_GENL_NAME));
	EXPECT_EQ(-EPERM, raw_genl_send(&g, TIPC_GENL_CMD, 0, NULL, NULL, NULL));
	raw_genl_close(&g);
	EXPECT_STILL_ENFORCED("enabling a TIPC bearer");
}

/*
 * A CAN gateway route would put frames that no CAN socket of the policy's
 * sent (rewritten ones, or another interface's) on a bus: none is added
 * after the lock; deleting still works.
 */
TEST_F_TIMEOUT(egress_lock, no_can_gateway_routes, EGRESS_TEST_TIMEOUT_S)
{
	char msg[64];

	/* The frames that would cross: the fixture's lock (its sockets are its process's). */
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_ROUTE, msg, can_gw_msg(msg, RTM_NEWROUTE,
			(int)if_nametoindex(CAN_FROM), (int)if_nametoindex(CAN_TO))));
	EXPECT_EQ(0, rawnl_send(NETLINK_ROUTE, msg, can_gw_msg(msg, RTM_DELROUTE, 0, 0)));
	EXPECT_STILL_ENFORCED("adding a CAN gateway route");
}

/*
 * Open vSwitch's datapath rewrites and sends packets past every hook:
 * after the lock no datapath, port or flow is added or set and no packet
 * executed (by the ids its families had at the lock); reading and
 * deleting still work, and so does every other generic netlink family.
 */
TEST_F_TIMEOUT(egress_lock, no_datapath_changes, EGRESS_TEST_TIMEOUT_S)
{
	static const char *const names[] = {
		OVS_DATAPATH_FAMILY, OVS_VPORT_FAMILY, OVS_FLOW_FAMILY, OVS_PACKET_FAMILY,
	};
	const size_t body = GENL_HDRLEN + sizeof(struct ovs_header);
	static char big[400 * NLMSG_SPACE(GENL_HDRLEN + sizeof(struct ovs_header))];
	struct iotguard_error err;
	uint16_t ids[4];
	struct genl_client *client;
	struct module_status st;
	char buf[1024];
	size_t n;

	ASSERT_EQ(0, genl_family_ids(names, 4, ids, &err)) TH_LOG("%s", err.msg);
	for (int i = 0; i < 4; i++) {
		ASSERT_NE(0, ids[i]) TH_LOG("%s is not registered", names[i]);
	}
	for (int i = 0; i < 3; i++) {
		/* NEW, SET and the commands past them; GET and DEL work. */
		EXPECT_EQ(-EPERM, rawnl_send(NETLINK_GENERIC, buf,
					     rawnl_put(buf, ids[i], body, OVS_DP_CMD_NEW)));
		EXPECT_EQ(-EPERM, rawnl_send(NETLINK_GENERIC, buf,
					     rawnl_put(buf, ids[i], body, OVS_DP_CMD_SET)));
		EXPECT_EQ(-EPERM, rawnl_send(NETLINK_GENERIC, buf, rawnl_put(buf, ids[i], body, 40)));
		EXPECT_EQ(0, rawnl_send(NETLINK_GENERIC, buf,
					rawnl_put(buf, ids[i], body, OVS_DP_CMD_GET)));
		EXPECT_EQ(0, rawnl_send(NETLINK_GENERIC, buf,
					rawnl_put(buf, ids[i], body, OVS_DP_CMD_DEL)));
	}
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_GENERIC, buf,
				     rawnl_put(buf, ids[3], body, OVS_PACKET_CMD_EXECUTE)));
	/* Behind a harmless message in the same send. */
	n = rawnl_put(buf, ids[2], body, OVS_FLOW_CMD_GET);
	n += rawnl_put(buf + n, ids[2], body, OVS_FLOW_CMD_NEW);
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_GENERIC, buf, n));
	/* The control family, and iotguard's own; more messages than nftables may send. */
	EXPECT_EQ(0, rawnl_send(NETLINK_GENERIC, buf,
				rawnl_put(buf, GENL_ID_CTRL, GENL_HDRLEN, CTRL_CMD_GETFAMILY)));
	for (n = 0; n < 300 * NLMSG_SPACE(GENL_HDRLEN); )
		n += rawnl_put(big + n, GENL_ID_CTRL, GENL_HDRLEN, CTRL_CMD_GETFAMILY);
	EXPECT_EQ(0, rawnl_send(NETLINK_GENERIC, big, n));
	/* The same with a refused one last. */
	n += rawnl_put(big + n, ids[2], body, OVS_FLOW_CMD_NEW);
	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_GENERIC, big, n));
	ASSERT_EQ(0, genl_client_open(&client));
	EXPECT_EQ(0, genl_client_get_status(client, &st));
	genl_client_close(client);
	EXPECT_STILL_ENFORCED("changing the datapath");
}

TEST_F_TIMEOUT(egress_lock, stricter_still_applies, EGRESS_TEST_TIMEOUT_S)
{
	struct egress_lock lock;
	char out[4096];

	/* The agent's load after lock keeps the pinned programs and their maps. */
	{
		struct egress_attach_opts opts = { .cgroup_root = "/sys/fs/cgroup", .lsm = true };
		struct iotguard_error err;

		EXPECT_EQ(EGRESS_KEPT, egress_attach(&opts, &err)) TH_LOG("%s", err.msg);
		EXPECT_EQ(0, access(EGRESS_V4_PIN, F_OK));
		EXPECT_EQ(0, access(EGRESS_ACTIVE_PIN, F_OK));
	}
	/* explain judges the file, and says the floor applies too. */
	run_capture("iotguardctl egress explain " ATTACKER_ADDR " 4431", out, sizeof(out));
	EXPECT_NE(NULL, strstr(out, "note: locked until reboot")) TH_LOG("%s", out);
	/* A second lock changes nothing. */
	EXPECT_EQ(0, run_capture("iotguardctl lock", out, sizeof(out))) TH_LOG("%s", out);
	ASSERT_EQ(0, egress_lock_state(&lock));
	EXPECT_EQ(1, lock.locked);
	/* Stricter: nothing allowed at all (default deny, no entries). */
	{
		struct egress_tables none = {
			.config = { .enforce = 1, .default_deny = 1 },
		};
		struct iotguard_error err;

		ASSERT_EQ(0, egress_apply(&none, NULL, 0, &err)) TH_LOG("%s", err.msg);
	}
	EXPECT_EQ(-EPERM, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_OPEN));
	ASSERT_EQ(0, apply_tables(true, false));
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_OPEN));
}

/* Last: the pins go, bpffs goes, every link is asked to detach or change program. */
TEST_F_TIMEOUT(egress_lock, zz_links_cannot_be_removed, EGRESS_TEST_TIMEOUT_S)
{
	__u32 id = 0;
	int detached = 0, updated = 0, dummy;
	const struct bpf_insn ret1[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 1 },	/* r0 = 1 */
		{ .code = 0x95 },				/* exit */
	};

	/* A program that could rewrite a judged address: refused after lock. */
	dummy = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, "allow", "GPL", ret1, 2,
			      &(struct bpf_prog_load_opts){
				.sz = sizeof(struct bpf_prog_load_opts),
				.expected_attach_type = BPF_CGROUP_INET4_CONNECT });
	EXPECT_GT(0, dummy);
	EXPECT_EQ(EPERM, errno);
	dummy = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "tc", "GPL", ret1, 2, NULL);
	EXPECT_GT(0, dummy);
	EXPECT_EQ(EPERM, errno);
	/* Nor one that rewrites a setsockopt after the LSM passed it (into IP_TRANSPARENT). */
	dummy = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SOCKOPT, "sockopt", "GPL", ret1, 2,
			      &(struct bpf_prog_load_opts){
				.sz = sizeof(struct bpf_prog_load_opts),
				.expected_attach_type = BPF_CGROUP_SETSOCKOPT });
	EXPECT_GT(0, dummy);
	EXPECT_EQ(EPERM, errno);
	/* Nor one that writes TCP options of its choosing into segments (a SYN-ACK's too). */
	dummy = bpf_prog_load(BPF_PROG_TYPE_SOCK_OPS, "sockops", "GPL", ret1, 2, NULL);
	EXPECT_GT(0, dummy);
	EXPECT_EQ(EPERM, errno);
	/* One that cannot (a packet filter) still loads: the replacement offered below. */
	dummy = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, "skb", "GPL", ret1, 2, NULL);
	EXPECT_LE(0, dummy) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(0, run_capture("rm -rf " EGRESS_PIN_DIR, NULL, 0));
	EXPECT_STILL_ENFORCED("removing the pins");
	EXPECT_EQ(0, umount2("/sys/fs/bpf", MNT_DETACH)) TH_LOG("%s", strerror(errno));
	EXPECT_STILL_ENFORCED("unmounting bpffs");
	/* lock_test's walk over every link, with an update tried as well as a detach. */
	while (!bpf_link_get_next_id(id, &id)) {
		int fd = bpf_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (dummy >= 0 && !bpf_link_update(fd, dummy, NULL))
			updated++;
		if (!bpf_link_detach(fd))
			detached++;
		close(fd);
	}
	EXPECT_EQ(0, updated);
	EXPECT_EQ(0, detached);
	EXPECT_STILL_ENFORCED("BPF_LINK_DETACH and BPF_LINK_UPDATE on every link");
	if (dummy >= 0)
		close(dummy);
}

/*
 * Last (it removes the module): a kernel with CONFIG_MODULE_FORCE_UNLOAD
 * (Debian's) lets root unload even a locked module. Its own parts go (the
 * gate, the judge of tunnels), but the links it held stay attached: with
 * the agent gone and the pins removed, the policy still holds.
 */
TEST_F_TIMEOUT(egress_lock, zzz_forced_unload_keeps_the_links, EGRESS_TEST_TIMEOUT_S)
{
	char log[4096];
	int agent = agentd_pid();

	if (syscall(SYS_delete_module, "iotguard", O_NONBLOCK | O_TRUNC))
		SKIP(return, "no forced unload here (%s): the lock keeps the module",
		     strerror(errno));
	if (agent > 1)
		kill(agent, SIGKILL);
	run_capture("rm -rf " EGRESS_PIN_DIR, NULL, 0);
	EXPECT_STILL_ENFORCED("a forced unload");
	EXPECT_EQ(0, run_capture("dmesg | grep 'iotguard: '", log, sizeof(log)));
	EXPECT_NE(NULL, strstr(log, "stay attached until reboot")) TH_LOG("%s", log);
}

TEST_HARNESS_MAIN
