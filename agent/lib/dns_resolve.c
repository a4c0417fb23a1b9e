// SPDX-License-Identifier: GPL-2.0
/* The egress names' queries with c-ares, driven from a poll loop (dns_resolve.h). */
#include <arpa/nameser.h>
#include <ares.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "dns_resolve.h"

/* More records than one answer usually holds; dns_cache keeps the limit's worth. */
#define ANSWER_RECORDS_MAX 256
/* Queries started, and sockets read, per round of dns_resolver_run(). */
#define BATCH 16
#define DNS_PORT 53

struct dns_resolver {
	ares_channel channel;
	struct dns_cache *cache;
	int epfd;			/* the channel's sockets, for one fd to poll */
	int sock_errno;			/* an epoll_ctl that failed in sock_state() */
	size_t pending;			/* queries sent, not yet answered or failed */
	uint64_t now;			/* of the dns_resolver_run() the answers come in */
};

/* What a query's callback needs: the resolver, and what was asked. */
struct query {
	struct dns_resolver *r;
	int family;
	char name[];
};

uint64_t dns_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* c-ares says which of its sockets to watch; they go into the epoll set. */
static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct dns_resolver *r = data;
	struct epoll_event ev = {
		.events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0),
		.data.fd = fd,
	};

	if (!readable && !writable) {
		/* About to be closed, which would remove it anyway. */
		epoll_ctl(r->epfd, EPOLL_CTL_DEL, fd, NULL);
		return;
	}
	if (!epoll_ctl(r->epfd, EPOLL_CTL_MOD, fd, &ev))
		return;
	if (errno == ENOENT && !epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev))
		return;
	/* Not watched: its query times out instead; dns_resolver_run() reports it. */
	r->sock_errno = errno;
}

int dns_resolver_new(struct dns_cache *cache, const struct dns_resolver_options *opts,
		     struct dns_resolver **out, struct iotguard_error *err)
{
	struct ares_options options = { 0 };
	int optmask = ARES_OPT_SOCK_STATE_CB;
	struct dns_resolver *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return iotguard_fail(err, ENOMEM, "DNS resolver: out of memory");
	r->cache = cache;
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0) {
		ret = iotguard_fail_errno(err, errno, "DNS resolver: epoll_create1");
		free(r);
		return ret;
	}
	ret = ares_library_init(ARES_LIB_INIT_ALL);
	if (ret != ARES_SUCCESS) {
		close(r->epfd);
		free(r);
		return iotguard_fail(err, ENOMEM, "DNS resolver: c-ares: %s", ares_strerror(ret));
	}
	options.sock_state_cb = sock_state;
	options.sock_state_cb_data = r;
	if (opts && opts->timeout_ms) {
		options.timeout = (int)(opts->timeout_ms > INT_MAX ? INT_MAX : opts->timeout_ms);
		optmask |= ARES_OPT_TIMEOUTMS;
	}
	if (opts && opts->tries) {
		options.tries = (int)(opts->tries > INT_MAX ? INT_MAX : opts->tries);
		optmask |= ARES_OPT_TRIES;
	}
	ret = ares_init_options(&r->channel, &options, optmask);
	if (ret != ARES_SUCCESS) {
		ares_library_cleanup();
		close(r->epfd);
		free(r);
		return iotguard_fail(err, ret == ARES_ENOMEM ? ENOMEM : EINVAL,
				     "DNS resolver: cannot read the system's resolver settings: %s",
				     ares_strerror(ret));
	}
	if (opts && opts->servers) {
		ret = ares_set_servers_ports_csv(r->channel, opts->servers);
		if (ret != ARES_SUCCESS) {
			dns_resolver_free(r);
			return iotguard_fail(err, EINVAL, "DNS resolver: servers \"%s\": %s",
					     opts->servers, ares_strerror(ret));
		}
	}
	*out = r;
	return 0;
}

void dns_resolver_free(struct dns_resolver *r)
{
	if (!r)
		return;
	/* Calls each pending query back with ARES_EDESTRUCTION: on_answer frees it. */
	ares_destroy(r->channel);
	ares_library_cleanup();
	close(r->epfd);
	free(r);
}

int dns_resolver_fd(const struct dns_resolver *r)
{
	return r->epfd;
}

int dns_resolver_timeout_ms(const struct dns_resolver *r, uint64_t now)
{
	uint64_t due = dns_cache_next_due(r->cache), wait = DNS_NEVER;
	struct timeval tv;

	if (ares_timeout(r->channel, NULL, &tv))
		wait = (uint64_t)tv.tv_sec * 1000 + ((uint64_t)tv.tv_usec + 999) / 1000;
	if (due != DNS_NEVER) {
		uint64_t until = due > now ? due - now : 0;

		if (until < wait)
			wait = until;
	}
	if (wait == DNS_NEVER)
		return -1;
	return wait > INT_MAX ? INT_MAX : (int)wait;
}

/*
 * An answer's records for the family asked. Returns 0 with *n records (0:
 * the name has none of that type), or -EBADMSG for an answer that does not
 * parse (counted as a failed query).
 */
static int parse_records(int family, const unsigned char *abuf, int alen,
			 struct dns_record *records, size_t *n)
{
	int count = ANSWER_RECORDS_MAX, ret;

	*n = 0;
	if (family == AF_INET) {
		struct ares_addrttl ttls[ANSWER_RECORDS_MAX];

		ret = ares_parse_a_reply(abuf, alen, NULL, ttls, &count);
		for (int i = 0; ret == ARES_SUCCESS && i < count; i++) {
			memset(&records[i], 0, sizeof(records[i]));
			memcpy(records[i].addr, &ttls[i].ipaddr, 4);
			records[i].ttl = ttls[i].ttl < 0 ? 0 : (uint32_t)ttls[i].ttl;
		}
	} else {
		struct ares_addr6ttl ttls[ANSWER_RECORDS_MAX];

		ret = ares_parse_aaaa_reply(abuf, alen, NULL, ttls, &count);
		for (int i = 0; ret == ARES_SUCCESS && i < count; i++) {
			memcpy(records[i].addr, &ttls[i].ip6addr, 16);
			records[i].ttl = ttls[i].ttl < 0 ? 0 : (uint32_t)ttls[i].ttl;
		}
	}
	if (ret == ARES_ENODATA)
		return 0;
	if (ret != ARES_SUCCESS)
		return -EBADMSG;
	*n = (size_t)count;
	return 0;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dns_record records[ANSWER_RECORDS_MAX];
	struct query *q = arg;
	struct dns_resolver *r = q->r;
	size_t n = 0;

	(void)timeouts;
	r->pending--;
	/* The resolver is going away; the cache may be too. */
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED) {
		free(q);
		return;
	}
	/*
	 * NXDOMAIN, or no record of the type: an answer that the name has no
	 * address. Anything else that is not an answer (a timeout, SERVFAIL,
	 * a refused or unreachable server) leaves the addresses to expire.
	 */
	if (status == ARES_SUCCESS && !parse_records(q->family, abuf, alen, records, &n))
		dns_cache_answer(r->cache, q->name, q->family, records, n, r->now);
	else if (status == ARES_ENOTFOUND || status == ARES_ENODATA)
		dns_cache_answer(r->cache, q->name, q->family, NULL, 0, r->now);
	else
		dns_cache_failed(r->cache, q->name, q->family, r->now);
	free(q);
}

static void send_query(struct dns_resolver *r, const struct dns_query *dq)
{
	size_t len = strlen(dq->name) + 1;
	struct query *q = malloc(sizeof(*q) + len);

	if (!q) {
		dns_cache_failed(r->cache, dq->name, dq->family, r->now);
		return;
	}
	q->r = r;
	q->family = dq->family;
	memcpy(q->name, dq->name, len);
	/* Before the call: c-ares may call back at once (no server, no memory). */
	r->pending++;
	/* ares_query, not ares_search: the name as the policy wrote it, no search domains. */
	ares_query(r->channel, q->name, ns_c_in, dq->family == AF_INET ? ns_t_a : ns_t_aaaa,
		   on_answer, q);
}

int dns_resolver_run(struct dns_resolver *r, uint64_t now)
{
	struct epoll_event ev[BATCH];
	struct dns_query due[BATCH];
	int n, ret = 0;
	size_t queries;

	r->now = now;
	n = epoll_wait(r->epfd, ev, BATCH, 0);
	if (n < 0)
		ret = -errno;
	for (int i = 0; i < n; i++) {
		ares_socket_t fd = ev[i].data.fd;
		bool readable = ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP);

		ares_process_fd(r->channel, readable ? fd : ARES_SOCKET_BAD,
				ev[i].events & EPOLLOUT ? fd : ARES_SOCKET_BAD);
	}
	/* With no socket named, c-ares times out the queries that are late. */
	ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	dns_cache_expire(r->cache, now);
	do {
		queries = dns_cache_start_due(r->cache, now, due, BATCH);
		for (size_t i = 0; i < queries; i++)
			send_query(r, &due[i]);
	} while (queries == BATCH);
	if (!ret && r->sock_errno) {
		ret = -r->sock_errno;
		r->sock_errno = 0;
	}
	return ret;
}

size_t dns_resolver_pending(const struct dns_resolver *r)
{
	return r->pending;
}

int dns_resolver_servers(const struct dns_resolver *r, struct dns_server **out,
			 size_t *count, struct iotguard_error *err)
{
	struct ares_addr_port_node *list = NULL, *node;
	struct dns_server *servers;
	size_t n = 0;
	int ret;

	*out = NULL;
	*count = 0;
	ret = ares_get_servers_ports(r->channel, &list);
	if (ret != ARES_SUCCESS)
		return iotguard_fail(err, ENOMEM, "DNS resolver: servers: %s", ares_strerror(ret));
	for (node = list; node; node = node->next)
		n++;
	servers = n ? calloc(n, sizeof(*servers)) : NULL;
	if (n && !servers) {
		ares_free_data(list);
		return iotguard_fail(err, ENOMEM, "DNS resolver: out of memory");
	}
	n = 0;
	for (node = list; node; node = node->next) {
		struct dns_server *s = &servers[n];

		s->family = node->family;
		if (node->family == AF_INET)
			memcpy(s->addr, &node->addr.addr4, 4);
		else if (node->family == AF_INET6)
			memcpy(s->addr, &node->addr.addr6, 16);
		else
			continue;
		/* 0: the channel's port, which we leave at the standard one. */
		s->port = node->udp_port ? (uint16_t)node->udp_port : DNS_PORT;
		n++;
	}
	ares_free_data(list);
	*out = servers;
	*count = n;
	return 0;
}
