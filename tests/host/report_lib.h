/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host tests of the published files and of the compliance report
 * share: days by date, the example policy, the facts of a provisioned
 * device that passes every row, and a JSON object's string field.
 */
#ifndef IOTGUARD_TEST_REPORT_LIB_H
#define IOTGUARD_TEST_REPORT_LIB_H

#include <stdint.h>
#include <string.h>
#include <json-c/json.h>
#include "dates.h"
#include "policy.h"
#include "report.h"
#include "support.h"

#define DAY 86400

static inline int64_t day(const char *iso)
{
	int64_t d = -1;

	return date_parse(iso, &d) ? INT64_MIN : d;
}

static inline void example_policy(struct iotguard_policy *policy)
{
	struct disclosure_policy *d = &policy->publish.disclosure;

	policy_defaults(policy);
	strcpy(policy->publish.product.manufacturer, "Example Devices Ltd");
	strcpy(policy->publish.product.model, "ExampleCam 3");
	strcpy(d->contacts[0], "mailto:security@example.com");
	strcpy(d->contacts[1], "https://example.com/report");
	d->contact_count = 2;
	strcpy(d->policy_url, "https://example.com/policy");
	strcpy(d->languages[0], "en");
	strcpy(d->languages[1], "de");
	d->language_count = 2;
	strcpy(d->encryption, "https://example.com/pgp-key.txt");
}

static inline void facts(struct device_facts *f, const struct iotguard_policy *policy,
		  enum account_class root_class)
{
	static struct account_fact root;

	memset(f, 0, sizeof(*f));
	f->accounts = &root;
	f->policy = policy;
	f->module_loaded = true;
	f->module.mode = IOTGUARD_MODE_ENFORCE;
	f->module.cred_state = audit_flagged(root_class) ? IOTGUARD_CRED_DEFAULT :
			       IOTGUARD_CRED_PROVISIONED;
	gate_settings_defaults(&f->module.gate);
	f->login_guard = "attached";
	f->audited = true;
	strcpy(f->accounts[0].name, "root");
	f->accounts[0].scheme = "sha512crypt";
	f->accounts[0].class = root_class;
	f->account_count = 1;
	f->passwd_tool = true;
	f->listeners[0] = 22;
	f->listener_count = 1;
	f->published.policy = policy;
	f->published.generated = day("2026-11-29") * DAY;
	f->published.support_set = f->published.support_recorded = true;
	f->published.record.updates_until = day("2030-12-31");
	f->published.record.history_count = 1;
	f->published.record.history[0].updates_until = day("2030-12-31");
	f->published.record.history[0].published = day("2026-11-29");
	support_evaluate(day("2030-12-31"), 180, day("2026-11-29"), &f->published.support);
	strcpy(f->published.os_release_support_end, "2031-01-01");
	f->published.os_release_matches = true;
	f->published.security_txt_ok = true;
	f->published.security_txt.contacts = 2;
	f->published.security_txt.expires = (day("2026-11-29") + 365) * DAY;
}

static inline const char *row_field(json_object *row, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(row, key, &v) && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

#endif
