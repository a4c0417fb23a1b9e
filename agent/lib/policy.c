// SPDX-License-Identifier: GPL-2.0
/*
 * Loading the policy file (policy.h): the top-level settings and the
 * credentials, provisioning and login_guard sections, with every default.
 * The other sections are parsed by policy_gate.c, policy_publish.c and
 * policy_egress.c; the helpers all share are in policy_parse.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libconfig.h>
#include "iotguard.h"
#include "denylist.h"
#include "names.h"
#include "password.h"
#include "policy.h"
#include "policy_parse.h"

static void parse_version(struct parse_ctx *ctx, const config_setting_t *s,
			  struct iotguard_policy *policy)
{
	if (config_setting_type(s) != CONFIG_TYPE_INT) {
		fail_at(ctx, s, "'version' must be an integer");
		return;
	}
	policy->version = config_setting_get_int(s);
	if (policy->version != POLICY_VERSION)
		fail_at(ctx, s, "unsupported policy version %d (this agent reads version %d)",
			policy->version, POLICY_VERSION);
}

static void parse_mode(struct parse_ctx *ctx, const config_setting_t *s,
		       struct iotguard_policy *policy)
{
	const char *name;

	if (config_setting_type(s) != CONFIG_TYPE_STRING) {
		fail_at(ctx, s, "'mode' must be a string: \"off\", \"audit\" or \"enforce\"");
		return;
	}
	name = config_setting_get_string(s);
	if (mode_from_name(name, &policy->mode))
		fail_at(ctx, s, "unknown mode \"%s\": use \"off\", \"audit\" or \"enforce\"",
			name);
}

static void copy_path(struct parse_ctx *ctx, const config_setting_t *s,
		      char *out, bool may_be_empty)
{
	const char *value;

	if (!want_type(ctx, s, CONFIG_TYPE_STRING, "a string"))
		return;
	value = config_setting_get_string(s);
	if (!value[0] && may_be_empty) {
		out[0] = '\0';
		return;
	}
	if (value[0] != '/') {
		fail_at(ctx, s, "'%s' must be an absolute path", config_setting_name(s));
		return;
	}
	if (strlen(value) >= POLICY_PATH_MAX) {
		fail_at(ctx, s, "'%s' is longer than %d bytes", config_setting_name(s),
			POLICY_PATH_MAX - 1);
		return;
	}
	strcpy(out, value);
}

static void parse_deny_lists(struct parse_ctx *ctx, const config_setting_t *s,
			     struct iotguard_policy *policy)
{
	copy_path(ctx, s, policy->deny_lists, false);
}

static void parse_method(struct parse_ctx *ctx, const config_setting_t *s,
			 struct iotguard_policy *policy)
{
	static const char *const names[] = {
		[PROVISION_RANDOM] = "random",
		[PROVISION_DERIVED] = "derived",
		[PROVISION_USER] = "user",
	};
	int i;

	if (parse_keyword(ctx, s, RULES(names), "\"random\", \"derived\" or \"user\"", &i))
		policy->provisioning.method = (enum provision_method)i;
}

static void parse_scheme(struct parse_ctx *ctx, const config_setting_t *s,
			 struct iotguard_policy *policy)
{
	const char *value;

	if (!want_type(ctx, s, CONFIG_TYPE_STRING,
		       "a string: \"sha512crypt\" or \"yescrypt\""))
		return;
	value = config_setting_get_string(s);
	if (!strcmp(value, "sha512crypt"))
		policy->provisioning.scheme = HASH_SHA512CRYPT;
	else if (!strcmp(value, "yescrypt"))
		policy->provisioning.scheme = HASH_YESCRYPT;
	else
		fail_at(ctx, s, "unknown scheme \"%s\": use \"sha512crypt\" or \"yescrypt\"",
			value);
}

static void parse_accounts(struct parse_ctx *ctx, const config_setting_t *s,
			   struct iotguard_policy *policy)
{
	struct provisioning_policy *p = &policy->provisioning;
	int count = config_setting_length(s);

	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST) {
		fail_at(ctx, s, "'accounts' must be a list of names: [\"root\"]");
		return;
	}
	if (count > POLICY_MAX_ACCOUNTS) {
		fail_at(ctx, s, "'accounts' lists more than %d accounts", POLICY_MAX_ACCOUNTS);
		return;
	}
	p->account_count = 0;
	for (int i = 0; i < count; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned int)i);
		const char *name;

		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			fail_at(ctx, e, "'accounts' must hold account names (strings)");
			return;
		}
		name = config_setting_get_string(e);
		if (!name[0] || strlen(name) >= POLICY_ACCOUNT_MAX || strpbrk(name, ":\n/")) {
			fail_at(ctx, e, "invalid account name \"%s\"", name);
			return;
		}
		strcpy(p->accounts[p->account_count++], name);
	}
}

static void parse_deliver_file(struct parse_ctx *ctx, const config_setting_t *s,
			       struct iotguard_policy *policy)
{
	copy_path(ctx, s, policy->provisioning.deliver_file, true);
}

static void parse_deliver_console(struct parse_ctx *ctx, const config_setting_t *s,
				  struct iotguard_policy *policy)
{
	parse_bool(ctx, s, &policy->provisioning.deliver_console);
}

static void parse_first_boot(struct parse_ctx *ctx, const config_setting_t *s,
			     struct iotguard_policy *policy)
{
	parse_bool(ctx, s, &policy->provisioning.first_boot);
}

static void parse_secret_file(struct parse_ctx *ctx, const config_setting_t *s,
			      struct iotguard_policy *policy)
{
	copy_path(ctx, s, policy->provisioning.secret_file, false);
}

static void parse_device_id_file(struct parse_ctx *ctx, const config_setting_t *s,
				 struct iotguard_policy *policy)
{
	copy_path(ctx, s, policy->provisioning.device_id_file, false);
}

/*
 * The list setters below (and parse_standards() in policy_publish.c) share
 * a shape, not logic: each names its own array, limits and count, and
 * parse_string_list() in policy_parse.c does the parsing for all.
 */
static void parse_programs(struct parse_ctx *ctx, const config_setting_t *s,
			   struct iotguard_policy *policy)
{
	struct login_guard_policy *g = &policy->login_guard;
	int n = parse_string_list(ctx, s, &g->programs[0][0], POLICY_MAX_LOGIN_PROGRAMS,
				  POLICY_PATH_MAX, true);

	if (n >= 0)
		g->program_count = (size_t)n;
}

static void parse_multi_call(struct parse_ctx *ctx, const config_setting_t *s,
			     struct iotguard_policy *policy)
{
	struct login_guard_policy *g = &policy->login_guard;
	int n = parse_string_list(ctx, s, &g->multi_call[0][0], POLICY_MAX_MULTI_CALL,
				  POLICY_PATH_MAX, true);

	if (n >= 0)
		g->multi_call_count = (size_t)n;
}

static void parse_consoles(struct parse_ctx *ctx, const config_setting_t *s,
			   struct iotguard_policy *policy)
{
	struct login_guard_policy *g = &policy->login_guard;
	int n = parse_string_list(ctx, s, &g->consoles[0][0], POLICY_MAX_CONSOLES,
				  POLICY_TTY_MAX, false);

	if (n >= 0)
		g->console_count = (size_t)n;
}

static const struct setting_rule login_guard_rules[] = {
	{ "programs", parse_programs },
	{ "multi_call", parse_multi_call },
	{ "consoles", parse_consoles },
};

static void parse_login_guard(struct parse_ctx *ctx, const config_setting_t *s,
			      struct iotguard_policy *policy)
{
	if (want_type(ctx, s, CONFIG_TYPE_GROUP, "a group: login_guard = { ... };"))
		parse_members(ctx, s, RULES(login_guard_rules), policy);
}

static const char *const default_programs[] = {
	"/bin/login", "/usr/bin/login", "/bin/su", "/usr/bin/su",
	"/usr/sbin/telnetd", "/usr/sbin/in.telnetd", "/usr/sbin/dropbear",
	"/usr/sbin/sshd",
};
static const char *const default_multi_call[] = { "/bin/busybox", "/usr/bin/dropbearmulti" };
static const char *const default_consoles[] = { "console", "ttyS0", "ttyAMA0", "tty1" };

static void default_login_guard(struct login_guard_policy *g)
{
	for (size_t i = 0; i < sizeof(default_programs) / sizeof(default_programs[0]); i++)
		strcpy(g->programs[g->program_count++], default_programs[i]);
	for (size_t i = 0; i < sizeof(default_multi_call) / sizeof(default_multi_call[0]); i++)
		strcpy(g->multi_call[g->multi_call_count++], default_multi_call[i]);
	for (size_t i = 0; i < sizeof(default_consoles) / sizeof(default_consoles[0]); i++)
		strcpy(g->consoles[g->console_count++], default_consoles[i]);
}

static const struct setting_rule credentials_rules[] = {
	{ "deny_lists", parse_deny_lists },
};

static const struct setting_rule provisioning_rules[] = {
	{ "method", parse_method },
	{ "scheme", parse_scheme },
	{ "accounts", parse_accounts },
	{ "deliver_file", parse_deliver_file },
	{ "deliver_console", parse_deliver_console },
	{ "secret_file", parse_secret_file },
	{ "device_id_file", parse_device_id_file },
	{ "first_boot", parse_first_boot },
};

static void parse_credentials(struct parse_ctx *ctx, const config_setting_t *s,
			      struct iotguard_policy *policy)
{
	if (want_type(ctx, s, CONFIG_TYPE_GROUP, "a group: credentials = { ... };"))
		parse_members(ctx, s, RULES(credentials_rules), policy);
}

static void parse_provisioning(struct parse_ctx *ctx, const config_setting_t *s,
			       struct iotguard_policy *policy)
{
	const struct provisioning_policy *p = &policy->provisioning;

	if (!want_type(ctx, s, CONFIG_TYPE_GROUP, "a group: provisioning = { ... };"))
		return;
	parse_members(ctx, s, RULES(provisioning_rules), policy);
	if (ctx->failed)
		return;
	/* A random password nobody is shown locks the owner out. */
	if (p->method == PROVISION_RANDOM && !p->deliver_file[0] && !p->deliver_console)
		fail_at(ctx, s, "method \"random\" needs 'deliver_file' or 'deliver_console': "
			"the password must reach the owner");
	if (p->method != PROVISION_DERIVED)
		return;
	/* Derived passwords need both inputs: say so where the method is. */
	if (!p->secret_file[0])
		fail_at(ctx, config_setting_lookup((config_setting_t *)s, "method"),
			"method \"derived\" needs 'secret_file' (the per-device key)");
	else if (!p->device_id_file[0])
		fail_at(ctx, config_setting_lookup((config_setting_t *)s, "method"),
			"method \"derived\" needs 'device_id_file' (e.g. a MAC address file)");
}

static const struct setting_rule top_level[] = {
	{ "version", parse_version },
	{ "mode", parse_mode },
	{ "credentials", parse_credentials },
	{ "provisioning", parse_provisioning },
	{ "login_guard", parse_login_guard },
	{ "network_gate", parse_network_gate },
	{ "product", parse_product },
	{ "disclosure", parse_disclosure },
	{ "support", parse_support },
	{ "compliance", parse_compliance },
	{ "egress", parse_egress },
};

void policy_defaults(struct iotguard_policy *policy)
{
	memset(policy, 0, sizeof(*policy));
	policy->version = POLICY_VERSION;
	policy->mode = IOTGUARD_MODE_ENFORCE;
	strcpy(policy->deny_lists, DENYLIST_DEFAULT_DIR);
	policy->provisioning.method = PROVISION_RANDOM;
	policy->provisioning.scheme = HASH_SHA512CRYPT;
	strcpy(policy->provisioning.deliver_file, POLICY_DEFAULT_DELIVER_FILE);
	policy->provisioning.deliver_console = true;
	policy->provisioning.first_boot = true;
	default_login_guard(&policy->login_guard);
	gate_settings_defaults(&policy->gate);
	publish_policy_defaults(&policy->publish);
}

void policy_release(struct iotguard_policy *policy)
{
	free(policy->egress.rules);
	free(policy->egress.services);
	policy_defaults(policy);
}

/*
 * A policy is text: a NUL byte is refused by its line before libconfig
 * reads the file (libconfig 1.5 would read past it, and leaks its string
 * buffer when one ends a string: found by tests/fuzz/policy_fuzz.c).
 * Leaves f at its start. 0, or -EINVAL with error set.
 */
static int text_check(FILE *f, const char *path, struct iotguard_error *error)
{
	int c, line = 1;

	while ((c = getc(f)) != EOF) {
		if (c == '\0') {
			rewind(f);
			return iotguard_fail(error, EINVAL, "%s:%d: a NUL byte: the file is not text",
					     path, line);
		}
		line += c == '\n';
	}
	rewind(f);
	return 0;
}

int policy_load(const char *path, struct iotguard_policy *policy, struct iotguard_error *error)
{
	struct parse_ctx ctx = { .path = path, .error = error };
	struct iotguard_policy parsed;
	config_t cfg;
	FILE *f;

	policy_defaults(&parsed);
	iotguard_error_clear(error);
	f = fopen(path, "r");
	if (!f)
		return iotguard_fail_errno(error, errno, "%s: cannot open", path);
	config_init(&cfg);
	if (text_check(f, path, error)) {
		ctx.failed = true;
	} else if (!config_read(&cfg, f)) {
		iotguard_fail(error, EINVAL, "%s:%d: %s", path, config_error_line(&cfg),
			      config_error_text(&cfg));
		ctx.failed = true;
	} else {
		parse_members(&ctx, config_root_setting(&cfg), RULES(top_level), &parsed);
	}
	config_destroy(&cfg);
	fclose(f);
	if (ctx.failed) {
		/* What a section allocated before the error (egress) goes with it. */
		policy_release(&parsed);
		return -EINVAL;
	}
	*policy = parsed;
	return 0;
}
