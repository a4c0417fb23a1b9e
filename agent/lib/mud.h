/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 8520 Manufacturer Usage Description files read into egress rules:
 * what the device may connect to, by the manufacturer's word, and a list
 * of everything in the file that the device itself cannot enforce.
 */
#ifndef IOTGUARD_MUD_H
#define IOTGUARD_MUD_H

#include <stdbool.h>
#include <stddef.h>
#include "egress_policy.h"
#include "error.h"

/* RFC 8519's ACL and ACE names are 1 to 64 characters. */
#define MUD_ACL_NAME_MAX 65
/* Larger than any real MUD file (a few KiB), small enough to read whole. */
#define MUD_FILE_MAX (1024 * 1024)
#define MUD_NOTE_MAX 160

/* One rule, and the access control entry it came from. */
struct mud_rule {
	/* id 1.. (allow rules first, then deny, as policy_load numbers them), service -1, line 0 */
	struct egress_rule rule;
	char acl[MUD_ACL_NAME_MAX];
	char ace[MUD_ACL_NAME_MAX];
};

/* Something the file asks for that no rule enforces. */
struct mud_note {
	char acl[MUD_ACL_NAME_MAX];
	char ace[MUD_ACL_NAME_MAX];	/* "" when the whole ACL is meant */
	char what[MUD_NOTE_MAX];	/* "controller", "tcp.source-port", ... */
	bool rule_kept;			/* the ACE made its rule without this (actions.logging) */
};

struct mud_import {
	char *url;			/* mud-url; NULL if the file has none */
	char *systeminfo;		/* NULL if none */
	struct mud_rule *rules;		/* heap, allow rules first */
	size_t rule_count;
	size_t allow_count;		/* rules[0..allow_count) allow, the rest deny */
	size_t name_count;		/* distinct DNS names among the rules */
	struct mud_note *notes;		/* heap, in file order */
	size_t note_count;
};

/*
 * Read a MUD file's JSON text[0..len): every access control entry of its
 * from-device ACLs becomes rules (local-networks: one per private or
 * link-local prefix; no destination: every address) or notes (whatever a
 * device cannot enforce: to-device ACLs, the controller and manufacturer
 * abstractions, match fields on sources, flags or the like). 0, or
 * -EINVAL with err naming the JSON path of the problem
 * ("acls.acl[1].aces.ace[0].matches.ipv4: ..."), -E2BIG past the hard
 * caps, -ENOMEM; then *out is empty.
 */
int mud_parse(const char *text, size_t len, struct mud_import *out, struct iotguard_error *err);

/* As mud_parse, on the file at path (errors start with the path). */
int mud_parse_file(const char *path, struct mud_import *out, struct iotguard_error *err);

void mud_import_free(struct mud_import *mud);

/* Room for mud_note_text's line, never cut. */
#define MUD_NOTE_TEXT_MAX (2 * MUD_ACL_NAME_MAX + MUD_NOTE_MAX + 32)

/* One line about a note, "ACL/ACE: what (effect)", no newline. */
void mud_note_text(const struct mud_note *note, char *buf, size_t size);

/*
 * The policy file's text for the rules: the notes as comments, then an
 * `egress = { ... };` section, mode "enforce", default "deny". 0 and a
 * heap string in *text, or -ENOMEM.
 */
int mud_egress_text(const struct mud_import *mud, char **text, struct iotguard_error *err);

#endif
