/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The compliance report (`iotguardctl report`): one row per requirement of
 * PSTI Schedule 1 and ETSI EN 303 645 V2.1.1 that iotguard covers, each
 * pass / fail / not applicable with its evidence, judged from facts about
 * the live device. Building rows from facts is pure, so it is tested on the
 * host; gathering the facts is iotguardctl's (ctl_report.c).
 */
#ifndef IOTGUARD_REPORT_H
#define IOTGUARD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "audit.h"
#include "egress_state.h"
#include "genl_client.h"
#include "kconfig.h"
#include "publish.h"

#define REPORT_SCHEMA "iotguard-report/1"
#define REPORT_MAX_LISTENERS 64
#define REPORT_EVIDENCE_MAX 512
#define REPORT_NAME_MAX 32

enum row_result { ROW_PASS, ROW_FAIL, ROW_NOT_APPLICABLE };

struct report_row {
	const char *id;			/* "PSTI Sch.1 §1", "ETSI 5.1-5", ... */
	const char *requirement;	/* what it asks, in a line */
	enum row_result result;
	char evidence[REPORT_EVIDENCE_MAX];
};

struct account_fact {
	char name[REPORT_NAME_MAX];
	const char *scheme;
	enum account_class class;
};

struct device_facts {
	const struct iotguard_policy *policy;
	bool module_loaded;
	struct module_status module;
	const char *login_guard;	/* "attached" or "DEGRADED: ..." */
	bool audited;			/* the credential store could be read */
	/* Every account of the store (no cap: a flagged one must never be dropped). */
	struct account_fact *accounts;
	size_t account_count;
	bool passwd_tool;		/* a way for the owner to change a password */
	bool secret_present;		/* derived: the device secret file exists */
	uint16_t listeners[REPORT_MAX_LISTENERS];	/* non-loopback TCP/UDP ports */
	size_t listener_count;
	struct published published;
	/* CONFIG_MODULE_FORCE_UNLOAD: `rmmod -f` ignores lock's module reference. */
	enum kconfig_answer force_unload;
	char force_unload_source[KCONFIG_SOURCE_MAX];
	/* The outbound policy the kernel holds: what is in force, whatever the file says. */
	struct egress_state outbound;
};

enum report_row_index {
	ROW_PSTI_1, ROW_PSTI_2, ROW_PSTI_3,
	ROW_ETSI_5_1_1, ROW_ETSI_5_1_2, ROW_ETSI_5_1_3, ROW_ETSI_5_1_4, ROW_ETSI_5_1_5,
	ROW_ETSI_5_2_1, ROW_ETSI_5_3_13, ROW_ETSI_5_6_1, ROW_OUTBOUND,
	REPORT_ROWS
};

void report_build(const struct device_facts *facts, struct report_row rows[REPORT_ROWS]);
const char *row_result_name(enum row_result result);
/* The whole report: rows, the statement-of-compliance fields, the verdict. */
json_object *report_json(const struct device_facts *facts, const struct report_row *rows);
bool report_compliant(const struct report_row *rows);

#endif
