// SPDX-License-Identifier: GPL-2.0
/*
 * Per-source token buckets on new connections to login ports (ETSI EN 303
 * 645 5.1-5: brute force over the network must be impracticable).
 *
 * The table is allocated once at load: throttle_table_size entries in sets
 * of IOTGUARD_THROTTLE_WAYS, each set with its own lock. A source's set is
 * chosen by SipHash under a random key, so an attacker cannot aim many
 * sources at one set. A bucket that has refilled completely has expired and
 * its slot is free. When a set is full, the source with the most tokens is
 * evicted, but never one that is over its limit: forgetting it would hand
 * it a fresh burst. If every slot holds an over-limit source, the newcomer
 * is refused instead (fail closed; the console and loopback are exempt).
 *
 * Failing closed lets anyone who can send packets from enough sources (a
 * spoofed SYN flood from a thousand IPv6 /64s of one /48) refuse every
 * newcomer. So the provisioning paths (interface and subnets) get a table
 * of their own: no source outside them can take a slot one of theirs needs,
 * and each table still keeps every source to its budget. A table-full
 * refusal starts an episode of "pressure" (a counter and one event) unless
 * another came within IOTGUARD_THROTTLE_PRESSURE_QUIET_MS, so a flood is
 * reported once rather than lost among its own events.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/ktime.h>
#include "state.h"
#include "throttle.h"

#define IOTGUARD_THROTTLE_WAYS 4
#define IOTGUARD_THROTTLE_MIN_SIZE IOTGUARD_THROTTLE_WAYS
#define IOTGUARD_THROTTLE_MAX_SIZE 65536
#define IOTGUARD_THROTTLE_DEFAULT_SIZE 1024
/* The provisioning paths' table: 1/8 of the other, at least one set. */
#define IOTGUARD_THROTTLE_PROV_DIVISOR 8

static unsigned int throttle_table_size = IOTGUARD_THROTTLE_DEFAULT_SIZE;
module_param(throttle_table_size, uint, 0444);
MODULE_PARM_DESC(throttle_table_size,
		 "sources the brute-force throttle remembers (power of two, 4..65536)");

struct throttle_entry {
	u64 prefix;
	u64 stamp_ns;	/* when tokens was last brought up to date */
	u32 tokens;
	u8 family;	/* 0: slot unused */
};

struct throttle_set {
	spinlock_t lock;
	struct throttle_entry way[IOTGUARD_THROTTLE_WAYS];
};

struct throttle_table {
	struct throttle_set *sets;
	unsigned int n_sets;	/* a power of two */
};

static struct throttle_table tables[__IOTGUARD_THROTTLE_TABLES];
static siphash_key_t hash_key;
/* The last table-full refusal (ktime ns); 0: none yet. */
static atomic64_t last_full_ns;

/* Bring a bucket up to date: one token per interval, up to the burst. */
static void refill(struct throttle_entry *e, u64 now, u32 burst, u64 interval_ns)
{
	u64 gained;

	if (e->tokens >= burst) {
		e->tokens = burst;
		e->stamp_ns = now;
		return;
	}
	/*
	 * now is read before the set's lock: another CPU holding it may have
	 * stamped the entry later than now. Unsigned, that difference would
	 * refill the whole burst (the events' limiter did so: storm_test).
	 */
	if (now <= e->stamp_ns)
		return;
	gained = div64_u64(now - e->stamp_ns, interval_ns);
	if (!gained)
		return;
	if (gained >= burst - e->tokens) {
		e->tokens = burst;
		e->stamp_ns = now;
	} else {
		e->tokens += gained;
		e->stamp_ns += gained * interval_ns;
	}
}

enum iotguard_throttle_verdict
iotguard_throttle_take(enum iotguard_throttle_table which, u8 family, u64 prefix,
		       u32 burst, u32 interval_ms)
{
	const struct throttle_table *table = &tables[which];
	u64 interval_ns = (u64)interval_ms * NSEC_PER_MSEC;
	struct throttle_entry *victim = NULL, *e;
	enum iotguard_throttle_verdict verdict;
	struct throttle_set *set;
	u64 now = ktime_get_ns();
	unsigned int i;

	set = &table->sets[siphash_2u64(prefix, family, &hash_key) &
			   (table->n_sets - 1)];
	spin_lock(&set->lock);
	for (i = 0; i < IOTGUARD_THROTTLE_WAYS; i++) {
		e = &set->way[i];
		if (e->family == family && e->prefix == prefix)
			goto found;
		if (!e->family) {
			if (!victim || victim->family)
				victim = e;
			continue;
		}
		refill(e, now, burst, interval_ns);
		if (!e->tokens)
			continue;	/* over its limit: never evicted */
		if (!victim || (victim->family &&
				(e->tokens > victim->tokens ||
				 (e->tokens == victim->tokens &&
				  e->stamp_ns < victim->stamp_ns))))
			victim = e;
	}
	if (!victim) {
		verdict = IOTGUARD_THROTTLE_FULL;
		goto out;
	}
	/* A full bucket has expired: reusing its slot loses nothing. */
	if (victim->family && victim->tokens < burst)
		iotguard_state_count(IOTGUARD_CTR_THROTTLE_EVICTIONS);
	e = victim;
	e->family = family;
	e->prefix = prefix;
	e->tokens = burst;
	e->stamp_ns = now;
found:
	refill(e, now, burst, interval_ns);
	if (e->tokens) {
		e->tokens--;
		verdict = IOTGUARD_THROTTLE_PASS;
	} else {
		verdict = IOTGUARD_THROTTLE_OVER;
	}
out:
	spin_unlock(&set->lock);
	return verdict;
}

bool iotguard_throttle_note_full(void)
{
	u64 now = ktime_get_ns();
	u64 last = atomic64_xchg(&last_full_ns, now);

	/* The exchange hands the stale stamp to exactly one caller. */
	return !last ||
	       now - last >= (u64)IOTGUARD_THROTTLE_PRESSURE_QUIET_MS * NSEC_PER_MSEC;
}

bool iotguard_throttle_under_pressure(void)
{
	u64 last = atomic64_read(&last_full_ns);

	return last && ktime_get_ns() - last <
		       (u64)IOTGUARD_THROTTLE_PRESSURE_QUIET_MS * NSEC_PER_MSEC;
}

unsigned int iotguard_throttle_table_size(void)
{
	return throttle_table_size;
}

unsigned int iotguard_throttle_entries(u32 burst, u32 interval_ms)
{
	u64 interval_ns = (u64)interval_ms * NSEC_PER_MSEC;
	u64 now = ktime_get_ns();
	unsigned int t, s, i, n = 0;

	for (t = 0; t < ARRAY_SIZE(tables); t++) {
		struct throttle_set *sets = tables[t].sets;

		for (s = 0; s < tables[t].n_sets; s++) {
			spin_lock_bh(&sets[s].lock);
			for (i = 0; i < IOTGUARD_THROTTLE_WAYS; i++) {
				struct throttle_entry *e = &sets[s].way[i];

				if (!e->family)
					continue;
				refill(e, now, burst, interval_ns);
				if (e->tokens < burst)
					n++;
			}
			spin_unlock_bh(&sets[s].lock);
		}
	}
	return n;
}

static int table_init(struct throttle_table *table, unsigned int size)
{
	unsigned int s;

	table->n_sets = size / IOTGUARD_THROTTLE_WAYS;
	table->sets = kvcalloc(table->n_sets, sizeof(*table->sets), GFP_KERNEL);
	if (!table->sets)
		return -ENOMEM;
	for (s = 0; s < table->n_sets; s++)
		spin_lock_init(&table->sets[s].lock);
	return 0;
}

int __init iotguard_throttle_init(void)
{
	int ret;

	if (throttle_table_size < IOTGUARD_THROTTLE_MIN_SIZE ||
	    throttle_table_size > IOTGUARD_THROTTLE_MAX_SIZE ||
	    !is_power_of_2(throttle_table_size)) {
		pr_err("throttle_table_size=%u: must be a power of two from %u to %u\n",
		       throttle_table_size, IOTGUARD_THROTTLE_MIN_SIZE,
		       IOTGUARD_THROTTLE_MAX_SIZE);
		return -EINVAL;
	}
	ret = table_init(&tables[IOTGUARD_THROTTLE_OPEN], throttle_table_size);
	if (ret)
		goto err_open;
	ret = table_init(&tables[IOTGUARD_THROTTLE_PROVISIONING],
			 max_t(unsigned int, IOTGUARD_THROTTLE_WAYS,
			       throttle_table_size / IOTGUARD_THROTTLE_PROV_DIVISOR));
	if (ret)
		goto err_prov;
	get_random_bytes(&hash_key, sizeof(hash_key));
	atomic64_set(&last_full_ns, 0);
	return 0;

err_prov:
	kvfree(tables[IOTGUARD_THROTTLE_OPEN].sets);
	tables[IOTGUARD_THROTTLE_OPEN].sets = NULL;
err_open:
	return ret;
}

void iotguard_throttle_uninit(void)
{
	unsigned int t;

	for (t = 0; t < ARRAY_SIZE(tables); t++) {
		kvfree(tables[t].sets);
		tables[t].sets = NULL;
	}
}
