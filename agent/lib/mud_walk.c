// SPDX-License-Identifier: GPL-2.0
/*
 * The MUD reader's shared steps (mud_walk.h): JSON members by either
 * spelling, paths for messages, and collecting rules and notes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "mud_walk.h"

int mud_fail_at(struct mud_walk *w, const char *path, const char *fmt, ...)
{
	char msg[IOTGUARD_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return iotguard_fail(w->err, EINVAL, "%s: %s", path, msg);
}

bool mud_member(json_object *obj, const char *module, const char *name, json_object **v)
{
	char qualified[96];

	if (module) {
		snprintf(qualified, sizeof(qualified), "%s:%s", module, name);
		if (json_object_object_get_ex(obj, qualified, v))
			return true;
	}
	return json_object_object_get_ex(obj, name, v);
}

const char *mud_local_name(const char *key)
{
	const char *colon = strchr(key, ':');

	return colon ? colon + 1 : key;
}

void mud_path_of(char at[MUD_PATH_MAX], const char *base, const char *fmt, ...)
{
	size_t len;
	va_list ap;

	len = (size_t)snprintf(at, MUD_PATH_MAX, "%s", base);
	if (len >= MUD_PATH_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(at + len, MUD_PATH_MAX - len, fmt, ap);
	va_end(ap);
}

bool mud_is_type(json_object *v, enum json_type type)
{
	return v && json_object_is_type(v, type);
}

void mud_clean(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static void copy_clean(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
	mud_clean(dst);
}

/* Room for one more of items[count], size bytes each, doubling *cap. */
static int grow(struct mud_walk *w, void **items, size_t count, size_t *cap, size_t size)
{
	size_t more = *cap ? 2 * *cap : 16;
	void *grown;

	if (count < *cap)
		return 0;
	grown = realloc(*items, more * size);
	if (!grown)
		return iotguard_fail(w->err, ENOMEM, "out of memory");
	*items = grown;
	*cap = more;
	return 0;
}

int mud_add_note(struct mud_walk *w, const char *acl, const char *ace, const char *fmt, ...)
{
	struct mud_import *out = w->out;
	struct mud_note *note;
	va_list ap;
	int ret;

	ret = grow(w, (void **)&out->notes, out->note_count, &w->note_cap, sizeof(*note));
	if (ret)
		return ret;
	note = &out->notes[out->note_count++];
	memset(note, 0, sizeof(*note));
	copy_clean(note->acl, sizeof(note->acl), acl);
	copy_clean(note->ace, sizeof(note->ace), ace);
	va_start(ap, fmt);
	vsnprintf(note->what, sizeof(note->what), fmt, ap);
	va_end(ap);
	mud_clean(note->what);
	return 0;
}

int mud_add_rule(struct mud_walk *w, const char *acl, const char *ace,
		 const struct egress_rule *rule)
{
	struct mud_import *out = w->out;
	struct mud_rule *r;
	int ret;

	if (out->rule_count == EGRESS_CAP_RULES)
		return iotguard_fail(w->err, E2BIG, "more than %d rules", EGRESS_CAP_RULES);
	ret = grow(w, (void **)&out->rules, out->rule_count, &w->rule_cap, sizeof(*r));
	if (ret)
		return ret;
	r = &out->rules[out->rule_count++];
	r->rule = *rule;
	copy_clean(r->acl, sizeof(r->acl), acl);
	copy_clean(r->ace, sizeof(r->ace), ace);
	return 0;
}

int mud_name_at(struct mud_walk *w, json_object *obj, const char *path, const char **name)
{
	json_object *v;

	if (!mud_member(obj, NULL, "name", &v) || !mud_is_type(v, json_type_string))
		return mud_fail_at(w, path, "no \"name\" string");
	*name = json_object_get_string(v);
	if (!**name || strlen(*name) >= MUD_ACL_NAME_MAX)
		return mud_fail_at(w, path, "name of %zu characters (1 to %d)", strlen(*name),
				   MUD_ACL_NAME_MAX - 1);
	return 0;
}
