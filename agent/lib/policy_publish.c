// SPDX-License-Identifier: GPL-2.0
/*
 * product = { ... }, disclosure = { ... }, support = { ... } and
 * compliance = { ... }: what the device publishes about itself. Every value
 * is checked here, so a policy that would publish a bad security.txt or an
 * impossible date is refused with file:line before anything is written.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "dates.h"
#include "policy_parse.h"
#include "security_txt.h"

void publish_policy_defaults(struct publish_policy *publish)
{
	memset(publish, 0, sizeof(*publish));
	strcpy(publish->product.version_file, PUBLISH_DEFAULT_VERSION_FILE);
	publish->disclosure.acknowledge_days = 7;
	publish->disclosure.status_update_days = 30;
	publish->disclosure.expires_days = PUBLISH_MAX_EXPIRES_DAYS;
	strcpy(publish->disclosure.security_txt, PUBLISH_DEFAULT_SECURITY_TXT);
	publish->support.ending_soon_days = 180;
}

/* A string of printable characters, shorter than len. */
static bool parse_text(struct parse_ctx *ctx, const config_setting_t *s, char *out, size_t len)
{
	const char *value;

	if (!want_type(ctx, s, CONFIG_TYPE_STRING, "a string"))
		return false;
	value = config_setting_get_string(s);
	if (strlen(value) >= len) {
		fail_at(ctx, s, "'%s' is longer than %zu characters", config_setting_name(s), len - 1);
		return false;
	}
	for (const char *p = value; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			fail_at(ctx, s, "'%s' holds a control character", config_setting_name(s));
			return false;
		}
	}
	strcpy(out, value);
	return true;
}

#define TEXT_RULE(group, field)							\
static void parse_##group##_##field(struct parse_ctx *ctx, const config_setting_t *s,	\
				    struct iotguard_policy *policy)		\
{										\
	parse_text(ctx, s, policy->publish.group.field,				\
		   sizeof(policy->publish.group.field));				\
}

TEXT_RULE(product, manufacturer)
TEXT_RULE(product, manufacturer_address)
TEXT_RULE(product, model)
TEXT_RULE(product, product_type)
TEXT_RULE(product, batch)
TEXT_RULE(support, update_mechanism)

static void parse_version_file(struct parse_ctx *ctx, const config_setting_t *s,
			       struct iotguard_policy *policy)
{
	char *out = policy->publish.product.version_file;

	if (parse_text(ctx, s, out, sizeof(policy->publish.product.version_file)) &&
	    out[0] != '/')
		fail_at(ctx, s, "'version_file' must be an absolute path");
}

/*
 * Each section is a rules table and a group parser of three lines, alike
 * in shape across sections (duplicates pairs them): the tables are data,
 * and the logic they share is parse_members() in policy_parse.c.
 */
static const struct setting_rule product_rules[] = {
	{ "manufacturer", parse_product_manufacturer },
	{ "manufacturer_address", parse_product_manufacturer_address },
	{ "model", parse_product_model },
	{ "product_type", parse_product_product_type },
	{ "batch", parse_product_batch },
	{ "version_file", parse_version_file },
};

void parse_product(struct parse_ctx *ctx, const config_setting_t *s,
		   struct iotguard_policy *policy)
{
	policy->publish.product.line = (int)config_setting_source_line(s);
	if (want_type(ctx, s, CONFIG_TYPE_GROUP, "a group: product = { ... };"))
		parse_members(ctx, s, RULES(product_rules), policy);
}

static void parse_contacts(struct parse_ctx *ctx, const config_setting_t *s,
			   struct iotguard_policy *policy)
{
	struct disclosure_policy *d = &policy->publish.disclosure;
	int n = parse_string_list(ctx, s, &d->contacts[0][0], PUBLISH_MAX_CONTACTS,
				  PUBLISH_URI_MAX, false);

	for (int i = 0; i < n; i++) {
		const config_setting_t *elem = config_setting_get_elem(s, (unsigned int)i);

		d->contact_lines[i] = (int)config_setting_source_line(elem);
		if (!security_txt_contact_ok(d->contacts[i])) {
			fail_at(ctx, elem,
				"contact \"%s\" must be a mailto:, tel: or https: URI", d->contacts[i]);
			return;
		}
	}
	if (n >= 0)
		d->contact_count = (size_t)n;
}

static void parse_policy_url(struct parse_ctx *ctx, const config_setting_t *s,
			     struct iotguard_policy *policy)
{
	char *out = policy->publish.disclosure.policy_url;

	policy->publish.disclosure.policy_url_line = (int)config_setting_source_line(s);
	if (parse_text(ctx, s, out, PUBLISH_URI_MAX) && out[0] && strncmp(out, "https://", 8))
		fail_at(ctx, s, "'policy_url' must be an https:// URL");
}

static void parse_acknowledge(struct parse_ctx *ctx, const config_setting_t *s,
			      struct iotguard_policy *policy)
{
	int_in_range(ctx, s, 1, 90, &policy->publish.disclosure.acknowledge_days);
}

static void parse_status_update(struct parse_ctx *ctx, const config_setting_t *s,
				struct iotguard_policy *policy)
{
	int_in_range(ctx, s, 1, 180, &policy->publish.disclosure.status_update_days);
}

static void parse_languages(struct parse_ctx *ctx, const config_setting_t *s,
			    struct iotguard_policy *policy)
{
	struct disclosure_policy *d = &policy->publish.disclosure;
	int n = parse_string_list(ctx, s, &d->languages[0][0], PUBLISH_MAX_LANGUAGES,
				  PUBLISH_LANGUAGE_MAX, false);

	for (int i = 0; i < n; i++) {
		for (const char *p = d->languages[i]; *p; p++) {
			if (!isalnum((unsigned char)*p) && *p != '-') {
				fail_at(ctx, config_setting_get_elem(s, (unsigned int)i),
					"\"%s\" is not a language tag such as \"en\" or \"de-CH\"",
					d->languages[i]);
				return;
			}
		}
	}
	if (n >= 0)
		d->language_count = (size_t)n;
}

static void parse_encryption(struct parse_ctx *ctx, const config_setting_t *s,
			     struct iotguard_policy *policy)
{
	char *out = policy->publish.disclosure.encryption;

	policy->publish.disclosure.encryption_line = (int)config_setting_source_line(s);
	if (parse_text(ctx, s, out, PUBLISH_URI_MAX) && out[0] &&
	    !security_txt_encryption_ok(out))
		fail_at(ctx, s, "'encryption' must be the URI of a key (https:, dns: or "
			"openpgp4fpr:), never the key itself");
}

static void parse_expires_days(struct parse_ctx *ctx, const config_setting_t *s,
			       struct iotguard_policy *policy)
{
	int_in_range(ctx, s, 1, PUBLISH_MAX_EXPIRES_DAYS, &policy->publish.disclosure.expires_days);
}

static void parse_security_txt(struct parse_ctx *ctx, const config_setting_t *s,
			       struct iotguard_policy *policy)
{
	char *out = policy->publish.disclosure.security_txt;

	if (parse_text(ctx, s, out, PUBLISH_URI_MAX) && out[0] && out[0] != '/')
		fail_at(ctx, s, "'security_txt' must be an absolute path, or \"\" for none");
}

static const struct setting_rule disclosure_rules[] = {
	{ "contact", parse_contacts },
	{ "policy_url", parse_policy_url },
	{ "acknowledge_within_days", parse_acknowledge },
	{ "status_update_every_days", parse_status_update },
	{ "languages", parse_languages },
	{ "encryption", parse_encryption },
	{ "expires_days", parse_expires_days },
	{ "security_txt", parse_security_txt },
};

void parse_disclosure(struct parse_ctx *ctx, const config_setting_t *s,
		      struct iotguard_policy *policy)
{
	policy->publish.disclosure.line = (int)config_setting_source_line(s);
	if (want_type(ctx, s, CONFIG_TYPE_GROUP, "a group: disclosure = { ... };"))
		parse_members(ctx, s, RULES(disclosure_rules), policy);
}

static void parse_updates_until(struct parse_ctx *ctx, const config_setting_t *s,
				struct iotguard_policy *policy)
{
	struct support_policy *support = &policy->publish.support;

	if (!want_type(ctx, s, CONFIG_TYPE_STRING, "a date: \"YYYY-MM-DD\""))
		return;
	if (date_parse(config_setting_get_string(s), &support->updates_until)) {
		fail_at(ctx, s, "'updates_until' must be a real date, \"YYYY-MM-DD\" (got \"%s\")",
			config_setting_get_string(s));
		return;
	}
	support->set = true;
}

static void parse_ending_soon(struct parse_ctx *ctx, const config_setting_t *s,
			      struct iotguard_policy *policy)
{
	int_in_range(ctx, s, 0, 3650, &policy->publish.support.ending_soon_days);
}

static const struct setting_rule support_rules[] = {
	{ "updates_until", parse_updates_until },
	{ "ending_soon_days", parse_ending_soon },
	{ "update_mechanism", parse_support_update_mechanism },
};

void parse_support(struct parse_ctx *ctx, const config_setting_t *s,
		   struct iotguard_policy *policy)
{
	policy->publish.support.line = (int)config_setting_source_line(s);
	if (want_type(ctx, s, CONFIG_TYPE_GROUP, "a group: support = { ... };"))
		parse_members(ctx, s, RULES(support_rules), policy);
}

/* A list setter: the shape of policy.c's (see parse_programs()). */
static void parse_standards(struct parse_ctx *ctx, const config_setting_t *s,
			    struct iotguard_policy *policy)
{
	struct compliance_policy *c = &policy->publish.compliance;
	int n = parse_string_list(ctx, s, &c->standards[0][0], PUBLISH_MAX_STANDARDS,
				  PUBLISH_TEXT_MAX, false);

	if (n >= 0)
		c->standard_count = (size_t)n;
}

static void parse_declared_ports(struct parse_ctx *ctx, const config_setting_t *s,
				 struct iotguard_policy *policy)
{
	struct compliance_policy *c = &policy->publish.compliance;
	int n = parse_port_list(ctx, s, c->declared_ports, PUBLISH_MAX_PORTS);

	if (n >= 0)
		c->declared_port_count = (size_t)n;
}

static const struct setting_rule compliance_rules[] = {
	{ "standards", parse_standards },
	{ "declared_ports", parse_declared_ports },
};

void parse_compliance(struct parse_ctx *ctx, const config_setting_t *s,
		      struct iotguard_policy *policy)
{
	if (want_type(ctx, s, CONFIG_TYPE_GROUP, "a group: compliance = { ... };"))
		parse_members(ctx, s, RULES(compliance_rules), policy);
}
