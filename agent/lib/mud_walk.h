/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the MUD reader: what mud.c (the document) and mud_ace.c (one
 * access control entry) share while walking a file, in mud_walk.c. Not
 * for callers.
 */
#ifndef IOTGUARD_MUD_WALK_H
#define IOTGUARD_MUD_WALK_H

#include <stdbool.h>
#include <json-c/json.h>
#include "mud.h"

/* A JSON path in a message ("acls.acl[1].aces.ace[0].matches.ipv4"), cut to fit. */
#define MUD_PATH_MAX 192

/* What one walk through the document carries. */
struct mud_walk {
	struct mud_import *out;
	struct iotguard_error *err;
	size_t rule_cap;
	size_t note_cap;
};

/* -EINVAL with "path: message" in the walk's error. */
__attribute__((format(printf, 3, 4)))
int mud_fail_at(struct mud_walk *w, const char *path, const char *fmt, ...);

/*
 * RFC 7951 qualifies a member with its module where that differs from its
 * parent's ("ietf-acldns:dst-dnsname"); files in the wild also leave the
 * module out, so either spelling is found (module NULL: only name). A
 * member present with a JSON null value is present (*v NULL).
 */
bool mud_member(json_object *obj, const char *module, const char *name, json_object **v);

/* A member's name without its module: what the notes and the matching speak of. */
const char *mud_local_name(const char *key);

/* base and what fmt adds, cut to fit: a path only names a place in a message. */
__attribute__((format(printf, 3, 4)))
void mud_path_of(char at[MUD_PATH_MAX], const char *base, const char *fmt, ...);

/* v is of type (NULL, a JSON null, is of none). */
bool mud_is_type(json_object *v, enum json_type type);

/* A note or a rule from the entry ace of ACL acl; 0, -ENOMEM or -E2BIG past the cap. */
__attribute__((format(printf, 4, 5)))
int mud_add_note(struct mud_walk *w, const char *acl, const char *ace, const char *fmt, ...);
int mud_add_rule(struct mud_walk *w, const char *acl, const char *ace,
		 const struct egress_rule *rule);

/*
 * Names and values from the file end up in comments and on a terminal:
 * a control character there could end a comment line or steer the
 * terminal, so each becomes '?'.
 */
void mud_clean(char *s);

/* obj's RFC 8519 name: a string of 1 to 64 characters. */
int mud_name_at(struct mud_walk *w, json_object *obj, const char *path, const char **name);

/* One access control entry of the from-device ACL acl, at path (mud_ace.c). */
int mud_parse_ace(struct mud_walk *w, json_object *ace, const char *path, const char *acl);

#endif
