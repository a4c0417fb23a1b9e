/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Why the outbound policy allows or denies a destination, in words: what
 * `iotguardctl egress explain` prints. The policy is compiled and decided
 * with egress_compile and egress_decide, as the kernel decides, so the
 * words are about what is enforced, not a second reading of the rules.
 */
#ifndef IOTGUARD_EGRESS_EXPLAIN_H
#define IOTGUARD_EGRESS_EXPLAIN_H

#include <stddef.h>
#include <stdint.h>
#include "egress_compile.h"
#include "egress_policy.h"
#include "error.h"

/* Room for the verdict and a few notes; longer text is cut, never overflows. */
#define EGRESS_EXPLAIN_TEXT_MAX 2048

/*
 * What the policy's DNS names resolve to: fill up to max addresses of name
 * into out (the family and addr of each; name is set by the caller) and
 * return how many, 0 if the name did not resolve. `egress explain` asks
 * getaddrinfo; the daemon answers with the addresses it installed.
 */
typedef size_t (*egress_resolver)(const char *name, struct egress_address *out, size_t max,
				  void *ctx);

struct egress_query {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];		/* IPv4 in the first 4 bytes */
	uint16_t port;			/* ignored for ICMP */
	unsigned int proto;		/* EGRESS_P_TCP, _UDP or _ICMP */
	const char *service;		/* the process's service by name; NULL: none */
};

/*
 * Decide q under policy (NULL: the policy has no egress section) and write
 * why into text, one line for the verdict ("denied by rule 4 (line 12: deny
 * 192.168.0.0/16 any): a matching deny wins over any allow"), then a line
 * per note (a name that did not resolve, audit mode...), each ending in a
 * newline. Returns 0, or -EINVAL for a service the policy does not name,
 * or egress_compile's error, with the reason in err.
 */
int egress_explain(const struct egress_policy *policy, const struct egress_query *q,
		   egress_resolver resolve, void *ctx, struct egress_decision *decision,
		   char *text, size_t size, struct iotguard_error *err);

#endif
