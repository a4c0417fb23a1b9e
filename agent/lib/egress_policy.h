/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outbound-connection policy as the policy file states it (the egress
 * section), before names are resolved: what policy_load fills, what
 * egress_compile turns into the kernel's tables, what `egress explain`
 * and `mud import` speak about.
 *
 * Rules are numbered in file order, from 1: the device-wide allow rules,
 * then the device-wide deny rules, then each service's allow rules in
 * service order. That number is what the kernel reports as the rule that
 * decided; 0 is the default.
 */
#ifndef IOTGUARD_EGRESS_POLICY_H
#define IOTGUARD_EGRESS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Hard caps: the policy's limits may be set up to these, never beyond. */
#define EGRESS_CAP_RULES 65535		/* rule numbers fit 16 bits */
#define EGRESS_CAP_NAMES 1024
#define EGRESS_CAP_SERVICES 64
#define EGRESS_CAP_ADDRESSES_PER_NAME 64

/* Defaults of egress.limits when the policy does not set them. */
#define EGRESS_DEFAULT_MAX_RULES 1024
#define EGRESS_DEFAULT_MAX_NAMES 32
#define EGRESS_DEFAULT_MAX_SERVICES 16
#define EGRESS_DEFAULT_MAX_ADDRESSES_PER_NAME 16

#define EGRESS_NAME_MAX 254		/* a DNS name, dot-separated, plus NUL */
#define EGRESS_SERVICE_NAME_MAX 64	/* [A-Za-z0-9_.-], not "." or ".." */
#define EGRESS_CGROUP_MAX 256		/* relative to the cgroup v2 root */
/* Port ranges in one rule: "ports = ( 443, \"8000-8100\" )". */
#define EGRESS_MAX_PORT_RANGES 8

enum egress_mode {
	EGRESS_MODE_ENFORCE,
	EGRESS_MODE_AUDIT,		/* count and report, refuse nothing */
};

enum egress_action {
	EGRESS_ACTION_ALLOW,
	EGRESS_ACTION_DENY,
};

/* Bits, so that "any" is all of them. ICMP means ICMPv6 for IPv6. */
enum egress_proto {
	EGRESS_PROTO_TCP = 1 << 0,
	EGRESS_PROTO_UDP = 1 << 1,
	EGRESS_PROTO_ICMP = 1 << 2,
	EGRESS_PROTO_ANY = EGRESS_PROTO_TCP | EGRESS_PROTO_UDP | EGRESS_PROTO_ICMP,
};

struct egress_port_range {
	uint16_t first;
	uint16_t last;			/* inclusive; first <= last */
};

enum egress_target_kind {
	EGRESS_TARGET_PREFIX,		/* a CIDR or a bare address (full-length prefix) */
	EGRESS_TARGET_NAME,		/* a DNS name, resolved by the agent */
};

struct egress_rule {
	uint32_t id;			/* 1.. in the order above */
	enum egress_action action;
	enum egress_target_kind kind;
	/* PREFIX: family AF_INET or AF_INET6; host bits zero. */
	int family;
	uint8_t addr[16];		/* IPv4 in the first 4 bytes */
	uint8_t prefix_len;
	char name[EGRESS_NAME_MAX];	/* NAME: lower case, no trailing dot */
	uint32_t protos;		/* enum egress_proto bits, never 0 */
	/* No ranges: every port. ICMP has no ports: a rule with ports and "any" means TCP and UDP. */
	struct egress_port_range ports[EGRESS_MAX_PORT_RANGES];
	size_t port_count;
	int service;			/* index in services[], or -1 device-wide */
	int line;			/* in the policy file, for messages and explain */
};

struct egress_service {
	char name[EGRESS_SERVICE_NAME_MAX];
	char cgroup[EGRESS_CGROUP_MAX];	/* "camera": no leading '/', no "..", no "//" */
	bool raw_sockets;		/* adds to the device-wide setting */
	uint64_t families;		/* bit F: may open family F's sockets; adds too */
	int line;
};

struct egress_limits {
	uint32_t rules;			/* every rule, device-wide and services' */
	uint32_t names;			/* distinct DNS names */
	uint32_t services;
	uint32_t addresses_per_name;	/* resolved addresses kept per name */
};

struct egress_policy {
	enum egress_mode mode;
	enum egress_action default_action;
	bool raw_sockets;		/* raw IP and packet sockets, device-wide */
	/* Bit F: sockets of address family F may be opened (egress_family.h). */
	uint64_t families;
	struct egress_limits limits;
	struct egress_rule *rules;	/* heap, rule_count entries, ids 1..rule_count */
	size_t rule_count;
	struct egress_service *services;	/* heap */
	size_t service_count;
	int line;			/* of the egress section */
};

#endif
