/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resolving the egress policy's DNS names with c-ares, without blocking, into
 * a dns_cache: one file descriptor for a poll loop, a timeout for it, and one
 * call that does what is due. Also lists the resolvers it asks, which the
 * outbound policy must always let the agent reach.
 *
 * A poll loop drives it so:
 *
 *	pfd.fd = dns_resolver_fd(r); pfd.events = POLLIN;
 *	timeout = dns_resolver_timeout_ms(r, dns_now_ms());	(-1: none)
 *	poll(...);
 *	dns_resolver_run(r, dns_now_ms());	(on POLLIN or timeout; harmless otherwise)
 *	if (dns_cache_take_changed(cache))
 *		recompile with dns_cache_addresses(cache, now, ...);
 *
 * Each name is asked as written (no search domains, no hosts file): the
 * policy names a DNS name, not whatever a local suffix would make of it.
 */
#ifndef IOTGUARD_DNS_RESOLVE_H
#define IOTGUARD_DNS_RESOLVE_H

#include <stddef.h>
#include <stdint.h>
#include "dns_cache.h"
#include "error.h"

struct dns_resolver;

struct dns_resolver_options {
	/*
	 * NULL: the servers of /etc/resolv.conf. Else a comma-separated list of
	 * addresses, each with an optional port, IPv6 in brackets when it has
	 * one: "127.0.0.1:5353,[::1]:53".
	 */
	const char *servers;
	unsigned int timeout_ms;	/* per try; 0: resolv.conf's or c-ares's default */
	unsigned int tries;		/* 0: resolv.conf's or c-ares's default */
};

/* A server the resolver sends queries to, over UDP and (for long answers) TCP. */
struct dns_server {
	int family;			/* AF_INET or AF_INET6 */
	uint8_t addr[16];		/* IPv4 in the first 4 bytes */
	uint16_t port;
};

/* Now, in ms, on the monotonic clock: the time every call here and in dns_cache takes. */
uint64_t dns_now_ms(void);

/*
 * A resolver writing its answers into cache, which must outlive it. opts
 * NULL: all defaults. Returns 0, or a negative errno with the reason in err
 * (no usable resolv.conf, a malformed servers list...).
 */
int dns_resolver_new(struct dns_cache *cache, const struct dns_resolver_options *opts,
		     struct dns_resolver **out, struct iotguard_error *err);
/* Cancels the queries under way; their answers never reach the cache. */
void dns_resolver_free(struct dns_resolver *r);

/* Readable when a query's socket has something to process: poll it for POLLIN. */
int dns_resolver_fd(const struct dns_resolver *r);

/*
 * The longest a poll may wait before dns_resolver_run() has work: a query
 * timing out, a name due to be asked, an address expiring. -1: none.
 */
int dns_resolver_timeout_ms(const struct dns_resolver *r, uint64_t now);

/*
 * Read the answers that came, time out the queries that are late (both
 * update the cache), remove the addresses expired at now, and send the
 * queries due. Returns 0, or a negative errno if the readiness of the
 * sockets could not be read (the queries still time out and are retried).
 */
int dns_resolver_run(struct dns_resolver *r, uint64_t now);

/* Queries sent and not yet answered or failed. */
size_t dns_resolver_pending(const struct dns_resolver *r);

/*
 * The servers queries go to, in a heap array (*out, free() it). Returns 0,
 * or a negative errno with the reason in err.
 */
int dns_resolver_servers(const struct dns_resolver *r, struct dns_server **out,
			 size_t *count, struct iotguard_error *err);

#endif
