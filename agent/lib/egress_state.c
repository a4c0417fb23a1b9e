// SPDX-License-Identifier: GPL-2.0
/* The outbound policy in force, read from the kernel's pinned maps, and as JSON. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "egress_family.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "egress_state.h"

static const char *const stat_names[] = {
	[EGRESS_STAT_CHECKED] = "checked",
	[EGRESS_STAT_ALLOWED] = "allowed",
	[EGRESS_STAT_DENIED] = "denied",
	[EGRESS_STAT_AUDITED] = "audited",
	[EGRESS_STAT_EVENTS_LOST] = "events_lost",
};
_Static_assert(sizeof(stat_names) / sizeof(stat_names[0]) == __EGRESS_STAT_MAX,
	       "a name for every counter");

const char *egress_stat_name(enum egress_stat stat)
{
	return stat < __EGRESS_STAT_MAX ? stat_names[stat] : "invalid";
}

const char *egress_state_mode(const struct egress_state *st)
{
	if (!st->installed)
		return NULL;
	return st->config.enforce ? "enforce" : "audit";
}

/* Only the first failure is kept: later ones usually follow from it. */
static void note(struct egress_state *st, int ret)
{
	if (ret < 0 && !st->read_error)
		st->read_error = ret;
}

void egress_state_read(struct egress_state *st)
{
	struct egress_active active = {};
	int ret;

	memset(st, 0, sizeof(*st));
	/* The pin directory is root's: a link not seen may only be hidden. */
	if (access(EGRESS_PIN_DIR, X_OK) && errno != ENOENT) {
		st->read_error = -errno;
		return;
	}
	st->attached = egress_pinned();
	st->lsm_hooks = access(EGRESS_LINK_PIN_PREFIX "egress_socket_create", F_OK) == 0;
	ret = egress_active_state(&active);
	if (ret == -ENOENT)
		return;		/* never attached: no maps, nothing installed */
	note(st, ret);
	st->installed = !ret && active.installed;
	st->gen = active.gen & 1;
	if (st->installed) {
		note(st, egress_config_state(st->gen, &st->config));
		ret = egress_service_count(st->gen);
		note(st, ret);
		st->services = ret > 0 ? (size_t)ret : 0;
	}
	note(st, egress_lock_state(&st->lock));
	note(st, egress_read_stats(st->stats));
}

/* The families the policy lets sockets be opened of, by name ("family N" without one). */
static json_object *families_json(uint64_t families)
{
	json_object *list = json_object_new_array();

	for (int f = 0; f < 64; f++) {
		const char *name = egress_family_name(f);

		if (families >> f & 1)
			json_object_array_add(list, name ? json_object_new_string(name) :
					      json_object_new_int(f));
	}
	return list;
}

json_object *egress_state_json(const struct egress_state *st)
{
	json_object *obj = json_object_new_object(), *counters = json_object_new_object();
	const char *mode = egress_state_mode(st);

	json_object_object_add(obj, "error", st->read_error ?
			       json_object_new_string(strerror(-st->read_error)) : NULL);
	json_object_object_add(obj, "attached", json_object_new_boolean(st->attached));
	json_object_object_add(obj, "lsm_hooks", json_object_new_boolean(st->lsm_hooks));
	json_object_object_add(obj, "installed", json_object_new_boolean(st->installed));
	json_object_object_add(obj, "mode", mode ? json_object_new_string(mode) : NULL);
	json_object_object_add(obj, "default", st->installed ?
			       json_object_new_string(st->config.default_deny ? "deny" : "allow") :
			       NULL);
	json_object_object_add(obj, "raw_sockets", st->installed ?
			       json_object_new_boolean(st->config.raw_sockets) : NULL);
	json_object_object_add(obj, "families", st->installed ?
			       families_json(st->config.families) : NULL);
	json_object_object_add(obj, "generation", st->installed ?
			       json_object_new_int64(st->gen) : NULL);
	json_object_object_add(obj, "rules", st->installed ?
			       json_object_new_int64(st->config.rule_count) : NULL);
	json_object_object_add(obj, "services", st->installed ?
			       json_object_new_int64((int64_t)st->services) : NULL);
	json_object_object_add(obj, "locked", json_object_new_boolean(st->lock.locked));
	for (int i = 0; i < __EGRESS_STAT_MAX; i++)
		json_object_object_add(counters, stat_names[i],
				       json_object_new_uint64(st->stats[i]));
	json_object_object_add(obj, "counters", counters);
	return obj;
}
