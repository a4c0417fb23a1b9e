// SPDX-License-Identifier: GPL-2.0
/* The kernel's decision (bpf/egress_decide.bpf.h) on compiled tables, for explain and the tests. */
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include "egress_compile.h"
#include "egress_table_order.h"

/* The longest prefix of (family, svc) holding addr, as the kernel's trie finds it. */
static const struct egress_table_entry *lookup(const struct egress_tables *t, uint16_t svc,
					       int family, const uint8_t *addr)
{
	for (int len = (int)egress_family_bits(family); len >= 0; len--) {
		size_t lo = 0, hi = t->entry_count;
		uint8_t key[16] = { 0 };

		memcpy(key, addr, egress_family_bits(family) / 8);
		egress_mask_prefix(key, (unsigned int)len);
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const struct egress_table_entry *e = &t->entries[mid];
			int cmp = egress_key_cmp(e->family, e->svc, e->prefix_len, e->addr, family, svc,
					  (unsigned int)len, key);

			if (!cmp)
				return e;
			if (cmp < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return NULL;
}

/*
 * The set's first entry for this protocol and port, as the kernel scans it.
 * proto 0, another IP protocol, matches only an entry for any protocol and
 * every port.
 */
static const struct egress_entry *first_match(const struct egress_table_entry *hit,
					      uint16_t port, unsigned int proto)
{
	if (!hit)
		return NULL;
	for (__u32 i = 0; i < hit->set.count && i < EGRESS_SET_MAX; i++) {
		const struct egress_entry *e = &hit->set.e[i];

		if (!proto ? e->protos == (EGRESS_P_TCP | EGRESS_P_UDP | EGRESS_P_ICMP) &&
			     e->port_first == 0 && e->port_last == 0xffff :
		    (e->protos & proto) && (proto == EGRESS_P_ICMP ||
					    (port >= e->port_first && port <= e->port_last)))
			return e;
	}
	return NULL;
}

/* As egress.bpf.c (is_loopback, bpf/egress_decide.bpf.h): 127/8 and ::1, and 0.0.0.0 and ::, which mean this host. */
static bool is_loopback(int family, const uint8_t *addr)
{
	static const uint8_t zero[15];

	if (family == AF_INET)
		return addr[0] == 127 || !(addr[0] | addr[1] | addr[2] | addr[3]);
	return !memcmp(addr, zero, sizeof(zero)) && addr[15] <= 1;
}

void egress_decide(const struct egress_tables *tables, uint16_t svc, int family,
		   const uint8_t *addr, uint16_t port, unsigned int proto,
		   struct egress_decision *out)
{
	static const uint8_t v4_mapped[12] = { [10] = 0xff, [11] = 0xff };
	const struct egress_entry *dev, *own = NULL;

	memset(out, 0, sizeof(*out));
	if (family == AF_INET6 && !memcmp(addr, v4_mapped, sizeof(v4_mapped))) {
		family = AF_INET;
		addr += sizeof(v4_mapped);
	}
	out->family = family;
	if (is_loopback(family, addr)) {
		out->allowed = out->loopback = true;
		return;
	}
	dev = first_match(lookup(tables, 0, family, addr), port, proto);
	if (!dev && svc)
		own = first_match(lookup(tables, svc, family, addr), port, proto);
	if (dev) {
		out->allowed = dev->action == EGRESS_ENTRY_ALLOW;
		out->rule = dev->rule;
	} else if (own && own->action == EGRESS_ENTRY_ALLOW) {
		out->allowed = out->by_service = true;
		out->rule = own->rule;
	} else {
		out->allowed = !tables->config.default_deny;
	}
}
