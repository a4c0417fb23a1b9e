// SPDX-License-Identifier: GPL-2.0
/*
 * The exemption of an accepted connection's answers (bpf/egress_arrival.bpf.h),
 * with the module's judge: answers pass unjudged only while they leave by
 * the device their connection came in on, to where its SYN came from. Each
 * test moves, deletes or renumbers what a connection came in by, or
 * rewrites where it came from, and shows that what then leaves for a
 * refused peer never arrives, and that it does once the policy allows it.
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

#define STRINGIFY(x) #x
#define STR(x) STRINGIFY(x)

/* The device's own IPv6 counter (/proc/net/snmp6), or -1. */
static long own_snmp6(const char *name)
{
	char line[128];
	size_t n = strlen(name);
	long v = -1;
	FILE *f = fopen("/proc/net/snmp6", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && (line[n] == ' ' || line[n] == '\t'))
			v = strtol(line + n, NULL, 10);
	fclose(f);
	return v;
}

/*
 * An accepted connection's answers leave the way it came in. Root makes a
 * third namespace over a veth hold the peer's address, routes the peer's
 * address there, and connects from it to the device (an allowed
 * destination); the device accepts. Then root deletes that route: the
 * accepted socket's data now goes out veth0 to the real peer, which the
 * policy refuses. Nothing arrives; once the peer is allowed, it does.
 */
TEST_F_TIMEOUT(judge, accepted_connection_leaving_another_way_is_judged, EGRESS_TEST_TIMEOUT_S)
{
	int l = listen_on(INBOUND_PORT), a;
	pid_t client = -1;
	long before, after;
	__u64 denied;

	ASSERT_LE(0, l);
	a = accept_via_third_ns(l, INBOUND_PORT, &client);
	EXPECT_LE(0, a) TH_LOG("the connection from the third namespace did not come in");
	if (a >= 0 && !sh(IP " route del " ATTACKER_ADDR "/32 via 10.97.0.2 dev ja0")) {
		before = peer_snmp("Tcp:InSegs");
		denied = egress_stat(EGRESS_STAT_DENIED);
		/* The write may be queued: the backstop drops what it sends. */
		EXPECT_EQ(4, write(a, "data", 4));
		EXPECT_LT(denied, denied_reaching(denied + 1)) TH_LOG("the answer left unjudged");
		settle();
		after = peer_snmp("Tcp:InSegs");
		EXPECT_EQ(before, after)
			TH_LOG("%ld segments reached a refused peer", after - before);
		/* Allowed: the same socket's data arrives (its retransmission). */
		EXPECT_EQ(0, apply_judge_tables(false, 0, true));
		for (int ms = 0; peer_snmp("Tcp:InSegs") <= before && ms < SETTLE_MAX_MS;
		     ms += WAIT_MS)
			usleep(WAIT_MS * 1000);
		EXPECT_LT(before, peer_snmp("Tcp:InSegs")) TH_LOG("nothing arrives when allowed");
	}
	if (a >= 0)
		close(a);
	close(l);
	third_ns_down(client);
}

/*
 * An allowed client (client, of family "ip" or "ip6") is accepted and gets
 * data; once nftables' input hook rewrites its SYN's source to the
 * refused address, nothing comes in and nothing reaches its namespace.
 */
static void nat_at_input_case(struct __test_metadata *_metadata, int l, const char *client,
			      const char *family, const char *refused)
{
	unsigned long long dropped;
	pid_t pid = -1;
	char cmd[512], out[512];
	long before;
	int a;

	a = accept_via_third_ns_from(l, INBOUND_PORT, client, &pid);
	EXPECT_LE(0, a) TH_LOG("%s: the allowed client's connection did not come in", client);
	if (a >= 0) {
		/* Tcp:InSegs counts IPv4 and IPv6 alike. */
		before = snmp_in(ACC_NS, "Tcp:InSegs");
		EXPECT_EQ(4, write(a, "data", 4));
		for (int ms = 0; snmp_in(ACC_NS, "Tcp:InSegs") <= before && ms < SETTLE_MAX_MS;
		     ms += WAIT_MS)
			usleep(WAIT_MS * 1000);
		EXPECT_LT(before, snmp_in(ACC_NS, "Tcp:InSegs"))
			TH_LOG("%s: the allowed client got nothing", client);
		close(a);
	}
	third_ns_down(pid);
	snprintf(cmd, sizeof(cmd), "modprobe nft_chain_nat && modprobe nft_nat && "
		 "nft add table %s natin && "
		 "nft add chain %s natin in '{ type nat hook input priority 100; }' && "
		 "nft add rule %s natin in %s saddr %s tcp dport " STR(INBOUND_PORT) " snat to %s",
		 family, family, family, family, client, refused);
	ASSERT_EQ(0, run_capture(cmd, out, sizeof(out))) TH_LOG("%s", out);
	dropped = judge_dropped();
	a = accept_via_third_ns_from(l, INBOUND_PORT, client, &pid);
	EXPECT_GT(0, a) TH_LOG("%s: a connection from an address NAT made up came in", client);
	EXPECT_LT(dropped, judge_dropped()) TH_LOG("%s: the module did not drop the SYN", client);
	EXPECT_EQ(0, snmp_in(ACC_NS, "Tcp:InSegs")) TH_LOG("%s: the device answered the SYN",
							    client);
	if (a >= 0)
		close(a);
	third_ns_down(pid);
	snprintf(cmd, sizeof(cmd), "nft delete table %s natin", family);
	run_capture(cmd, NULL, 0);
}

/*
 * A connection request whose source NAT rewrote is refused. Root adds an
 * SNAT at the input hook that makes an allowed client's SYN come from the
 * refused peer's address (routed by the same link, ja0, to the third
 * namespace, which holds it): the accepted socket's peer would be an
 * address that sent nothing, and once root exempts the answers from
 * conntrack (a notrack rule, or an entry let expire) they would leave for
 * it as an accepted connection's answers, unjudged. The module drops the
 * SYN: nothing comes in, nothing reaches the third namespace. Without the
 * NAT the same client is accepted and gets the data. IPv4, then IPv6 (the
 * header found past extension headers, the refused address the peer's).
 */
TEST_F_TIMEOUT(judge, a_syn_whose_source_nat_rewrote_is_refused, EGRESS_TEST_TIMEOUT_S)
{
	int l = listen_on(INBOUND_PORT), a;
	unsigned long long dropped;
	char out[512];

	if (access("/usr/sbin/nft", X_OK))
		SKIP(return, "no nft in this image (a foreign architecture's)");
	ASSERT_LE(0, l);
	nat_at_input_case(_metadata, l, THIRD_NS_CLIENT, "ip", ATTACKER_ADDR);
	nat_at_input_case(_metadata, l, THIRD_NS_CLIENT6, "ip6", PEER6);
	/*
	 * One sent on the device still comes in when NAT rewrote it (a blanket
	 * masquerade does): it arrives on loopback, where its answers stay.
	 */
	ASSERT_EQ(0, run_capture("modprobe nft_masq && nft add table ip natout && "
				 "nft add chain ip natout post '{ type nat hook postrouting priority 100; }' && "
				 "nft add rule ip natout post masquerade", out, sizeof(out))) TH_LOG("%s", out);
	dropped = judge_dropped();
	{
		struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(INBOUND_PORT),
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, peer;
		struct timeval wait = { .tv_sec = 10 };
		socklen_t len = sizeof(peer);
		int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		ASSERT_LE(0, c);
		ASSERT_EQ(0, setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof(wait)));
		struct pollfd ready = { .fd = l, .events = POLLIN };

		EXPECT_EQ(0, connect(c, (struct sockaddr *)&to, sizeof(to)) ? -errno : 0);
		/* The listener's side completes when it takes the last ACK, maybe after connect(). */
		poll(&ready, 1, wait.tv_sec * 1000);
		a = accept4(l, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		EXPECT_LE(0, a) TH_LOG("a local connection NAT rewrote did not come in");
		if (a >= 0) {
			EXPECT_NE(htonl(INADDR_LOOPBACK), peer.sin_addr.s_addr)
				TH_LOG("the masquerade did not rewrite the source: nothing shown");
			close(a);
		}
		close(c);
	}
	EXPECT_EQ(dropped, judge_dropped());
	close(l);
	run_capture("nft delete table ip natout", NULL, 0);
}

/*
 * A SYN-ACK leaves only by the device its SYN came in by. Root gives a
 * third namespace the peer's address and sends the device's listener a
 * SYN from it, while the device's route to that address stays the peer's
 * link: there the listener's SYN-ACK, or with syncookies=2 the kernel's
 * cookie SYN-ACK, would reach a refused host that sent nothing, with
 * bytes root chose (ports, the acknowledged sequence number, echoed IP
 * options). Each is refused; the peer's own SYN is still answered, by a
 * listener and by a cookie.
 */
TEST_F_TIMEOUT(judge, a_syn_ack_leaves_only_where_its_syn_came_in, EGRESS_TEST_TIMEOUT_S)
{
	static const char *const cookies[] = { "1", "2" };
	int l = listen_on(INBOUND_PORT), a;
	pid_t client;

	ASSERT_LE(0, l);
	for (size_t i = 0; i < 2; i++) {
		long before = peer_snmp("Tcp:InSegs");
		__u64 denied = egress_stat(EGRESS_STAT_DENIED);

		ASSERT_EQ(0, write_text("/proc/sys/net/ipv4/tcp_syncookies", cookies[i]));
		client = syn_via_third_ns(l, INBOUND_PORT);
		EXPECT_LT(0, client);
		EXPECT_LT(denied, denied_reaching(denied + 1))
			TH_LOG("the SYN-ACK left unjudged (syncookies=%s)", cookies[i]);
		settle();
		EXPECT_EQ(before, peer_snmp("Tcp:InSegs"))
			TH_LOG("SYN-ACKs reached the refused peer (syncookies=%s)", cookies[i]);
		third_ns_down(client);
	}
	for (size_t i = 0; i < 2; i++) {
		ASSERT_EQ(0, write_text("/proc/sys/net/ipv4/tcp_syncookies", cookies[i]));
		a = accept_from_peer(l, INBOUND_PORT, &client);
		EXPECT_LE(0, a) TH_LOG("the peer's own SYN was not answered (syncookies=%s)",
				       cookies[i]);
		if (a >= 0)
			close(a);
		peer_down(NULL, client);
	}
	write_text("/proc/sys/net/ipv4/tcp_syncookies", "1");
	close(l);
}

/*
 * Write to the accepted socket a: the segments that then reached the peer.
 * If refused, counted once the backstop counted a refusal; else once
 * something arrived (at most SETTLE_MAX_MS).
 */
static long data_reaching_peer(struct __test_metadata *_metadata, int a, bool refused)
{
	long before = peer_snmp("Tcp:InSegs");
	__u64 denied = egress_stat(EGRESS_STAT_DENIED);

	EXPECT_EQ(4, write(a, "data", 4));
	if (refused) {
		EXPECT_LT(denied, denied_reaching(denied + 1)) TH_LOG("the answer left unjudged");
		settle();
	}
	for (int ms = 0; !refused && peer_snmp("Tcp:InSegs") <= before && ms < SETTLE_MAX_MS;
	     ms += WAIT_MS)
		usleep(WAIT_MS * 1000);
	return peer_snmp("Tcp:InSegs") - before;
}

/*
 * An accepted connection's answers pass unjudged while they leave by the
 * device it came in on. Root deletes that device and gives its index to
 * one that leads to the refused peer: made with the index, or made in
 * another namespace at that index and moved in (a device keeps its index
 * when it moves). The answers leave by a device of that index that is not
 * the one they came by: judged, nothing arrives.
 */
TEST_F_TIMEOUT(judge, a_deleted_devices_index_given_to_another_is_judged, EGRESS_TEST_TIMEOUT_S)
{
	int l = listen_on(INBOUND_PORT);

	ASSERT_LE(0, l);
	/* Each way with a connection of its own: the peer resets one its data reached. */
	for (int moved = 0; moved < 2; moved++) {
		pid_t client = -1;
		unsigned int idx;
		char cmd[256];
		int a;

		a = accept_via_third_ns(l, INBOUND_PORT, &client);
		ASSERT_LE(0, a) TH_LOG("the connection from the third namespace did not come in");
		idx = index_in("", "ja0");
		ASSERT_NE(0, idx);
		ASSERT_EQ(0, sh(IP " link del ja0"));
		if (moved) {
			ASSERT_EQ(0, sh(IP " netns add " IDX_NS));
			ASSERT_EQ(0, veth_at_index_in_ns(idx)) TH_LOG("no device at %u in " IDX_NS, idx);
			ASSERT_EQ(0, sh(IP " -n " IDX_NS " link set jb0 netns 1"));
		} else {
			snprintf(cmd, sizeof(cmd),
				 IP " link add jb0 index %u type veth peer name jb1 netns " NETNS, idx);
			ASSERT_EQ(0, sh(cmd));
		}
		ASSERT_EQ(idx, index_in("", "jb0"));
		ASSERT_EQ(0, sh(IP " -n " NETNS " link set jb1 up && " IP " link set jb0 up && "
				IP " route replace " ATTACKER_ADDR "/32 dev jb0"));
		EXPECT_EQ(0, data_reaching_peer(_metadata, a, true))
			TH_LOG("by a device %s at index %u", moved ? "moved in" : "made", idx);
		close(a);
		third_ns_down(client);
		sh(IP " link del jb0");
		if (moved)
			sh(IP " netns del " IDX_NS);
	}
	close(l);
}

/*
 * The handshake pending on the device's port (SYN_RECV in /proc/net/tcp
 * or tcp6, where a dual-stack listener's requests are): how many times
 * its SYN-ACK was resent, or -1 if there is none.
 */
static int synack_resends(int port)
{
	static const char *const tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };
	unsigned int lport, state, resends;
	char line[256];
	int n = -1;

	for (size_t i = 0; i < 2; i++) {
		FILE *f = fopen(tables[i], "r");

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, " %*u: %*x:%x %*x:%*x %x %*x:%*x %*x:%*x %x", &lport, &state,
				   &resends) == 3 &&
			    lport == (unsigned int)port && state == 3)
				n = (int)resends;
		fclose(f);
	}
	return n;
}

/*
 * The same with a handshake still pending: a SYN from the peer's address
 * comes in by ja0 and the listener's SYN-ACKs are lost there, so it
 * resends them, routed anew each time. Root deletes ja0 and gives its
 * index to a device that leads to the refused peer, made there or moved
 * in. The next SYN-ACK (acknowledging the SYN's number, root's choice)
 * leaves by a device of that index that is not the one the SYN came in
 * by: judged, nothing arrives. With the peer allowed, the same path
 * delivers.
 */
TEST_F_TIMEOUT(judge, a_pending_handshakes_device_index_given_to_another_is_judged,
	       EGRESS_TEST_TIMEOUT_S)
{
	/* SYN-ACKs are resent 1, 3, 7, 15 and 31 s after the SYN. */
	ASSERT_EQ(0, write_text("/proc/sys/net/ipv4/tcp_synack_retries", "5"));
	for (int round = 0; round < 3; round++) {
		bool moved = round == 1, allowed = round == 2;
		int l = listen_on(INBOUND_PORT), ms;
		unsigned int idx;
		long before;
		pid_t client;
		char cmd[512];

		/* A listener each round: closing it ends the round's handshake. */
		ASSERT_LE(0, l);
		client = pending_syn_via_third_ns(l, INBOUND_PORT);
		idx = index_in("", "ja0");
		ASSERT_LT(0, client);
		ASSERT_NE(0, idx);
		ASSERT_EQ(0, apply_judge_tables(false, 0, allowed));
		if (moved) {
			/* Made beforehand: a namespace has indexes of its own. */
			ASSERT_EQ(0, sh(IP " netns add " IDX_NS));
			ASSERT_EQ(0, veth_at_index_in_ns(idx)) TH_LOG("no device at %u in " IDX_NS, idx);
			snprintf(cmd, sizeof(cmd), IP " -n " IDX_NS " link set jb0 netns 1");
		} else {
			snprintf(cmd, sizeof(cmd),
				 IP " link add jb0 index %u type veth peer name jb1 netns " NETNS, idx);
		}
		/*
		 * Swap right after the second resend: a resend while no route
		 * leads back, or refused, would end the handshake, and the
		 * third is 4 s later.
		 */
		for (ms = 0; synack_resends(INBOUND_PORT) < 2 && ms < SETTLE_MAX_MS; ms += 10)
			usleep(10 * 1000);
		ASSERT_EQ(2, synack_resends(INBOUND_PORT)) TH_LOG("no handshake pending");
		before = peer_snmp("Tcp:InSegs");
		ASSERT_EQ(0, sh(IP " link del ja0") || sh(cmd) ||
			     sh(IN_PEER "sh -c 'echo 0 > /proc/sys/net/ipv4/conf/jb1/rp_filter' && "
				IN_PEER IP " link set jb1 up && " IP " link set jb0 up && "
				IP " route replace " ATTACKER_ADDR "/32 dev jb0"));
		ASSERT_EQ(idx, index_in("", "jb0"));
		ASSERT_EQ(2, synack_resends(INBOUND_PORT)) TH_LOG("the swap outlasted 4 s");
		for (ms = 0; synack_resends(INBOUND_PORT) == 2 && ms < SETTLE_MAX_MS; ms += WAIT_MS)
			usleep(WAIT_MS * 1000);
		ASSERT_NE(2, synack_resends(INBOUND_PORT)) TH_LOG("no SYN-ACK was resent");
		if (allowed) {
			for (ms = 0; peer_snmp("Tcp:InSegs") <= before && ms < SETTLE_MAX_MS;
			     ms += WAIT_MS)
				usleep(WAIT_MS * 1000);
			EXPECT_LT(before, peer_snmp("Tcp:InSegs")) TH_LOG("nothing arrives when allowed");
		} else {
			settle();
			EXPECT_EQ(before, peer_snmp("Tcp:InSegs"))
				TH_LOG("a SYN-ACK reached the refused peer by a device %s at index %u",
				       moved ? "moved in" : "made", idx);
			/* A refused resend ends the handshake (reqsk_timer_handler). */
			EXPECT_EQ(-1, synack_resends(INBOUND_PORT))
				TH_LOG("the refused SYN-ACK did not end the handshake");
		}
		close(l);
		third_ns_down(client);
		sh(IP " link del jb0");
		if (moved)
			sh(IP " netns del " IDX_NS);
	}
}

/*
 * The far end of the veth a connection came in on moves into the refused
 * peer's namespace: the device is the same, where it leads is not. Its
 * answers are judged: nothing arrives.
 */
TEST_F_TIMEOUT(judge, a_veth_whose_far_end_moved_is_judged, EGRESS_TEST_TIMEOUT_S)
{
	int l = listen_on(INBOUND_PORT), a;
	pid_t client = -1;

	ASSERT_LE(0, l);
	a = accept_via_third_ns(l, INBOUND_PORT, &client);
	ASSERT_LE(0, a) TH_LOG("the connection from the third namespace did not come in");
	ASSERT_EQ(0, sh(IP " -n " ACC_NS " link set ja1 netns " NETNS " && "
			IN_PEER IP " addr add 10.97.0.2/24 dev ja1 && " IN_PEER IP " link set ja1 up && "
			IN_PEER "sh -c 'echo 0 > /proc/sys/net/ipv4/conf/ja1/rp_filter'"));
	EXPECT_EQ(0, data_reaching_peer(_metadata, a, true)) TH_LOG("by the veth whose far end moved");
	close(a);
	close(l);
	third_ns_down(client);
}

/*
 * Remove a link's pin, the only holder of the link and of its program,
 * and wait until the program is gone: the kernel releases the link (which
 * detaches the program) after the pin, and the program after that. 0 or
 * -errno.
 */
static int unlink_link(const char *pin)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(pin), ret;

	if (fd < 0)
		return -errno;
	ret = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	if (ret || unlink(pin))
		return ret ? ret : -errno;
	for (int ms = 0; ms < SETTLE_MAX_MS; ms += 10) {
		fd = bpf_prog_get_fd_by_id(info.prog_id);
		if (fd < 0)
			return 0;
		close(fd);
		usleep(10 * 1000);
	}
	return -ETIMEDOUT;
}

/*
 * A handshake without its record (here the program that records
 * handshakes is detached meanwhile; more handshakes kept pending than
 * egress_handshakes holds evict records alike) is judged like any
 * destination: its SYN-ACK answers no recorded SYN, so the connection does
 * not come in (a SYN that nftables queued while its socket became a
 * listener comes to the judge as that listener's), and if it did nothing
 * would reach the refused peer.
 * Recorded again, an accepted connection's answers reach it.
 */
TEST_F_TIMEOUT(judge, an_accepted_connection_without_a_record_is_judged, EGRESS_TEST_TIMEOUT_S)
{
	struct egress_attach_opts opts = { .cgroup_root = "/sys/fs/cgroup", .lsm = true };
	int l = listen_on(INBOUND_PORT), a;
	struct iotguard_error err;
	pid_t client = -1;

	ASSERT_LE(0, l);
	ASSERT_EQ(0, unlink_link(EGRESS_LINK_PIN_PREFIX "egress_conn_request"));
	a = accept_from_peer(l, INBOUND_PORT, &client);
	EXPECT_GT(0, a) TH_LOG("a listener answered a SYN it has no record of");
	if (a >= 0) {
		EXPECT_EQ(0, data_reaching_peer(_metadata, a, true)) TH_LOG("without a record");
		close(a);
	}
	/* Programs of one load again (egress_attach replaces them all). */
	EXPECT_LE(0, egress_attach(&opts, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(0, egress_set_judge(&err)) TH_LOG("%s", err.msg);
	peer_down(NULL, client);
	a = accept_from_peer(l, INBOUND_PORT, &client);
	ASSERT_LE(0, a);
	EXPECT_LT(0, data_reaching_peer(_metadata, a, false)) TH_LOG("a recorded connection's answers");
	close(a);
	peer_down(NULL, client);
	close(l);
}

/*
 * A connection accepted before the programs were replaced (an agent's
 * upgrade, or root removing a pin before the lock) has no record in the
 * new programs' maps: judged like any destination, nothing reaches the
 * refused peer. So is any accepted connection whose record could not be
 * made (root can shrink net.core.optmem_max, which socket storage counts
 * against): a TCP connect()ed socket is marked a client instead, and a
 * connect whose mark cannot be made is refused.
 */
TEST_F_TIMEOUT(judge, accepted_connections_without_a_record_are_judged, EGRESS_TEST_TIMEOUT_S)
{
	struct egress_attach_opts opts = { .cgroup_root = "/sys/fs/cgroup", .lsm = true };
	int l = listen_on(INBOUND_PORT), a;
	struct iotguard_error err;
	pid_t client = -1;
	char optmem[32];

	ASSERT_LE(0, l);
	a = accept_from_peer(l, INBOUND_PORT, &client);
	ASSERT_LE(0, a) TH_LOG("the peer's connection did not come in");
	ASSERT_EQ(0, unlink_link(EGRESS_LINK_PIN_PREFIX "egress_sendmsg6"));
	EXPECT_LE(0, egress_attach(&opts, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(0, egress_set_judge(&err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(0, data_reaching_peer(_metadata, a, true)) TH_LOG("accepted before a reload");
	close(a);
	peer_down(NULL, client);

	ASSERT_EQ(0, read_text("/proc/sys/net/core/optmem_max", optmem, sizeof(optmem)));
	ASSERT_EQ(0, write_text("/proc/sys/net/core/optmem_max", "0"));
	EXPECT_EQ(-EPERM, dev_connect(SOCK_STREAM, DEVICE_ADDR, INBOUND_PORT))
		TH_LOG("a TCP connect that could not be marked a client");
	ASSERT_EQ(0, write_text("/proc/sys/net/core/optmem_max", optmem));
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, DEVICE_ADDR, INBOUND_PORT));
	drain(l);
	close(l);
}

/*
 * What keeps the link working still leaves while most is refused: MLD
 * reports (after a hop-by-hop header) for a group joined on veth0, and
 * the SYN-ACKs of SYN cookies (no socket) to a host the policy refuses,
 * which connects in.
 */
TEST_F_TIMEOUT(judge, link_upkeep_and_syn_cookies_pass, EGRESS_TEST_TIMEOUT_S)
{
	struct ipv6_mreq mr = { .ipv6mr_interface = if_nametoindex("veth0") };
	long reports = own_snmp6("Icmp6OutMLDv2Reports");
	int fd = socket(AF_INET6, SOCK_DGRAM, 0), l = listen_on(INBOUND_PORT);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, l);
	ASSERT_LE(0, reports);
	inet_pton(AF_INET6, "ff05::1:2:3", &mr.ipv6mr_multiaddr);
	ASSERT_EQ(0, setsockopt(fd, SOL_IPV6, IPV6_JOIN_GROUP, &mr, sizeof(mr)));
	for (int ms = 0; own_snmp6("Icmp6OutMLDv2Reports") <= reports && ms < SETTLE_MAX_MS;
	     ms += 10)
		usleep(10 * 1000);
	EXPECT_LT(reports, own_snmp6("Icmp6OutMLDv2Reports")) TH_LOG("no MLD report left");
	close(fd);
	ASSERT_EQ(0, write_text("/proc/sys/net/ipv4/tcp_syncookies", "2"));
	EXPECT_EQ(0, attacker_connect(ATTACKER_ADDR, DEVICE_ADDR, INBOUND_PORT))
		TH_LOG("a SYN cookie's SYN-ACK was refused");
	write_text("/proc/sys/net/ipv4/tcp_syncookies", "1");
	close(l);
}

/*
 * An inbound connection from a host the policy refuses is a service's
 * client: the device's data reaches it (its answers leave the way the
 * connection came in).
 */
TEST_F_TIMEOUT(judge, inbound_connection_exchanges_data, EGRESS_TEST_TIMEOUT_S)
{
	int l = listen_on(INBOUND_PORT), a = -1, status;
	pid_t pid;

	ASSERT_LE(0, l);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct sockaddr_storage to;
		socklen_t tl = sockaddr_of(DEVICE_ADDR, INBOUND_PORT, &to);
		struct timeval tv = { .tv_sec = SETTLE_MAX_MS / 1000 };
		char buf[4];
		int c;

		close(l);
		if (enter_attacker())
			_exit(1);
		c = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (c < 0 || connect(c, (struct sockaddr *)&to, tl))
			_exit(2);
		_exit(recv(c, buf, sizeof(buf), MSG_WAITALL) == 4 && !memcmp(buf, "data", 4) ? 0 : 3);
	}
	for (int ms = 0; a < 0 && ms < SETTLE_MAX_MS; ms += 10) {
		a = accept(l, NULL, NULL);
		if (a < 0)
			usleep(10 * 1000);
	}
	EXPECT_LE(0, a);
	if (a >= 0) {
		EXPECT_EQ(4, write(a, "data", 4));
		close(a);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the client got no data (status %d)", status);
	close(l);
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
