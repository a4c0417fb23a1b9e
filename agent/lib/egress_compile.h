/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turns an egress policy and the current addresses of its DNS names into
 * the kernel's tables (bpf/egress.h), and decides on those tables exactly
 * as egress.bpf.c does, so that `iotguardctl egress explain` and the tests
 * speak about what the kernel enforces.
 */
#ifndef IOTGUARD_EGRESS_COMPILE_H
#define IOTGUARD_EGRESS_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include "egress.h"
#include "egress_policy.h"
#include "error.h"

/* One address a DNS name currently resolves to. */
struct egress_address {
	const char *name;		/* as in egress_rule.name */
	int family;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];
};

/* One trie entry, without generation: the loader adds it. */
struct egress_table_entry {
	int family;			/* AF_INET or AF_INET6 */
	uint16_t svc;			/* 0 device-wide, else service index + 1 */
	uint8_t prefix_len;		/* of the address alone */
	uint8_t addr[16];		/* host bits zero */
	struct egress_set set;
};

struct egress_tables {
	struct egress_config config;	/* rule_count and svc_levels filled */
	struct egress_table_entry *entries;	/* heap */
	size_t entry_count;
};

/*
 * The distinct DNS names policy's rules use, sorted by strcmp, into names
 * (room for policy->rule_count pointers into the rules). Returns how many:
 * the names to resolve before egress_compile.
 */
size_t egress_policy_names(const struct egress_policy *policy, const char **names);

/*
 * Compile policy with the resolved addresses (names with no address yet
 * contribute nothing). Returns 0, or -EINVAL / -E2BIG with the reason in
 * err (a prefix to which more than EGRESS_SET_MAX entries apply, an address
 * count over the policy's limits...), leaving *out empty.
 */
int egress_compile(const struct egress_policy *policy, const struct egress_address *addrs,
		   size_t n_addrs, struct egress_tables *out, struct iotguard_error *err);
void egress_tables_free(struct egress_tables *tables);

struct egress_decision {
	bool allowed;			/* what enforce mode does */
	bool loopback;			/* allowed before any table is read */
	uint16_t rule;			/* 0: the default (or loopback) decided */
	bool by_service;		/* the rule is the service's own */
	int family;			/* as judged: AF_INET for IPv4-mapped IPv6 */
};

/*
 * Decide for a connection from a process in service svc (0: none) to
 * addr:port over proto (EGRESS_P_TCP, _UDP or _ICMP; 0 for another IP
 * protocol, which only rules for any protocol and every port match) as
 * the kernel does. Loopback, 0.0.0.0 and :: are allowed before any table.
 * family is AF_INET (addr: 4 bytes) or AF_INET6 (16 bytes; ::ffff:a.b.c.d
 * is judged as IPv4).
 */
void egress_decide(const struct egress_tables *tables, uint16_t svc, int family,
		   const uint8_t *addr, uint16_t port, unsigned int proto,
		   struct egress_decision *out);

#endif
