// SPDX-License-Identifier: GPL-2.0
/* The resolved addresses of the egress policy's names, their expiry and refresh (dns_cache.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "dns_cache.h"

enum { SET_V4, SET_V6, SETS };
static const int set_family[SETS] = { [SET_V4] = AF_INET, [SET_V6] = AF_INET6 };

struct dns_addr {
	uint8_t addr[16];		/* IPv4 in the first 4 bytes, the rest zero */
	uint64_t expires;		/* ms, monotonic */
};

/* One record type of one name; addrs in address order, room for per_name. */
struct dns_set {
	struct dns_addr *addrs;
	size_t count;
	uint64_t next_query;
	unsigned int failures;		/* in a row, for the backoff */
};

struct dns_name {
	char name[EGRESS_NAME_MAX];
	struct dns_set set[SETS];
};

struct dns_cache {
	struct dns_name *names;		/* sorted by name, for bsearch */
	size_t count;
	size_t per_name;
	bool changed;
};

static int set_index(int family)
{
	if (family == AF_INET)
		return SET_V4;
	if (family == AF_INET6)
		return SET_V6;
	return -1;
}

static size_t addr_len(int set)
{
	return set == SET_V4 ? 4 : 16;
}

int dns_cache_new(struct dns_cache **out, struct iotguard_error *err)
{
	struct dns_cache *cache = calloc(1, sizeof(*cache));

	if (!cache)
		return iotguard_fail(err, ENOMEM, "DNS cache: out of memory");
	cache->per_name = EGRESS_DEFAULT_MAX_ADDRESSES_PER_NAME;
	*out = cache;
	return 0;
}

static void free_names(struct dns_name *names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		for (int s = 0; s < SETS; s++)
			free(names[i].set[s].addrs);
	free(names);
}

void dns_cache_free(struct dns_cache *cache)
{
	if (!cache)
		return;
	free_names(cache->names, cache->count);
	free(cache);
}

size_t dns_cache_name_count(const struct dns_cache *cache)
{
	return cache->count;
}

static int cmp_key_name(const void *key, const void *entry)
{
	return strcmp(key, ((const struct dns_name *)entry)->name);
}

static struct dns_name *find(const struct dns_cache *cache, const char *name)
{
	if (!cache->count)
		return NULL;
	return bsearch(name, cache->names, cache->count, sizeof(*cache->names), cmp_key_name);
}

/*
 * The policy's distinct names, sorted, as pointers into its rules: sorting
 * rather than comparing each rule with each name found keeps a policy at
 * the caps (65535 rules, 1024 names) cheap.
 */
static int policy_names(const struct egress_policy *policy, const char ***out, size_t *count,
			struct iotguard_error *err)
{
	const char **names;
	size_t distinct;

	*out = NULL;
	*count = 0;
	if (!policy || !policy->rule_count)
		return 0;
	names = calloc(policy->rule_count, sizeof(*names));
	if (!names)
		return iotguard_fail(err, ENOMEM, "DNS cache: out of memory");
	distinct = egress_policy_names(policy, names);
	if (distinct > EGRESS_CAP_NAMES) {
		free(names);
		return iotguard_fail(err, E2BIG, "egress: %zu DNS names, more than the cap of %d",
				     distinct, EGRESS_CAP_NAMES);
	}
	*out = names;
	*count = distinct;
	return 0;
}

/* Copy old's set into fresh storage of room per_name; true if addresses were cut. */
static int carry_set(struct dns_set *to, const struct dns_set *from, size_t per_name,
		     bool *cut)
{
	to->addrs = calloc(per_name, sizeof(*to->addrs));
	if (!to->addrs)
		return -ENOMEM;
	to->next_query = 0;
	to->failures = 0;
	to->count = 0;
	if (!from)
		return 0;
	to->next_query = from->next_query;
	to->failures = from->failures;
	to->count = from->count < per_name ? from->count : per_name;
	memcpy(to->addrs, from->addrs, to->count * sizeof(*to->addrs));
	if (to->count < from->count)
		*cut = true;
	return 0;
}

int dns_cache_set_policy(struct dns_cache *cache, const struct egress_policy *policy,
			 struct iotguard_error *err)
{
	size_t per_name = EGRESS_DEFAULT_MAX_ADDRESSES_PER_NAME, count, i;
	struct dns_name *names = NULL;
	const char **wanted;
	bool changed = false;
	int ret;

	if (policy && policy->limits.addresses_per_name)
		per_name = policy->limits.addresses_per_name;
	if (per_name > EGRESS_CAP_ADDRESSES_PER_NAME)
		return iotguard_fail(err, E2BIG,
				     "egress: addresses_per_name %zu is over the cap of %d",
				     per_name, EGRESS_CAP_ADDRESSES_PER_NAME);
	ret = policy_names(policy, &wanted, &count, err);
	if (ret)
		return ret;
	if (count) {
		names = calloc(count, sizeof(*names));
		if (!names) {
			free(wanted);
			return iotguard_fail(err, ENOMEM, "DNS cache: out of memory");
		}
	}
	/* All new storage first: on failure the cache is as it was. */
	for (i = 0; i < count; i++) {
		const struct dns_name *old = find(cache, wanted[i]);

		strcpy(names[i].name, wanted[i]);
		for (int s = 0; s < SETS; s++)
			if (carry_set(&names[i].set[s], old ? &old->set[s] : NULL, per_name,
				      &changed))
				goto nomem;
	}
	/* A name dropped with addresses changes what is allowed. */
	for (i = 0; i < cache->count && !changed; i++) {
		const struct dns_name *old = &cache->names[i];

		if ((old->set[SET_V4].count || old->set[SET_V6].count) &&
		    (!count || !bsearch(old->name, names, count, sizeof(*names), cmp_key_name)))
			changed = true;
	}
	free(wanted);
	free_names(cache->names, cache->count);
	cache->names = names;
	cache->count = count;
	cache->per_name = per_name;
	cache->changed |= changed;
	return 0;
nomem:
	free(wanted);
	free_names(names, i + 1);
	return iotguard_fail(err, ENOMEM, "DNS cache: out of memory");
}

size_t dns_cache_start_due(struct dns_cache *cache, uint64_t now, struct dns_query *out,
			   size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < cache->count && n < max; i++) {
		for (int s = 0; s < SETS && n < max; s++) {
			struct dns_set *set = &cache->names[i].set[s];

			if (set->next_query > now)
				continue;
			set->next_query = now + DNS_QUERY_GRACE_MS;
			out[n].name = cache->names[i].name;
			out[n].family = set_family[s];
			n++;
		}
	}
	return n;
}

uint64_t dns_cache_next_due(const struct dns_cache *cache)
{
	uint64_t due = DNS_NEVER;

	for (size_t i = 0; i < cache->count; i++) {
		for (int s = 0; s < SETS; s++) {
			const struct dns_set *set = &cache->names[i].set[s];

			if (set->next_query < due)
				due = set->next_query;
			for (size_t a = 0; a < set->count; a++)
				if (set->addrs[a].expires < due)
					due = set->addrs[a].expires;
		}
	}
	return due;
}

static uint32_t clamp_ttl(uint32_t ttl)
{
	if (ttl < DNS_TTL_MIN_S)
		return DNS_TTL_MIN_S;
	if (ttl > DNS_TTL_MAX_S)
		return DNS_TTL_MAX_S;
	return ttl;
}

/*
 * Put addr into kept (sorted, *count of room entries) if it is among the
 * room smallest seen: the same addresses are kept whatever order a server
 * sends them in. A repeated address keeps its longest expiry.
 */
static void keep_smallest(struct dns_addr *kept, size_t *count, size_t room,
			  const struct dns_addr *addr)
{
	size_t pos = 0;
	int c = 1;

	while (pos < *count && (c = memcmp(kept[pos].addr, addr->addr, 16)) < 0)
		pos++;
	if (pos < *count && c == 0) {
		if (addr->expires > kept[pos].expires)
			kept[pos].expires = addr->expires;
		return;
	}
	if (pos >= room)
		return;
	if (*count == room)
		(*count)--;
	memmove(&kept[pos + 1], &kept[pos], (*count - pos) * sizeof(*kept));
	kept[pos] = *addr;
	(*count)++;
}

int dns_cache_answer(struct dns_cache *cache, const char *name, int family,
		     const struct dns_record *records, size_t n, uint64_t now)
{
	struct dns_addr kept[EGRESS_CAP_ADDRESSES_PER_NAME];
	struct dns_name *entry = find(cache, name);
	int s = set_index(family);
	uint32_t shortest = DNS_TTL_MAX_S;
	struct dns_set *set;
	size_t count = 0;

	if (s < 0)
		return -EAFNOSUPPORT;
	if (!entry)
		return -ENOENT;
	set = &entry->set[s];
	for (size_t i = 0; i < n; i++) {
		struct dns_addr addr = { .expires = now + clamp_ttl(records[i].ttl) * 1000ULL };

		memcpy(addr.addr, records[i].addr, addr_len(s));
		keep_smallest(kept, &count, cache->per_name, &addr);
	}
	for (size_t i = 0; i < count; i++) {
		uint32_t ttl = (uint32_t)((kept[i].expires - now) / 1000);

		if (ttl < shortest)
			shortest = ttl;
	}
	if (count != set->count)
		cache->changed = true;
	for (size_t i = 0; i < count && !cache->changed; i++)
		if (memcmp(kept[i].addr, set->addrs[i].addr, 16))
			cache->changed = true;
	memcpy(set->addrs, kept, count * sizeof(*kept));
	set->count = count;
	set->failures = 0;
	/* Before the first address expires, so that a working resolver leaves no gap. */
	if (count)
		set->next_query = now + shortest * 1000ULL * 3 / 4;
	else
		set->next_query = now + DNS_TTL_MIN_S * 1000ULL;
	return 0;
}

int dns_cache_failed(struct dns_cache *cache, const char *name, int family, uint64_t now)
{
	struct dns_name *entry = find(cache, name);
	int s = set_index(family);
	uint64_t delay = DNS_RETRY_MIN_MS;
	struct dns_set *set;

	if (s < 0)
		return -EAFNOSUPPORT;
	if (!entry)
		return -ENOENT;
	set = &entry->set[s];
	for (unsigned int i = 0; i < set->failures && delay < DNS_RETRY_MAX_MS; i++)
		delay *= 2;
	if (delay > DNS_RETRY_MAX_MS)
		delay = DNS_RETRY_MAX_MS;
	set->failures++;
	set->next_query = now + delay;
	return 0;
}

bool dns_cache_expire(struct dns_cache *cache, uint64_t now)
{
	bool expired = false;

	for (size_t i = 0; i < cache->count; i++) {
		for (int s = 0; s < SETS; s++) {
			struct dns_set *set = &cache->names[i].set[s];
			size_t kept = 0;

			for (size_t a = 0; a < set->count; a++)
				if (set->addrs[a].expires > now)
					set->addrs[kept++] = set->addrs[a];
			if (kept != set->count)
				expired = true;
			set->count = kept;
		}
	}
	cache->changed |= expired;
	return expired;
}

bool dns_cache_take_changed(struct dns_cache *cache)
{
	bool changed = cache->changed;

	cache->changed = false;
	return changed;
}

/* Writes name's live addresses within the per-name limit to out (if not NULL); returns how many. */
static size_t live_addresses(const struct dns_cache *cache, const struct dns_name *entry,
			     uint64_t now, struct egress_address *out)
{
	size_t n = 0;

	for (int s = 0; s < SETS; s++) {
		const struct dns_set *set = &entry->set[s];

		for (size_t a = 0; a < set->count && n < cache->per_name; a++) {
			if (set->addrs[a].expires <= now)
				continue;
			if (out) {
				out[n].name = entry->name;
				out[n].family = set_family[s];
				memcpy(out[n].addr, set->addrs[a].addr, 16);
			}
			n++;
		}
	}
	return n;
}

int dns_cache_addresses(const struct dns_cache *cache, uint64_t now,
			struct egress_address **out, size_t *count)
{
	struct egress_address *addrs;
	size_t n = 0;

	*out = NULL;
	*count = 0;
	for (size_t i = 0; i < cache->count; i++)
		n += live_addresses(cache, &cache->names[i], now, NULL);
	if (!n)
		return 0;
	addrs = calloc(n, sizeof(*addrs));
	if (!addrs)
		return -ENOMEM;
	n = 0;
	for (size_t i = 0; i < cache->count; i++)
		n += live_addresses(cache, &cache->names[i], now, addrs + n);
	*out = addrs;
	*count = n;
	return 0;
}
