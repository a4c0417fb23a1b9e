/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kselftest fixture `egress_lock` of egress_lock_test.c: the policy's
 * programs attached and a policy in force (apply_tables), CAN buses and
 * the modules the tests need loaded, then, before the lock, each way root
 * could send past it or make the lock take a weaker floor tried (kernel
 * senders, a TIPC bearer, a CAN gateway route, an extension program, a
 * write held in progress, a decoy pin, an allow-all judge), and the lock.
 * The first test's setup locks; later ones find it locked. A harness
 * fixture defines functions: include this once, in egress_lock_test.c.
 */
#ifndef IOTGUARD_TEST_EGRESS_LOCK_FIXTURE_H
#define IOTGUARD_TEST_EGRESS_LOCK_FIXTURE_H

#include "kselftest_harness.h"
#include "can_bus.h"
#include "egress_lock_attacks.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "egress_peer.h"
#include "egress_tables.h"
#include "genl_client.h"
#include "held_write.h"
#include "nl_raw.h"
#include "util.h"

/* Each test runs in a child of its own: the peer is started in each. */
static struct arrivals *arr;
static pid_t peer;
/* CAN buses: a frame written on CAN_FROM reaches CAN_TO only by a CAN gateway route. */
#define CAN_FROM "vcan1"
#define CAN_TO "vcan0"
/* Opened before the policy by the first fixture: the writer on CAN_FROM, the receiver on CAN_TO. */
static int can_tx = -1, can_rx = -1;

/* The guarantee, after each attack: PORT_SHUT refused, PORT_OPEN allowed. */
#define EXPECT_STILL_ENFORCED(what) do {					\
	EXPECT_EQ(-EPERM, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_SHUT))	\
		TH_LOG("after %s, a refused destination got through", what);	\
	EXPECT_EQ(-EPERM, dev_sendto(ATTACKER_ADDR, UDP_SHUT, 0, SOCK_DGRAM))	\
		TH_LOG("after %s, a refused destination got through", what);	\
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_OPEN))	\
		TH_LOG("after %s, the allowed destination was refused", what);	\
	EXPECT_EQ(-EPERM, family_socket(AF_CAN))				\
		TH_LOG("after %s, a family the policy does not name opened", what); \
	settle();								\
	EXPECT_EQ(0, arr->tcp_shut);						\
	EXPECT_EQ(0, arr->udp_shut);						\
} while (0)

/*
 * Before the lock, netconsole and pktgen send to where root says,
 * past every hook (to the allowed port here: what the lock refuses
 * afterwards is the same with the refused one). netconsole's target
 * stays, disabled, for the test to try to enable.
 */
static void kernel_senders_before_lock(struct __test_metadata *_metadata)
{
	char out[4096];
	long deadline = now_ms() + SETTLE_MAX_MS;
	int ret, sent;

	ASSERT_EQ(0, netconsole_target(UDP_OPEN)) TH_LOG("%s", write_failed);
	ret = write_line(NETCONSOLE_TARGET "/enabled", "1");
	/* veth has no netpoll after 6.1: there the proof is pktgen's alone. */
	if (ret != -NETPOLL_UNSUPPORTED) {
		ASSERT_EQ(0, ret) TH_LOG("%s", write_failed);
		while (!arr->udp_open && now_ms() < deadline) {
			if (write_line("/dev/kmsg", "<2>iotguard test: netconsole before the lock"))
				TH_LOG("%s", write_failed);
			usleep(WAIT_MS * 1000);
		}
		if (!arr->udp_open)
			run_capture("dmesg | grep -iE 'netpoll|netconsole' | tail -20; "
				    "cat /proc/net/dev; " IP " -n " NETNS " -s link show veth1; "
				    "cat /proc/sys/kernel/printk", out, sizeof(out));
		ASSERT_LT(0, arr->udp_open) TH_LOG("netconsole sends nothing before the lock:\n%s", out);
		ASSERT_EQ(0, write_line(NETCONSOLE_TARGET "/enabled", "0"));
	}
	ASSERT_EQ(0, netconsole_target(UDP_SHUT)) TH_LOG("%s", write_failed);
	sent = arr->udp_open;
	ASSERT_EQ(0, pktgen_send(UDP_OPEN)) TH_LOG("configuring pktgen: %s", write_failed);
	deadline = now_ms() + SETTLE_MAX_MS;
	while (arr->udp_open == sent && now_ms() < deadline)
		usleep(WAIT_MS * 1000);
	ASSERT_LT(sent, arr->udp_open) TH_LOG("pktgen sends nothing before the lock");
}

/* Before the lock TIPC's bearer is enabled and disabled (the commands are right). */
static void tipc_bearer_before_lock(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, tipc_bearer(TIPC_NL_BEARER_ENABLE));
	ASSERT_EQ(0, tipc_bearer(TIPC_NL_BEARER_DISABLE));
}

/* Before the lock a CAN gateway route copies root's frame from one bus to the other. */
static void can_gateway_before_lock(struct __test_metadata *_metadata)
{
	char msg[64];

	ASSERT_EQ(0, rawnl_send(NETLINK_ROUTE, msg, can_gw_msg(msg, RTM_NEWROUTE,
			(int)if_nametoindex(CAN_FROM), (int)if_nametoindex(CAN_TO))));
	ASSERT_EQ(0, can_write(can_tx, 0x201));
	ASSERT_EQ(0x201, can_received(can_rx, SETTLE_MAX_MS))
		TH_LOG("no frame through the CAN gateway before the lock");
	ASSERT_EQ(0, rawnl_send(NETLINK_ROUTE, msg, can_gw_msg(msg, RTM_DELROUTE, 0, 0)));
	ASSERT_EQ(0, can_write(can_tx, 0x202));
	ASSERT_EQ(0, can_received(can_rx, 200)) TH_LOG("the gateway route stayed");
}

/*
 * Root replaces the connect4 program's body with an extension that
 * allows everything (a refused datagram then leaves), or only loads
 * it, to attach after the lock. The lock refuses, naming it, and
 * locks once it is gone.
 */
static void lock_refuses_an_extension(struct __test_metadata *_metadata)
{
	struct egress_lock lock = {};
	char out[4096];
	int ext, link;

	ASSERT_EQ(-EPERM, dev_connect(SOCK_DGRAM, ATTACKER_ADDR, UDP_UNCOUNTED));
	ext = connect4_extension();
	ASSERT_LE(0, ext) TH_LOG("loading the extension: %s\n%s", strerror(-ext), ext_log);
	link = bpf_link_create(ext, 0, 0, NULL);
	ASSERT_LE(0, link) TH_LOG("attaching the extension: %s", strerror(errno));
	ASSERT_EQ(0, dev_connect(SOCK_DGRAM, ATTACKER_ADDR, UDP_UNCOUNTED));
	EXPECT_NE(0, run_capture("iotguardctl lock", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "extension (freplace), attached to program"))
		TH_LOG("%s", out);
	close(link);
	EXPECT_EQ(-EPERM, dev_connect(SOCK_DGRAM, ATTACKER_ADDR, UDP_UNCOUNTED));
	EXPECT_NE(0, run_capture("iotguardctl lock", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "(allow_all) is an extension")) TH_LOG("%s", out);
	close(ext);
	ASSERT_EQ(0, egress_lock_state(&lock));
	ASSERT_EQ(0, lock.locked);
}

/*
 * Before the lock, root holds a write to egress_lock in progress: a
 * lock that counted the freeze's EBUSY as "frozen already" reported
 * success with a map root could still write. It fails, and says why.
 */
static void lock_refuses_a_held_write(struct __test_metadata *_metadata)
{
	char out[4096];
	struct egress_lock open_lock = {
		.locked = 1, .config = { .enforce = 1, .raw_sockets = 1 },
	};
	struct held_write held = { 0 };

	ASSERT_EQ(0, hold_write(&held, EGRESS_LOCK_PIN));
	EXPECT_NE(0, run_capture("iotguardctl lock", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "held in progress")) TH_LOG("%s", out);
	/*
	 * The write lands: egress_lock says locked, with a floor that
	 * allows everything, and stays writable. A lock must not take
	 * that for its own.
	 */
	ASSERT_EQ(0, release_write(&held, &open_lock, sizeof(open_lock)));
}

/*
 * Root pins a look-alike in place of egress_lock: a lock would freeze
 * the decoy and leave the programs' own map writable. It refuses, and
 * the real pin put back, it locks.
 */
static void lock_refuses_a_decoy_pin(struct __test_metadata *_metadata)
{
	char out[4096];
	int real = bpf_obj_get(EGRESS_LOCK_PIN);
	int decoy = bpf_map_create(BPF_MAP_TYPE_ARRAY, "egress_lock", sizeof(__u32),
				   sizeof(struct egress_lock), 1, NULL);

	ASSERT_LE(0, real);
	ASSERT_LE(0, decoy);
	ASSERT_EQ(0, unlink(EGRESS_LOCK_PIN));
	ASSERT_EQ(0, bpf_obj_pin(decoy, EGRESS_LOCK_PIN));
	EXPECT_NE(0, run_capture("iotguardctl lock", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "its pin was replaced")) TH_LOG("%s", out);
	ASSERT_EQ(0, unlink(EGRESS_LOCK_PIN));
	ASSERT_EQ(0, bpf_obj_pin(real, EGRESS_LOCK_PIN));
	close(decoy);
	close(real);
}

/*
 * Root hands the module a judge that allows everything: the lock
 * replaces it with the policy's own program before it locks.
 */
static void module_given_an_allow_all_judge(struct __test_metadata *_metadata)
{
	struct bpf_insn ret_allow[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, load,
		    .expected_attach_type = BPF_CGROUP_INET_EGRESS);
	struct genl_client *client;
	int fd = bpf_prog_load(BPF_PROG_TYPE_CGROUP_SKB, NULL, "GPL", ret_allow, 2, &load);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, genl_client_open(&client));
	ASSERT_EQ(0, genl_client_set_egress_judge(client, fd));
	genl_client_close(client);
	close(fd);
}

/*
 * After the lock, no gateway route: root's frame stays on its bus.
 * Checked in the setup, as the CAN sockets are this process's (each test
 * runs in a child of the harness, and none may open one after the lock).
 */
static void no_can_gateway_after_lock(struct __test_metadata *_metadata)
{
	char msg[64];

	EXPECT_EQ(-EPERM, rawnl_send(NETLINK_ROUTE, msg, can_gw_msg(msg, RTM_NEWROUTE,
			(int)if_nametoindex(CAN_FROM), (int)if_nametoindex(CAN_TO))));
	EXPECT_EQ(0, can_write(can_tx, 0x203));
	EXPECT_EQ(0, can_received(can_rx, 500)) TH_LOG("a frame crossed to the other bus");
}

FIXTURE(egress_lock) {
	int unused;
};

FIXTURE_SETUP(egress_lock)
{
	struct egress_attach_opts opts = { .cgroup_root = "/sys/fs/cgroup", .lsm = true };
	struct egress_lock lock = {};
	struct iotguard_error err;
	char out[4096];

	SKIP_SETUP_WITHOUT_BPF_LSM();
	ASSERT_EQ(0, setup_network());
	arr = peer_up(&peer);
	ASSERT_NE(NULL, arr);
	/* Locked by the first test's setup (the module says so: later tests remove the pins). */
	if ((!egress_lock_state(&lock) && lock.locked) ||
	    (!sysfs_read("locked", out, sizeof(out)) && !strcmp(out, "1")))
		return;
	ASSERT_LE(0, egress_attach(&opts, &err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, can_bus_up(CAN_FROM));
	ASSERT_EQ(0, can_bus_up(CAN_TO));
	can_tx = can_socket(CAN_FROM);
	can_rx = can_socket(CAN_TO);
	ASSERT_LE(0, can_tx);
	ASSERT_LE(0, can_rx);
	ASSERT_EQ(0, apply_tables(true, false));
	/* After the lock no module loads: the tests' are loaded before. */
	ASSERT_EQ(0, run_capture("modprobe ipip && modprobe nf_tables && "
				 "modprobe nft_flow_offload && modprobe nf_flow_table_inet && "
				 "modprobe mpls_iptunnel && modprobe netconsole && "
				 "modprobe pktgen && modprobe openvswitch && modprobe can-gw && modprobe tipc && "
				 "{ grep -q ' " CONFIGFS " ' /proc/mounts || "
				 "mount -t configfs configfs " CONFIGFS "; }",
				 out, sizeof(out)))
		TH_LOG("%s", out);
	kernel_senders_before_lock(_metadata);
	tipc_bearer_before_lock(_metadata);
	can_gateway_before_lock(_metadata);
	lock_refuses_an_extension(_metadata);
	lock_refuses_a_held_write(_metadata);
	lock_refuses_a_decoy_pin(_metadata);
	module_given_an_allow_all_judge(_metadata);
	ASSERT_EQ(0, run_capture("iotguardctl lock", out, sizeof(out))) TH_LOG("%s", out);
	ASSERT_EQ(0, egress_lock_state(&lock));
	ASSERT_EQ(1, lock.locked);
	ASSERT_EQ(1, lock.config.default_deny);
	no_can_gateway_after_lock(_metadata);
}

FIXTURE_TEARDOWN(egress_lock)
{
	peer_down(arr, peer);
}

#endif /* IOTGUARD_TEST_EGRESS_LOCK_FIXTURE_H */
