/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw netlink messages, as root's own tools would send them, for the lock
 * tests (named apart from libnl's, which the tests link too): what the lock refuses fails at sendto(), before the kernel reads it.
 */
#ifndef IOTGUARD_TEST_NL_RAW_H
#define IOTGUARD_TEST_NL_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One sendto() of len bytes (up to 1 MiB) to the kernel on a netlink socket
 * of proto: 0 or -errno.
 */
int rawnl_send(int proto, const void *buf, size_t len);
/*
 * A netlink message of type (NLM_F_REQUEST, NLM_F_ACK, NLM_F_CREATE) with a
 * zeroed body of body bytes, its first byte family, at p; its length.
 */
size_t rawnl_put(char *p, uint16_t type, size_t body, uint8_t family);
/*
 * An nftables batch with one message msg (NFT_MSG_NEWTABLE...) of family,
 * without attributes: begin, the message, end; its length.
 */
size_t nft_batch(char *buf, uint8_t msg, uint8_t family);
/*
 * An nftables batch with one NEWRULE of family (table "t", chain "c"), pad
 * empty attributes, then its expressions: before "counter"s, then one of
 * name_len bytes of name whose data is the u32 attribute reg_attr (none
 * if 0); its length.
 */
size_t nft_rule_batch(char *buf, uint8_t family, size_t pad, size_t before, const char *name,
		      size_t name_len, uint16_t reg_attr);
/* What route_msg() makes: a route to 203.0.113.77 by lo, or a nexthop object. */
enum route_shape {
	ROUTE_PLAIN,
	ROUTE_ENCAP,		/* with an MPLS encapsulation */
	ROUTE_NEXTHOPS,		/* multipath: two nexthops, the first of an unaligned length */
	ROUTE_NEXTHOP_ENCAP,	/* the same, the second with an MPLS encapsulation */
	ROUTE_MPLS,		/* an AF_MPLS route */
	NEXTHOP_PLAIN,		/* a nexthop object (RTM_NEWNEXTHOP) */
	NEXTHOP_ENCAP,		/* with an MPLS encapsulation */
};
/* An RTM_NEWROUTE or RTM_NEWNEXTHOP of shape; its length. */
size_t route_msg(char *buf, enum route_shape shape);
/*
 * A queued packet's verdict message msg (NFQNL_MSG_VERDICT or _BATCH) with
 * verdict value, with a changed payload or without; its length.
 */
size_t nfq_verdict(char *buf, uint16_t msg, uint32_t value, bool payload);

#endif
