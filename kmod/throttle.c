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
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

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

static struct throttle_set *sets;
static unsigned int n_sets;
static siphash_key_t hash_key;

/* Bring a bucket up to date: one token per interval, up to the burst. */
static void refill(struct throttle_entry *e, u64 now, u32 burst, u64 interval_ns)
{
	u64 gained;

	if (e->tokens >= burst) {
		e->tokens = burst;
		e->stamp_ns = now;
		return;
	}
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
iotguard_throttle_take(u8 family, u64 prefix, u32 burst, u32 interval_ms)
{
	u64 interval_ns = (u64)interval_ms * NSEC_PER_MSEC;
	struct throttle_entry *victim = NULL, *e;
	enum iotguard_throttle_verdict verdict;
	struct throttle_set *set;
	u64 now = ktime_get_ns();
	unsigned int i;

	set = &sets[siphash_2u64(prefix, family, &hash_key) & (n_sets - 1)];
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

unsigned int iotguard_throttle_table_size(void)
{
	return throttle_table_size;
}

unsigned int iotguard_throttle_entries(u32 burst, u32 interval_ms)
{
	u64 interval_ns = (u64)interval_ms * NSEC_PER_MSEC;
	u64 now = ktime_get_ns();
	unsigned int s, i, n = 0;

	for (s = 0; s < n_sets; s++) {
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
	return n;
}

int __init iotguard_throttle_init(void)
{
	unsigned int s;

	if (throttle_table_size < IOTGUARD_THROTTLE_MIN_SIZE ||
	    throttle_table_size > IOTGUARD_THROTTLE_MAX_SIZE ||
	    !is_power_of_2(throttle_table_size)) {
		pr_err("throttle_table_size=%u: must be a power of two from %u to %u\n",
		       throttle_table_size, IOTGUARD_THROTTLE_MIN_SIZE,
		       IOTGUARD_THROTTLE_MAX_SIZE);
		return -EINVAL;
	}
	n_sets = throttle_table_size / IOTGUARD_THROTTLE_WAYS;
	sets = kvcalloc(n_sets, sizeof(*sets), GFP_KERNEL);
	if (!sets)
		return -ENOMEM;
	for (s = 0; s < n_sets; s++)
		spin_lock_init(&sets[s].lock);
	get_random_bytes(&hash_key, sizeof(hash_key));
	return 0;
}

void iotguard_throttle_uninit(void)
{
	kvfree(sets);
	sets = NULL;
}
