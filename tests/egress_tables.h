/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tables for the outbound policy's guest tests, written with the agent's
 * library (egress_apply) without a policy file: the peer (egress_peer.h) is
 * allowed on PORT_OPEN and UDP_OPEN, nothing else.
 */
#ifndef IOTGUARD_TEST_EGRESS_TABLES_H
#define IOTGUARD_TEST_EGRESS_TABLES_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "egress_peer.h"
#include "error.h"

#define SVC_CGROUP "/sys/fs/cgroup/iotguard/egress-test"
/*
 * A device port the peer may connect to: the peer's processes share the
 * device's kernel, so their connect() is judged too.
 */
#define INBOUND_PORT 4432
/* A peer port only the service may reach (its MPTCP listener's). */
#define SVC_ONLY_PORT 4433

/*
 * enforce or audit; raw sockets allowed device-wide or not; svc_cgroup: the
 * cgroup id of SVC_CGROUP for a service (0: none); shuffle: the same tables
 * written in another order. 0 or egress_apply's error (printed).
 */
int apply_full(bool enforce, bool raw_sockets, uint64_t svc_cgroup, bool shuffle);
/* The module judge's tables: see egress_tables.c. */
#define JUDGE_INNER_NET "10.77.0.0"	/* /16: the tunnels' inner addresses */
#define JUDGE_INNER_NET6 "fd00:7a::"	/* /32: the same for IPv6 */
#define JUDGE_OUTER "10.99.0.3"		/* the peer's tunnel end */
int apply_judge_tables(bool outer_allowed, uint64_t svc_cgroup, bool peer_any);
/* apply_full without a service, in order. */
int apply_tables(bool enforce, bool raw_sockets);
/*
 * No destination rule (default deny), raw sockets allowed; the families
 * (bit F: AF F) device-wide, and a service (svc_cgroup, level 2, if not 0)
 * that adds svc_families.
 */
int apply_families(bool enforce, uint64_t families, uint64_t svc_cgroup, uint64_t svc_families);

/*
 * The outbound tests' fixture: the network and the peer namespace, the
 * programs attached (once a boot), the peer counting what arrives, and
 * apply_tables(true, false) in force. 0, or -errno with err set.
 */
int egress_test_up(struct arrivals **arr, pid_t *peer, struct iotguard_error *err);
/* Remove the policy (the rest of the suite runs without one) and stop the peer. */
void egress_test_down(struct arrivals *arr, pid_t peer);

#endif
