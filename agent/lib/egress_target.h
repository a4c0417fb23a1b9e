/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An egress rule's destination and ports as people write them (the policy
 * file, and anything else that speaks of a destination) into the form of
 * egress_policy.h.
 */
#ifndef IOTGUARD_EGRESS_TARGET_H
#define IOTGUARD_EGRESS_TARGET_H

#include <stdbool.h>
#include "egress_policy.h"
#include "error.h"

/*
 * "192.0.2.0/24", "2001:db8::/32", a bare address (a full-length prefix),
 * "::ffff:192.0.2.0/120" (stored as IPv4 192.0.2.0/24) or a DNS name such
 * as "Cloud.Example.com." (stored "cloud.example.com"). Sets rule's kind and
 * family, addr and prefix_len, or name; nothing else. Anything made of
 * digits and dots, or with ':' or '/', is an address: "300.1.2.3" and
 * "10.0.0.0/33" are errors, never names. 0, or -EINVAL with the reason in
 * error (host bits set, with the network meant; a bad prefix length...).
 */
int egress_target_parse(const char *text, struct egress_rule *rule, struct iotguard_error *error);

/* "N" or "N-M" with 1 <= N <= M <= 65535 into range; false if it is not. */
bool egress_port_range_parse(const char *text, struct egress_port_range *range);

#endif
