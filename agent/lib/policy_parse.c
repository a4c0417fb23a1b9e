// SPDX-License-Identifier: GPL-2.0
/*
 * The policy parser's shared pieces: reporting an error at its file:line,
 * matching a group's members against a table of rules, and the value types
 * more than one section reads (keywords, booleans, strings, string lists,
 * ports, ranges). Called by policy.c and its sections (policy_gate.c,
 * policy_publish.c, policy_egress.c); calls nothing of theirs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "policy_parse.h"

void fail_at(struct parse_ctx *ctx, const config_setting_t *where, const char *fmt, ...)
{
	char msg[IOTGUARD_ERROR_MAX];
	va_list ap;

	if (ctx->failed)
		return;	/* the first error is the one worth reading */
	ctx->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	iotguard_fail(ctx->error, EINVAL, "%s:%u: %s", ctx->path,
		      where ? config_setting_source_line(where) : 0, msg);
}

/*
 * What to call group in a message: its name, or for a group in a list
 * ("allow = ( { ... } )") the list's; NULL for the root.
 */
static const char *group_label(const config_setting_t *group)
{
	const config_setting_t *parent = config_setting_parent(group);

	if (!parent)
		return NULL;
	if (config_setting_name(group))
		return config_setting_name(group);
	return config_setting_name(parent);
}

void parse_members(struct parse_ctx *ctx, const config_setting_t *group,
		   const struct setting_rule *rules, size_t n_rules,
		   struct iotguard_policy *policy)
{
	int count = config_setting_length(group);

	for (int i = 0; i < count && !ctx->failed; i++) {
		const config_setting_t *s = config_setting_get_elem(group, (unsigned int)i);
		const char *name = config_setting_name(s);
		size_t k;

		for (k = 0; k < n_rules; k++) {
			if (!strcmp(name, rules[k].name)) {
				rules[k].parse(ctx, s, policy);
				break;
			}
		}
		if (k == n_rules) {
			const char *where = group_label(group);

			if (where)
				fail_at(ctx, s, "unknown setting '%s' in '%s'", name, where);
			else
				fail_at(ctx, s, "unknown setting '%s'", name);
		}
	}
}

bool want_type(struct parse_ctx *ctx, const config_setting_t *s, int type, const char *what)
{
	if (config_setting_type(s) == type)
		return true;
	fail_at(ctx, s, "'%s' must be %s", config_setting_name(s), what);
	return false;
}

/*
 * s is a list of at most max entries; else false after saying it must be
 * "a list of <kind>" or holds more than max <entries>.
 */
static bool want_list(struct parse_ctx *ctx, const config_setting_t *s, size_t max,
		      const char *kind, const char *entries)
{
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST) {
		fail_at(ctx, s, "'%s' must be a list of %s", config_setting_name(s), kind);
		return false;
	}
	if ((size_t)config_setting_length(s) > max) {
		fail_at(ctx, s, "'%s' holds more than %zu %s", config_setting_name(s), max, entries);
		return false;
	}
	return true;
}

bool parse_keyword(struct parse_ctx *ctx, const config_setting_t *s,
		   const char *const *names, size_t n, const char *use, int *out)
{
	const char *value;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		fail_at(ctx, s, "'%s' must be a string: %s", config_setting_name(s), use);
		return false;
	}
	value = config_setting_get_string(s);
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(value, names[i])) {
			*out = (int)i;
			return true;
		}
	}
	fail_at(ctx, s, "unknown %s \"%s\": use %s", config_setting_name(s), value, use);
	return false;
}

void parse_bool(struct parse_ctx *ctx, const config_setting_t *s, bool *out)
{
	if (want_type(ctx, s, CONFIG_TYPE_BOOL, "true or false"))
		*out = config_setting_get_bool(s);
}

int parse_string_list(struct parse_ctx *ctx, const config_setting_t *s,
		      char *out, size_t max, size_t width, bool absolute)
{
	int count = config_setting_length(s);

	if (!want_list(ctx, s, max, "strings: [\"...\", \"...\"]", "entries"))
		return -EINVAL;
	for (int i = 0; i < count; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned int)i);
		const char *value;

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			fail_at(ctx, e, "'%s' must hold strings", config_setting_name(s));
			return -EINVAL;
		}
		value = config_setting_get_string(e);
		if (!value[0] || strlen(value) >= width || (absolute && value[0] != '/')) {
			fail_at(ctx, e, "invalid entry \"%s\" in '%s'%s", value,
				config_setting_name(s), absolute ? " (an absolute path)" : "");
			return -EINVAL;
		}
		strcpy(out + (size_t)i * width, value);
	}
	return count;
}

int parse_port_list(struct parse_ctx *ctx, const config_setting_t *s, uint16_t *out, size_t max)
{
	int count = config_setting_length(s);

	if (!want_list(ctx, s, max, "ports: [ 8080, 8443 ]", "ports"))
		return -EINVAL;
	for (int i = 0; i < count; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned int)i);
		int port;

		if (config_setting_type(e) != CONFIG_TYPE_INT) {
			fail_at(ctx, e, "'%s' must hold port numbers", config_setting_name(s));
			return -EINVAL;
		}
		port = config_setting_get_int(e);
		if (port < 1 || port > 65535) {
			fail_at(ctx, e, "port %d is not a TCP port (1..65535)", port);
			return -EINVAL;
		}
		out[i] = (uint16_t)port;
	}
	return count;
}

bool int_in_range(struct parse_ctx *ctx, const config_setting_t *s, int min, int max,
		  int *value)
{
	if (!want_type(ctx, s, CONFIG_TYPE_INT, "an integer"))
		return false;
	*value = config_setting_get_int(s);
	if (*value >= min && *value <= max)
		return true;
	fail_at(ctx, s, "'%s' must be from %d to %d", config_setting_name(s), min, max);
	return false;
}
