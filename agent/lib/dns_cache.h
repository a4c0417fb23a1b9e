/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The addresses the egress policy's DNS names resolve to, with their expiry
 * times: which names need a query, what answers and failures do to them, and
 * the addresses egress_compile() takes. Pure logic: no sockets, no clock
 * (every call that needs the time is passed now, a monotonic time in ms).
 *
 * Each name has two record sets, IPv4 (A) and IPv6 (AAAA), queried and
 * refreshed on their own: a failed AAAA query leaves the A addresses alone.
 * - An answer replaces the set. Each address expires at its TTL, clamped to
 *   DNS_TTL_MIN_S..DNS_TTL_MAX_S; the set is queried again when 3/4 of its
 *   shortest TTL has passed, so that a working resolver refreshes it before
 *   anything expires.
 * - An answer with no address (NXDOMAIN, or no record of that type) empties
 *   the set at once: the name resolves to nothing. Asked again after
 *   DNS_TTL_MIN_S.
 * - A failed query (timeout, SERVFAIL, resolver unreachable) keeps the
 *   addresses until they expire; then the set is empty and the policy fails
 *   closed for the name. Retried after DNS_RETRY_MIN_MS, doubling up to
 *   DNS_RETRY_MAX_MS.
 * A name keeps at most the policy's addresses_per_name addresses: its IPv4
 * ones first, then IPv6 up to the limit, each set in address order, so that
 * a server rotating its answers does not change what is kept.
 */
#ifndef IOTGUARD_DNS_CACHE_H
#define IOTGUARD_DNS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "egress_compile.h"
#include "egress_policy.h"
#include "error.h"

/* A TTL of 0 would mean a query per connection; a huge one, a stale policy. */
#define DNS_TTL_MIN_S 30
#define DNS_TTL_MAX_S (24 * 60 * 60)
/* Backoff of a failing query: first retry, doubling up to the last. */
#define DNS_RETRY_MIN_MS 5000
#define DNS_RETRY_MAX_MS (5 * 60 * 1000)
/*
 * A query started is not handed out again for this long: longer than any
 * resolver's own timeouts, so that a query whose answer never comes is
 * asked again rather than never.
 */
#define DNS_QUERY_GRACE_MS (60 * 1000)
/* Past every time a cache holds: nothing due. */
#define DNS_NEVER UINT64_MAX

struct dns_cache;

/* One record of an answer: addr holds 4 bytes (AF_INET) or 16 (AF_INET6). */
struct dns_record {
	uint8_t addr[16];
	uint32_t ttl;			/* seconds, as the answer gave it */
};

/* A query to make: name and the record type, AF_INET (A) or AF_INET6 (AAAA). */
struct dns_query {
	const char *name;		/* the cache's copy: valid until dns_cache_set_policy */
	int family;
};

/* An empty cache: no names, addresses_per_name EGRESS_DEFAULT_MAX_ADDRESSES_PER_NAME. */
int dns_cache_new(struct dns_cache **out, struct iotguard_error *err);
void dns_cache_free(struct dns_cache *cache);

/*
 * Take the names of policy's rules (kind EGRESS_TARGET_NAME) and its
 * addresses_per_name limit. A name the cache already had keeps its addresses
 * (cut to the new limit) and its schedule; a new name is due at once; a name
 * no longer in the policy is forgotten. policy NULL: no names. Returns 0, or
 * -E2BIG / -EINVAL (over EGRESS_CAP_*) or -ENOMEM with the cache unchanged.
 */
int dns_cache_set_policy(struct dns_cache *cache, const struct egress_policy *policy,
			 struct iotguard_error *err);

size_t dns_cache_name_count(const struct dns_cache *cache);

/*
 * The queries due at now, at most max of them, into out; each is not due
 * again for DNS_QUERY_GRACE_MS unless an answer or failure reschedules it.
 * Returns how many were written; call again while it returns max.
 */
size_t dns_cache_start_due(struct dns_cache *cache, uint64_t now, struct dns_query *out,
			   size_t max);

/*
 * When the cache next needs the caller: the earliest of a query due and an
 * address expiring (DNS_NEVER if neither). May be <= now: call
 * dns_cache_expire() and dns_cache_start_due() at once.
 */
uint64_t dns_cache_next_due(const struct dns_cache *cache);

/*
 * An answer for name's family set (AF_INET: A, AF_INET6: AAAA): records
 * replace the set (n 0: the name has none). Returns 0, -ENOENT if the cache
 * has no such name (the policy changed while the query ran), -EAFNOSUPPORT
 * for another family.
 */
int dns_cache_answer(struct dns_cache *cache, const char *name, int family,
		     const struct dns_record *records, size_t n, uint64_t now);

/* A query that failed: the set keeps its addresses until they expire; retried with backoff. */
int dns_cache_failed(struct dns_cache *cache, const char *name, int family, uint64_t now);

/* Remove the addresses expired at now. Returns true if any was. */
bool dns_cache_expire(struct dns_cache *cache, uint64_t now);

/*
 * Whether the addresses changed (an answer with other addresses, an expiry,
 * a name dropped) since the last call; clears the indication. A new set is
 * worth compiling only when this says so.
 */
bool dns_cache_take_changed(struct dns_cache *cache);

/*
 * The current addresses not expired at now, as egress_compile() takes them,
 * in a heap array (*out, free() it; NULL when *count is 0). Each name
 * pointer is the cache's copy of the rule's name, valid until the next
 * dns_cache_set_policy() or dns_cache_free(). Returns 0 or -ENOMEM.
 */
int dns_cache_addresses(const struct dns_cache *cache, uint64_t now,
			struct egress_address **out, size_t *count);

#endif
