// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a MUD file (mud.h): the JSON text, the document's shape (RFC
 * 8520's ietf-mud container and its policies, RFC 8519's ACLs), and the
 * rules put in policy order.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "mud.h"
#include "mud_walk.h"

static int parse_acl(struct mud_walk *w, json_object *acl, const char *path)
{
	json_object *aces, *list;
	const char *name;
	char at[MUD_PATH_MAX];
	int ret;

	ret = mud_name_at(w, acl, path, &name);
	if (ret)
		return ret;
	if (!mud_member(acl, NULL, "aces", &aces))
		return 0;
	mud_path_of(at, path, ".aces");
	if (!mud_is_type(aces, json_type_object))
		return mud_fail_at(w, at, "not an object");
	if (!mud_member(aces, NULL, "ace", &list))
		return 0;
	mud_path_of(at, path, ".aces.ace");
	if (!mud_is_type(list, json_type_array))
		return mud_fail_at(w, at, "not an array");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		mud_path_of(at, path, ".aces.ace[%zu]", i);
		ret = mud_parse_ace(w, json_object_array_get_idx(list, i), at, name);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Index in acls of the ACL named name, or -1. Every ACL in acls has been
 * checked to be an object with a valid name.
 */
static long find_acl(json_object *acls, const char *name)
{
	for (size_t i = 0; i < json_object_array_length(acls); i++) {
		json_object *acl = json_object_array_get_idx(acls, i), *v;

		mud_member(acl, NULL, "name", &v);
		if (!strcmp(json_object_get_string(v), name))
			return (long)i;
	}
	return -1;
}

/*
 * One of the ietf-mud container's policies: from-device ACLs become
 * rules, to-device ACLs (inbound) notes. A policy may be absent.
 */
static int parse_policy(struct mud_walk *w, json_object *mud, json_object *acls, bool from_device)
{
	const char *which = from_device ? "from-device-policy" : "to-device-policy";
	json_object *policy, *lists, *list;
	char path[MUD_PATH_MAX], at[MUD_PATH_MAX];
	int ret;

	if (!mud_member(mud, NULL, which, &policy))
		return 0;
	snprintf(path, sizeof(path), "mud.%s", which);
	if (!mud_is_type(policy, json_type_object))
		return mud_fail_at(w, path, "not an object");
	if (!mud_member(policy, NULL, "access-lists", &lists))
		return 0;
	if (!mud_is_type(lists, json_type_object) ||
	    !mud_member(lists, NULL, "access-list", &list) || !mud_is_type(list, json_type_array))
		return mud_fail_at(w, path, "access-lists.access-list is not an array");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *ref = json_object_array_get_idx(list, i);
		const char *name;
		long index;

		mud_path_of(at, path, ".access-lists.access-list[%zu]", i);
		if (!mud_is_type(ref, json_type_object))
			return mud_fail_at(w, at, "not an object");
		ret = mud_name_at(w, ref, at, &name);
		if (ret)
			return ret;
		index = acls ? find_acl(acls, name) : -1;
		if (index < 0)
			return mud_fail_at(w, at, "no ACL named \"%s\" in acls.acl", name);
		if (!from_device) {
			ret = mud_add_note(w, name, "", "to-device ACL: inbound, not the egress policy's");
		} else {
			snprintf(at, sizeof(at), "acls.acl[%ld]", index);
			ret = parse_acl(w, json_object_array_get_idx(acls, index), at);
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* The acl list, each an object with a name of its own; NULL in *out if the file has none. */
static int check_acls(struct mud_walk *w, json_object *root, json_object **out)
{
	json_object *acls, *list;
	char at[MUD_PATH_MAX];
	const char *name;
	int ret;

	*out = NULL;
	/* "access-lists" is the name drafts of RFC 8519 gave it; generators still write it. */
	if (!mud_member(root, "ietf-access-control-list", "acls", &acls) &&
	    !mud_member(root, "ietf-access-control-list", "access-lists", &acls))
		return 0;
	if (!mud_is_type(acls, json_type_object) || !mud_member(acls, NULL, "acl", &list) ||
	    !mud_is_type(list, json_type_array))
		return mud_fail_at(w, "acls", "no \"acl\" array");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *acl = json_object_array_get_idx(list, i);

		snprintf(at, sizeof(at), "acls.acl[%zu]", i);
		if (!mud_is_type(acl, json_type_object))
			return mud_fail_at(w, at, "not an object");
		ret = mud_name_at(w, acl, at, &name);
		if (ret)
			return ret;
		if (find_acl(list, name) != (long)i)
			return mud_fail_at(w, at, "a second ACL named \"%s\"", name);
	}
	*out = list;
	return 0;
}

static int copy_string(struct mud_walk *w, json_object *mud, const char *key, char **out)
{
	json_object *v;
	char at[MUD_PATH_MAX];

	if (!mud_member(mud, NULL, key, &v))
		return 0;
	snprintf(at, sizeof(at), "mud.%s", key);
	if (!mud_is_type(v, json_type_string))
		return mud_fail_at(w, at, "not a string");
	*out = strdup(json_object_get_string(v));
	if (!*out)
		return iotguard_fail(w->err, ENOMEM, "out of memory");
	mud_clean(*out);
	return 0;
}

/* Distinct DNS names among rules[0..n), each counted at its first rule. */
static size_t count_names(const struct mud_rule *rules, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j = 0;

		if (rules[i].rule.kind != EGRESS_TARGET_NAME)
			continue;
		while (j < i && (rules[j].rule.kind != EGRESS_TARGET_NAME ||
				 strcmp(rules[j].rule.name, rules[i].rule.name)))
			j++;
		count += j == i;
	}
	return count;
}

/* Allow rules first, then deny, each in file order; numbered as policy_load would. */
static int order_rules(struct mud_walk *w)
{
	struct mud_import *out = w->out;
	struct mud_rule *sorted;
	size_t n = 0;

	if (!out->rule_count)
		return 0;
	out->name_count = count_names(out->rules, out->rule_count);
	if (out->name_count > EGRESS_CAP_NAMES)
		return iotguard_fail(w->err, E2BIG, "%zu DNS names, more than a policy may hold "
				     "(%d)",
				     out->name_count, EGRESS_CAP_NAMES);
	sorted = malloc(out->rule_count * sizeof(*sorted));
	if (!sorted)
		return iotguard_fail(w->err, ENOMEM, "out of memory");
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < out->rule_count; i++)
			if ((out->rules[i].rule.action == EGRESS_ACTION_ALLOW) == !pass)
				sorted[n++] = out->rules[i];
	for (size_t i = 0; i < n; i++) {
		sorted[i].rule.id = i + 1;
		if (sorted[i].rule.action == EGRESS_ACTION_ALLOW)
			out->allow_count = i + 1;
	}
	free(out->rules);
	out->rules = sorted;
	return 0;
}

static int parse_document(struct mud_walk *w, json_object *root)
{
	json_object *mud, *acls, *version;
	int ret;

	if (!mud_is_type(root, json_type_object))
		return mud_fail_at(w, "(document)", "not a JSON object");
	if (!mud_member(root, "ietf-mud", "mud", &mud) || !mud_is_type(mud, json_type_object))
		return mud_fail_at(w, "mud", "no \"ietf-mud:mud\" object: not a MUD file");
	if (mud_member(mud, NULL, "mud-version", &version) &&
	    (!mud_is_type(version, json_type_int) || json_object_get_int64(version) != 1))
		return mud_fail_at(w, "mud.mud-version", "not 1, the version RFC 8520 defines");
	ret = copy_string(w, mud, "mud-url", &w->out->url);
	if (!ret)
		ret = copy_string(w, mud, "systeminfo", &w->out->systeminfo);
	if (!ret)
		ret = check_acls(w, root, &acls);
	if (!ret)
		ret = parse_policy(w, mud, acls, true);
	if (!ret)
		ret = parse_policy(w, mud, acls, false);
	return ret ? ret : order_rules(w);
}

/* Line and column (from 1) of byte offset in text, for a JSON syntax error. */
static void position(const char *text, size_t offset, size_t *line, size_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < offset; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

int mud_parse(const char *text, size_t len, struct mud_import *out, struct iotguard_error *err)
{
	struct mud_walk w = { .out = out, .err = err };
	struct json_tokener *tok;
	json_object *root;
	size_t end, line, col;
	int ret;

	memset(out, 0, sizeof(*out));
	if (len > MUD_FILE_MAX)
		return iotguard_fail(err, E2BIG, "larger than %d bytes: not a MUD file",
				     MUD_FILE_MAX);
	tok = json_tokener_new();
	if (!tok)
		return iotguard_fail(err, ENOMEM, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (!root && json_tokener_get_error(tok) == json_tokener_continue) {
		ret = iotguard_fail(err, EINVAL, "not JSON: the text ends before the document "
				    "does");
		goto out;
	}
	/* text need not end in a NUL: strspn() could read past it. */
	while (root && end < len && strchr(" \t\r\n", text[end]) && text[end])
		end++;
	if (!root || end < len) {
		position(text, end, &line, &col);
		ret = iotguard_fail(err, EINVAL, "not JSON: %s at line %zu, column %zu",
				    root ? "more after the document" :
				    json_tokener_error_desc(json_tokener_get_error(tok)),
				    line, col);
		goto out;
	}
	ret = parse_document(&w, root);
out:
	json_object_put(root);
	json_tokener_free(tok);
	if (ret)
		mud_import_free(out);
	return ret;
}

int mud_parse_file(const char *path, struct mud_import *out, struct iotguard_error *err)
{
	FILE *in = fopen(path, "r");
	char *text;
	size_t len;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!in)
		return iotguard_fail_errno(err, errno, "%s", path);
	/* One byte more than allowed: a larger file reads as too large, not cut short. */
	text = malloc(MUD_FILE_MAX + 2);
	if (!text) {
		fclose(in);
		return iotguard_fail(err, ENOMEM, "out of memory");
	}
	len = fread(text, 1, MUD_FILE_MAX + 1, in);
	ret = ferror(in) ? iotguard_fail_errno(err, EIO, "%s", path) : 0;
	fclose(in);
	if (!ret) {
		text[len] = '\0';
		ret = mud_parse(text, len, out, err);
		if (ret)
			iotguard_error_wrap(err, "%s: ", path);
	}
	free(text);
	return ret;
}

void mud_import_free(struct mud_import *mud)
{
	free(mud->url);
	free(mud->systeminfo);
	free(mud->rules);
	free(mud->notes);
	memset(mud, 0, sizeof(*mud));
}

void mud_note_text(const struct mud_note *note, char *buf, size_t size)
{
	if (!note->ace[0])
		snprintf(buf, size, "%s: %s", note->acl, note->what);
	else
		snprintf(buf, size, "%s/%s: %s (%s)", note->acl, note->ace, note->what,
			 note->rule_kept ? "imported without it" : "entry not imported");
}
