// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of the egress names' resolver against a small DNS server the
 * test runs on 127.0.0.1 (a free UDP port): A and AAAA answers with their
 * TTLs into the cache, NXDOMAIN, a refresh replacing addresses, a silent or
 * failing server leaving them to expire, and the list of servers. The
 * cache's clock runs ahead of the real one where a test waits for a TTL.
 * Built with ASan and UBSan.
 */
#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "dns_listing.h"
#include "../dns_server.h"
#include "dns_resolve.h"

#define S 1000ULL

/* ---- driving the resolver as a poll loop does ---- */

struct fixture {
	struct server srv;
	struct dns_cache *cache;
	struct dns_resolver *r;
	uint64_t ahead;			/* the cache's clock ahead of the real one */
};

static uint64_t now(const struct fixture *f)
{
	return dns_now_ms() + f->ahead;
}

/*
 * Poll the resolver and the server, serving queries and running the
 * resolver, until no query is under way (at most 5 s of real time).
 */
static bool settle(struct fixture *f)
{
	uint64_t deadline = dns_now_ms() + 5 * S;

	if (dns_resolver_run(f->r, now(f)))
		return false;
	while (dns_resolver_pending(f->r) && dns_now_ms() < deadline) {
		struct pollfd pfd[2] = {
			{ .fd = dns_resolver_fd(f->r), .events = POLLIN },
			{ .fd = f->srv.fd, .events = POLLIN },
		};
		int timeout = dns_resolver_timeout_ms(f->r, now(f));

		if (timeout < 0 || timeout > 100)
			timeout = 100;
		if (poll(pfd, 2, timeout) < 0)
			return false;
		if (pfd[1].revents & POLLIN)
			server_answer(&f->srv);
		if (dns_resolver_run(f->r, now(f)))
			return false;
	}
	return !dns_resolver_pending(f->r);
}

/* Move the cache's clock to the next thing due, and handle it. */
static bool next_due(struct fixture *f)
{
	uint64_t due = dns_cache_next_due(f->cache), t = now(f);

	if (due == DNS_NEVER)
		return false;
	if (due > t)
		f->ahead += due - t;
	return settle(f);
}

static char *listing(struct fixture *f)
{
	return dns_listing(f->cache, now(f));
}

FIXTURE(resolver) {
	struct fixture f;
};

FIXTURE_SETUP(resolver)
{
	static const char *names[] = { "cloud.test", "other.test", "missing.test" };
	static const struct rr rrs[] = {
		{ "cloud.test", AF_INET, "192.0.2.2", 300 },
		{ "cloud.test", AF_INET, "192.0.2.1", 60 },
		{ "cloud.test", AF_INET6, "2001:db8::1", 120 },
		{ "other.test", AF_INET, "198.51.100.7", 3600 },
	};
	struct egress_rule rules[3] = { 0 };
	struct egress_policy policy = { .rules = rules, .rule_count = 3 };
	struct dns_resolver_options opts = { .timeout_ms = 200, .tries = 1 };
	struct iotguard_error err;
	char servers[32];

	memset(&self->f, 0, sizeof(self->f));
	server_start(0, &self->f.srv);
	server_set(&self->f.srv, rrs, 4);
	for (int i = 0; i < 3; i++) {
		rules[i].kind = EGRESS_TARGET_NAME;
		strcpy(rules[i].name, names[i]);
	}
	ASSERT_EQ(0, dns_cache_new(&self->f.cache, &err));
	ASSERT_EQ(0, dns_cache_set_policy(self->f.cache, &policy, &err));
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", self->f.srv.port);
	opts.servers = servers;
	ASSERT_EQ(0, dns_resolver_new(self->f.cache, &opts, &self->f.r, &err)) {
		TH_LOG("%s", err.msg);
	}
}

FIXTURE_TEARDOWN(resolver)
{
	dns_resolver_free(self->f.r);
	dns_cache_free(self->f.cache);
	close(self->f.srv.fd);
}

TEST_F(resolver, answers_fill_the_cache)
{
	struct fixture *f = &self->f;
	uint64_t start = now(f);
	int timeout;

	/* Nothing asked yet: the names are due at once. */
	EXPECT_EQ(0, dns_resolver_timeout_ms(f->r, start));
	ASSERT_TRUE(settle(f));
	/* A and AAAA for each of the three names. */
	EXPECT_EQ(6, f->srv.queries);
	EXPECT_TRUE(dns_cache_take_changed(f->cache));
	EXPECT_STREQ("cloud.test=192.0.2.1\ncloud.test=192.0.2.2\ncloud.test=2001:db8::1\n"
		     "other.test=198.51.100.7\n", listing(f));
	/*
	 * Next: the names without an address of a type, asked again after
	 * DNS_TTL_MIN_S; cloud.test's A set only at 3/4 of 60 s.
	 */
	timeout = dns_resolver_timeout_ms(f->r, now(f));
	EXPECT_LE(timeout, (int)(DNS_TTL_MIN_S * S));
	EXPECT_GT(timeout, (int)(DNS_TTL_MIN_S * S) - 2000);
	/* Nothing due: a run sends nothing. */
	ASSERT_TRUE(settle(f));
	EXPECT_EQ(6, f->srv.queries);
	EXPECT_FALSE(dns_cache_take_changed(f->cache));
}

TEST_F(resolver, refresh_replaces_addresses)
{
	static const struct rr moved[] = {
		{ "cloud.test", AF_INET, "192.0.2.3", 60 },
		{ "cloud.test", AF_INET6, "2001:db8::1", 120 },
		{ "other.test", AF_INET, "198.51.100.7", 3600 },
	};
	struct fixture *f = &self->f;

	ASSERT_TRUE(settle(f));
	dns_cache_take_changed(f->cache);
	server_set(&f->srv, moved, 3);
	/* Up to cloud.test's A refresh, at 45 s: the empty sets are asked at 30 s first. */
	for (int i = 0; i < 4 && !strstr(listing(f), "192.0.2.3"); i++)
		ASSERT_TRUE(next_due(f));
	EXPECT_STREQ("cloud.test=192.0.2.3\ncloud.test=2001:db8::1\n"
		     "other.test=198.51.100.7\n", listing(f));
	EXPECT_TRUE(dns_cache_take_changed(f->cache));
}

/* The server stops answering (or fails): the addresses last their TTL, then go. */
static void fails_closed(struct __test_metadata *_metadata, struct fixture *f,
			 enum server_mode mode)
{
	static const char all[] = "cloud.test=192.0.2.1\ncloud.test=192.0.2.2\n"
		"cloud.test=2001:db8::1\nother.test=198.51.100.7\n";
	uint64_t start = now(f);
	unsigned int queries;

	ASSERT_TRUE(settle(f));
	dns_cache_take_changed(f->cache);
	f->srv.mode = mode;
	/* Past cloud.test's A refresh at 45 s: asked, failed, the addresses kept. */
	f->ahead += 46 * S;
	queries = f->srv.queries;
	ASSERT_TRUE(settle(f));
	EXPECT_LT(queries, f->srv.queries);
	EXPECT_FALSE(dns_cache_take_changed(f->cache));
	EXPECT_NE(NULL, strstr(listing(f), "cloud.test=192.0.2.1\n"));
	/* Retried after the backoff, not before. */
	EXPECT_GE(dns_cache_next_due(f->cache), now(f) + DNS_RETRY_MIN_MS - 1000);
	/* Past the 60 s TTL of 192.0.2.1: it is gone, the others stay. */
	f->ahead = start + 61 * S - dns_now_ms();
	ASSERT_TRUE(settle(f));
	EXPECT_TRUE(dns_cache_take_changed(f->cache));
	EXPECT_STREQ("cloud.test=192.0.2.2\ncloud.test=2001:db8::1\n"
		     "other.test=198.51.100.7\n", listing(f));
	/* Past every TTL: cloud.test resolves to nothing, its rules allow nothing. */
	f->ahead = start + 3601 * S - dns_now_ms();
	ASSERT_TRUE(settle(f));
	EXPECT_TRUE(dns_cache_take_changed(f->cache));
	EXPECT_STREQ("", listing(f));
	/* A server back: the addresses are back at the retries (each set has its own backoff). */
	f->srv.mode = SERVE;
	for (int i = 0; i < 6 && strcmp(listing(f), all); i++)
		ASSERT_TRUE(next_due(f));
	EXPECT_STREQ(all, listing(f));
}

TEST_F(resolver, silent_server_fails_closed)
{
	fails_closed(_metadata, &self->f, SILENT);
}

TEST_F(resolver, servfail_fails_closed)
{
	fails_closed(_metadata, &self->f, SERVFAIL);
}

/* More queries due than one round sends at a time: all of them go out. */
TEST_F(resolver, many_names_all_asked)
{
	struct egress_rule rules[20] = { 0 };
	struct egress_policy policy = { .rules = rules, .rule_count = 20 };
	struct fixture *f = &self->f;

	for (int i = 0; i < 20; i++) {
		rules[i].kind = EGRESS_TARGET_NAME;
		snprintf(rules[i].name, sizeof(rules[i].name), "n%d.test", i);
	}
	ASSERT_EQ(0, dns_cache_set_policy(f->cache, &policy, NULL));
	ASSERT_EQ(0, dns_resolver_run(f->r, now(f)));
	EXPECT_EQ(40, dns_resolver_pending(f->r));
	ASSERT_TRUE(settle(f));
	EXPECT_EQ(40, f->srv.queries);
}

TEST_F(resolver, servers_listed)
{
	struct dns_server *servers;
	size_t n;

	ASSERT_EQ(0, dns_resolver_servers(self->f.r, &servers, &n, NULL));
	ASSERT_EQ(1, n);
	EXPECT_EQ(AF_INET, servers[0].family);
	EXPECT_EQ(0, memcmp(servers[0].addr, "\x7f\0\0\x01", 4));
	EXPECT_EQ(self->f.srv.port, servers[0].port);
	free(servers);
}

TEST(servers_from_options_and_resolv_conf)
{
	struct dns_resolver_options opts = { .servers = "192.0.2.53,[2001:db8::53]:5353" };
	struct iotguard_error err;
	struct dns_server *servers;
	struct dns_resolver *r;
	struct dns_cache *c;
	size_t n;

	ASSERT_EQ(0, dns_cache_new(&c, NULL));
	ASSERT_EQ(0, dns_resolver_new(c, &opts, &r, &err));
	ASSERT_EQ(0, dns_resolver_servers(r, &servers, &n, &err));
	ASSERT_EQ(2, n);
	EXPECT_EQ(AF_INET, servers[0].family);
	EXPECT_EQ(53, servers[0].port);
	EXPECT_EQ(AF_INET6, servers[1].family);
	EXPECT_EQ(0, memcmp(servers[1].addr, "\x20\x01\x0d\xb8", 4));
	EXPECT_EQ(0x53, servers[1].addr[15]);
	EXPECT_EQ(5353, servers[1].port);
	free(servers);
	dns_resolver_free(r);

	/* The system's own (c-ares falls back to 127.0.0.1 without a resolv.conf). */
	ASSERT_EQ(0, dns_resolver_new(c, NULL, &r, &err));
	ASSERT_EQ(0, dns_resolver_servers(r, &servers, &n, &err));
	EXPECT_LE(1, n);
	for (size_t i = 0; i < n; i++)
		EXPECT_NE(0, servers[i].port);
	free(servers);
	dns_resolver_free(r);

	opts.servers = "not-an-address";
	EXPECT_EQ(-EINVAL, dns_resolver_new(c, &opts, &r, &err));
	EXPECT_NE(NULL, strstr(err.msg, "not-an-address"));
	dns_cache_free(c);
}

TEST_HARNESS_MAIN
