// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzing the module's generic netlink control plane in the guest: random
 * and mutated messages for every command and attribute, from a privileged
 * and from an unprivileged process. What must hold for every message:
 *  - a rejected one changes nothing (status compared after each one);
 *  - nobody without CAP_NET_ADMIN changes anything (EPERM, GET_STATUS works);
 *  - the kernel logs no WARNING, BUG, Oops, UBSAN, KASAN;
 *  - the module's live objects are as many at the end as at the start.
 *
 * GENL_FUZZ_SEED replays a run (the seed is printed first); GENL_FUZZ_MESSAGES
 * sets the privileged test's count (the unprivileged one sends a quarter).
 * The suite goes on after this test, so the device is handed back as it
 * was: a LOCK is never accepted (it lasts until reboot; each one carries an
 * attribute the policy refuses before the handler runs), no BPF fd is ever
 * open here, and mode, credential state and gate are restored and checked.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include "kselftest_harness.h"
#include "genl_raw.h"
#include "util.h"

/*
 * Measured under TCG on this 2-core machine (x86-64 guest, a status read
 * after every privileged message), both tests together: 100,000 privileged
 * and 25,000 unprivileged messages took 22.6 s on 6.1 and 17.1 s on 6.12;
 * the default, 50,000 and 12,500, took 17.4 s on 6.1 and 5.3 s on 6.12 in
 * another run (the host's other guests move these by up to 3 times), and
 * 14.7 s on arm64 6.1. Within make check's ~30 s, with room for a busier host.
 */
#define DEFAULT_MESSAGES 50000
/* The kernel log is read this often, before its ring buffer can wrap. */
#define KMSG_EVERY 512
/*
 * 10^6 messages take minutes: the harness's 30 s default would cut a long
 * run short. The runner's timeout (settings) bounds make check's run, and
 * scripts/vm --timeout make stress's.
 */
#define LONG_RUN_TIMEOUT 3600
#define UNPRIVILEGED 65534

/* xorshift64*: small, and the same sequence from the same seed anywhere. */
static uint64_t rng;

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

static uint64_t seed_from_env(void)
{
	const char *s = getenv("GENL_FUZZ_SEED");
	uint64_t seed;

	if (s && *s)
		return strtoull(s, NULL, 0);
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	return seed;
}

static unsigned long messages_from_env(void)
{
	const char *s = getenv("GENL_FUZZ_MESSAGES");

	return s && *s ? strtoul(s, NULL, 0) : DEFAULT_MESSAGES;
}

/* ------------------------------------------------------------- messages ---- */

struct msg {
	uint8_t cmd;
	uint8_t version;
	uint16_t reserved;
	size_t len;
	unsigned char buf[RAW_ATTRS_MAX] __attribute__((aligned(4)));
};

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* An attribute at the end; SIZE_MAX (and nothing) if it does not fit. */
static size_t put(struct msg *m, uint16_t type, const void *data, size_t len)
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

static void put_u32(struct msg *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_u16(struct msg *m, uint16_t type, uint16_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_u8(struct msg *m, uint16_t type, uint8_t v)
{
	put(m, type, &v, sizeof(v));
}

static size_t nest_start(struct msg *m, uint16_t type)
{
	return put(m, type, NULL, 0);
}

static void nest_end(struct msg *m, size_t at)
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
static void random_attr(struct msg *m, uint16_t outer, uint16_t type, int depth)
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

static void header(struct msg *m, uint8_t cmd)
{
	m->cmd = cmd;
	m->len = 0;
	m->version = one_in(8) ? (uint8_t)rnd() : IOTGUARD_GENL_VERSION;
	m->reserved = one_in(16) ? (uint16_t)rnd() : 0;
}

/* (a) Any command, any attribute tree. */
static void gen_random(struct msg *m)
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

static void valid_subnet(struct msg *m, uint16_t type)
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
static void valid_message(struct msg *m, const struct raw_genl *g)
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
static size_t attr_offsets(const struct msg *m, size_t *out, size_t max)
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

static void mutate(struct msg *m)
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
static void gen_mutated(struct msg *m, const struct raw_genl *g)
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
static void defuse_lock(struct msg *m)
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

static void generate(struct msg *m, const struct raw_genl *g)
{
	if (one_in(2))
		gen_random(m);
	else
		gen_mutated(m, g);
	defuse_lock(m);
}

static int send_msg(struct raw_genl *g, const struct msg *m)
{
	unsigned char reply[8192] __attribute__((aligned(4)));
	size_t reply_len = sizeof(reply);

	return raw_genl_send_bytes(g, m->cmd, m->version, m->reserved, m->buf, m->len,
				   reply, &reply_len);
}

static void dump_msg(const struct msg *m, char *out, size_t size)
{
	int n = snprintf(out, size, "cmd %u version %u reserved %u len %zu:", m->cmd,
			 m->version, m->reserved, m->len);

	for (size_t i = 0; i < m->len && n > 0 && (size_t)n + 4 < size; i++)
		n += snprintf(out + n, size - (size_t)n, " %02x", m->buf[i]);
}

/* ---------------------------------------------------------------- state ---- */

/*
 * The first field that differs, or NULL. config: only what a restore sets
 * (mode, credential state, gate, lock, held links, judge); else also the
 * generation and the change counters, and refused_requests may move by one
 * (a semantic refusal counts itself).
 */
static const char *status_diff(const struct raw_status *was, const struct raw_status *now,
			       bool config)
{
	uint64_t refused = now->counters[IOTGUARD_CTR_REFUSED_REQUESTS] -
			   was->counters[IOTGUARD_CTR_REFUSED_REQUESTS];

	if (was->mode != now->mode)
		return "mode";
	if (was->cred_state != now->cred_state)
		return "cred_state";
	if (was->locked != now->locked)
		return "locked";
	if (was->port_count != now->port_count ||
	    memcmp(was->ports, now->ports, sizeof(now->ports)))
		return "login ports";
	if (strcmp(was->prov_ifname, now->prov_ifname) || was->prov_ifindex != now->prov_ifindex)
		return "provisioning interface";
	if (was->net4_prefix_len != now->net4_prefix_len ||
	    memcmp(was->net4_addr, now->net4_addr, sizeof(now->net4_addr)))
		return "IPv4 subnet";
	if (was->net6_prefix_len != now->net6_prefix_len ||
	    memcmp(was->net6_addr, now->net6_addr, sizeof(now->net6_addr)))
		return "IPv6 subnet";
	if (was->throttle_burst != now->throttle_burst)
		return "throttle burst";
	if (was->throttle_interval_ms != now->throttle_interval_ms)
		return "throttle interval";
	if (was->held_links != now->held_links)
		return "held links";
	if (was->egress_judge != now->egress_judge)
		return "egress judge";
	if (config)
		return NULL;
	if (was->policy_generation != now->policy_generation)
		return "policy_generation";
	if (was->counters[IOTGUARD_CTR_MODE_CHANGES] != now->counters[IOTGUARD_CTR_MODE_CHANGES])
		return "mode_changes";
	if (was->counters[IOTGUARD_CTR_CRED_STATE_CHANGES] !=
	    now->counters[IOTGUARD_CTR_CRED_STATE_CHANGES])
		return "cred_state_changes";
	if (refused > 1)
		return "refused_requests (more than one)";
	return NULL;
}

/* Mode, credential state and the whole gate as they were. 0 or -errno. */
static int restore(struct raw_genl *g, const struct raw_status *b)
{
	struct raw_attrs a = { .len = 0 };
	size_t nest;
	int ret;

	ret = raw_genl_set_mode(g, b->mode, 0);
	if (ret)
		return ret;
	/* "unknown" cannot be set: setup made sure it was not the state. */
	ret = raw_genl_set_cred_state(g, b->cred_state);
	if (ret)
		return ret;
	nest = raw_nest_start(&a, IOTGUARD_A_LOGIN_PORTS);
	for (size_t i = 0; i < b->port_count; i++)
		raw_put_u16(&a, IOTGUARD_A_LOGIN_PORT, b->ports[i]);
	raw_nest_end(&a, nest);
	raw_put(&a, IOTGUARD_A_PROV_IFNAME, b->prov_ifname, strlen(b->prov_ifname) + 1);
	nest = raw_nest_start(&a, IOTGUARD_A_PROV_NET4);
	if (b->net4_prefix_len) {
		raw_put(&a, IOTGUARD_NET_A_ADDR, b->net4_addr, sizeof(b->net4_addr));
		raw_put_u8(&a, IOTGUARD_NET_A_PREFIX_LEN, b->net4_prefix_len);
	}
	raw_nest_end(&a, nest);
	nest = raw_nest_start(&a, IOTGUARD_A_PROV_NET6);
	if (b->net6_prefix_len) {
		raw_put(&a, IOTGUARD_NET_A_ADDR, b->net6_addr, sizeof(b->net6_addr));
		raw_put_u8(&a, IOTGUARD_NET_A_PREFIX_LEN, b->net6_prefix_len);
	}
	raw_nest_end(&a, nest);
	raw_put_u32(&a, IOTGUARD_A_THROTTLE_BURST, b->throttle_burst);
	raw_put_u32(&a, IOTGUARD_A_THROTTLE_INTERVAL_MS, b->throttle_interval_ms);
	return raw_genl_set_gate(g, &a);
}

/* --------------------------------------------------------- kernel log ---- */

struct kmsg_scan {
	int fd;
	unsigned long bad, lost;
	char first_bad[512];
};

static void kmsg_open(struct kmsg_scan *k)
{
	memset(k, 0, sizeof(*k));
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	/* Only what is logged from now on. */
	if (k->fd >= 0)
		lseek(k->fd, 0, SEEK_END);
}

/* Read every new record; count those that say the kernel went wrong. */
static void kmsg_drain(struct kmsg_scan *k)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "Oops", "general protection", "UBSAN", "KASAN",
		"kernel BUG", "Call Trace",
	};
	char rec[2048];

	for (;;) {
		ssize_t n = read(k->fd, rec, sizeof(rec) - 1);

		if (n < 0 && errno == EPIPE) {	/* overwritten before we read it */
			k->lost++;
			continue;
		}
		if (n <= 0)
			return;
		rec[n] = '\0';
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (!strstr(rec, bad[i]))
				continue;
			if (!k->bad++) {
				size_t len = strnlen(rec, sizeof(k->first_bad) - 1);

				memcpy(k->first_bad, rec, len);
				k->first_bad[len] = '\0';
			}
			break;
		}
	}
}

/* -------------------------------------------------------------- fixture ---- */

static void close_bpf_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		char path[300], target[128];
		ssize_t n;

		if (!isdigit((unsigned char)de->d_name[0]) || atoi(de->d_name) == dirfd(dir))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		/* A random PROG_FD must never name a real program. */
		if (strstr(target, "bpf"))
			close(atoi(de->d_name));
	}
	closedir(dir);
}

FIXTURE(fuzz) {
	struct raw_genl g;
	struct raw_status before;
	char objects[256];
	struct kmsg_scan kmsg;
	unsigned long messages;
	uint64_t seed;
};

FIXTURE_SETUP(fuzz)
{
	close_bpf_fds();
	self->seed = seed_from_env();
	self->messages = messages_from_env();
	rng = self->seed ? self->seed : 1;
	TH_LOG("seed %" PRIu64 ", %lu messages (replay: GENL_FUZZ_SEED=%" PRIu64
	       " GENL_FUZZ_MESSAGES=%lu)", self->seed, self->messages, self->seed,
	       self->messages);
	ASSERT_EQ(0, raw_genl_open(&self->g, IOTGUARD_GENL_NAME));
	ASSERT_EQ(0, raw_genl_status(&self->g, &self->before));
	/* A lock could not be undone, nor "unknown" set again. */
	ASSERT_EQ(0, self->before.locked);
	ASSERT_NE(IOTGUARD_CRED_UNKNOWN, self->before.cred_state);
	ASSERT_EQ(0, sysfs_read("objects", self->objects, sizeof(self->objects)));
	kmsg_open(&self->kmsg);
	ASSERT_LE(0, self->kmsg.fd);
}

FIXTURE_TEARDOWN(fuzz)
{
	/* Also after a failed assertion: the suite goes on. */
	restore(&self->g, &self->before);
	raw_genl_close(&self->g);
	if (self->kmsg.fd >= 0)
		close(self->kmsg.fd);
}

/* The checks after a run: the state handed back, no leak, a clean log. */
static void after_run(struct __test_metadata *_metadata, FIXTURE_DATA(fuzz) *self)
{
	struct raw_status now;
	char objects[256];
	const char *diff;

	ASSERT_EQ(0, restore(&self->g, &self->before));
	ASSERT_EQ(0, raw_genl_status(&self->g, &now));
	diff = status_diff(&self->before, &now, true);
	EXPECT_EQ(NULL, diff) TH_LOG("not restored: %s", diff);
	ASSERT_EQ(0, sysfs_read("objects", objects, sizeof(objects)));
	EXPECT_STREQ(self->objects, objects);
	kmsg_drain(&self->kmsg);
	if (self->kmsg.lost)
		TH_LOG("%lu kernel log records were overwritten before they were read",
		       self->kmsg.lost);
	EXPECT_EQ(0, self->kmsg.bad) TH_LOG("kernel log: %s", self->kmsg.first_bad);
}

static bool mutating(uint8_t cmd)
{
	return cmd == IOTGUARD_CMD_SET_MODE || cmd == IOTGUARD_CMD_SET_CRED_STATE ||
	       cmd == IOTGUARD_CMD_SET_GATE || cmd == IOTGUARD_CMD_LOCK ||
	       cmd == IOTGUARD_CMD_SET_EGRESS_JUDGE;
}

TEST_F_TIMEOUT(fuzz, privileged, LONG_RUN_TIMEOUT)
{
	unsigned long accepted = 0, rejected = 0, errnos[256] = { 0 };
	unsigned long per_cmd[IOTGUARD_CMD_MAX + 3][2] = { { 0 } };
	struct raw_status was = self->before, now;
	char line[1024];
	struct msg m;
	int n;

	for (unsigned long i = 0; i < self->messages; i++) {
		const char *diff;
		int ret;

		generate(&m, &self->g);
		ret = send_msg(&self->g, &m);
		ASSERT_GE(0, ret);
		ASSERT_EQ(0, raw_genl_status(&self->g, &now));
		if (m.cmd < IOTGUARD_CMD_MAX + 3)
			per_cmd[m.cmd][ret == 0]++;
		if (ret == 0) {
			/* Accepted: may change state, never the lock. */
			accepted++;
			ASSERT_NE(IOTGUARD_CMD_LOCK, m.cmd);
			ASSERT_EQ(0, now.locked);
		} else {
			rejected++;
			errnos[-ret < 256 ? -ret : 255]++;
			diff = status_diff(&was, &now, false);
			if (diff) {
				dump_msg(&m, line, sizeof(line));
				TH_LOG("message %lu was refused (%d) but changed %s: %s", i, ret,
				       diff, line);
			}
			ASSERT_EQ(NULL, diff);
			if (m.cmd == IOTGUARD_CMD_LOCK)
				EXPECT_EQ(-EINVAL, ret);
		}
		was = now;
		if (i % KMSG_EVERY == 0)
			kmsg_drain(&self->kmsg);
	}
	TH_LOG("%lu messages: %lu accepted, %lu rejected", self->messages, accepted, rejected);
	n = snprintf(line, sizeof(line), "per command (accepted/rejected):");
	for (int c = 0; c < IOTGUARD_CMD_MAX + 3; c++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %d:%lu/%lu", c,
			      per_cmd[c][1], per_cmd[c][0]);
	TH_LOG("%s", line);
	n = snprintf(line, sizeof(line), "errors:");
	for (int e = 1; e < 256; e++)
		if (errnos[e])
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %s %lu",
				      strerrorname_np(e) ? strerrorname_np(e) : "?", errnos[e]);
	TH_LOG("%s", line);
	/* A fuzzer that never gets past the policy tests little. */
	EXPECT_LT(0, accepted);
	after_run(_metadata, self);
}

/* The child's verdict: 0, or which check failed (details on stderr). */
static int unprivileged_child(unsigned long messages)
{
	struct raw_status was, now;
	struct raw_genl g;
	char line[1024], caps[64] = "";
	FILE *f;
	struct msg m;

	if (setgroups(0, NULL) || setresgid(UNPRIVILEGED, UNPRIVILEGED, UNPRIVILEGED) ||
	    setresuid(UNPRIVILEGED, UNPRIVILEGED, UNPRIVILEGED) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 10;
	/* setresuid away from 0 cleared them; make sure. */
	f = fopen("/proc/self/status", "r");
	if (!f)
		return 11;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7) || !strncmp(line, "CapPrm:", 7))
			strncat(caps, strchr(line, '\t') ? strchr(line, '\t') + 1 : line,
				sizeof(caps) - strlen(caps) - 1);
	fclose(f);
	if (strcmp(caps, "0000000000000000\n0000000000000000\n")) {
		fprintf(stderr, "# capabilities left: %s\n", caps);
		return 12;
	}
	if (raw_genl_open(&g, IOTGUARD_GENL_NAME) || raw_genl_status(&g, &was))
		return 13;
	for (unsigned long i = 0; i < messages; i++) {
		int ret;

		generate(&m, &g);
		ret = send_msg(&g, &m);
		if (raw_genl_status(&g, &now))
			return 14;
		/*
		 * genetlink checks the header's reserved field (EINVAL) and the
		 * command (EOPNOTSUPP), then the permission: EPERM before any
		 * attribute is looked at.
		 */
		if ((m.reserved && ret != -EINVAL && ret != -EOPNOTSUPP) ||
		    (!m.reserved && mutating(m.cmd) && ret != -EPERM) ||
		    (m.cmd == IOTGUARD_CMD_GET_STATUS && ret && ret != -EINVAL) ||
		    (!m.reserved && !mutating(m.cmd) && m.cmd != IOTGUARD_CMD_GET_STATUS &&
		     ret != -EOPNOTSUPP) ||
		    /* A refusal here must not even be counted. */
		    status_diff(&was, &now, false) ||
		    now.counters[IOTGUARD_CTR_REFUSED_REQUESTS] !=
		    was.counters[IOTGUARD_CTR_REFUSED_REQUESTS]) {
			const char *diff = status_diff(&was, &now, false);

			dump_msg(&m, line, sizeof(line));
			fprintf(stderr, "# unprivileged message %lu got %d, changed %s: %s\n", i,
				ret, diff ? diff : "refused_requests or nothing", line);
			return 15;
		}
	}
	raw_genl_close(&g);
	return 0;
}

TEST_F_TIMEOUT(fuzz, unprivileged, LONG_RUN_TIMEOUT)
{
	unsigned long messages = self->messages / 4 ? self->messages / 4 : 1;
	struct raw_status now;
	const char *diff;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unprivileged_child(messages));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	TH_LOG("%lu messages from uid %d", messages, UNPRIVILEGED);
	/* Nothing at all changed: not even the refusal counter. */
	ASSERT_EQ(0, raw_genl_status(&self->g, &now));
	diff = status_diff(&self->before, &now, false);
	EXPECT_EQ(NULL, diff) TH_LOG("changed: %s", diff);
	EXPECT_EQ(self->before.counters[IOTGUARD_CTR_REFUSED_REQUESTS],
		  now.counters[IOTGUARD_CTR_REFUSED_REQUESTS]);
	after_run(_metadata, self);
}

TEST_HARNESS_MAIN
