// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the egress names' address cache on a fake clock: names
 * taken from a policy, queries due, answers replacing addresses, expiry,
 * TTL clamps, the backoff of failing queries, the per-name limit and the
 * changed indication. Built with ASan and UBSan.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "dns_cache.h"
#include "dns_listing.h"

#define S 1000ULL	/* ms in a second, for the fake clock */

/* A policy with one allow rule per name (repeats allowed), and the per-name limit. */
static struct egress_policy *make_policy(const char *const *names, size_t n, uint32_t per_name)
{
	struct egress_policy *p = calloc(1, sizeof(*p));

	p->rules = calloc(n + 1, sizeof(*p->rules));
	p->limits.addresses_per_name = per_name;
	/* A prefix rule too: it has no name to resolve. */
	p->rules[0].id = 1;
	p->rules[0].kind = EGRESS_TARGET_PREFIX;
	p->rules[0].family = AF_INET;
	for (size_t i = 0; i < n; i++) {
		p->rules[i + 1].id = (uint32_t)i + 2;
		p->rules[i + 1].kind = EGRESS_TARGET_NAME;
		strcpy(p->rules[i + 1].name, names[i]);
	}
	p->rule_count = n + 1;
	return p;
}

static void free_policy(struct egress_policy *p)
{
	free(p->rules);
	free(p);
}

static struct dns_cache *cache_with(const char *const *names, size_t n, uint32_t per_name)
{
	struct egress_policy *p = make_policy(names, n, per_name);
	struct dns_cache *c = NULL;

	if (dns_cache_new(&c, NULL) || dns_cache_set_policy(c, p, NULL))
		abort();
	free_policy(p);
	return c;
}

static struct dns_record v4(const char *text, uint32_t ttl)
{
	struct dns_record r = { .ttl = ttl };

	if (inet_pton(AF_INET, text, r.addr) != 1)
		abort();
	return r;
}

static struct dns_record v6(const char *text, uint32_t ttl)
{
	struct dns_record r = { .ttl = ttl };

	if (inet_pton(AF_INET6, text, r.addr) != 1)
		abort();
	return r;
}

TEST(names_from_policy_due_at_once)
{
	const char *names[] = { "b.example", "a.example", "b.example" };
	struct dns_cache *c = cache_with(names, 3, 4);
	struct dns_query q[8];

	EXPECT_EQ(2, dns_cache_name_count(c));
	EXPECT_EQ(0, dns_cache_next_due(c));
	/* Each name's A and AAAA, once: a query started is not handed out again. */
	ASSERT_EQ(4, dns_cache_start_due(c, 0, q, 8));
	EXPECT_STREQ("a.example", q[0].name);
	EXPECT_EQ(AF_INET, q[0].family);
	EXPECT_STREQ("a.example", q[1].name);
	EXPECT_EQ(AF_INET6, q[1].family);
	EXPECT_STREQ("b.example", q[2].name);
	EXPECT_EQ(0, dns_cache_start_due(c, 1, q, 8));
	/* An answer that never came: asked again after the grace. */
	EXPECT_EQ(DNS_QUERY_GRACE_MS, dns_cache_next_due(c));
	EXPECT_EQ(4, dns_cache_start_due(c, DNS_QUERY_GRACE_MS, q, 8));
	/* Fewer slots than queries: the rest on the next call. */
	EXPECT_EQ(3, dns_cache_start_due(c, 2 * DNS_QUERY_GRACE_MS, q, 3));
	EXPECT_EQ(1, dns_cache_start_due(c, 2 * DNS_QUERY_GRACE_MS, q, 3));
	EXPECT_FALSE(dns_cache_take_changed(c));
	EXPECT_STREQ("", dns_listing(c, 0));
	dns_cache_free(c);
}

TEST(answer_refresh_replaces)
{
	const char *names[] = { "cloud.example" };
	struct dns_cache *c = cache_with(names, 1, 8);
	struct dns_record r[] = { v4("192.0.2.2", 120), v4("192.0.2.1", 60) };
	struct dns_record r6[] = { v6("2001:db8::1", 300) };
	struct dns_record r2[] = { v4("192.0.2.3", 60) };
	struct dns_query q[4];

	dns_cache_start_due(c, 0, q, 4);
	ASSERT_EQ(0, dns_cache_answer(c, "cloud.example", AF_INET, r, 2, 0));
	ASSERT_EQ(0, dns_cache_answer(c, "cloud.example", AF_INET6, r6, 1, 0));
	EXPECT_TRUE(dns_cache_take_changed(c));
	EXPECT_FALSE(dns_cache_take_changed(c));
	EXPECT_STREQ("cloud.example=192.0.2.1\ncloud.example=192.0.2.2\n"
		     "cloud.example=2001:db8::1\n", dns_listing(c, 0));
	/* Refreshed at 3/4 of the shortest TTL, before anything expires. */
	EXPECT_EQ(45 * S, dns_cache_next_due(c));
	EXPECT_EQ(0, dns_cache_start_due(c, 45 * S - 1, q, 4));
	ASSERT_EQ(1, dns_cache_start_due(c, 45 * S, q, 4));
	EXPECT_EQ(AF_INET, q[0].family);
	/* The same addresses again, in another order: nothing to recompile. */
	struct dns_record rotated[] = { r[1], r[0] };

	ASSERT_EQ(0, dns_cache_answer(c, "cloud.example", AF_INET, rotated, 2, 45 * S));
	EXPECT_FALSE(dns_cache_take_changed(c));
	/* ...and their expiry moved on: still there after the first TTL. */
	EXPECT_FALSE(dns_cache_expire(c, 61 * S));
	/* Another address: it replaces both. */
	ASSERT_EQ(0, dns_cache_answer(c, "cloud.example", AF_INET, r2, 1, 90 * S));
	EXPECT_TRUE(dns_cache_take_changed(c));
	EXPECT_STREQ("cloud.example=192.0.2.3\ncloud.example=2001:db8::1\n",
		     dns_listing(c, 90 * S));
	/* Answers for a name the policy no longer has, or another family. */
	EXPECT_EQ(-ENOENT, dns_cache_answer(c, "gone.example", AF_INET, r2, 1, 90 * S));
	EXPECT_EQ(-EAFNOSUPPORT, dns_cache_answer(c, "cloud.example", AF_UNIX, r2, 1, 90 * S));
	EXPECT_FALSE(dns_cache_take_changed(c));
	dns_cache_free(c);
}

TEST(expiry_and_clamps)
{
	const char *names[] = { "short.example", "long.example" };
	struct dns_cache *c = cache_with(names, 2, 8);
	struct dns_record zero[] = { v4("198.51.100.1", 0) };
	struct dns_record huge[] = { v4("198.51.100.2", 10 * 24 * 3600) };
	struct dns_query q[4];

	dns_cache_start_due(c, 0, q, 4);
	ASSERT_EQ(0, dns_cache_answer(c, "short.example", AF_INET, zero, 1, 0));
	ASSERT_EQ(0, dns_cache_answer(c, "long.example", AF_INET, huge, 1, 0));
	ASSERT_TRUE(dns_cache_take_changed(c));
	/* TTL 0 counts as DNS_TTL_MIN_S: refreshed at 3/4 of it, expired at it. */
	EXPECT_EQ(DNS_TTL_MIN_S * S * 3 / 4, dns_cache_next_due(c));
	dns_cache_start_due(c, DNS_TTL_MIN_S * S, q, 4);
	EXPECT_FALSE(dns_cache_expire(c, DNS_TTL_MIN_S * S - 1));
	EXPECT_FALSE(dns_cache_take_changed(c));
	/* Not refreshed: gone at its TTL, from the listing even before expire() runs. */
	EXPECT_STREQ("long.example=198.51.100.2\n", dns_listing(c, DNS_TTL_MIN_S * S));
	EXPECT_TRUE(dns_cache_expire(c, DNS_TTL_MIN_S * S));
	EXPECT_TRUE(dns_cache_take_changed(c));
	EXPECT_FALSE(dns_cache_expire(c, DNS_TTL_MIN_S * S + 1));
	EXPECT_FALSE(dns_cache_take_changed(c));
	/* Ten days count as DNS_TTL_MAX_S. */
	EXPECT_FALSE(dns_cache_expire(c, DNS_TTL_MAX_S * S - 1));
	EXPECT_TRUE(dns_cache_expire(c, DNS_TTL_MAX_S * S));
	EXPECT_STREQ("", dns_listing(c, DNS_TTL_MAX_S * S));
	dns_cache_free(c);
}

TEST(failure_keeps_until_expiry_then_backs_off)
{
	const char *names[] = { "cloud.example" };
	struct dns_cache *c = cache_with(names, 1, 8);
	struct dns_record r[] = { v4("192.0.2.1", 100) };
	struct dns_record r6[] = { v6("2001:db8::1", 3600) };
	uint64_t now = 75 * S, expiry = 100 * S, expected[] = { 5, 10, 20, 40, 80, 160, 300, 300 };
	struct dns_query q[4];

	dns_cache_start_due(c, 0, q, 4);
	ASSERT_EQ(0, dns_cache_answer(c, "cloud.example", AF_INET, r, 1, 0));
	ASSERT_EQ(0, dns_cache_answer(c, "cloud.example", AF_INET6, r6, 1, 0));
	dns_cache_take_changed(c);
	/* The refresh at 75 s fails, and every retry after it. */
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		uint64_t before = now;

		ASSERT_EQ(1, dns_cache_start_due(c, now, q, 4));
		EXPECT_EQ(AF_INET, q[0].family);
		ASSERT_EQ(0, dns_cache_failed(c, "cloud.example", AF_INET, now));
		dns_cache_expire(c, now);
		/* Kept while its TTL lasts, gone after; the AAAA set untouched. */
		EXPECT_EQ(now < expiry, strstr(dns_listing(c, now), "192.0.2.1") != NULL);
		EXPECT_NE(NULL, strstr(dns_listing(c, now), "2001:db8::1"));
		now += expected[i] * S;
		/* The retry, or the expiry if that comes first. */
		EXPECT_EQ(before < expiry && expiry < now ? expiry : now, dns_cache_next_due(c));
	}
	EXPECT_TRUE(dns_cache_take_changed(c));
	/* A working resolver again: the backoff starts over. */
	ASSERT_EQ(1, dns_cache_start_due(c, now, q, 4));
	ASSERT_EQ(0, dns_cache_answer(c, "cloud.example", AF_INET, r, 1, now));
	EXPECT_TRUE(dns_cache_take_changed(c));
	ASSERT_EQ(0, dns_cache_failed(c, "cloud.example", AF_INET, now));
	EXPECT_EQ(now + DNS_RETRY_MIN_MS, dns_cache_next_due(c));
	dns_cache_free(c);
}

TEST(no_such_name_empties_at_once)
{
	const char *names[] = { "cloud.example" };
	struct dns_cache *c = cache_with(names, 1, 8);
	struct dns_record r[] = { v4("192.0.2.1", 3600) };
	struct dns_query q[4];

	/* The start of answer_refresh_replaces, with other answers: each test states its own. */
	dns_cache_start_due(c, 0, q, 4);
	ASSERT_EQ(0, dns_cache_answer(c, "cloud.example", AF_INET, r, 1, 0));
	ASSERT_EQ(0, dns_cache_answer(c, "cloud.example", AF_INET6, NULL, 0, 0));
	EXPECT_TRUE(dns_cache_take_changed(c));
	/* The empty AAAA set is asked again after DNS_TTL_MIN_S. */
	EXPECT_EQ(DNS_TTL_MIN_S * S, dns_cache_next_due(c));
	ASSERT_EQ(0, dns_cache_answer(c, "cloud.example", AF_INET, NULL, 0, 10 * S));
	EXPECT_TRUE(dns_cache_take_changed(c));
	EXPECT_STREQ("", dns_listing(c, 10 * S));
	dns_cache_free(c);
}

TEST(limit_per_name)
{
	const char *names[] = { "many.example" };
	struct dns_cache *c = cache_with(names, 1, 3);
	struct dns_record r[] = { v4("10.0.0.5", 60), v4("10.0.0.1", 60), v4("10.0.0.4", 60),
				  v4("10.0.0.1", 90), v4("10.0.0.2", 60), v4("10.0.0.3", 60) };
	struct dns_record rotated[] = { r[5], r[4], r[2], r[0], r[1] };
	struct dns_record one[] = { v4("10.0.0.9", 60) };
	struct dns_record r6[] = { v6("2001:db8::2", 3600), v6("2001:db8::1", 3600) };
	struct dns_query q[4];

	dns_cache_start_due(c, 0, q, 4);
	ASSERT_EQ(0, dns_cache_answer(c, "many.example", AF_INET, r, 6, 0));
	ASSERT_EQ(0, dns_cache_answer(c, "many.example", AF_INET6, r6, 2, 0));
	EXPECT_TRUE(dns_cache_take_changed(c));
	/* The 3 lowest, IPv4 first; the repeated one once, with its longer TTL. */
	EXPECT_STREQ("many.example=10.0.0.1\nmany.example=10.0.0.2\nmany.example=10.0.0.3\n",
		     dns_listing(c, 0));
	/* The two that expire first make room for IPv6. */
	EXPECT_TRUE(dns_cache_expire(c, 60 * S));
	EXPECT_STREQ("many.example=10.0.0.1\nmany.example=2001:db8::1\n"
		     "many.example=2001:db8::2\n", dns_listing(c, 60 * S));
	/* A rotated answer keeps the same three. */
	ASSERT_EQ(0, dns_cache_answer(c, "many.example", AF_INET, r, 6, 61 * S));
	dns_cache_take_changed(c);
	ASSERT_EQ(0, dns_cache_answer(c, "many.example", AF_INET, rotated, 5, 62 * S));
	EXPECT_FALSE(dns_cache_take_changed(c));
	/* Fewer IPv4 addresses: IPv6 fills the rest of the limit. */
	ASSERT_EQ(0, dns_cache_answer(c, "many.example", AF_INET, one, 1, 63 * S));
	EXPECT_TRUE(dns_cache_take_changed(c));
	EXPECT_STREQ("many.example=10.0.0.9\nmany.example=2001:db8::1\n"
		     "many.example=2001:db8::2\n", dns_listing(c, 63 * S));
	dns_cache_free(c);
}

TEST(policy_change_keeps_drops_and_cuts)
{
	const char *before[] = { "keep.example", "drop.example" };
	const char *after[] = { "new.example", "keep.example" };
	struct dns_cache *c = cache_with(before, 2, 4);
	struct dns_record r[] = { v4("192.0.2.1", 60), v4("192.0.2.2", 60) };
	struct egress_policy *p;
	struct iotguard_error err;
	struct dns_query q[8];

	dns_cache_start_due(c, 0, q, 8);
	ASSERT_EQ(0, dns_cache_answer(c, "keep.example", AF_INET, r, 2, 0));
	ASSERT_EQ(0, dns_cache_answer(c, "drop.example", AF_INET, r, 1, 0));
	dns_cache_take_changed(c);

	/* Over the cap: refused, nothing changes. */
	p = make_policy(after, 2, EGRESS_CAP_ADDRESSES_PER_NAME + 1);
	EXPECT_EQ(-E2BIG, dns_cache_set_policy(c, p, &err));
	EXPECT_NE(NULL, strstr(err.msg, "addresses_per_name"));
	free_policy(p);
	EXPECT_EQ(2, dns_cache_name_count(c));
	EXPECT_FALSE(dns_cache_take_changed(c));

	/* A lower limit: keep.example's two addresses are cut to the lower one. */
	p = make_policy(before, 2, 1);
	ASSERT_EQ(0, dns_cache_set_policy(c, p, &err));
	free_policy(p);
	EXPECT_TRUE(dns_cache_take_changed(c));
	EXPECT_STREQ("drop.example=192.0.2.1\nkeep.example=192.0.2.1\n", dns_listing(c, 1));

	/* drop.example goes with its address, keep.example stays. */
	p = make_policy(after, 2, 1);
	ASSERT_EQ(0, dns_cache_set_policy(c, p, &err));
	free_policy(p);
	EXPECT_TRUE(dns_cache_take_changed(c));
	EXPECT_STREQ("keep.example=192.0.2.1\n", dns_listing(c, 1));
	/* Only the new name is due: keep.example keeps its schedule. */
	ASSERT_EQ(2, dns_cache_start_due(c, 1, q, 8));
	EXPECT_STREQ("new.example", q[0].name);
	EXPECT_STREQ("new.example", q[1].name);
	EXPECT_EQ(-ENOENT, dns_cache_answer(c, "drop.example", AF_INET, r, 1, 1));

	/* The same names again: nothing changes. */
	p = make_policy(after, 2, 1);
	ASSERT_EQ(0, dns_cache_set_policy(c, p, &err));
	free_policy(p);
	EXPECT_FALSE(dns_cache_take_changed(c));

	/* No policy: no names, and the address that was allowed is not. */
	ASSERT_EQ(0, dns_cache_set_policy(c, NULL, &err));
	EXPECT_EQ(0, dns_cache_name_count(c));
	EXPECT_TRUE(dns_cache_take_changed(c));
	EXPECT_EQ(DNS_NEVER, dns_cache_next_due(c));
	dns_cache_free(c);
}

TEST_HARNESS_MAIN
