/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The order of the compiled tables' entries, shared by the compiler that
 * sorts them (egress_compile.c) and the decision that searches them
 * (egress_decide.c). Internal to the library.
 */
#ifndef IOTGUARD_EGRESS_TABLE_ORDER_H
#define IOTGUARD_EGRESS_TABLE_ORDER_H

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

static inline unsigned int egress_family_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static inline void egress_mask_prefix(uint8_t *addr, unsigned int len)
{
	for (unsigned int i = 0; i < 16; i++) {
		unsigned int bits = len > i * 8 ? len - i * 8 : 0;

		if (bits < 8)
			addr[i] &= (uint8_t)(0xff00 >> bits);
	}
}

/* Family, then table, then prefix length, then address. */
static inline int egress_key_cmp(int fa, uint16_t sa, unsigned int la, const uint8_t *aa,
				 int fb, uint16_t sb, unsigned int lb, const uint8_t *ab)
{
	if (fa != fb)
		return fa < fb ? -1 : 1;
	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (la != lb)
		return la < lb ? -1 : 1;
	return memcmp(aa, ab, 16);
}

#endif
