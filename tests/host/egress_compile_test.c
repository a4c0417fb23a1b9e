// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the egress compiler on random policies (seeded, so a
 * failure repeats): decided on the compiled tables, every query agrees with
 * the policy's meaning evaluated rule by rule; and 30,000 rules compile and
 * decide in linear time. egress_cases_test.c has the cases by hand.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "kselftest_harness.h"
#include "egress_builder.h"

/* ---- the reference: the policy's meaning, rule by rule, no tables ---- */

static bool ref_bit(const uint8_t *a, unsigned int bit)
{
	return (a[bit / 8] >> (7 - bit % 8)) & 1;
}

static bool ref_in_prefix(const uint8_t *addr, const uint8_t *prefix, unsigned int len)
{
	for (unsigned int bit = 0; bit < len; bit++)
		if (ref_bit(addr, bit) != ref_bit(prefix, bit))
			return false;
	return true;
}

/* a before b in what a name keeps: IPv4 before IPv6, then the lower address. */
static bool ref_kept_before(const struct egress_address *a, const struct egress_address *b)
{
	if (a->family != b->family)
		return a->family == AF_INET;
	for (unsigned int i = 0; i < 16; i++)
		if (a->addr[i] != b->addr[i])
			return a->addr[i] < b->addr[i];
	return false;
}

/*
 * Is addr among the `limit` addresses name keeps: picked one at a time,
 * each the first in that order of those not picked yet?
 */
static bool ref_name_has(const struct egress_policy *p, const struct egress_address *addrs,
			 size_t n, const char *name, int family, const uint8_t *addr)
{
	bool picked[64] = { false };

	for (size_t count = 0; count < p->limits.addresses_per_name; count++) {
		const struct egress_address *best = NULL;
		size_t at = 0;

		for (size_t i = 0; i < n && i < 64; i++) {
			if (picked[i] || strcmp(addrs[i].name, name))
				continue;
			if (best && !ref_kept_before(&addrs[i], best)) {
				/* A repeat of the best: it goes with it. */
				picked[i] |= !ref_kept_before(best, &addrs[i]);
				continue;
			}
			best = &addrs[i];
			at = i;
		}
		if (!best)
			return false;
		picked[at] = true;
		if (best->family == family && !memcmp(best->addr, addr, family == AF_INET ? 4 : 16))
			return true;
	}
	return false;
}

static bool ref_rule_matches(const struct egress_policy *p, const struct egress_rule *r,
			     const struct egress_address *addrs, size_t n, int family,
			     const uint8_t *addr, uint16_t port, unsigned int proto)
{
	bool port_ok = !r->port_count || proto == EGRESS_P_ICMP;
	uint32_t protos = r->protos;

	/* Another IP protocol: only a rule for any protocol and every port names it. */
	if (!proto)
		return r->protos == EGRESS_PROTO_ANY && !r->port_count &&
		       ref_rule_matches(p, r, addrs, n, family, addr, 0, EGRESS_P_TCP);

	/* egress_policy.h: a rule with ports and "any" means TCP and UDP. */
	if (r->port_count && (protos & (EGRESS_PROTO_TCP | EGRESS_PROTO_UDP)))
		protos &= ~(uint32_t)EGRESS_PROTO_ICMP;
	if (!(protos & proto))
		return false;
	for (size_t i = 0; i < r->port_count; i++)
		port_ok |= port >= r->ports[i].first && port <= r->ports[i].last;
	if (!port_ok)
		return false;
	if (r->kind == EGRESS_TARGET_NAME)
		return ref_name_has(p, addrs, n, r->name, family, addr);
	return r->family == family && ref_in_prefix(addr, r->addr, r->prefix_len);
}

/*
 * A matching device-wide deny wins; then a matching allow, the device's
 * before the service's (the kernel looks there first), lowest number first;
 * else the default. Loopback is always allowed; mapped IPv6 is IPv4.
 */
static void ref_decide(const struct egress_policy *p, const struct egress_address *addrs,
		       size_t n, uint16_t svc, int family, const uint8_t *addr, uint16_t port,
		       unsigned int proto, struct egress_decision *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const struct egress_rule *allow = NULL;
	uint8_t a[16] = { 0 };

	memset(out, 0, sizeof(*out));
	if (family == AF_INET6 && !memcmp(addr, mapped, 12)) {
		family = AF_INET;
		memcpy(a, addr + 12, 4);
	} else {
		memcpy(a, addr, family == AF_INET ? 4 : 16);
	}
	out->family = family;
	/* Loopback; also 0.0.0.0 and ::, "this host", as the kernel takes them. */
	if ((family == AF_INET && (a[0] == 127 || !memcmp(a, in6addr_any.s6_addr, 4))) ||
	    (family == AF_INET6 && (!memcmp(a, in6addr_loopback.s6_addr, 16) ||
				    !memcmp(a, in6addr_any.s6_addr, 16)))) {
		out->allowed = out->loopback = true;
		return;
	}
	for (size_t i = 0; i < p->rule_count; i++) {
		const struct egress_rule *r = &p->rules[i];

		if (!ref_rule_matches(p, r, addrs, n, family, a, port, proto))
			continue;
		if (r->service < 0 && r->action == EGRESS_ACTION_DENY) {
			out->rule = (uint16_t)r->id;
			return;
		}
		if (allow && (allow->service < 0 || r->service >= 0))
			continue;
		if (r->service < 0 || r->service + 1 == svc)
			allow = r;
	}
	if (allow) {
		out->allowed = true;
		out->rule = (uint16_t)allow->id;
		out->by_service = allow->service >= 0;
		return;
	}
	out->allowed = p->default_action == EGRESS_ACTION_ALLOW;
}

/* ---- random policies and queries ---- */

struct rng {
	uint64_t state;
};

/* splitmix64: small, seedable, the same sequence everywhere. */
static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned int pick(struct rng *r, unsigned int n)
{
	return (unsigned int)(rng_next(r) % n);
}

/* Addresses near a few bases, so that prefixes nest, overlap and get hit. */
static int random_address(struct rng *r, uint8_t *addr)
{
	static const char *const bases[] = {
		"10.1.2.3", "10.1.9.9", "10.200.0.1", "192.168.5.5", "203.0.113.9",
		"2001:db8:0:1::5", "2001:db8:0:1::ffff", "2001:db8:1::", "fe80::1",
	};
	int family = builder_address(bases[pick(r, 9)], addr);
	unsigned int bytes = family == AF_INET ? 4 : 16;

	/* Change zero to two low bytes, or a byte in the middle. */
	for (unsigned int k = pick(r, 3); k; k--)
		addr[bytes - 1 - pick(r, 2)] = (uint8_t)pick(r, 4) * 0x40 + (uint8_t)pick(r, 2);
	if (!pick(r, 4))
		addr[bytes / 2 - pick(r, 2)] ^= (uint8_t)(1u << pick(r, 8));
	return family;
}

static unsigned int random_prefix_len(struct rng *r, int family)
{
	static const uint8_t v4[] = { 0, 1, 8, 9, 15, 16, 17, 24, 25, 28, 31, 32, 32 };
	static const uint8_t v6[] = { 0, 16, 32, 33, 48, 64, 65, 96, 120, 127, 128, 128 };

	if (!pick(r, 5))
		return pick(r, family == AF_INET ? 33 : 129);
	return family == AF_INET ? v4[pick(r, sizeof(v4))] : v6[pick(r, sizeof(v6))];
}

static const char *const names[] = { "a.example", "b.example", "c.example" };

static uint16_t random_port(struct rng *r)
{
	static const uint16_t ports[] = { 0, 22, 53, 80, 443, 8000, 8050, 8100, 8101, 65535 };

	return pick(r, 4) ? ports[pick(r, 10)] : (uint16_t)pick(r, 65536);
}

static void random_rule(struct rng *r, struct egress_policy *p, enum egress_action action,
			int service)
{
	struct egress_rule *rule = builder_rule(p, action, service, names[0], 1, "");

	if (pick(r, 5)) {
		rule->kind = EGRESS_TARGET_PREFIX;
		rule->name[0] = '\0';
		rule->family = random_address(r, rule->addr);
		rule->prefix_len = (uint8_t)random_prefix_len(r, rule->family);
		/* Host bits zero, as the parser leaves them. */
		for (unsigned int bit = rule->prefix_len; bit < 128; bit++)
			rule->addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	} else {
		snprintf(rule->name, sizeof(rule->name), "%s", names[pick(r, 3)]);
	}
	rule->protos = 1 + pick(r, EGRESS_PROTO_ANY);
	rule->port_count = pick(r, 3) ? 0 : 1 + pick(r, 3);
	for (size_t i = 0; i < rule->port_count; i++) {
		uint16_t a = random_port(r), b = pick(r, 2) ? a : random_port(r);

		rule->ports[i].first = a < b ? a : b;
		rule->ports[i].last = a < b ? b : a;
	}
}

static void random_policy(struct rng *r, struct egress_policy *p,
			  struct egress_address *addrs, size_t *n_addrs)
{
	size_t services = pick(r, 4);

	builder_init(p, pick(r, 2) ? EGRESS_ACTION_DENY : EGRESS_ACTION_ALLOW);
	p->limits.addresses_per_name = 1 + pick(r, 5);
	for (size_t s = 0; s < services; s++)
		builder_service(p, names[s], s == 1 ? "iotguard/b" : names[s]);
	for (unsigned int i = pick(r, 12); i; i--)
		random_rule(r, p, EGRESS_ACTION_ALLOW, -1);
	for (unsigned int i = pick(r, 7); i; i--)
		random_rule(r, p, EGRESS_ACTION_DENY, -1);
	for (size_t s = 0; s < services; s++)
		for (unsigned int i = pick(r, 6); i; i--)
			random_rule(r, p, EGRESS_ACTION_ALLOW, (int)s);
	/* Some of the names' addresses, with repeats and one for no rule. */
	*n_addrs = pick(r, 16);
	for (size_t i = 0; i < *n_addrs; i++) {
		addrs[i].name = pick(r, 8) ? names[pick(r, 3)] : "z.example";
		if (i && !pick(r, 6)) {
			addrs[i].family = addrs[i - 1].family;
			memcpy(addrs[i].addr, addrs[i - 1].addr, 16);
		} else {
			addrs[i].family = random_address(r, addrs[i].addr);
		}
	}
}

static void expect_same(struct __test_metadata *_metadata, const struct egress_decision *want,
			const struct egress_decision *got, const char *what)
{
	EXPECT_EQ(want->allowed, got->allowed) TH_LOG("%s", what);
	EXPECT_EQ(want->rule, got->rule) TH_LOG("%s", what);
	EXPECT_EQ(want->by_service, got->by_service) TH_LOG("%s", what);
	EXPECT_EQ(want->loopback, got->loopback) TH_LOG("%s", what);
	EXPECT_EQ(want->family, got->family) TH_LOG("%s", what);
}

/* Does another prefix rule of the same table, longer than rule's, hold addr? */
static bool longer_prefix_matches(const struct egress_policy *p, const struct egress_rule *rule,
				  int family, const uint8_t *addr)
{
	for (size_t i = 0; i < p->rule_count; i++) {
		const struct egress_rule *r = &p->rules[i];

		if (r->kind == EGRESS_TARGET_PREFIX && r->service == rule->service &&
		    r->family == family && r->prefix_len > rule->prefix_len &&
		    ref_in_prefix(addr, r->addr, r->prefix_len))
			return true;
	}
	return false;
}

static void random_query(struct rng *r, const struct egress_policy *p, int *family,
			 uint8_t *addr, uint16_t *port, unsigned int *proto, uint16_t *svc)
{
	static const unsigned int protos[] = { EGRESS_P_TCP, EGRESS_P_UDP, EGRESS_P_ICMP, 0 };

	memset(addr, 0, 16);
	*family = random_address(r, addr);
	if (*family == AF_INET && !pick(r, 8)) {
		/* The same address as an IPv4-mapped IPv6 one. */
		memmove(addr + 12, addr, 4);
		memset(addr, 0, 10);
		addr[10] = addr[11] = 0xff;
		*family = AF_INET6;
	} else if (!pick(r, 50)) {
		static const char *const host[] = { "127.3.2.1", "::1", "0.0.0.0", "::" };

		*family = builder_address(host[pick(r, 4)], addr);
	}
	*port = random_port(r);
	*proto = protos[pick(r, 4)];
	*svc = (uint16_t)pick(r, (unsigned int)p->service_count + 2);
}

TEST(random_policies_decide_as_the_rules_say)
{
	struct rng r = { .state = 20261130 };
	unsigned int compiled = 0, policies = 400, queries = 0;
	/* How often each way of deciding came up: each must, or the test proves little. */
	unsigned int by_deny = 0, by_allow = 0, by_service = 0, by_default = 0, by_loopback = 0;
	unsigned int by_name = 0, by_covering = 0;

	for (unsigned int n = 0; n < policies; n++) {
		struct egress_address addrs[16];
		struct egress_policy p;
		struct egress_tables t;
		struct iotguard_error err = { 0 };
		size_t n_addrs;
		int ret;

		random_policy(&r, &p, addrs, &n_addrs);
		ret = egress_compile(&p, addrs, n_addrs, &t, &err);
		if (ret) {
			/* Only a prefix covered by too many entries may be refused. */
			EXPECT_EQ(-E2BIG, ret) TH_LOG("policy %u: %s", n, err.msg);
			EXPECT_EQ(0, t.entry_count);
			builder_free(&p);
			continue;
		}
		compiled++;
		for (unsigned int q = 0; q < 250; q++, queries++) {
			struct egress_decision want, got;
			unsigned int proto;
			uint16_t port, svc;
			uint8_t addr[16];
			char what[160], text[INET6_ADDRSTRLEN];
			int family;

			random_query(&r, &p, &family, addr, &port, &proto, &svc);
			ref_decide(&p, addrs, n_addrs, svc, family, addr, port, proto, &want);
			egress_decide(&t, svc, family, addr, port, proto, &got);
			inet_ntop(family, addr, text, sizeof(text));
			snprintf(what, sizeof(what), "policy %u query %u: %s port %u proto %u svc %u",
				 n, q, text, port, proto, svc);
			expect_same(_metadata, &want, &got, what);
			by_loopback += want.loopback;
			by_default += !want.loopback && !want.rule;
			by_deny += want.rule && !want.allowed;
			by_allow += want.rule && want.allowed && !want.by_service;
			by_service += want.by_service;
			if (want.rule) {
				const struct egress_rule *rule = &p.rules[want.rule - 1];

				by_name += rule->kind == EGRESS_TARGET_NAME;
				/* Decided by a rule wider than the longest matching prefix. */
				by_covering += rule->kind == EGRESS_TARGET_PREFIX &&
					       longer_prefix_matches(&p, rule, family, addr);
			}
			if (!_metadata->passed)
				break;
		}
		egress_tables_free(&t);
		builder_free(&p);
		if (!_metadata->passed)
			break;
	}
	/* The generator must mostly make policies that compile. */
	EXPECT_GT(compiled, policies * 3 / 4);
	TH_LOG("%u of %u policies compiled, %u queries agreed: %u denied by a rule, %u allowed "
	       "by a device rule, %u by a service's, %u by the default, %u loopback; %u by a "
	       "name, %u by a rule covering a longer one", compiled, policies, queries, by_deny,
	       by_allow, by_service, by_default, by_loopback, by_name, by_covering);
	EXPECT_GT(by_deny, queries / 50);
	EXPECT_GT(by_allow, queries / 50);
	EXPECT_GT(by_service, queries / 200);
	EXPECT_GT(by_default, queries / 50);
	EXPECT_GT(by_loopback, queries / 500);
	EXPECT_GT(by_name, queries / 500);
	EXPECT_GT(by_covering, queries / 100);
}

TEST(scale)
{
	struct rng r = { .state = 7 };
	struct egress_policy p;
	struct egress_tables t;
	struct iotguard_error err;
	struct timespec a, b;
	double seconds;

	builder_init(&p, EGRESS_ACTION_DENY);
	p.rules = calloc(30000, sizeof(*p.rules));
	ASSERT_NE(NULL, p.rules);
	for (uint32_t i = 0; i < 30000; i++) {
		struct egress_rule *rule = &p.rules[p.rule_count++];

		rule->id = i + 1;
		rule->action = i < 29000 ? EGRESS_ACTION_ALLOW : EGRESS_ACTION_DENY;
		rule->service = -1;
		rule->protos = EGRESS_PROTO_TCP;
		rule->family = i % 3 ? AF_INET : AF_INET6;
		rule->addr[0] = 10;
		rule->addr[1] = (uint8_t)(i >> 8);
		rule->addr[2] = (uint8_t)i;
		rule->prefix_len = i & 0xff ? 24 : 16;
		if (rule->prefix_len == 16)
			rule->addr[2] = 0;
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
	ASSERT_EQ(0, egress_compile(&p, NULL, 0, &t, &err)) TH_LOG("%s", err.msg);
	for (unsigned int q = 0; q < 30000; q++) {
		struct egress_decision d;
		uint8_t addr[16];
		int family = random_address(&r, addr);

		egress_decide(&t, 0, family, addr, 443, EGRESS_P_TCP, &d);
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	seconds = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	TH_LOG("30000 rules, %zu entries: compiled and 30000 decisions in %.2f s of CPU", t.entry_count,
	       seconds);
	/* Linear work takes a fraction of this even under the sanitizers. */
	EXPECT_LT(seconds, 5.0);
	egress_tables_free(&t);
	builder_free(&p);
}

TEST_HARNESS_MAIN
