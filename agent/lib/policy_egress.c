// SPDX-License-Identifier: GPL-2.0
/*
 * The policy's egress section (egress_policy.h): the outbound destinations
 * allowed and denied, device-wide and per service, within the limits the
 * section sets. Rules are numbered here, in the order the kernel reports
 * them: the device's allow, the device's deny, then each service's allow,
 * whatever order the settings have in the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>	/* egress.h, shared with BPF, uses the kernel's types */
#include "cgroup.h"
#include "egress.h"
#include "egress_family.h"
#include "egress_target.h"
#include "policy_parse.h"

/* What building the rules keeps beyond the policy itself. */
struct egress_build {
	size_t rule_cap;		/* entries allocated in egress.rules */
	/* The first rule naming each distinct DNS name, for limits.names. */
	uint32_t name_rule[EGRESS_CAP_NAMES];
	uint32_t name_count;
};

/*
 * The member parsers below fill the rule or service being built: the one
 * past the last complete one, which build_rule() and build_service() set
 * up before they hand its group to parse_members().
 */
static struct egress_rule *current_rule(struct iotguard_policy *policy)
{
	return &policy->egress.rules[policy->egress.rule_count];
}

static struct egress_service *current_service(struct iotguard_policy *policy)
{
	return &policy->egress.services[policy->egress.service_count];
}

/* ------------------------------------------------ to, ports, proto ----- */

static void parse_rule_to(struct parse_ctx *ctx, const config_setting_t *s,
			  struct iotguard_policy *policy)
{
	struct egress_rule *rule = current_rule(policy);
	struct iotguard_error why;

	if (!want_type(ctx, s, CONFIG_TYPE_STRING,
		       "a string: an address, a prefix such as \"192.0.2.0/24\" or a DNS name"))
		return;
	if (egress_target_parse(config_setting_get_string(s), rule, &why))
		fail_at(ctx, s, "%s", why.msg);
}

static void parse_rule_ports(struct parse_ctx *ctx, const config_setting_t *s,
			     struct iotguard_policy *policy)
{
	struct egress_rule *rule = current_rule(policy);
	int count = config_setting_length(s);

	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST) {
		fail_at(ctx, s, "'ports' must be a list of ports and ranges: [ 443, 8883 ] or "
			"[ \"443\", \"8000-8100\" ]");
		return;
	}
	if (!count) {
		fail_at(ctx, s, "'ports' is empty: leave it out for every port");
		return;
	}
	if (count > EGRESS_MAX_PORT_RANGES) {
		fail_at(ctx, s, "'ports' holds more than %d ports and ranges: join them into "
			"ranges (\"N-M\") or split the rule", EGRESS_MAX_PORT_RANGES);
		return;
	}
	for (int i = 0; i < count; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned int)i);
		struct egress_port_range *range = &rule->ports[i];
		int port;

		if (config_setting_type(e) == CONFIG_TYPE_INT) {
			port = config_setting_get_int(e);
			if (port < 1 || port > 65535) {
				fail_at(ctx, e, "port %d is out of range (1..65535)", port);
				return;
			}
			range->first = range->last = (uint16_t)port;
		} else if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			fail_at(ctx, e, "'ports' must hold port numbers or \"N-M\" ranges");
			return;
		} else if (!egress_port_range_parse(config_setting_get_string(e), range)) {
			fail_at(ctx, e, "\"%s\" is not a port or a range \"N-M\" "
				"(1 <= N <= M <= 65535)", config_setting_get_string(e));
			return;
		}
	}
	rule->port_count = (size_t)count;
}

static void parse_rule_proto(struct parse_ctx *ctx, const config_setting_t *s,
			     struct iotguard_policy *policy)
{
	static const char *const names[] = { "tcp", "udp", "icmp", "any" };
	static const uint32_t protos[] = {
		EGRESS_PROTO_TCP, EGRESS_PROTO_UDP, EGRESS_PROTO_ICMP, EGRESS_PROTO_ANY,
	};
	int i;

	if (parse_keyword(ctx, s, RULES(names), "\"tcp\", \"udp\", \"icmp\" or \"any\"", &i))
		current_rule(policy)->protos = protos[i];
}

static const struct setting_rule rule_rules[] = {
	{ "to", parse_rule_to },
	{ "ports", parse_rule_ports },
	{ "proto", parse_rule_proto },
};

/* ------------------------------------------------------------ rules ----- */

/* What a limit over which the policy went says: which one, and how to raise it. */
static void fail_limit(struct parse_ctx *ctx, const config_setting_t *where, const char *what,
		       const char *limit, uint32_t value, uint32_t cap)
{
	if (value < cap)
		fail_at(ctx, where, "more than %u %s: raise egress.limits.%s (up to %u)",
			value, what, limit, cap);
	else
		fail_at(ctx, where, "more than %u %s: the most a policy may have", value, what);
}

/* Room for one more rule; false after reporting a limit or memory. */
static bool make_room(struct parse_ctx *ctx, const config_setting_t *where,
		      struct egress_policy *egress, struct egress_build *build)
{
	struct egress_rule *rules;
	size_t cap;

	if (egress->rule_count >= egress->limits.rules) {
		fail_limit(ctx, where, "rules", "rules", egress->limits.rules, EGRESS_CAP_RULES);
		return false;
	}
	if (egress->rule_count < build->rule_cap)
		return true;
	cap = build->rule_cap ? 2 * build->rule_cap : 16;
	if (cap > egress->limits.rules)
		cap = egress->limits.rules;
	rules = realloc(egress->rules, cap * sizeof(*rules));
	if (!rules) {
		fail_at(ctx, where, "out of memory for %zu rules", cap);
		return false;
	}
	egress->rules = rules;
	build->rule_cap = cap;
	return true;
}

/* Count rule's name among the distinct names; false after reporting the limit. */
static bool count_name(struct parse_ctx *ctx, const config_setting_t *where,
		       const struct egress_policy *egress, struct egress_build *build)
{
	const struct egress_rule *rule = &egress->rules[egress->rule_count];

	for (uint32_t i = 0; i < build->name_count; i++) {
		if (!strcmp(egress->rules[build->name_rule[i]].name, rule->name))
			return true;
	}
	if (build->name_count >= egress->limits.names) {
		fail_limit(ctx, where, "DNS names", "names", egress->limits.names,
			   EGRESS_CAP_NAMES);
		return false;
	}
	build->name_rule[build->name_count++] = (uint32_t)egress->rule_count;
	return true;
}

/* One { to; ports; proto; } group of an allow or deny list, numbered next. */
static void build_rule(struct parse_ctx *ctx, const config_setting_t *group,
		       struct iotguard_policy *policy, struct egress_build *build,
		       enum egress_action action, int service)
{
	struct egress_policy *egress = &policy->egress;
	struct egress_rule *rule;

	if (config_setting_type(group) != CONFIG_TYPE_GROUP) {
		fail_at(ctx, group, "each rule must be a group: { to = \"...\"; ports = [ ... ]; "
			"proto = \"...\"; }");
		return;
	}
	if (!make_room(ctx, group, egress, build))
		return;
	rule = current_rule(policy);
	memset(rule, 0, sizeof(*rule));
	rule->id = (uint32_t)egress->rule_count + 1;
	rule->action = action;
	rule->protos = EGRESS_PROTO_ANY;
	rule->service = service;
	rule->line = (int)config_setting_source_line(group);
	parse_members(ctx, group, RULES(rule_rules), policy);
	if (ctx->failed)
		return;
	if (!rule->family && rule->kind != EGRESS_TARGET_NAME) {
		fail_at(ctx, group, "a rule needs 'to': an address, a prefix or a DNS name");
		return;
	}
	if (rule->port_count && rule->protos == EGRESS_PROTO_ICMP) {
		fail_at(ctx, config_setting_lookup((config_setting_t *)group, "ports"),
			"'ports' with proto \"icmp\": ICMP has no ports");
		return;
	}
	/* Ports are TCP's and UDP's: with "any" they narrow it to those two. */
	if (rule->port_count)
		rule->protos &= ~(uint32_t)EGRESS_PROTO_ICMP;
	if (rule->kind == EGRESS_TARGET_NAME && !count_name(ctx, group, egress, build))
		return;
	egress->rule_count++;
}

/* A list of groups; what: "rules: ( { to = ... } )". False after reporting. */
static bool want_group_list(struct parse_ctx *ctx, const config_setting_t *s, const char *what)
{
	/* libconfig reads "[]" as an empty array: take it for an empty list. */
	if (config_setting_type(s) == CONFIG_TYPE_LIST ||
	    (config_setting_type(s) == CONFIG_TYPE_ARRAY && !config_setting_length(s)))
		return true;
	fail_at(ctx, s, "'%s' must be a list of %s", config_setting_name(s), what);
	return false;
}

#define RULE_LIST "rules: ( { to = \"...\"; }, ... )"

/* The rules of list name in group (if any), numbered in file order. */
static void build_rules(struct parse_ctx *ctx, const config_setting_t *group, const char *name,
			struct iotguard_policy *policy, struct egress_build *build,
			enum egress_action action, int service)
{
	const config_setting_t *list = config_setting_lookup((config_setting_t *)group, name);
	int count;

	if (!list || ctx->failed || !want_group_list(ctx, list, RULE_LIST))
		return;
	count = config_setting_length(list);
	for (int i = 0; i < count && !ctx->failed; i++)
		build_rule(ctx, config_setting_get_elem(list, (unsigned int)i), policy, build,
			   action, service);
}

/*
 * allow, deny and services are checked here in file order, built later
 * in rule-number order (build_rules(), build_services()).
 */
static void check_rule_list(struct parse_ctx *ctx, const config_setting_t *s,
			    struct iotguard_policy *policy)
{
	(void)policy;
	want_group_list(ctx, s, RULE_LIST);
}

#define SERVICE_LIST "services: ( { name = \"...\"; allow = ( ... ); }, ... )"

static void check_service_list(struct parse_ctx *ctx, const config_setting_t *s,
			       struct iotguard_policy *policy)
{
	(void)policy;
	want_group_list(ctx, s, SERVICE_LIST);
}

/* --------------------------------------------------------- services ----- */

static void parse_service_name(struct parse_ctx *ctx, const config_setting_t *s,
			       struct iotguard_policy *policy)
{
	const char *name;
	size_t len;

	if (!want_type(ctx, s, CONFIG_TYPE_STRING, "a string"))
		return;
	name = config_setting_get_string(s);
	len = strlen(name);
	if (!len || len >= EGRESS_SERVICE_NAME_MAX ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789_.-") != len ||
	    !strcmp(name, ".") || !strcmp(name, "..")) {
		fail_at(ctx, s, "\"%s\" is not a service name (1..%d of A-Z, a-z, 0-9, '_', '.' "
			"and '-'; not \".\" or \"..\")", name, EGRESS_SERVICE_NAME_MAX - 1);
		return;
	}
	strcpy(current_service(policy)->name, name);
}

/* A string setter like policy_gate.c's interface name: alike in shape, its own check. */
static void parse_service_cgroup(struct parse_ctx *ctx, const config_setting_t *s,
				 struct iotguard_policy *policy)
{
	struct iotguard_error why;
	const char *path;

	if (!want_type(ctx, s, CONFIG_TYPE_STRING, "a string: a path under the cgroup v2 root"))
		return;
	path = config_setting_get_string(s);
	if (!path[0]) {
		/* "" is the root itself: every process, no service. */
		fail_at(ctx, s, "'cgroup' is empty: leave it out for \"iotguard/NAME\"");
		return;
	}
	if (cgroup_path_check(path, &why)) {
		fail_at(ctx, s, "%s", why.msg);
		return;
	}
	if (cgroup_level(path) > EGRESS_MAX_CGROUP_LEVEL) {
		fail_at(ctx, s, "cgroup %s: %d levels deep, more than the %d the kernel's programs "
			"look through", path, cgroup_level(path), EGRESS_MAX_CGROUP_LEVEL);
		return;
	}
	strcpy(current_service(policy)->cgroup, path);
}

static void parse_service_raw_sockets(struct parse_ctx *ctx, const config_setting_t *s,
				      struct iotguard_policy *policy)
{
	parse_bool(ctx, s, &current_service(policy)->raw_sockets);
}

/* families = [ "can", "bluetooth" ]: into a bitmask (bit F: family F). */
static void parse_families(struct parse_ctx *ctx, const config_setting_t *s, uint64_t *out)
{
	char names[EGRESS_FAMILY_NAMES][32];
	uint64_t families = 0;
	int count = parse_string_list(ctx, s, &names[0][0], EGRESS_FAMILY_NAMES,
				      sizeof(names[0]), false);

	for (int i = 0; i < count; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned int)i);
		struct iotguard_error why;
		int family;

		if (egress_family_parse(names[i], &family, &why)) {
			fail_at(ctx, e, "%s", why.msg);
			return;
		}
		if (families >> family & 1) {
			fail_at(ctx, e, "family \"%s\" is named twice", names[i]);
			return;
		}
		families |= 1ull << family;
	}
	if (count >= 0)
		*out = families;
}

static void parse_service_families(struct parse_ctx *ctx, const config_setting_t *s,
				   struct iotguard_policy *policy)
{
	parse_families(ctx, s, &current_service(policy)->families);
}

static void refuse_service_deny(struct parse_ctx *ctx, const config_setting_t *s,
				struct iotguard_policy *policy)
{
	(void)policy;
	fail_at(ctx, s, "a service has no 'deny': deny rules are device-wide (egress.deny) "
		"and apply to every service");
}

static const struct setting_rule service_rules[] = {
	{ "name", parse_service_name },
	{ "cgroup", parse_service_cgroup },
	{ "raw_sockets", parse_service_raw_sockets },
	{ "families", parse_service_families },
	{ "allow", check_rule_list },
	{ "deny", refuse_service_deny },
};

/* The service being built is named and its cgroup its own; false after reporting. */
static bool service_unique(struct parse_ctx *ctx, const config_setting_t *group,
			   const struct egress_policy *egress)
{
	const struct egress_service *svc = &egress->services[egress->service_count];

	for (size_t i = 0; i < egress->service_count; i++) {
		const struct egress_service *other = &egress->services[i];

		if (!strcmp(other->name, svc->name)) {
			fail_at(ctx, config_setting_lookup((config_setting_t *)group, "name"),
				"service \"%s\" is already defined at line %d", svc->name,
				other->line);
			return false;
		}
		if (!strcmp(other->cgroup, svc->cgroup)) {
			/* One cgroup, one set of rules: the kernel finds a service by its cgroup. */
			fail_at(ctx, group, "service \"%s\": cgroup \"%s\" is already service "
				"\"%s\"'s", svc->name, svc->cgroup, other->name);
			return false;
		}
	}
	return true;
}

static void build_service(struct parse_ctx *ctx, const config_setting_t *group,
			  struct iotguard_policy *policy, struct egress_build *build)
{
	struct egress_policy *egress = &policy->egress;
	struct egress_service *svc = current_service(policy);
	int index = (int)egress->service_count;

	if (config_setting_type(group) != CONFIG_TYPE_GROUP) {
		fail_at(ctx, group, "each service must be a group: { name = \"...\"; allow = "
			"( ... ); }");
		return;
	}
	memset(svc, 0, sizeof(*svc));
	svc->line = (int)config_setting_source_line(group);
	parse_members(ctx, group, RULES(service_rules), policy);
	if (ctx->failed)
		return;
	if (!svc->name[0]) {
		fail_at(ctx, group, "a service needs a 'name'");
		return;
	}
	/* Where `iotguardctl run --service NAME` puts it. */
	if (!svc->cgroup[0])
		snprintf(svc->cgroup, sizeof(svc->cgroup), "iotguard/%s", svc->name);
	if (!service_unique(ctx, group, egress))
		return;
	build_rules(ctx, group, "allow", policy, build, EGRESS_ACTION_ALLOW, index);
	if (!ctx->failed)
		egress->service_count++;
}

static void build_services(struct parse_ctx *ctx, const config_setting_t *egress_group,
			   struct iotguard_policy *policy, struct egress_build *build)
{
	const config_setting_t *list = config_setting_lookup((config_setting_t *)egress_group,
							     "services");
	struct egress_policy *egress = &policy->egress;
	size_t count;

	if (!list || ctx->failed || !want_group_list(ctx, list, SERVICE_LIST))
		return;
	count = (size_t)config_setting_length(list);
	if (!count)
		return;
	egress->services = calloc(count < egress->limits.services ? count :
				  egress->limits.services, sizeof(*egress->services));
	if (!egress->services) {
		fail_at(ctx, list, "out of memory for %zu services", count);
		return;
	}
	for (size_t i = 0; i < count && !ctx->failed; i++) {
		const config_setting_t *group = config_setting_get_elem(list, (unsigned int)i);

		if (i >= egress->limits.services) {
			fail_limit(ctx, group, "services", "services", egress->limits.services,
				   EGRESS_CAP_SERVICES);
			return;
		}
		build_service(ctx, group, policy, build);
	}
}

/* ----------------------------------------------------------- egress ----- */

/*
 * mode and default (and proto above) share a shape, not logic: each names
 * its own words and field, and parse_keyword() does the matching for all.
 */
static void parse_egress_mode(struct parse_ctx *ctx, const config_setting_t *s,
			      struct iotguard_policy *policy)
{
	static const char *const names[] = {
		[EGRESS_MODE_ENFORCE] = "enforce",
		[EGRESS_MODE_AUDIT] = "audit",
	};
	int i;

	if (parse_keyword(ctx, s, RULES(names), "\"enforce\" or \"audit\"", &i))
		policy->egress.mode = (enum egress_mode)i;
}

static void parse_egress_default(struct parse_ctx *ctx, const config_setting_t *s,
				 struct iotguard_policy *policy)
{
	static const char *const names[] = {
		[EGRESS_ACTION_ALLOW] = "allow",
		[EGRESS_ACTION_DENY] = "deny",
	};
	int i;

	if (parse_keyword(ctx, s, RULES(names), "\"allow\" or \"deny\"", &i))
		policy->egress.default_action = (enum egress_action)i;
}

static void parse_egress_raw_sockets(struct parse_ctx *ctx, const config_setting_t *s,
				     struct iotguard_policy *policy)
{
	parse_bool(ctx, s, &policy->egress.raw_sockets);
}

static void parse_egress_families(struct parse_ctx *ctx, const config_setting_t *s,
				  struct iotguard_policy *policy)
{
	parse_families(ctx, s, &policy->egress.families);
}

static void parse_limit(struct parse_ctx *ctx, const config_setting_t *s, int cap,
			uint32_t *out)
{
	int value;

	if (int_in_range(ctx, s, 1, cap, &value))
		*out = (uint32_t)value;
}

/* The limits' rule table shape, four lines each: the logic is parse_limit(). */
#define LIMIT_RULE(field, cap)							\
static void parse_limit_##field(struct parse_ctx *ctx, const config_setting_t *s,	\
				struct iotguard_policy *policy)			\
{										\
	parse_limit(ctx, s, cap, &policy->egress.limits.field);			\
}

LIMIT_RULE(rules, EGRESS_CAP_RULES)
LIMIT_RULE(names, EGRESS_CAP_NAMES)
LIMIT_RULE(services, EGRESS_CAP_SERVICES)
LIMIT_RULE(addresses_per_name, EGRESS_CAP_ADDRESSES_PER_NAME)

/* A rules table and its group parser: the shape of every section (see policy_publish.c). */
static const struct setting_rule limits_rules[] = {
	{ "rules", parse_limit_rules },
	{ "names", parse_limit_names },
	{ "services", parse_limit_services },
	{ "addresses_per_name", parse_limit_addresses_per_name },
};

static void parse_egress_limits(struct parse_ctx *ctx, const config_setting_t *s,
				struct iotguard_policy *policy)
{
	if (want_type(ctx, s, CONFIG_TYPE_GROUP, "a group: limits = { rules = N; ... };"))
		parse_members(ctx, s, RULES(limits_rules), policy);
}

static const struct setting_rule egress_rules[] = {
	{ "mode", parse_egress_mode },
	{ "default", parse_egress_default },
	{ "raw_sockets", parse_egress_raw_sockets },
	{ "families", parse_egress_families },
	{ "limits", parse_egress_limits },
	{ "allow", check_rule_list },
	{ "deny", check_rule_list },
	{ "services", check_service_list },
};

static void egress_defaults(struct egress_policy *egress)
{
	memset(egress, 0, sizeof(*egress));
	egress->mode = EGRESS_MODE_ENFORCE;
	egress->default_action = EGRESS_ACTION_DENY;
	egress->raw_sockets = false;
	egress->limits.rules = EGRESS_DEFAULT_MAX_RULES;
	egress->limits.names = EGRESS_DEFAULT_MAX_NAMES;
	egress->limits.services = EGRESS_DEFAULT_MAX_SERVICES;
	egress->limits.addresses_per_name = EGRESS_DEFAULT_MAX_ADDRESSES_PER_NAME;
}

/*
 * On an error the rules and services built so far stay in policy: the
 * caller releases them with the rest (policy_load() does).
 */
void parse_egress(struct parse_ctx *ctx, const config_setting_t *s,
		  struct iotguard_policy *policy)
{
	/* 4 KiB: the distinct names' table, bounded by EGRESS_CAP_NAMES. */
	struct egress_build build = { 0 };

	if (!want_type(ctx, s, CONFIG_TYPE_GROUP, "a group: egress = { ... };"))
		return;
	egress_defaults(&policy->egress);
	policy->has_egress = true;
	policy->egress.line = (int)config_setting_source_line(s);
	/* Scalars and limits first, wherever they stand: the lists need the limits. */
	parse_members(ctx, s, RULES(egress_rules), policy);
	if (ctx->failed)
		return;
	build_rules(ctx, s, "allow", policy, &build, EGRESS_ACTION_ALLOW, -1);
	build_rules(ctx, s, "deny", policy, &build, EGRESS_ACTION_DENY, -1);
	build_services(ctx, s, policy, &build);
}
