/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy parser's internal interface, for policy.c and the files that
 * parse one section each. Not an API: only policy_load() is. Calls go one
 * way: policy.c calls the sections' entry points (below), and policy.c and
 * the sections call the shared helpers of policy_parse.c, which call
 * neither.
 */
#ifndef IOTGUARD_POLICY_PARSE_H
#define IOTGUARD_POLICY_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <libconfig.h>
#include "error.h"
#include "policy.h"

struct parse_ctx {
	const char *path;
	struct iotguard_error *error;	/* may be NULL */
	bool failed;
};

typedef void (*parse_fn)(struct parse_ctx *ctx, const config_setting_t *s,
			 struct iotguard_policy *policy);

struct setting_rule {
	const char *name;
	parse_fn parse;
};

#define RULES(x) x, sizeof(x) / sizeof(x[0])

/* policy_parse.c: the helpers every section shares. */

/* Record "path:line: message" (EINVAL) unless an earlier error is recorded. */
__attribute__((format(printf, 3, 4)))
void fail_at(struct parse_ctx *ctx, const config_setting_t *where, const char *fmt, ...);
/* Parse every member of group with rules; any other member is an error. */
void parse_members(struct parse_ctx *ctx, const config_setting_t *group,
		   const struct setting_rule *rules, size_t n_rules,
		   struct iotguard_policy *policy);
/* True if s is of type; else false after reporting "'name' must be <what>". */
bool want_type(struct parse_ctx *ctx, const config_setting_t *s, int type, const char *what);
/*
 * A string setting that is one of names[n]: its index into *out. Else
 * false after reporting "'<setting>' must be a string: <use>" or
 * "unknown <setting> \"<value>\": use <use>".
 */
bool parse_keyword(struct parse_ctx *ctx, const config_setting_t *s,
		   const char *const *names, size_t n, const char *use, int *out);
/* A boolean setting into *out; else *out is left and the error reported. */
void parse_bool(struct parse_ctx *ctx, const config_setting_t *s, bool *out);
/*
 * A list of strings into out[max][width]. absolute: each must be a path.
 * Returns the count, or -EINVAL after reporting the error.
 */
int parse_string_list(struct parse_ctx *ctx, const config_setting_t *s,
		      char *out, size_t max, size_t width, bool absolute);
/* A list of TCP ports, 1..65535, at most max. The count, or -EINVAL after reporting. */
int parse_port_list(struct parse_ctx *ctx, const config_setting_t *s, uint16_t *out, size_t max);
/* An integer setting from min to max; false after reporting the error. */
bool int_in_range(struct parse_ctx *ctx, const config_setting_t *s, int min, int max,
		  int *value);

/* The sections' entry points, for policy.c's table of top-level settings. */

/* network_gate = { ... } (policy_gate.c). */
void parse_network_gate(struct parse_ctx *ctx, const config_setting_t *s,
			struct iotguard_policy *policy);
/* product, disclosure, support, compliance (policy_publish.c). */
void parse_product(struct parse_ctx *ctx, const config_setting_t *s,
		   struct iotguard_policy *policy);
void parse_disclosure(struct parse_ctx *ctx, const config_setting_t *s,
		      struct iotguard_policy *policy);
void parse_support(struct parse_ctx *ctx, const config_setting_t *s,
		   struct iotguard_policy *policy);
void parse_compliance(struct parse_ctx *ctx, const config_setting_t *s,
		      struct iotguard_policy *policy);
/*
 * egress = { ... } (policy_egress.c). Its rules and services are on the
 * heap, even after an error: policy_release() frees them.
 */
void parse_egress(struct parse_ctx *ctx, const config_setting_t *s,
		  struct iotguard_policy *policy);

#endif
