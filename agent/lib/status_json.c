// SPDX-License-Identifier: GPL-2.0
/* /run/iotguard/status.json: the schema is documented in the README. */
#include <string.h>
#include "dates.h"
#include "publish.h"

static json_object *string_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}

static json_object *date_or_null(bool set, int64_t days)
{
	char iso[DATE_ISO_LEN];

	if (!set)
		return NULL;
	date_format_iso(days, iso);
	return json_object_new_string(iso);
}

static json_object *product_json(const struct published *p)
{
	const struct product_policy *product = &p->policy->publish.product;
	json_object *obj = json_object_new_object();

	json_object_object_add(obj, "manufacturer", string_or_null(product->manufacturer));
	json_object_object_add(obj, "manufacturer_address",
			       string_or_null(product->manufacturer_address));
	json_object_object_add(obj, "model", string_or_null(product->model));
	json_object_object_add(obj, "product_type", string_or_null(product->product_type));
	json_object_object_add(obj, "batch", string_or_null(product->batch));
	json_object_object_add(obj, "software_version", string_or_null(p->software_version));
	return obj;
}

static json_object *support_json(const struct published *p)
{
	json_object *obj = json_object_new_object(), *history = json_object_new_array();
	char summary[SUPPORT_TEXT_MAX];

	json_object_object_add(obj, "state", json_object_new_string(p->support_set ?
			       support_state_name(p->support.state) : "none"));
	json_object_object_add(obj, "updates_until",
			       date_or_null(p->support_set, p->support.updates_until));
	json_object_object_add(obj, "support_end",
			       date_or_null(p->support_set, p->support.support_end));
	json_object_object_add(obj, "days_left", p->support_set ?
			       json_object_new_int64(p->support.days_left) : NULL);
	if (p->support_set)
		support_describe(&p->support, summary, sizeof(summary));
	json_object_object_add(obj, "summary", p->support_set ? json_object_new_string(summary) :
			       json_object_new_string("No support period is published"));
	json_object_object_add(obj, "update_mechanism",
			       string_or_null(p->policy->publish.support.update_mechanism));
	for (size_t i = 0; p->support_recorded && i < p->record.history_count; i++) {
		json_object *h = json_object_new_object();

		json_object_object_add(h, "updates_until",
				       date_or_null(true, p->record.history[i].updates_until));
		json_object_object_add(h, "published",
				       date_or_null(true, p->record.history[i].published));
		json_object_array_add(history, h);
	}
	json_object_object_add(obj, "history", history);
	json_object_object_add(obj, "os_release_support_end",
			       string_or_null(p->os_release_support_end));
	return obj;
}

static json_object *string_array(const char *first, size_t width, size_t count)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < count; i++)
		json_object_array_add(arr, json_object_new_string(first + i * width));
	return arr;
}

static json_object *disclosure_json(const struct published *p)
{
	const struct disclosure_policy *d = &p->policy->publish.disclosure;
	json_object *obj = json_object_new_object();
	char expires[RFC3339_MAX];

	json_object_object_add(obj, "contact", string_array(&d->contacts[0][0], PUBLISH_URI_MAX,
							    d->contact_count));
	json_object_object_add(obj, "policy", string_or_null(d->policy_url));
	json_object_object_add(obj, "acknowledge_within_days",
			       json_object_new_int(d->acknowledge_days));
	json_object_object_add(obj, "status_update_every_days",
			       json_object_new_int(d->status_update_days));
	json_object_object_add(obj, "languages", string_array(&d->languages[0][0],
							      PUBLISH_LANGUAGE_MAX,
							      d->language_count));
	json_object_object_add(obj, "security_txt", string_or_null(d->security_txt));
	if (p->security_txt_ok)
		rfc3339_format(p->security_txt.expires, expires);
	json_object_object_add(obj, "security_txt_expires",
			       p->security_txt_ok ? json_object_new_string(expires) : NULL);
	return obj;
}

json_object *status_json_build(const struct published *p)
{
	json_object *root = json_object_new_object();
	char generated[RFC3339_MAX];

	rfc3339_format(p->generated, generated);
	json_object_object_add(root, "schema", json_object_new_string(STATUS_JSON_SCHEMA));
	json_object_object_add(root, "generated", json_object_new_string(generated));
	json_object_object_add(root, "product", product_json(p));
	json_object_object_add(root, "support", support_json(p));
	json_object_object_add(root, "disclosure", disclosure_json(p));
	return root;
}
