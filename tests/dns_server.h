/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A DNS server for tests, on a UDP socket of 127.0.0.1: A and AAAA records
 * with chosen TTLs, NXDOMAIN for names it does not have, and on demand
 * silence or SERVFAIL. The host test of the resolver and the device's test
 * of the agent share it. Questions are read with c-ares's name expansion.
 */
#ifndef IOTGUARD_TEST_DNS_SERVER_H
#define IOTGUARD_TEST_DNS_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <ares.h>

enum server_mode { SERVE, SILENT, SERVFAIL };

struct rr {
	const char *name;
	int family;
	const char *addr;
	uint32_t ttl;
};

struct server {
	int fd;
	uint16_t port;
	enum server_mode mode;
	struct rr rrs[8];
	size_t rr_count;
	unsigned int queries;
};

/* On 127.0.0.1:port; port 0: a free one, in srv->port. Aborts if it cannot. */
static inline void server_start(uint16_t port, struct server *srv)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(sin);

	srv->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (srv->fd < 0 || bind(srv->fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    getsockname(srv->fd, (struct sockaddr *)&sin, &len))
		abort();
	srv->port = ntohs(sin.sin_port);
}

static inline void server_set(struct server *srv, const struct rr *rrs, size_t n)
{
	memcpy(srv->rrs, rrs, n * sizeof(*rrs));
	srv->rr_count = n;
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Answer one query: the records the name has of the type asked, else NXDOMAIN. */
static inline void server_answer(struct server *srv)
{
	uint8_t buf[1500];
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	ssize_t len = recvfrom(srv->fd, buf, 512, 0, (struct sockaddr *)&from, &fromlen);
	long enclen;
	char *qname;
	size_t end, count = 0;
	bool known = false;
	int family;

	if (len < 12 || ares_expand_name(buf + 12, buf, (int)len, &qname, &enclen) != ARES_SUCCESS)
		return;
	srv->queries++;
	end = 12 + (size_t)enclen + 4;	/* the question: name, type, class */
	family = (buf[12 + enclen] << 8 | buf[13 + enclen]) == 28 ? AF_INET6 : AF_INET;
	buf[2] = 0x84 | (buf[2] & 0x01);	/* a response, authoritative, RD as asked */
	buf[3] = 0x80;				/* recursion available, NOERROR */
	memset(buf + 6, 0, 6);			/* no answer, authority or additional yet */
	for (size_t i = 0; i < srv->rr_count && srv->mode == SERVE; i++) {
		const struct rr *rr = &srv->rrs[i];
		size_t alen = rr->family == AF_INET ? 4 : 16;
		uint8_t *p = buf + end;

		if (strcasecmp(rr->name, qname))
			continue;
		known = true;
		if (rr->family != family)
			continue;
		put16(p, 0xc00c);		/* the name: a pointer to the question's */
		put16(p + 2, family == AF_INET ? 1 : 28);
		put16(p + 4, 1);		/* IN */
		put16(p + 6, (uint16_t)(rr->ttl >> 16));
		put16(p + 8, (uint16_t)rr->ttl);
		put16(p + 10, (uint16_t)alen);
		inet_pton(family, rr->addr, p + 12);
		end += 12 + alen;
		count++;
	}
	ares_free_string(qname);
	if (srv->mode == SILENT)
		return;
	if (srv->mode == SERVFAIL)
		buf[3] |= 2;
	else if (!known)
		buf[3] |= 3;			/* NXDOMAIN */
	put16(buf + 6, (uint16_t)count);
	sendto(srv->fd, buf, end, 0, (struct sockaddr *)&from, fromlen);
}

#endif
