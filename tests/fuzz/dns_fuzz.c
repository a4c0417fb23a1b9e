// SPDX-License-Identifier: GPL-2.0
/*
 * DNS answers as the agent takes them (c-ares parses the wire format):
 * the input is a script of answers, failures and clock steps for three
 * names, with any addresses and TTLs; the addresses listed must always be
 * the ones of the names asked for, within the per-name limit.
 */
#include <sys/socket.h>
#include "fuzz.h"
#include "dns_cache.h"

#define NAMES 3
#define PER_NAME 4
static const char *const names[NAMES] = { "a.example.com", "b.example.net", "c.example.org" };

static struct dns_cache *cache_new(void)
{
	struct egress_rule rules[NAMES] = {};
	struct egress_policy policy = { .rules = rules, .rule_count = NAMES };
	struct dns_cache *cache = NULL;

	policy.limits.addresses_per_name = PER_NAME;
	for (size_t i = 0; i < NAMES; i++) {
		rules[i].id = (uint32_t)i + 1;
		rules[i].kind = EGRESS_TARGET_NAME;
		strcpy(rules[i].name, names[i]);
	}
	if (dns_cache_new(&cache, NULL) || dns_cache_set_policy(cache, &policy, NULL))
		abort();
	return cache;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_cache *cache = cache_new();
	struct dns_record rec[8];
	struct egress_address *addrs;
	struct dns_query q[NAMES * 2];
	uint64_t now = 1000;
	size_t i = 0, n;

	while (i < size) {
		uint8_t op = data[i++];
		const char *name = names[(op >> 2) % NAMES];
		int family = op & 0x40 ? AF_INET6 : AF_INET;

		switch (op & 3) {
		case 0:		/* an answer: a count, then 16 address bytes and a TTL each */
			n = i < size ? data[i++] % 8 : 0;
			for (size_t r = 0; r < n; r++) {
				memset(&rec[r], 0, sizeof(rec[r]));
				for (size_t b = 0; b < sizeof(rec[r].addr) && i < size; b++)
					rec[r].addr[b] = data[i++];
				for (size_t b = 0; b < 4 && i < size; b++)
					rec[r].ttl = rec[r].ttl << 8 | data[i++];
			}
			dns_cache_answer(cache, name, family, rec, n, now);
			break;
		case 1:
			dns_cache_failed(cache, name, family, now);
			break;
		case 2:		/* the clock: up to 255 * 1000 s on */
			now += (uint64_t)(i < size ? data[i++] : 0) * 1000 * 1000;
			dns_cache_expire(cache, now);
			dns_cache_start_due(cache, now, q, NAMES * 2);
			break;
		default:
			dns_cache_take_changed(cache);
			dns_cache_next_due(cache);
			break;
		}
		if (dns_cache_addresses(cache, now, &addrs, &n))
			abort();
		/* Never more than the limit per name and family. */
		if (n > NAMES * 2 * PER_NAME)
			abort();
		free(addrs);
	}
	dns_cache_free(cache);
	return 0;
}
