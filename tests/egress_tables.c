// SPDX-License-Identifier: GPL-2.0
/* The outbound policy tests' tables, written straight into the pinned maps. */
#include <errno.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "egress_loader.h"
#include "egress_maps.h"
#include "egress_peer.h"
#include "egress_tables.h"
#include "netpath.h"
#include "sessions.h"
#include "util.h"

static struct egress_table_entry entry(int family, const char *addr, int prefix,
				       uint16_t svc)
{
	struct egress_table_entry e = { .family = family, .svc = svc, .prefix_len = prefix };

	inet_pton(family, addr, e.addr);
	return e;
}

static void add(struct egress_table_entry *e, uint16_t rule, uint8_t protos, uint8_t action,
		uint16_t first, uint16_t last)
{
	e->set.e[e->set.count++] = (struct egress_entry){
		.rule = rule, .protos = protos, .action = action,
		.port_first = first, .port_last = last,
	};
}

/*
 * The peer (10.99.0.2, fd00:99::2) is allowed on PORT_OPEN and UDP_OPEN
 * (rules 1 and 2, both families); rule 3 denies 10.99.0.0/24 on every
 * other port of 5000..5999. Everything else: the default (deny).
 */
/*
 * With a service (svc 1, the cgroup SVC_CGROUP, level 2) whose own rule 4
 * allows the peer's PORT_SHUT and SVC_ONLY_PORT, and a device-wide deny (rule 5) of the
 * peer's UDP_SHUT that the service's rule 6 allows in vain. shuffle:
 * write the entries in another order (the swap test alternates).
 */
int apply_full(bool enforce, bool raw_sockets, uint64_t svc_cgroup, bool shuffle)
{
	struct egress_table_entry e[6];
	struct egress_tables t = { .entries = e, .entry_count = 3 };
	struct egress_service_cgroup svc = { .cgroup_id = svc_cgroup, .svc = 1 };
	struct iotguard_error err;
	int ret;

	e[0] = entry(AF_INET, ATTACKER_ADDR, 32, 0);
	add(&e[0], 3, EGRESS_P_UDP, EGRESS_ENTRY_DENY, 5000, UDP_OPEN - 1);
	add(&e[0], 3, EGRESS_P_UDP, EGRESS_ENTRY_DENY, UDP_OPEN + 1, 5999);
	add(&e[0], 1, EGRESS_P_TCP, EGRESS_ENTRY_ALLOW, PORT_OPEN, PORT_OPEN);
	add(&e[0], 2, EGRESS_P_UDP, EGRESS_ENTRY_ALLOW, UDP_OPEN, UDP_OPEN);
	e[1] = entry(AF_INET, "10.99.0.0", 24, 0);
	add(&e[1], 3, EGRESS_P_UDP, EGRESS_ENTRY_DENY, 5000, UDP_OPEN - 1);
	add(&e[1], 3, EGRESS_P_UDP, EGRESS_ENTRY_DENY, UDP_OPEN + 1, 5999);
	e[2] = entry(AF_INET6, PEER6, 128, 0);
	add(&e[2], 1, EGRESS_P_TCP, EGRESS_ENTRY_ALLOW, PORT_OPEN, PORT_OPEN);
	add(&e[2], 2, EGRESS_P_UDP, EGRESS_ENTRY_ALLOW, UDP_OPEN, UDP_OPEN);
	t.config = (struct egress_config){
		.enforce = enforce, .default_deny = 1, .raw_sockets = raw_sockets, .rule_count = 3,
	};
	if (svc_cgroup) {
		e[3] = entry(AF_INET, ATTACKER_ADDR, 32, 1);
		add(&e[3], 4, EGRESS_P_TCP, EGRESS_ENTRY_ALLOW, PORT_SHUT, PORT_SHUT);
		add(&e[3], 4, EGRESS_P_TCP, EGRESS_ENTRY_ALLOW, SVC_ONLY_PORT, SVC_ONLY_PORT);
		add(&e[3], 6, EGRESS_P_UDP, EGRESS_ENTRY_ALLOW, UDP_SHUT, UDP_SHUT);
		e[4] = e[0];
		e[4].set.count = 0;
		add(&e[4], 5, EGRESS_P_UDP, EGRESS_ENTRY_DENY, UDP_SHUT, UDP_SHUT);
		for (uint32_t i = 0; i < e[0].set.count; i++)
			e[4].set.e[e[4].set.count++] = e[0].set.e[i];
		e[0] = e[4];
		t.entry_count = 4;
		t.config.rule_count = 6;
		t.config.svc_levels = 1u << 2;
	}
	/* The device's own INBOUND_PORT, so that the peer may connect to it. */
	e[t.entry_count] = entry(AF_INET, DEVICE_ADDR, 32, 0);
	add(&e[t.entry_count++], 1, EGRESS_P_TCP, EGRESS_ENTRY_ALLOW, INBOUND_PORT, INBOUND_PORT);
	if (shuffle) {
		struct egress_table_entry tmp = e[0];

		e[0] = e[t.entry_count - 1];
		e[t.entry_count - 1] = tmp;
	}
	ret = egress_apply(&t, &svc, svc_cgroup ? 1 : 0, &err);
	if (ret)
		fprintf(stderr, "# egress_apply: %s\n", err.msg);
	return ret;
}

int apply_tables(bool enforce, bool raw_sockets)
{
	return apply_full(enforce, raw_sockets, 0, false);
}

int apply_families(bool enforce, uint64_t families, uint64_t svc_cgroup, uint64_t svc_families)
{
	struct egress_tables t = { .entry_count = 0 };
	struct egress_service_cgroup svc = {
		.cgroup_id = svc_cgroup, .svc = 1, .families = svc_families,
	};
	struct iotguard_error err;
	int ret;

	t.config = (struct egress_config){
		.enforce = enforce, .default_deny = 1, .raw_sockets = 1, .families = families,
		.svc_levels = svc_cgroup ? 1u << 2 : 0,
	};
	ret = egress_apply(&t, &svc, svc_cgroup ? 1 : 0, &err);
	if (ret)
		fprintf(stderr, "# egress_apply: %s\n", err.msg);
	return ret;
}


/*
 * For the module's judge (egress_judge_test.c): the peer's UDP_OPEN
 * (rule 1), the tunnels' inner networks JUDGE_INNER_NET and
 * JUDGE_INNER_NET6 (rule 2) and the
 * device's own address (rule 5: the peer's tunnel ends answer from the
 * same kernel) are allowed device-wide; a service (svc_cgroup) may send
 * anywhere (rule 3); the tunnels' outer destination JUDGE_OUTER is allowed
 * (rule 4) only if outer_allowed; the peer (all its addresses) on every
 * protocol and port (rule 6) only if peer_any. Default deny.
 */
#define JUDGE_P_ANY (EGRESS_P_TCP | EGRESS_P_UDP | EGRESS_P_ICMP)

int apply_judge_tables(bool outer_allowed, uint64_t svc_cgroup, bool peer_any)
{
	struct egress_table_entry e[11];
	struct egress_tables t = { .entries = e };
	struct egress_service_cgroup svc = { .cgroup_id = svc_cgroup, .svc = 1 };
	struct iotguard_error err;
	int ret;

	e[t.entry_count] = entry(AF_INET, ATTACKER_ADDR, 32, 0);
	add(&e[t.entry_count], 1, EGRESS_P_UDP, EGRESS_ENTRY_ALLOW, UDP_OPEN, UDP_OPEN);
	if (peer_any)
		add(&e[t.entry_count], 6, JUDGE_P_ANY, EGRESS_ENTRY_ALLOW, 0, 65535);
	t.entry_count++;
	e[t.entry_count] = entry(AF_INET6, PEER6, 128, 0);
	add(&e[t.entry_count], 1, EGRESS_P_UDP, EGRESS_ENTRY_ALLOW, UDP_OPEN, UDP_OPEN);
	if (peer_any)
		add(&e[t.entry_count], 6, JUDGE_P_ANY, EGRESS_ENTRY_ALLOW, 0, 65535);
	t.entry_count++;
	if (peer_any) {
		/* The peer's other addresses too: its pings may come from any. */
		e[t.entry_count] = entry(AF_INET, "10.99.0.0", 24, 0);
		add(&e[t.entry_count++], 6, JUDGE_P_ANY, EGRESS_ENTRY_ALLOW, 0, 65535);
		e[t.entry_count] = entry(AF_INET6, "fd00:99::", 48, 0);
		add(&e[t.entry_count++], 6, JUDGE_P_ANY, EGRESS_ENTRY_ALLOW, 0, 65535);
	}
	e[t.entry_count] = entry(AF_INET, JUDGE_INNER_NET, 16, 0);
	add(&e[t.entry_count++], 2, JUDGE_P_ANY, EGRESS_ENTRY_ALLOW, 0, 65535);
	e[t.entry_count] = entry(AF_INET6, JUDGE_INNER_NET6, 32, 0);
	add(&e[t.entry_count++], 2, JUDGE_P_ANY, EGRESS_ENTRY_ALLOW, 0, 65535);
	e[t.entry_count] = entry(AF_INET, DEVICE_ADDR, 32, 0);
	add(&e[t.entry_count++], 5, JUDGE_P_ANY, EGRESS_ENTRY_ALLOW, 0, 65535);
	e[t.entry_count] = entry(AF_INET6, DEVICE_ADDR6, 128, 0);
	add(&e[t.entry_count++], 5, JUDGE_P_ANY, EGRESS_ENTRY_ALLOW, 0, 65535);
	if (outer_allowed) {
		e[t.entry_count] = entry(AF_INET, JUDGE_OUTER, 32, 0);
		add(&e[t.entry_count++], 4, JUDGE_P_ANY, EGRESS_ENTRY_ALLOW, 0, 65535);
	}
	if (svc_cgroup) {
		e[t.entry_count] = entry(AF_INET, "0.0.0.0", 0, 1);
		add(&e[t.entry_count++], 3, JUDGE_P_ANY, EGRESS_ENTRY_ALLOW, 0, 65535);
		e[t.entry_count] = entry(AF_INET6, "::", 0, 1);
		add(&e[t.entry_count++], 3, JUDGE_P_ANY, EGRESS_ENTRY_ALLOW, 0, 65535);
	}
	t.config = (struct egress_config){
		.enforce = 1, .default_deny = 1, .rule_count = 6,
		.svc_levels = svc_cgroup ? 1u << 2 : 0,
	};
	ret = egress_apply(&t, &svc, svc_cgroup ? 1 : 0, &err);
	if (ret)
		fprintf(stderr, "# egress_apply: %s\n", err.msg);
	return ret;
}

int egress_test_up(struct arrivals **arr, pid_t *peer, struct iotguard_error *err)
{
	struct egress_attach_opts opts = { .cgroup_root = "/sys/fs/cgroup", .lsm = true };
	int ret;

	if (setup_network())
		return iotguard_fail(err, EIO, "setting up the network");
	if (write_text("/proc/sys/net/ipv4/ping_group_range", "0 0"))
		return iotguard_fail(err, EIO, "allowing ping sockets");
	/* Loading (verifying) takes seconds under emulation: once a boot is enough. */
	ret = egress_pinned() ? 0 : egress_attach(&opts, err);
	if (ret < 0)
		return ret;
	if (!egress_pinned())
		return iotguard_fail(err, ENOENT, "the programs are not pinned after attaching");
	*arr = peer_up(peer);
	if (!*arr)
		return iotguard_fail(err, EIO, "starting the peer");
	if (apply_tables(true, false))
		return iotguard_fail(err, EIO, "installing the tables");
	return 0;
}

void egress_test_down(struct arrivals *arr, pid_t peer)
{
	struct iotguard_error err;

	/* The rest of the suite runs without an outbound policy. */
	if (egress_uninstall(&err))
		fprintf(stderr, "# egress_uninstall: %s\n", err.msg);
	peer_down(arr, peer);
}
