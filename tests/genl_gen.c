// SPDX-License-Identifier: GPL-2.0
/*
 * genl_fuzz_test's messages: random ones (any command, any attributes,
 * nested at random depths, with edge values and random lengths) and
 * mutated valid ones (a valid message for the command, then up to three
 * changes: a length, a type, a byte, an attribute dropped or repeated).
 * Every LOCK is defused. One seeded generator (xorshift64*), so that a
 * seed replays the same messages on any machine.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>
#include "genl_gen.h"

/* xorshift64*: small, and the same sequence from the same seed anywhere. */
static uint64_t rng = 1;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

/* One time in n. */
static bool one_in(uint32_t n)
{
	return below(n) == 0;
}



static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* An attribute at the end; SIZE_MAX (and nothing) if it does not fit. */
static size_t put(struct genl_msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr nla = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };
	size_t at = m->len;

	if (at + align4(NLA_HDRLEN + len) > sizeof(m->buf))
		return SIZE_MAX;
	memcpy(m->buf + at, &nla, sizeof(nla));
	if (len)
		memcpy(m->buf + at + NLA_HDRLEN, data, len);
	memset(m->buf + at + NLA_HDRLEN + len, 0, align4(len) - len);
	m->len += align4(NLA_HDRLEN + len);
	return at;
}

static void put_u32(struct genl_msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_u16(struct genl_msg *m, uint16_t type, uint16_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_u8(struct genl_msg *m, uint16_t type, uint8_t v)
{
	put(m, type, &v, sizeof(v));
}

static size_t nest_start(struct genl_msg *m, uint16_t type)
{
	return put(m, type, NULL, 0);
}

static void nest_end(struct genl_msg *m, size_t at)
{
	struct nlattr nla;

	if (at == SIZE_MAX)
		return;
	memcpy(&nla, m->buf + at, sizeof(nla));
	nla.nla_len = (uint16_t)(m->len - at);
	memcpy(m->buf + at, &nla, sizeof(nla));
}

/* Values at the edges of what the policies and handlers check. */
static const uint32_t edges[] = {
	0, 1, 2, 3, 4, 7, 8, 9, 10, 16, 22, 23, 24, 32, 33, 64, 127, 128, 129, 255, 256,
	2323, 0xffff, 0x10000, IOTGUARD_MAX_THROTTLE_BURST, IOTGUARD_MAX_THROTTLE_BURST + 1,
	IOTGUARD_MAX_THROTTLE_INTERVAL_MS, IOTGUARD_MAX_THROTTLE_INTERVAL_MS + 1,
	IOTGUARD_MAX_LOGIN_PORTS, IOTGUARD_MAX_LOGIN_PORTS + 1, 0x7fffffff, 0x80000000,
	0xfffffffe, 0xffffffff,
};

static uint32_t edge(void)
{
	return one_in(4) ? (uint32_t)rnd() : edges[below(sizeof(edges) / sizeof(edges[0]))];
}

static size_t random_len(void)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 20, 32 };

	return one_in(3) ? below(301) : lens[below(sizeof(lens) / sizeof(lens[0]))];
}

/* A payload of len bytes: random, an edge value, or a string. */
static void fill(unsigned char *p, size_t len)
{
	static const char *const names[] = { "lo", "eth0", "iotfz0", "", "sixteen-chars-xx" };
	uint32_t v;

	switch (below(4)) {
	case 0: {
		const char *s = names[below(sizeof(names) / sizeof(names[0]))];

		memset(p, 0, len);
		memcpy(p, s, strlen(s) < len ? strlen(s) : len);
		if (one_in(2) && len)
			p[len - 1] = 'x';	/* unterminated */
		return;
	}
	case 1:
	case 2:
		memset(p, 0, len);
		v = edge();
		memcpy(p, &v, len < sizeof(v) ? len : sizeof(v));
		return;
	default:
		for (size_t i = 0; i < len; i++)
			p[i] = (unsigned char)rnd();
	}
}

static bool is_nest(uint16_t type)
{
	return type == IOTGUARD_A_LOGIN_PORTS || type == IOTGUARD_A_PROV_NET4 ||
	       type == IOTGUARD_A_PROV_NET6 || type == IOTGUARD_A_LINKS ||
	       type == IOTGUARD_A_COUNTERS;
}

static uint16_t any_type(void)
{
	return (uint16_t)below(IOTGUARD_A_MAX + 3);
}

/* What a nest's members would be, or anything. */
static uint16_t inner_type(uint16_t outer)
{
	if (one_in(4))
		return one_in(8) ? (uint16_t)rnd() & NLA_TYPE_MASK : any_type();
	switch (outer) {
	case IOTGUARD_A_LOGIN_PORTS:
		return IOTGUARD_A_LOGIN_PORT;
	case IOTGUARD_A_PROV_NET4:
	case IOTGUARD_A_PROV_NET6:
		return (uint16_t)below(IOTGUARD_NET_A_MAX + 3);
	case IOTGUARD_A_LINKS:
		return IOTGUARD_A_LINK_FD;
	default:
		return any_type();
	}
}

/* The size the policy wants for an attribute, when it is a scalar. */
static size_t natural_len(uint16_t outer, uint16_t type)
{
	if (outer == IOTGUARD_A_PROV_NET4 || outer == IOTGUARD_A_PROV_NET6) {
		if (type == IOTGUARD_NET_A_ADDR)
			return outer == IOTGUARD_A_PROV_NET4 ? 4 : 16;
		return type == IOTGUARD_NET_A_PREFIX_LEN ? 1 : 0;
	}
	switch (type) {
	case IOTGUARD_A_LOGIN_PORT:
	case IOTGUARD_A_EVENT_DPORT:
		return 2;
	case IOTGUARD_A_LOCKED:
	case IOTGUARD_A_THROTTLE_PRESSURE:
		return 1;
	case IOTGUARD_A_POLICY_GENERATION:
		return 8;
	case IOTGUARD_A_PROV_IFNAME:
	case IOTGUARD_A_VERSION:
		return 1 + below(17);
	default:
		return 4;
	}
}

/* One attribute of type (flags chosen here), nested levels below depth 3. */
static void random_attr(struct genl_msg *m, uint16_t outer, uint16_t type, int depth)
{
	unsigned char payload[320];
	bool nested = is_nest(type) ? !one_in(4) : one_in(8);
	uint16_t flags = (nested ? NLA_F_NESTED : 0) ^ (one_in(16) ? NLA_F_NESTED : 0);
	size_t at;

	if (one_in(8))
		flags |= NLA_F_NET_BYTEORDER;
	if (nested && depth < 3) {
		/* A port list past its maximum now and then. */
		unsigned int n = one_in(8) ? below(40) : below(6);

		at = nest_start(m, type | flags);
		for (unsigned int i = 0; i < n; i++)
			random_attr(m, type, inner_type(type), depth + 1);
		nest_end(m, at);
	} else {
		size_t len = one_in(2) ? natural_len(outer, type) : random_len();

		fill(payload, len);
		at = put(m, type | flags, payload, len);
	}
	/* A length that lies: short, past the end, or under the header. */
	if (at != SIZE_MAX && one_in(16)) {
		struct nlattr nla;

		memcpy(&nla, m->buf + at, sizeof(nla));
		nla.nla_len = one_in(3) ? (uint16_t)below(NLA_HDRLEN) :
			      (uint16_t)below(nla.nla_len + 16);
		memcpy(m->buf + at, &nla, sizeof(nla));
	}
}

/* Each command's own attributes, so that random messages get past the policy too. */
static uint16_t own_type(uint8_t cmd)
{
	static const uint16_t gate[] = {
		IOTGUARD_A_LOGIN_PORTS, IOTGUARD_A_PROV_IFNAME, IOTGUARD_A_PROV_NET4,
		IOTGUARD_A_PROV_NET6, IOTGUARD_A_THROTTLE_BURST, IOTGUARD_A_THROTTLE_INTERVAL_MS,
	};

	switch (cmd) {
	case IOTGUARD_CMD_SET_MODE:
		return one_in(2) ? IOTGUARD_A_MODE : IOTGUARD_A_FLAGS;
	case IOTGUARD_CMD_SET_CRED_STATE:
		return IOTGUARD_A_CRED_STATE;
	case IOTGUARD_CMD_SET_GATE:
		return gate[below(sizeof(gate) / sizeof(gate[0]))];
	case IOTGUARD_CMD_LOCK:
		return IOTGUARD_A_LINKS;
	case IOTGUARD_CMD_SET_EGRESS_JUDGE:
		return IOTGUARD_A_PROG_FD;
	default:
		return any_type();
	}
}

static void header(struct genl_msg *m, uint8_t cmd)
{
	m->cmd = cmd;
	m->len = 0;
	m->version = one_in(8) ? (uint8_t)rnd() : IOTGUARD_GENL_VERSION;
	m->reserved = one_in(16) ? (uint16_t)rnd() : 0;
}

/* (a) Any command, any attribute tree. */
static void gen_random(struct genl_msg *m)
{
	unsigned int n;

	header(m, (uint8_t)below(IOTGUARD_CMD_MAX + 3));
	n = below(7);
	for (unsigned int i = 0; i < n; i++)
		random_attr(m, 0, one_in(2) ? own_type(m->cmd) : any_type(), 0);
	/* Bytes after the last attribute, too few for a header. */
	if (one_in(16) && m->len + 3 <= sizeof(m->buf))
		for (unsigned int i = below(4); i; i--)
			m->buf[m->len++] = (unsigned char)rnd();
}

/* An fd that is never a BPF object's: none is open in this process. */
static uint32_t bogus_fd(const struct raw_genl *g)
{
	static const uint32_t fds[] = { 0, 1, 2, 1000, 0x7fffffff, 0xffffffff };

	return one_in(3) ? (uint32_t)g->fd : fds[below(sizeof(fds) / sizeof(fds[0]))];
}

static void valid_subnet(struct genl_msg *m, uint16_t type)
{
	static const unsigned char a4[4] = { 10, 99, 0, 0 };
	static const unsigned char a6[16] = { 0xfd, 0, 0, 0x99 };
	size_t at = nest_start(m, type | NLA_F_NESTED);

	if (!one_in(4)) {	/* else empty: clears the exemption */
		if (type == IOTGUARD_A_PROV_NET4) {
			put(m, IOTGUARD_NET_A_ADDR, a4, sizeof(a4));
			put_u8(m, IOTGUARD_NET_A_PREFIX_LEN, (uint8_t)(16 + below(17)));
		} else {
			put(m, IOTGUARD_NET_A_ADDR, a6, sizeof(a6));
			put_u8(m, IOTGUARD_NET_A_PREFIX_LEN, (uint8_t)(32 + below(97)));
		}
	}
	nest_end(m, at);
}

/* A message each command accepts (LOCK's and the judge's fds aside). */
static void valid_message(struct genl_msg *m, const struct raw_genl *g)
{
	static const uint8_t cmds[] = {
		IOTGUARD_CMD_GET_STATUS, IOTGUARD_CMD_SET_MODE, IOTGUARD_CMD_SET_CRED_STATE,
		IOTGUARD_CMD_SET_GATE, IOTGUARD_CMD_SET_GATE, IOTGUARD_CMD_SET_EGRESS_JUDGE,
		IOTGUARD_CMD_LOCK,
	};
	static const char *const ifnames[] = { "", "lo", "iotfz0" };
	const char *ifname;
	size_t at;

	m->cmd = cmds[below(sizeof(cmds) / sizeof(cmds[0]))];
	m->version = IOTGUARD_GENL_VERSION;
	m->reserved = 0;
	m->len = 0;
	switch (m->cmd) {
	case IOTGUARD_CMD_SET_MODE:
		put_u32(m, IOTGUARD_A_MODE, below(IOTGUARD_MODE_MAX + 1));
		if (one_in(2))
			put_u32(m, IOTGUARD_A_FLAGS, below(2) * IOTGUARD_SET_F_NO_WEAKEN);
		break;
	case IOTGUARD_CMD_SET_CRED_STATE:
		put_u32(m, IOTGUARD_A_CRED_STATE,
			one_in(2) ? IOTGUARD_CRED_DEFAULT : IOTGUARD_CRED_PROVISIONED);
		break;
	case IOTGUARD_CMD_SET_GATE: {
		unsigned int n = 1 + below(5);

		at = nest_start(m, IOTGUARD_A_LOGIN_PORTS | NLA_F_NESTED);
		for (unsigned int i = 0; i < n; i++)
			put_u16(m, IOTGUARD_A_LOGIN_PORT, (uint16_t)(1 + below(65535)));
		nest_end(m, at);
		ifname = ifnames[below(3)];
		put(m, IOTGUARD_A_PROV_IFNAME, ifname, strlen(ifname) + 1);
		valid_subnet(m, IOTGUARD_A_PROV_NET4);
		valid_subnet(m, IOTGUARD_A_PROV_NET6);
		put_u32(m, IOTGUARD_A_THROTTLE_BURST, 1 + below(IOTGUARD_MAX_THROTTLE_BURST));
		put_u32(m, IOTGUARD_A_THROTTLE_INTERVAL_MS, IOTGUARD_MIN_THROTTLE_INTERVAL_MS +
			below(IOTGUARD_MAX_THROTTLE_INTERVAL_MS - IOTGUARD_MIN_THROTTLE_INTERVAL_MS + 1));
		break;
	}
	case IOTGUARD_CMD_SET_EGRESS_JUDGE:
		put_u32(m, IOTGUARD_A_PROG_FD, bogus_fd(g));
		break;
	case IOTGUARD_CMD_LOCK: {
		unsigned int n = 1 + below(3);

		at = nest_start(m, IOTGUARD_A_LINKS | NLA_F_NESTED);
		for (unsigned int i = 0; i < n; i++)
			put_u32(m, IOTGUARD_A_LINK_FD, bogus_fd(g));
		nest_end(m, at);
		break;
	}
	}
}

/* Offsets of the attributes at the top and one level down, as far as they parse. */
static size_t attr_offsets(const struct genl_msg *m, size_t *out, size_t max)
{
	size_t n = 0, at = 0;

	while (at + NLA_HDRLEN <= m->len && n < max) {
		struct nlattr nla;

		memcpy(&nla, m->buf + at, sizeof(nla));
		if (nla.nla_len < NLA_HDRLEN || at + nla.nla_len > m->len)
			break;
		out[n++] = at;
		if (nla.nla_type & NLA_F_NESTED) {
			size_t in = at + NLA_HDRLEN;

			while (in + NLA_HDRLEN <= at + nla.nla_len && n < max) {
				struct nlattr child;

				memcpy(&child, m->buf + in, sizeof(child));
				if (child.nla_len < NLA_HDRLEN || in + child.nla_len > at + nla.nla_len)
					break;
				out[n++] = in;
				in += align4(child.nla_len);
			}
		}
		at += align4(nla.nla_len);
	}
	return n;
}

static void mutate(struct genl_msg *m)
{
	size_t offs[64], n = attr_offsets(m, offs, 64), at;
	struct nlattr nla;

	switch (below(8)) {
	case 0:		/* flip a bit */
		if (m->len)
			m->buf[below((uint32_t)m->len)] ^= (unsigned char)(1U << below(8));
		break;
	case 1:		/* a byte to anything */
		if (m->len)
			m->buf[below((uint32_t)m->len)] = (unsigned char)rnd();
		break;
	case 2:		/* truncate */
		m->len = below((uint32_t)m->len + 1);
		break;
	case 3:		/* the same attribute twice */
		if (n) {
			at = offs[below((uint32_t)n)];
			memcpy(&nla, m->buf + at, sizeof(nla));
			if (m->len + align4(nla.nla_len) <= sizeof(m->buf)) {
				memcpy(m->buf + m->len, m->buf + at, align4(nla.nla_len));
				m->len += align4(nla.nla_len);
			}
		}
		break;
	case 4:		/* one attribute's length */
		if (n) {
			at = offs[below((uint32_t)n)];
			memcpy(&nla, m->buf + at, sizeof(nla));
			nla.nla_len = one_in(2) ? (uint16_t)(nla.nla_len + below(17) - 8) :
				      (uint16_t)below(nla.nla_len + 300);
			memcpy(m->buf + at, &nla, sizeof(nla));
		}
		break;
	case 5:		/* one attribute's type or flag bits */
		if (n) {
			at = offs[below((uint32_t)n)];
			memcpy(&nla, m->buf + at, sizeof(nla));
			if (one_in(2))
				nla.nla_type = (nla.nla_type & ~NLA_TYPE_MASK) | any_type();
			else
				nla.nla_type ^= one_in(2) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
			memcpy(m->buf + at, &nla, sizeof(nla));
		}
		break;
	case 6:		/* one more attribute */
		random_attr(m, 0, one_in(2) ? own_type(m->cmd) : any_type(), 0);
		break;
	default:	/* the header */
		if (one_in(2))
			m->version = (uint8_t)rnd();
		else if (one_in(2))
			m->reserved = (uint16_t)rnd();
		else
			m->cmd = (uint8_t)below(IOTGUARD_CMD_MAX + 3);
	}
}

/* (b) A valid message, mutated 0 to 3 times (0: it is sent as it is). */
static void gen_mutated(struct genl_msg *m, const struct raw_genl *g)
{
	unsigned int n = below(4);

	valid_message(m, g);
	for (unsigned int i = 0; i < n; i++)
		mutate(m);
}

/*
 * A LOCK locks until reboot: every LOCK carries first an attribute above
 * IOTGUARD_A_MAX, which strict validation refuses (EINVAL) before the
 * handler runs, whatever follows it.
 */
static void defuse_lock(struct genl_msg *m)
{
	static const size_t poison = NLA_HDRLEN + sizeof(uint32_t);
	struct nlattr nla = { .nla_len = poison, .nla_type = IOTGUARD_A_MAX + 1 };
	uint32_t zero = 0;

	if (m->cmd != IOTGUARD_CMD_LOCK)
		return;
	if (m->len + poison > sizeof(m->buf))
		m->len = sizeof(m->buf) - poison;
	memmove(m->buf + poison, m->buf, m->len);
	memcpy(m->buf, &nla, sizeof(nla));
	memcpy(m->buf + NLA_HDRLEN, &zero, sizeof(zero));
	m->len += poison;
}

void genl_gen_message(struct genl_msg *m, const struct raw_genl *g)
{
	if (one_in(2))
		gen_random(m);
	else
		gen_mutated(m, g);
	defuse_lock(m);
}

void genl_gen_dump(const struct genl_msg *m, char *out, size_t size)
{
	int n = snprintf(out, size, "cmd %u version %u reserved %u len %zu:", m->cmd,
			 m->version, m->reserved, m->len);

	for (size_t i = 0; i < m->len && n > 0 && (size_t)n + 4 < size; i++)
		n += snprintf(out + n, size - (size_t)n, " %02x", m->buf[i]);
}

void genl_gen_seed(uint64_t seed)
{
	rng = seed ? seed : 1;
}
