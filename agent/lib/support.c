// SPDX-License-Identifier: GPL-2.0
/*
 * The defined support period (support.h): its state file, reconciling the
 * policy's date with the published one (never shorter), refusing a policy
 * that would shorten it, and how it reads for people.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include "atomic_file.h"
#include "dates.h"
#include "policy.h"
#include "support.h"

static int date_field(json_object *obj, const char *key, int64_t *days)
{
	json_object *v;

	return json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_string) &&
	       !date_parse(json_object_get_string(v), days) ? 0 : -EINVAL;
}

int support_load(const char *path, struct support_record *record)
{
	json_object *root, *history;
	int ret = -EINVAL;

	memset(record, 0, sizeof(*record));
	if (access(path, F_OK))
		return -ENOENT;
	root = json_object_from_file(path);
	if (!root)
		return -EINVAL;
	if (date_field(root, "updates_until", &record->updates_until) ||
	    !json_object_object_get_ex(root, "history", &history) ||
	    !json_object_is_type(history, json_type_array) ||
	    json_object_array_length(history) > SUPPORT_HISTORY_MAX)
		goto out;
	record->history_count = json_object_array_length(history);
	for (size_t i = 0; i < record->history_count; i++) {
		json_object *h = json_object_array_get_idx(history, i);

		if (date_field(h, "updates_until", &record->history[i].updates_until) ||
		    date_field(h, "published", &record->history[i].published))
			goto out;
	}
	/* The published date is the latest in the history: anything else is tampering. */
	if (!record->history_count ||
	    record->history[record->history_count - 1].updates_until != record->updates_until)
		goto out;
	ret = 0;
out:
	json_object_put(root);
	return ret;
}

static json_object *date_json(int64_t days)
{
	char iso[DATE_ISO_LEN];

	date_format_iso(days, iso);
	return json_object_new_string(iso);
}

static int save(const char *path, const struct support_record *record,
		struct iotguard_error *error)
{
	json_object *root = json_object_new_object(), *history = json_object_new_array();
	char text[8192];
	int ret;

	json_object_object_add(root, "updates_until", date_json(record->updates_until));
	for (size_t i = 0; i < record->history_count; i++) {
		json_object *h = json_object_new_object();

		json_object_object_add(h, "updates_until", date_json(record->history[i].updates_until));
		json_object_object_add(h, "published", date_json(record->history[i].published));
		json_object_array_add(history, h);
	}
	json_object_object_add(root, "history", history);
	snprintf(text, sizeof(text), "%s\n",
		 json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
	ret = atomic_file_write(path, text, 0644, error);
	json_object_put(root);
	return ret;
}

static void add_history(struct support_record *record, int64_t until, int64_t today)
{
	if (record->history_count == SUPPORT_HISTORY_MAX) {
		/* Keep the first publication; drop the oldest extension. */
		memmove(&record->history[1], &record->history[2],
			(SUPPORT_HISTORY_MAX - 2) * sizeof(record->history[0]));
		record->history_count--;
	}
	record->history[record->history_count].updates_until = until;
	record->history[record->history_count].published = today;
	record->history_count++;
	record->updates_until = until;
}

int support_reconcile(const char *path, int64_t policy_until, int64_t today,
		      struct support_record *record, enum support_change *change,
		      struct iotguard_error *error)
{
	int ret = support_load(path, record);

	if (ret == -EINVAL) {
		char aside[512];

		/* Kept for the record; publishing starts again from the policy. */
		snprintf(aside, sizeof(aside), "%s.corrupt", path);
		rename(path, aside);
		memset(record, 0, sizeof(*record));
		*change = SUPPORT_HISTORY_RESET;
	} else if (ret == -ENOENT) {
		*change = SUPPORT_FIRST;
	} else if (policy_until < record->updates_until) {
		*change = SUPPORT_SHORTENING_REFUSED;
		return 0;
	} else if (policy_until == record->updates_until) {
		*change = SUPPORT_UNCHANGED;
		return 0;
	} else {
		*change = SUPPORT_EXTENDED;
	}
	add_history(record, policy_until, today);
	return save(path, record, error);
}

int support_check_shortening(const char *path, int64_t policy_until,
			     struct iotguard_error *error)
{
	char was[DATE_ISO_LEN], asked[DATE_ISO_LEN];
	struct support_record record;

	if (support_load(path, &record) || policy_until >= record.updates_until)
		return 0;
	date_format_iso(record.updates_until, was);
	date_format_iso(policy_until, asked);
	return iotguard_fail(error, EINVAL,
			     "support.updates_until %s is earlier than the published %s: a "
			     "support period may be extended, never shortened", asked, was);
}

int policy_load_checked(const char *path, const char *support_state,
			struct iotguard_policy *policy, struct iotguard_error *error)
{
	const struct support_policy *support;
	struct iotguard_policy loaded;
	int ret = policy_load(path, &loaded, error);

	if (ret)
		return ret;
	support = &loaded.publish.support;
	if (support->set &&
	    support_check_shortening(support_state, support->updates_until, error)) {
		policy_release(&loaded);
		return iotguard_error_wrap(error, "%s: ", path);
	}
	*policy = loaded;
	return 0;
}

void support_evaluate(int64_t updates_until, int ending_soon_days, int64_t today,
		      struct support_status *status)
{
	status->updates_until = updates_until;
	status->support_end = updates_until + 1;
	status->days_left = status->support_end - today;
	if (status->days_left <= 0)
		status->state = SUPPORT_ENDED;
	else if (status->days_left <= ending_soon_days)
		status->state = SUPPORT_ENDING_SOON;
	else
		status->state = SUPPORT_SUPPORTED;
}

const char *support_state_name(enum support_state state)
{
	switch (state) {
	case SUPPORT_SUPPORTED:
		return "supported";
	case SUPPORT_ENDING_SOON:
		return "ending soon";
	default:
		return "ended";
	}
}

void support_describe(const struct support_status *status, char *out, size_t len)
{
	char until[DATE_LONG_MAX], days[32];

	date_format_long(status->updates_until, until, sizeof(until));
	format_thousands(status->days_left, days, sizeof(days));
	if (status->state == SUPPORT_ENDED)
		snprintf(out, len, "Security updates ENDED: the last was due on %s; this device "
			 "gets no more security fixes", until);
	else
		snprintf(out, len, "Security updates until %s (%s day%s left%s)", until, days,
			 status->days_left == 1 ? "" : "s",
			 status->state == SUPPORT_ENDING_SOON ? ": ending soon" : "");
}
