/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Publishing what the law asks a device to make known: the support period
 * (persisted, never shortened), security.txt, /run/iotguard/status.json and
 * the check of os-release's SUPPORT_END. iotguardd publishes and logs the
 * notes publish_write returns; iotguardctl reads the same facts back
 * (publish_gather) for `status` and `report`.
 */
#ifndef IOTGUARD_PUBLISH_H
#define IOTGUARD_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <json-c/json.h>
#include "error.h"
#include "paths.h"
#include "policy.h"
#include "security_txt.h"
#include "support.h"

#define STATUS_JSON_PATH IOTGUARD_RUN_DIR "/status.json"
#define STATUS_JSON_SCHEMA "iotguard-status/1"

struct published {
	const struct iotguard_policy *policy;
	time_t generated;
	char software_version[64];		/* "" unknown */
	/* The support period as published (the state file), else the policy's. */
	bool support_set;
	bool support_recorded;			/* the state file holds it */
	struct support_record record;
	struct support_status support;
	enum support_change change;		/* publish_write only */
	char os_release_support_end[16];	/* "" if os-release has none */
	bool os_release_matches;
	/* security.txt as found at its path after publishing. */
	bool security_txt_ok;
	struct security_txt_info security_txt;
	struct iotguard_error security_txt_error;	/* why not, if not ok */
};

enum publish_severity { PUBLISH_INFO, PUBLISH_WARNING, PUBLISH_ERROR };

#define PUBLISH_NOTES_MAX 8
#define PUBLISH_NOTE_MAX (IOTGUARD_ERROR_MAX + 64)	/* a library error and its context */

/* What publishing changed and what is wrong, in the order it happened. */
struct publish_notes {
	size_t count;
	struct publish_note {
		enum publish_severity severity;
		char text[PUBLISH_NOTE_MAX];
	} note[PUBLISH_NOTES_MAX];
};

/* Read the published facts without changing anything. */
void publish_gather(const struct iotguard_policy *policy, time_t now, struct published *out);
/*
 * Reconcile the support period, write security.txt and status.json, then
 * gather. What changed and what is wrong (a write refused, the support
 * period ending, security.txt expiring...) is in notes, for the agent's log.
 * The files' only writer (iotguardd, under its instance lock): it first
 * removes the temporaries a killed publisher left (atomic_file_remove_stale).
 */
void publish_write(const struct iotguard_policy *policy, time_t now, struct published *out,
		   struct publish_notes *notes);

/* status.json's document (schema STATUS_JSON_SCHEMA, see README). */
json_object *status_json_build(const struct published *p);

#endif
