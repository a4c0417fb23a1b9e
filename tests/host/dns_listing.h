/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DNS host tests' view of a cache: its current addresses as
 * "name=address" lines, in the cache's order, for one string comparison.
 */
#ifndef IOTGUARD_TEST_DNS_LISTING_H
#define IOTGUARD_TEST_DNS_LISTING_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dns_cache.h"

/* Static storage: valid until the next call. */
static inline char *dns_listing(const struct dns_cache *c, uint64_t now)
{
	static char out[4096];
	struct egress_address *a;
	size_t n;

	out[0] = '\0';
	if (dns_cache_addresses(c, now, &a, &n))
		abort();
	for (size_t i = 0; i < n; i++) {
		char text[INET6_ADDRSTRLEN];

		inet_ntop(a[i].family, a[i].addr, text, sizeof(text));
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s=%s\n", a[i].name, text);
	}
	free(a);
	return out;
}

#endif
