// SPDX-License-Identifier: GPL-2.0
/* Installing the outbound policy's tables in the pinned maps, one generation at a time. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <linux/openvswitch.h>
#include <linux/tipc_config.h>
#include <linux/tipc_netlink.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "bpf_pin.h"
#include "egress_maps.h"
#include "genl_families.h"

struct egress_fds {
	int v4, v6, h4, h6, services, config, active;
};

static void close_fds(struct egress_fds *fds)
{
	int *all[] = { &fds->v4, &fds->v6, &fds->h4, &fds->h6, &fds->services, &fds->config,
		       &fds->active };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (*all[i] >= 0)
			close(*all[i]);
		*all[i] = -1;
	}
}

static int open_fds(struct egress_fds *fds, struct iotguard_error *err)
{
	static const char *const pins[] = {
		EGRESS_V4_PIN, EGRESS_V6_PIN, EGRESS_H4_PIN, EGRESS_H6_PIN, EGRESS_SERVICES_PIN,
		EGRESS_CONFIG_PIN, EGRESS_ACTIVE_PIN,
	};
	int *all[] = { &fds->v4, &fds->v6, &fds->h4, &fds->h6, &fds->services, &fds->config,
		       &fds->active };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		*all[i] = -1;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		*all[i] = bpf_obj_get(pins[i]);
		if (*all[i] < 0) {
			int ret = iotguard_fail_errno(err, errno, "opening %s (is the outbound "
						      "policy's BPF loaded?)", pins[i]);
			close_fds(fds);
			return ret;
		}
	}
	return 0;
}

_Static_assert(sizeof(struct egress_service_key) <= sizeof(struct egress_key6),
	       "clear_gen's buffer holds every key");

/* The generation a key belongs to. */
static int key_gen(const void *key, size_t key_size)
{
	return key_size == sizeof(struct egress_service_key) ?
	       (int)((const struct egress_service_key *)key)->gen :
	       ((const struct egress_key4 *)key)->gen;
}

/*
 * Delete every entry of generation gen from the map. Keys are collected
 * first: deleting while walking would restart the walk.
 */
static int clear_gen(int fd, size_t key_size, int gen)
{
	/* The key just read, then a copy of it to walk on from. */
	unsigned char key[2 * sizeof(struct egress_key6)];
	unsigned char *keys = NULL;
	size_t n = 0, cap = 0;
	const void *prev = NULL;
	int ret = 0;

	while (!bpf_map_get_next_key(fd, prev, key)) {
		if (key_gen(key, key_size) == gen) {
			if (n == cap) {
				unsigned char *grown;

				cap = cap ? 2 * cap : 64;
				grown = realloc(keys, cap * key_size);
				if (!grown) {
					ret = -ENOMEM;
					goto out;
				}
				keys = grown;
			}
			memcpy(keys + n * key_size, key, key_size);
			n++;
		}
		/* The trie walks from the key given: keep it in a copy. */
		memcpy(key + key_size, key, key_size);
		prev = key + key_size;
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(fd, keys + i * key_size) && errno != ENOENT && !ret)
			ret = -errno;
out:
	free(keys);
	return ret;
}

static int clear_all(const struct egress_fds *fds, int gen)
{
	const struct {
		int fd;
		size_t key_size;
	} maps[] = {
		{ fds->v4, sizeof(struct egress_key4) }, { fds->v6, sizeof(struct egress_key6) },
		{ fds->h4, sizeof(struct egress_key4) }, { fds->h6, sizeof(struct egress_key6) },
		{ fds->services, sizeof(struct egress_service_key) },
	};
	int ret = 0;

	/* Every map, even after a failure: the first error is returned. */
	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		int r = clear_gen(maps[i].fd, maps[i].key_size, gen);

		if (r && !ret)
			ret = r;
	}
	return ret;
}

static int write_entry(const struct egress_fds *fds, const struct egress_table_entry *e,
		       __u8 gen)
{
	if (e->family == AF_INET) {
		struct egress_key4 k = {
			.prefixlen = EGRESS_KEY_FIXED_BITS + e->prefix_len, .gen = gen,
			.svc = e->svc,
		};

		memcpy(k.addr, e->addr, 4);
		/* A whole address goes to the hash, found before the trie. */
		return bpf_map_update_elem(e->prefix_len == 32 ? fds->h4 : fds->v4, &k, &e->set,
					   BPF_ANY) ? -errno : 0;
	} else {
		struct egress_key6 k = {
			.prefixlen = EGRESS_KEY_FIXED_BITS + e->prefix_len, .gen = gen,
			.svc = e->svc,
		};

		memcpy(k.addr, e->addr, 16);
		return bpf_map_update_elem(e->prefix_len == 128 ? fds->h6 : fds->v6, &k, &e->set,
					   BPF_ANY) ? -errno : 0;
	}
}

static int write_gen(const struct egress_fds *fds, const struct egress_tables *tables,
		     const struct egress_service_cgroup *services, size_t n_services, __u32 gen,
		     struct iotguard_error *err)
{
	for (size_t i = 0; i < tables->entry_count; i++) {
		int ret = write_entry(fds, &tables->entries[i], (__u8)gen);

		if (ret)
			return iotguard_fail_errno(err, -ret, "writing the outbound policy's "
						   "entry %zu of %zu", i + 1, tables->entry_count);
	}
	for (size_t i = 0; i < n_services; i++) {
		struct egress_service_key k = { .cgroup_id = services[i].cgroup_id, .gen = gen };
		struct egress_service_value v = {
			.svc = services[i].svc, .raw_sockets = services[i].raw_sockets,
			.families = services[i].families,
		};

		if (bpf_map_update_elem(fds->services, &k, &v, BPF_ANY))
			return iotguard_fail_errno(err, errno, "writing service %u's cgroup",
						   services[i].svc);
	}
	if (bpf_map_update_elem(fds->config, &gen, &tables->config, BPF_ANY))
		return iotguard_fail_errno(err, errno, "writing the outbound policy's settings");
	return 0;
}

int egress_apply(const struct egress_tables *tables, const struct egress_service_cgroup *services,
		 size_t n_services, struct iotguard_error *err)
{
	struct egress_active active = {};
	struct egress_fds fds;
	__u32 key = 0, next;
	int ret;

	ret = open_fds(&fds, err);
	if (ret)
		return ret;
	if (bpf_map_lookup_elem(fds.active, &key, &active)) {
		ret = iotguard_fail_errno(err, errno, "reading %s", EGRESS_ACTIVE_PIN);
		goto out;
	}
	/* Never the live generation; leftovers of a failed update go first. */
	next = active.installed ? !(active.gen & 1) : 0;
	ret = clear_all(&fds, (int)next);
	if (ret) {
		iotguard_fail_errno(err, -ret, "clearing the outbound policy's spare tables");
		goto out;
	}
	ret = write_gen(&fds, tables, services, n_services, next, err);
	if (ret) {
		clear_all(&fds, (int)next);
		goto out;
	}
	/* The switch: one array element, read once per decision. */
	active = (struct egress_active){ .installed = 1, .gen = next };
	if (bpf_map_update_elem(fds.active, &key, &active, BPF_ANY)) {
		ret = iotguard_fail_errno(err, errno, "switching to the new outbound policy");
		clear_all(&fds, (int)next);
		goto out;
	}
	/*
	 * A program that read egress_active just before the switch may still
	 * be looking up the old generation: deleting its entries under it
	 * would judge by half a policy. The programs run inside RCU read-side
	 * sections, and MEMBARRIER_CMD_GLOBAL waits for an RCU grace period
	 * (synchronize_rcu), after which none is. Where it cannot (nohz_full
	 * CPUs: EINVAL), the old generation stays until the next update
	 * clears it before writing.
	 */
	if (!syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		clear_all(&fds, (int)!next);
out:
	close_fds(&fds);
	return ret;
}

int egress_uninstall(struct iotguard_error *err)
{
	struct egress_active active = {};
	__u32 key = 0;
	int fd, ret = 0;

	fd = bpf_obj_get(EGRESS_ACTIVE_PIN);
	if (fd < 0)
		return errno == ENOENT ? 0 : iotguard_fail_errno(err, errno, "opening %s",
								 EGRESS_ACTIVE_PIN);
	if (bpf_map_update_elem(fd, &key, &active, BPF_ANY))
		ret = iotguard_fail_errno(err, errno, "removing the outbound policy");
	close(fd);
	return ret;
}

/*
 * Copy generation gen's entries of one pinned map into another (if write),
 * and into copy. The walk of login_guard_maps.c's copy_map, over keys and values
 * of other sizes and with a generation to pick.
 */
static int copy_gen(const char *from_pin, const char *to_pin, int gen, struct bpf_pin_copy *copy,
		    bool write)
{
	/* Every value fits the largest, a set. */
	unsigned char key[2 * sizeof(struct egress_key6)], value[sizeof(struct egress_set)];
	size_t key_size = copy->key_size;
	const void *prev = NULL;
	int from, to, ret = 0;

	from = bpf_obj_get(from_pin);
	if (from < 0)
		return -errno;
	to = bpf_obj_get(to_pin);
	if (to < 0) {
		ret = -errno;
		close(from);
		return ret;
	}
	while (!ret && !bpf_map_get_next_key(from, prev, key)) {
		memset(value, 0, sizeof(value));
		if (key_gen(key, key_size) == gen && !bpf_map_lookup_elem(from, key, value)) {
			if (write && bpf_map_update_elem(to, key, value, BPF_ANY))
				ret = -errno;
			else
				ret = bpf_pin_copy_add(copy, key, value);
		}
		memcpy(key + key_size, key, key_size);
		prev = key + key_size;
	}
	close(to);
	close(from);
	return ret;
}

/* Element key of the pinned array at pin. */
static int read_at(const char *pin, __u32 key, void *value)
{
	int fd, ret;

	fd = bpf_obj_get(pin);
	if (fd < 0)
		return -errno;
	ret = bpf_map_lookup_elem(fd, &key, value) ? -errno : 0;
	close(fd);
	return ret;
}

static int read_one(const char *pin, void *value)
{
	return read_at(pin, 0, value);
}

int egress_lock_state(struct egress_lock *lock)
{
	return read_one(EGRESS_LOCK_PIN, lock);
}

/* The lock's own writes into the floor, checked once frozen. */
static int fill_floor(const struct egress_active *active, struct egress_lock *lock,
		      struct iotguard_error *err)
{
	/* Each live map, its floor copy and their key and value sizes. */
	static const struct {
		const char *live, *floor;
		size_t key_size, value_size;
	} maps[] = {
		{ EGRESS_V4_PIN, EGRESS_V4_FLOOR_PIN, sizeof(struct egress_key4),
		  sizeof(struct egress_set) },
		{ EGRESS_V6_PIN, EGRESS_V6_FLOOR_PIN, sizeof(struct egress_key6),
		  sizeof(struct egress_set) },
		{ EGRESS_H4_PIN, EGRESS_H4_FLOOR_PIN, sizeof(struct egress_key4),
		  sizeof(struct egress_set) },
		{ EGRESS_H6_PIN, EGRESS_H6_FLOOR_PIN, sizeof(struct egress_key6),
		  sizeof(struct egress_set) },
		{ EGRESS_SERVICES_PIN, EGRESS_SERVICES_FLOOR_PIN, sizeof(struct egress_service_key),
		  sizeof(struct egress_service_value) },
	};
	enum { N_MAPS = sizeof(maps) / sizeof(maps[0]) };
	struct bpf_pin_copy copies[N_MAPS] = { 0 };
	bool frozen[N_MAPS] = { 0 };
	int fd, ret = 0;

	for (size_t i = 0; i < N_MAPS; i++) {
		copies[i].key_size = maps[i].key_size;
		copies[i].value_size = maps[i].value_size;
	}
	/*
	 * A floor frozen already (a lock that failed after freezing it: a
	 * write held in progress to a later map) cannot be written: it must
	 * hold what would be copied now. Else the floor holds only what is
	 * copied now: whatever root wrote into it before goes first.
	 */
	for (size_t i = 0; !ret && i < N_MAPS; i++) {
		ret = bpf_pin_frozen(maps[i].floor);
		if (ret < 0) {
			ret = iotguard_fail_errno(err, -ret, "opening %s", maps[i].floor);
			break;
		}
		frozen[i] = ret;
		ret = 0;
		if (frozen[i])
			continue;
		fd = bpf_obj_get(maps[i].floor);
		if (fd < 0) {
			ret = iotguard_fail_errno(err, errno, "opening %s", maps[i].floor);
			break;
		}
		ret = clear_gen(fd, maps[i].key_size, 0);
		if (!ret)
			ret = clear_gen(fd, maps[i].key_size, 1);
		close(fd);
		if (ret)
			ret = iotguard_fail_errno(err, -ret, "emptying %s", maps[i].floor);
	}
	if (!ret && active->installed) {
		fd = bpf_obj_get(EGRESS_CONFIG_PIN);
		if (fd < 0) {
			ret = iotguard_fail_errno(err, errno, "opening %s", EGRESS_CONFIG_PIN);
			goto out;
		}
		ret = bpf_map_lookup_elem(fd, &lock->gen, &lock->config) ? -errno : 0;
		close(fd);
		for (size_t i = 0; i < N_MAPS && !ret; i++)
			ret = copy_gen(maps[i].live, maps[i].floor, (int)lock->gen, &copies[i],
				       !frozen[i]);
		if (ret) {
			ret = iotguard_fail_errno(err, -ret, "copying the outbound policy for the "
						  "lock");
			goto out;
		}
	} else if (!ret) {
		/* Nothing in force: a floor that allows everything. */
		lock->config = (struct egress_config){
			.enforce = 1, .raw_sockets = 1, .families = ~0ull,
		};
	}
	for (size_t i = 0; !ret && i < N_MAPS; i++) {
		ret = bpf_pin_freeze(maps[i].floor);
		if (ret)
			ret = iotguard_fail_errno(err, -ret, "freezing %s%s", maps[i].floor,
						  ret == -EBUSY ? " (a write to it is held in "
						  "progress)" : "");
	}
	for (size_t i = 0; !ret && i < N_MAPS; i++) {
		ret = bpf_pin_copy_check(maps[i].floor, &copies[i], true);
		if (ret)
			ret = iotguard_fail_errno(err, -ret, "%s %s: not locked", maps[i].floor,
						  frozen[i] ? "was frozen with another policy" :
						  "was written while the lock copied it");
	}
out:
	for (size_t i = 0; i < N_MAPS; i++)
		bpf_pin_copy_free(&copies[i]);
	return ret;
}

/*
 * The generic netlink families whose changes the lock refuses (egress.h),
 * by the ids registered now: Open vSwitch's datapath, ports and flows may
 * still be read and deleted; no packet is executed. TIPC's bearers make
 * the kernel send frames of its own on a link (discovery, with the node
 * identity root sets) with no TIPC socket: none is enabled, added or
 * changed, nor the identity or the links' settings; reading, disabling a
 * bearer and removing still work; the old "TIPC" family, which tunnels
 * the same commands, takes none. A family not registered now never is (no
 * module loads after the lock).
 */
static int lock_genl_refusals(struct egress_lock *lock, struct iotguard_error *err)
{
#define BIT(cmd) (1U << (cmd))
	static const char *const names[] = {
		OVS_DATAPATH_FAMILY, OVS_VPORT_FAMILY, OVS_FLOW_FAMILY, OVS_PACKET_FAMILY,
		TIPC_GENL_V2_NAME, TIPC_GENL_NAME,
	};
	static const __u32 allowed[] = {
		BIT(OVS_DP_CMD_GET) | BIT(OVS_DP_CMD_DEL),
		BIT(OVS_VPORT_CMD_GET) | BIT(OVS_VPORT_CMD_DEL),
		BIT(OVS_FLOW_CMD_GET) | BIT(OVS_FLOW_CMD_DEL),
		0,
		BIT(TIPC_NL_BEARER_DISABLE) | BIT(TIPC_NL_BEARER_GET) | BIT(TIPC_NL_SOCK_GET) |
		BIT(TIPC_NL_PUBL_GET) | BIT(TIPC_NL_LINK_GET) | BIT(TIPC_NL_LINK_RESET_STATS) |
		BIT(TIPC_NL_MEDIA_GET) | BIT(TIPC_NL_NODE_GET) | BIT(TIPC_NL_NET_GET) |
		BIT(TIPC_NL_NAME_TABLE_GET) | BIT(TIPC_NL_MON_GET) | BIT(TIPC_NL_MON_PEER_GET) |
		BIT(TIPC_NL_PEER_REMOVE) | BIT(TIPC_NL_UDP_GET_REMOTEIP) | BIT(TIPC_NL_KEY_FLUSH) |
		BIT(TIPC_NL_ADDR_LEGACY_GET),
		0,
	};
#undef BIT
	enum { N = sizeof(names) / sizeof(names[0]) };
	_Static_assert(N <= EGRESS_GENL_REFUSED_MAX, "egress_lock has room for each family");
	uint16_t ids[N];
	size_t used = 0;
	int ret;

	ret = genl_family_ids(names, N, ids, err);
	if (ret)
		return iotguard_error_wrap(err, "not locking: ");
	for (size_t i = 0; i < N; i++) {
		if (!ids[i])
			continue;
		lock->genl[used].family = ids[i];
		lock->genl[used++].allowed_cmds = allowed[i];
	}
	return 0;
}

/*
 * 1 if a lock of ours holds (it froze the map); else 0, with a lock map
 * that says locked but is writable (root wrote it before any lock: the
 * programs would consult a floor nobody built, and refuse the floor's fds)
 * cleared first, so that this lock fills the floor from the policy in
 * force; or -errno, with err set.
 */
static int lock_state_or_clear(struct egress_lock *lock, struct iotguard_error *err)
{
	struct egress_lock none = {};
	__u32 key = 0;
	int fd, ret;

	ret = egress_lock_state(lock);
	if (ret)
		return iotguard_fail_errno(err, -ret, "reading %s", EGRESS_LOCK_PIN);
	if (!lock->locked)
		return 0;
	ret = bpf_pin_frozen(EGRESS_LOCK_PIN);
	if (ret)
		return ret < 0 ? iotguard_fail_errno(err, -ret, "reading %s", EGRESS_LOCK_PIN) : 1;
	fd = bpf_obj_get(EGRESS_LOCK_PIN);
	if (fd < 0)
		return iotguard_fail_errno(err, errno, "opening %s", EGRESS_LOCK_PIN);
	ret = bpf_map_update_elem(fd, &key, &none, BPF_ANY) ? -errno : 0;
	close(fd);
	if (ret)
		return iotguard_fail_errno(err, -ret, "clearing %s", EGRESS_LOCK_PIN);
	return 0;
}

int egress_lock_floor(struct iotguard_error *err)
{
	static const char *const lock_pins[] = {
		EGRESS_LOCK_PIN, EGRESS_V4_FLOOR_PIN, EGRESS_V6_FLOOR_PIN, EGRESS_H4_FLOOR_PIN,
		EGRESS_H6_FLOOR_PIN, EGRESS_SERVICES_FLOOR_PIN,
	};
	struct egress_lock lock = {}, written;
	struct egress_active active = {};
	__u32 key = 0;
	int fd, ret;

	/*
	 * The maps pinned are the ones the programs consult: root may have
	 * pinned look-alikes in their place, which a lock would freeze while
	 * the programs' own maps stay writable. The lock's own map first: the
	 * floor's refuse new fds once it says locked.
	 */
	for (size_t i = 0; i < sizeof(lock_pins) / sizeof(lock_pins[0]); i++) {
		if (i == 1) {
			ret = lock_state_or_clear(&lock, err);
			if (ret)
				return ret < 0 ? ret : 0;
		}
		ret = bpf_pin_map_of_program(lock_pins[i], EGRESS_LINK_PIN_PREFIX "egress_packet");
		if (ret)
			return iotguard_fail_errno(err, -ret, ret == -ESTALE ?
						   "%s is not the map the outbound policy's programs "
						   "use (its pin was replaced): not locking" :
						   "checking %s", lock_pins[i]);
	}
	ret = read_one(EGRESS_ACTIVE_PIN, &active);
	if (ret)
		return iotguard_fail_errno(err, -ret, "reading %s", EGRESS_ACTIVE_PIN);
	lock = (struct egress_lock){ .locked = 1, .gen = active.gen & 1 };
	ret = lock_genl_refusals(&lock, err);
	if (!ret)
		ret = fill_floor(&active, &lock, err);
	if (ret)
		return ret;
	/* Last: the programs consult the floor once this says locked. */
	fd = bpf_obj_get(EGRESS_LOCK_PIN);
	if (fd < 0)
		return iotguard_fail_errno(err, errno, "opening %s", EGRESS_LOCK_PIN);
	ret = bpf_map_update_elem(fd, &key, &lock, BPF_ANY) ? -errno : 0;
	close(fd);
	if (ret)
		return iotguard_fail_errno(err, -ret, "writing %s", EGRESS_LOCK_PIN);
	ret = bpf_pin_freeze(EGRESS_LOCK_PIN);
	if (ret)
		return iotguard_fail_errno(err, -ret, "freezing %s%s", EGRESS_LOCK_PIN,
					   ret == -EBUSY ? " (a write to it is held in progress)" :
					   "");
	/* A write held in progress may have landed between ours and the freeze. */
	ret = egress_lock_state(&written);
	if (ret)
		return iotguard_fail_errno(err, -ret, "reading %s", EGRESS_LOCK_PIN);
	if (memcmp(&written, &lock, sizeof(lock)))
		return iotguard_fail(err, EAGAIN, "%s was written while the lock wrote it: not "
				     "locked", EGRESS_LOCK_PIN);
	return 0;
}

int egress_active_state(struct egress_active *active)
{
	return read_one(EGRESS_ACTIVE_PIN, active);
}

int egress_config_state(__u32 gen, struct egress_config *config)
{
	return read_at(EGRESS_CONFIG_PIN, gen & 1, config);
}

int egress_service_count(__u32 gen)
{
	struct egress_service_key key, prev;
	int fd, count = 0;
	bool first = true;

	fd = bpf_obj_get(EGRESS_SERVICES_PIN);
	if (fd < 0)
		return -errno;
	/* A hash map: its keys walk in any order, each once. */
	while (!bpf_map_get_next_key(fd, first ? NULL : &prev, &key)) {
		count += key.gen == (gen & 1);
		prev = key;
		first = false;
	}
	close(fd);
	return count;
}

int egress_read_stats(__u64 stats[__EGRESS_STAT_MAX])
{
	return bpf_pin_sum_percpu(EGRESS_STATS_PIN, stats, __EGRESS_STAT_MAX);
}
