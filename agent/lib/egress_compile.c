// SPDX-License-Identifier: GPL-2.0
/*
 * The egress policy compiler: rules and resolved addresses flattened into
 * the kernel's prefix tables, and the decision on those tables as
 * egress.bpf.c makes it (bpf/egress_decide.bpf.h).
 *
 * Flattening: every distinct prefix of a table (svc 0: the device-wide
 * rules; svc k: service k-1's own) becomes one entry whose set lists every
 * rule of that table covering the prefix. The kernel's longest-prefix match
 * then finds, in one lookup, every rule that matches the address: each such
 * rule's prefix holds the address, so it covers the longest one that does.
 *
 * A name keeps at most limits.addresses_per_name addresses: its IPv4 ones
 * first, then IPv6, the lowest of each, whatever order addrs gives them in.
 * That is the DNS cache's choice (dns_cache.h), so that `egress explain`,
 * resolving afresh, keeps what the daemon installed, and a server rotating
 * its answers does not change what is allowed. The rest are left out rather
 * than the policy refused: the owner does not choose how many addresses a
 * name's servers hand out, and refusing would keep stale ones instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "cgroup.h"
#include "egress_compile.h"
#include "egress_table_order.h"

#define FAMILIES 2		/* AF_INET, AF_INET6: index 0, 1 */
#define LEN_WORDS 3		/* prefix lengths 0..128 as bits */

/* One prefix one rule names in one table: a rule's CIDR or a name's address. */
struct item {
	int family;
	uint16_t svc;
	uint8_t len;
	uint8_t addr[16];
	uint32_t rule;		/* index in policy->rules */
};

struct kept_address {
	int family;
	uint8_t addr[16];
};

/* A DNS name the policy uses, and the addresses of it that are compiled. */
struct name_addrs {
	const char *name;
	size_t count;
	struct kept_address kept[EGRESS_CAP_ADDRESSES_PER_NAME];
};

struct compile {
	const struct egress_policy *policy;
	struct iotguard_error *err;
	struct name_addrs *names;
	size_t name_count;
	struct item *items;
	size_t item_count;
	/* Groups of items with one key: the distinct prefixes, in table order. */
	size_t *group_first;
	size_t group_count;
	/* Which prefix lengths each (family, table) holds, to skip the others. */
	uint64_t (*lens)[FAMILIES][LEN_WORDS];
	uint32_t *covering;	/* scratch: rules covering one prefix */
};

static int family_index(int family)
{
	return family == AF_INET6;
}

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = egress_key_cmp(x->family, x->svc, x->len, x->addr, y->family, y->svc, y->len, y->addr);

	if (c)
		return c;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct name_addrs *)a)->name, ((const struct name_addrs *)b)->name);
}

static int name_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t egress_policy_names(const struct egress_policy *policy, const char **names)
{
	size_t n = 0, distinct = 0;

	for (size_t i = 0; i < policy->rule_count; i++)
		if (policy->rules[i].kind == EGRESS_TARGET_NAME)
			names[n++] = policy->rules[i].name;
	qsort(names, n, sizeof(*names), name_ptr_cmp);
	for (size_t i = 0; i < n; i++)
		if (!distinct || strcmp(names[distinct - 1], names[i]))
			names[distinct++] = names[i];
	return distinct;
}

static struct name_addrs *find_name(const struct compile *c, const char *name)
{
	struct name_addrs key = { .name = name };

	return bsearch(&key, c->names, c->name_count, sizeof(key), name_cmp);
}

static uint16_t rule_table(const struct egress_rule *r)
{
	return r->service < 0 ? 0 : (uint16_t)(r->service + 1);
}

static int check_rule(const struct egress_policy *policy, size_t i, struct iotguard_error *err)
{
	const struct egress_rule *r = &policy->rules[i];

	if (r->id != i + 1)
		return iotguard_fail(err, EINVAL, "egress: rule %zu has number %u: rules are "
				     "numbered 1.. in order", i + 1, r->id);
	if (r->service >= (int)policy->service_count)
		return iotguard_fail(err, EINVAL, "egress: rule %u names service %d of %zu",
				     r->id, r->service, policy->service_count);
	/* The kernel's service tables are looked at for allows only. */
	if (r->service >= 0 && r->action != EGRESS_ACTION_ALLOW)
		return iotguard_fail(err, EINVAL, "egress: rule %u (line %d): a service's rules "
				     "are allow rules; put a deny in the device-wide deny list",
				     r->id, r->line);
	if (!(r->protos & EGRESS_PROTO_ANY) || (r->protos & ~(uint32_t)EGRESS_PROTO_ANY))
		return iotguard_fail(err, EINVAL, "egress: rule %u has protocol bits %#x", r->id,
				     r->protos);
	if (r->port_count > EGRESS_MAX_PORT_RANGES)
		return iotguard_fail(err, EINVAL, "egress: rule %u has %zu port ranges", r->id,
				     r->port_count);
	for (size_t p = 0; p < r->port_count; p++)
		if (r->ports[p].first > r->ports[p].last)
			return iotguard_fail(err, EINVAL, "egress: rule %u: port range %u-%u",
					     r->id, r->ports[p].first, r->ports[p].last);
	if (r->kind == EGRESS_TARGET_NAME)
		return r->name[0] ? 0 : iotguard_fail(err, EINVAL, "egress: rule %u: empty name",
						      r->id);
	if ((r->family != AF_INET && r->family != AF_INET6) ||
	    r->prefix_len > egress_family_bits(r->family))
		return iotguard_fail(err, EINVAL, "egress: rule %u: family %d, prefix length %u",
				     r->id, r->family, r->prefix_len);
	return 0;
}

static int check_policy(const struct egress_policy *policy, struct iotguard_error *err)
{
	int ret;

	if (policy->rule_count > EGRESS_CAP_RULES)
		return iotguard_fail(err, E2BIG, "egress: %zu rules, more than the %u the kernel "
				     "can number", policy->rule_count, EGRESS_CAP_RULES);
	if (policy->service_count > EGRESS_CAP_SERVICES)
		return iotguard_fail(err, E2BIG, "egress: %zu services, more than %u",
				     policy->service_count, EGRESS_CAP_SERVICES);
	if (!policy->limits.addresses_per_name ||
	    policy->limits.addresses_per_name > EGRESS_CAP_ADDRESSES_PER_NAME)
		return iotguard_fail(err, EINVAL, "egress: limits.addresses_per_name is %u, not "
				     "1..%u", policy->limits.addresses_per_name,
				     EGRESS_CAP_ADDRESSES_PER_NAME);
	for (size_t i = 0; i < policy->rule_count; i++) {
		ret = check_rule(policy, i, err);
		if (ret)
			return ret;
	}
	for (size_t s = 0; s < policy->service_count; s++)
		if (cgroup_level(policy->services[s].cgroup) > EGRESS_MAX_CGROUP_LEVEL)
			return iotguard_fail(err, EINVAL, "egress: service %s (line %d): cgroup "
					     "%s is deeper than the %d levels the kernel looks at",
					     policy->services[s].name, policy->services[s].line,
					     policy->services[s].cgroup, EGRESS_MAX_CGROUP_LEVEL);
	return 0;
}

/* A name's addresses in the order they are kept: IPv4 first, then IPv6, lowest first. */
static int address_order(const void *a, const void *b)
{
	const struct egress_address *x = *(const struct egress_address *const *)a;
	const struct egress_address *y = *(const struct egress_address *const *)b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->family != y->family)
		return x->family == AF_INET ? -1 : 1;
	return memcmp(x->addr, y->addr, egress_family_bits(x->family) / 8);
}

/* Each name's first addresses, in address_order, up to the policy's limit. */
static int keep_addresses(struct compile *c, const struct egress_address *addrs,
			  size_t n_addrs)
{
	const struct egress_address **order = calloc(n_addrs + 1, sizeof(*order));

	if (!order)
		return iotguard_fail(c->err, ENOMEM, "egress: out of memory");
	for (size_t a = 0; a < n_addrs; a++) {
		if (!addrs[a].name || (addrs[a].family != AF_INET && addrs[a].family != AF_INET6)) {
			free(order);
			return iotguard_fail(c->err, EINVAL, "egress: resolved address %zu: name "
					     "%s, family %d", a, addrs[a].name ? addrs[a].name :
					     "missing", addrs[a].family);
		}
		order[a] = &addrs[a];
	}
	qsort(order, n_addrs, sizeof(*order), address_order);
	for (size_t a = 0; a < n_addrs; a++) {
		struct name_addrs *name = find_name(c, order[a]->name);
		struct kept_address *k;

		/* A name no longer in the policy is harmless; a repeat is kept once. */
		if (!name || name->count == c->policy->limits.addresses_per_name ||
		    (a && !address_order(&order[a - 1], &order[a])))
			continue;
		k = &name->kept[name->count++];
		k->family = order[a]->family;
		memset(k->addr, 0, sizeof(k->addr));
		memcpy(k->addr, order[a]->addr, egress_family_bits(k->family) / 8);
	}
	free(order);
	return 0;
}

/* The distinct names of the rules, sorted, then the addresses kept of each. */
static int collect_names(struct compile *c, const struct egress_address *addrs, size_t n_addrs)
{
	const struct egress_policy *policy = c->policy;
	const char **sorted = calloc(policy->rule_count + 1, sizeof(*sorted));

	if (sorted) {
		c->name_count = egress_policy_names(policy, sorted);
		c->names = calloc(c->name_count + 1, sizeof(*c->names));
	}
	if (!sorted || !c->names) {
		free(sorted);
		return iotguard_fail(c->err, ENOMEM, "egress: out of memory");
	}
	for (size_t i = 0; i < c->name_count; i++)
		c->names[i].name = sorted[i];
	free(sorted);
	return keep_addresses(c, addrs, n_addrs);
}

static void add_item(struct compile *c, size_t rule, int family, unsigned int len,
		     const uint8_t *addr)
{
	struct item *it = &c->items[c->item_count++];

	it->family = family;
	it->svc = rule_table(&c->policy->rules[rule]);
	it->len = (uint8_t)len;
	memset(it->addr, 0, sizeof(it->addr));
	memcpy(it->addr, addr, egress_family_bits(family) / 8);
	egress_mask_prefix(it->addr, len);
	it->rule = (uint32_t)rule;
}

static int collect_items(struct compile *c)
{
	const struct egress_policy *policy = c->policy;
	size_t total = 0;

	for (size_t i = 0; i < policy->rule_count; i++)
		total += policy->rules[i].kind == EGRESS_TARGET_NAME ?
			 find_name(c, policy->rules[i].name)->count : 1;
	c->items = calloc(total + 1, sizeof(*c->items));
	c->group_first = calloc(total + 1, sizeof(*c->group_first));
	c->covering = calloc(policy->rule_count + 1, sizeof(*c->covering));
	c->lens = calloc(policy->service_count + 1, sizeof(*c->lens));
	if (!c->items || !c->group_first || !c->covering || !c->lens)
		return iotguard_fail(c->err, ENOMEM, "egress: out of memory");
	for (size_t i = 0; i < policy->rule_count; i++) {
		const struct egress_rule *r = &policy->rules[i];
		const struct name_addrs *name;

		if (r->kind == EGRESS_TARGET_PREFIX) {
			add_item(c, i, r->family, r->prefix_len, r->addr);
			continue;
		}
		name = find_name(c, r->name);
		for (size_t k = 0; k < name->count; k++)
			add_item(c, i, name->kept[k].family, egress_family_bits(name->kept[k].family),
				 name->kept[k].addr);
	}
	qsort(c->items, c->item_count, sizeof(*c->items), item_cmp);
	for (size_t i = 0; i < c->item_count; i++) {
		const struct item *it = &c->items[i], *prev = it - 1;

		if (!i || egress_key_cmp(it->family, it->svc, it->len, it->addr,
				  prev->family, prev->svc, prev->len, prev->addr))
			c->group_first[c->group_count++] = i;
		c->lens[it->svc][family_index(it->family)][it->len / 64] |= 1ull << (it->len % 64);
	}
	return 0;
}

/* The group with exactly this key, or -1. */
static long find_group(const struct compile *c, int family, uint16_t svc, unsigned int len,
		       const uint8_t *addr)
{
	size_t lo = 0, hi = c->group_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct item *it = &c->items[c->group_first[mid]];
		int cmp = egress_key_cmp(it->family, it->svc, it->len, it->addr, family, svc, len, addr);

		if (!cmp)
			return (long)mid;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static size_t group_end(const struct compile *c, size_t g)
{
	return g + 1 < c->group_count ? c->group_first[g + 1] : c->item_count;
}

/*
 * A set's order: deny entries first, each action in rule order. Rule ids
 * follow the rules' indexes (check_rule), so the index orders them, and the
 * action goes above it in one number.
 */
#define SET_ORDER_ALLOW (1u << 31)

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The rules of the group's table covering its prefix, in set order. */
static size_t covering_rules(struct compile *c, size_t g)
{
	const struct item *key = &c->items[c->group_first[g]];
	const uint64_t *lens = c->lens[key->svc][family_index(key->family)];
	size_t n = 0;

	for (unsigned int len = 0; len <= key->len; len++) {
		uint8_t addr[16];
		long found;

		if (!(lens[len / 64] & (1ull << (len % 64))))
			continue;
		memcpy(addr, key->addr, sizeof(addr));
		egress_mask_prefix(addr, len);
		found = find_group(c, key->family, key->svc, len, addr);
		if (found < 0)
			continue;
		for (size_t i = c->group_first[found]; i < group_end(c, (size_t)found); i++) {
			uint32_t rule = c->items[i].rule;

			c->covering[n++] = rule | (c->policy->rules[rule].action ==
						   EGRESS_ACTION_DENY ? 0 : SET_ORDER_ALLOW);
		}
	}
	qsort(c->covering, n, sizeof(*c->covering), u32_cmp);
	for (size_t i = 0; i < n; i++)
		c->covering[i] &= ~SET_ORDER_ALLOW;
	return n;
}

static size_t rule_entries(const struct egress_rule *r)
{
	return r->port_count ? r->port_count : 1;
}

static int set_too_big(const struct compile *c, size_t g, size_t n, size_t entries)
{
	const struct item *key = &c->items[c->group_first[g]];
	char where[INET6_ADDRSTRLEN + 80], rules[600] = "";
	size_t used = 0;

	inet_ntop(key->family, key->addr, where, INET6_ADDRSTRLEN);
	snprintf(where + strlen(where), sizeof(where) - strlen(where), "/%u (%s%s)", key->len,
		 key->svc ? "service " : "device-wide", key->svc ?
		 c->policy->services[key->svc - 1].name : "");
	for (size_t i = 0; i < n && used < sizeof(rules) - 1; i++) {
		const struct egress_rule *r = &c->policy->rules[c->covering[i]];
		int w = snprintf(rules + used, sizeof(rules) - used, "%s%u (line %d, %zu %s)",
				 i ? ", " : "", r->id, r->line, rule_entries(r),
				 r->port_count > 1 ? "port ranges" : "entry");

		used += w > 0 ? (size_t)w : 0;
	}
	return iotguard_fail(c->err, E2BIG, "egress: %zu entries (rule and port range pairs) "
			     "apply to %s, more than the %d the kernel holds for one address "
			     "range: rules %s. Merge port ranges or rules that cover it, or "
			     "narrow the wider rules", entries, where, EGRESS_SET_MAX, rules);
}

static int fill_set(struct compile *c, size_t g, struct egress_set *set)
{
	size_t n = covering_rules(c, g), entries = 0;

	for (size_t i = 0; i < n; i++)
		entries += rule_entries(&c->policy->rules[c->covering[i]]);
	if (entries > EGRESS_SET_MAX)
		return set_too_big(c, g, n, entries);
	for (size_t i = 0; i < n; i++) {
		const struct egress_rule *r = &c->policy->rules[c->covering[i]];
		uint8_t protos = (uint8_t)r->protos;

		/* Ports name TCP and UDP ports: "any" with ports is those two. */
		if (r->port_count && (protos & (EGRESS_P_TCP | EGRESS_P_UDP)))
			protos &= (uint8_t)~EGRESS_P_ICMP;
		for (size_t p = 0; p < rule_entries(r); p++) {
			struct egress_entry *e = &set->e[set->count++];

			e->rule = (uint16_t)r->id;
			e->protos = protos;
			e->action = r->action == EGRESS_ACTION_DENY ? EGRESS_ENTRY_DENY :
				    EGRESS_ENTRY_ALLOW;
			/* No ranges, or ICMP alone (no ports): every port. */
			e->port_first = r->port_count && protos != EGRESS_P_ICMP ?
					r->ports[p].first : 0;
			e->port_last = r->port_count && protos != EGRESS_P_ICMP ?
				       r->ports[p].last : 65535;
		}
	}
	return 0;
}

static int fill_tables(struct compile *c, struct egress_tables *out)
{
	size_t per_family[FAMILIES] = { 0 };
	int ret;

	out->entries = calloc(c->group_count + 1, sizeof(*out->entries));
	if (!out->entries)
		return iotguard_fail(c->err, ENOMEM, "egress: out of memory");
	for (size_t g = 0; g < c->group_count; g++) {
		const struct item *key = &c->items[c->group_first[g]];
		struct egress_table_entry *e = &out->entries[out->entry_count++];

		if (++per_family[family_index(key->family)] > EGRESS_MAX_PREFIXES / 2)
			return iotguard_fail(c->err, E2BIG, "egress: more than %d %s address "
					     "ranges: fewer rules or names", EGRESS_MAX_PREFIXES / 2,
					     key->family == AF_INET ? "IPv4" : "IPv6");
		e->family = key->family;
		e->svc = key->svc;
		e->prefix_len = key->len;
		memcpy(e->addr, key->addr, sizeof(e->addr));
		ret = fill_set(c, g, &e->set);
		if (ret)
			return ret;
	}
	return 0;
}

static void fill_config(const struct egress_policy *policy, struct egress_config *config)
{
	config->enforce = policy->mode == EGRESS_MODE_ENFORCE;
	config->default_deny = policy->default_action == EGRESS_ACTION_DENY;
	config->raw_sockets = policy->raw_sockets;
	config->families = policy->families;
	config->rule_count = (__u32)policy->rule_count;
	for (size_t s = 0; s < policy->service_count; s++)
		config->svc_levels |= 1u << cgroup_level(policy->services[s].cgroup);
}

int egress_compile(const struct egress_policy *policy, const struct egress_address *addrs,
		   size_t n_addrs, struct egress_tables *out, struct iotguard_error *err)
{
	struct compile c = { .policy = policy, .err = err };
	int ret;

	memset(out, 0, sizeof(*out));
	ret = check_policy(policy, err);
	if (!ret)
		ret = collect_names(&c, addrs, n_addrs);
	if (!ret)
		ret = collect_items(&c);
	if (!ret)
		ret = fill_tables(&c, out);
	if (ret)
		egress_tables_free(out);
	else
		fill_config(policy, &out->config);
	free(c.names);
	free(c.items);
	free(c.group_first);
	free(c.lens);
	free(c.covering);
	return ret;
}

void egress_tables_free(struct egress_tables *tables)
{
	free(tables->entries);
	memset(tables, 0, sizeof(*tables));
}
