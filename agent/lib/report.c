// SPDX-License-Identifier: GPL-2.0
/* The compliance report's rows and JSON, judged from gathered facts (report.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "dates.h"
#include "names.h"
#include "report.h"

__attribute__((format(printf, 2, 3)))
static void say(struct report_row *row, const char *fmt, ...)
{
	size_t used = strlen(row->evidence);
	va_list ap;

	if (used >= sizeof(row->evidence) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(row->evidence + used, sizeof(row->evidence) - used, fmt, ap);
	va_end(ap);
}

static void set(struct report_row *row, const char *id, const char *requirement,
		enum row_result result)
{
	row->id = id;
	row->requirement = requirement;
	row->result = result;
	row->evidence[0] = '\0';
}

const char *row_result_name(enum row_result result)
{
	return result == ROW_PASS ? "pass" : result == ROW_FAIL ? "fail" : "n/a";
}

static void say_account(struct report_row *row, const struct account_fact *a)
{
	/* A locked account's "scheme" is "locked" already. */
	if (!strcmp(a->scheme, account_class_name(a->class)))
		say(row, "; %s: %s", a->name, a->scheme);
	else
		say(row, "; %s: %s, %s%s", a->name, a->scheme, account_class_name(a->class),
		    audit_flagged(a->class) ? " (FLAGGED)" : "");
}

/*
 * Accounts and their schemes: the counts first and the flagged accounts
 * next, so that a long list cut short at the end of the evidence never
 * hides one.
 */
static bool passwords_row(const struct device_facts *f, struct report_row *row)
{
	size_t flagged = 0;
	bool ok = f->audited;

	if (!f->audited) {
		say(row, "the credential store could not be read (run as root); ");
		return false;
	}
	for (size_t i = 0; i < f->account_count; i++)
		flagged += audit_flagged(f->accounts[i].class);
	say(row, "%zu account(s), %zu flagged", f->account_count, flagged);
	for (size_t i = 0; i < f->account_count; i++)
		if (audit_flagged(f->accounts[i].class))
			say_account(row, &f->accounts[i]);
	for (size_t i = 0; i < f->account_count; i++)
		if (!audit_flagged(f->accounts[i].class))
			say_account(row, &f->accounts[i]);
	ok = ok && !flagged;
	if (f->module_loaded) {
		say(row, "; kernel credential state %s", cred_state_name(f->module.cred_state));
		ok = ok && f->module.cred_state == IOTGUARD_CRED_PROVISIONED;
	}
	say(row, "; login guard %s", f->login_guard);
	return ok;
}

static void row_passwords(const struct device_facts *f, struct report_row *row,
			  const char *id, const char *requirement)
{
	set(row, id, requirement, ROW_FAIL);
	if (passwords_row(f, row))
		row->result = ROW_PASS;
}

static void row_unique(const struct device_facts *f, struct report_row *row)
{
	const struct provisioning_policy *p = &f->policy->provisioning;

	set(row, "ETSI 5.1-2", "Per-device passwords are not guessable from public "
	    "information (derived only with a keyed function)", ROW_PASS);
	switch (p->method) {
	case PROVISION_RANDOM:
		say(row, "provisioning \"random\": getrandom(), about 99 bits, per device");
		break;
	case PROVISION_USER:
		say(row, "provisioning \"user\": the owner sets the password on the console");
		break;
	default:
		say(row, "provisioning \"derived\": HMAC-SHA256 keyed with the per-device secret %s",
		    p->secret_file);
		if (!f->secret_present) {
			say(row, ", which is MISSING");
			row->result = ROW_FAIL;
		}
	}
}

static void row_crypto(const struct device_facts *f, struct report_row *row)
{
	set(row, "ETSI 5.1-3", "Authentication uses best-practice cryptography", ROW_PASS);
	if (!f->audited) {
		row->result = ROW_FAIL;
		say(row, "the credential store could not be read (run as root)");
		return;
	}
	for (size_t i = 0; i < f->account_count; i++) {
		const struct account_fact *a = &f->accounts[i];

		if (a->class == ACCOUNT_LOCKED)
			continue;
		if (a->class == ACCOUNT_WEAK_HASH)
			row->result = ROW_FAIL;
		say(row, "%s%s: %s%s", row->evidence[0] ? "; " : "", a->name, a->scheme,
		    a->class == ACCOUNT_WEAK_HASH ? " (WEAK)" : "");
	}
	if (!row->evidence[0])
		say(row, "no account can log in with a password");
}

static void row_change(const struct device_facts *f, struct report_row *row)
{
	set(row, "ETSI 5.1-4", "The user can change the password simply",
	    f->passwd_tool ? ROW_PASS : ROW_FAIL);
	say(row, "%s; iotguardctl provision gives flagged accounts a new one",
	    f->passwd_tool ? "passwd is installed" : "no passwd tool on the device");
}

static void row_brute_force(const struct device_facts *f, struct report_row *row)
{
	const struct gate_settings *gate = &f->module.gate;
	char ports[GATE_PORTS_TEXT_MAX];

	set(row, "ETSI 5.1-5", "Brute-force attacks over network interfaces are impracticable",
	    ROW_FAIL);
	if (!f->module_loaded) {
		say(row, "the iotguard kernel module is not loaded: no network gate");
		return;
	}
	if (f->module.mode != IOTGUARD_MODE_ENFORCE) {
		say(row, "the kernel module is in mode %s, not enforce", mode_name(f->module.mode));
		return;
	}
	row->result = ROW_PASS;
	gate_settings_format_ports(gate, ports, sizeof(ports));
	say(row, "per source (IPv4 address, IPv6 /64): %u new connections at once, then one "
	    "every %.1f s, on tcp %s", gate->throttle_burst, gate->throttle_interval_ms / 1000.0,
	    ports);
	say(row, "; remote login locked while a default password remains; %llu refused so far%s",
	    (unsigned long long)(f->module.counters[IOTGUARD_CTR_THROTTLE_REFUSED] +
				 f->module.counters[IOTGUARD_CTR_LOCKOUT_REFUSED] +
				 f->module.counters[IOTGUARD_CTR_THROTTLE_TABLE_FULL]),
	    f->module.locked ? "; locked until reboot" : "");
}

/*
 * A module cannot refuse a forced unload: say so where the lock is
 * claimed ("RISK", since the test runner reads "WARNING:" on the console
 * as the kernel's). A warning, not a failure: the kernel is the integrator's to
 * change, and every other guarantee of the row still holds until then.
 */
static void force_unload_evidence(const struct device_facts *f, struct report_row *row)
{
	switch (f->force_unload) {
	case KCONFIG_SET:
		say(row, "; RISK: the kernel has CONFIG_MODULE_FORCE_UNLOAD (%s): `rmmod -f` "
		    "unloads iotguard even after `iotguardctl lock`; build the kernel without it",
		    f->force_unload_source);
		break;
	case KCONFIG_NOT_SET:
		say(row, "; the kernel has no CONFIG_MODULE_FORCE_UNLOAD (%s): lock holds the module",
		    f->force_unload_source);
		break;
	default:
		say(row, "; RISK: whether the kernel has CONFIG_MODULE_FORCE_UNLOAD is unknown "
		    "(%s): if it has, `rmmod -f` unloads iotguard even after lock",
		    f->force_unload_source);
	}
}

static bool support_published(const struct device_facts *f, struct report_row *row)
{
	const struct published *p = &f->published;
	char line[SUPPORT_TEXT_MAX], end[DATE_ISO_LEN], date[DATE_ISO_LEN];
	bool ok = true;

	if (!p->support_set) {
		say(row, "no support period in the policy (support.updates_until)");
		return false;
	}
	support_describe(&p->support, line, sizeof(line));
	say(row, "%s", line);
	if (p->support.state == SUPPORT_ENDED)
		ok = false;
	if (!p->support_recorded) {
		say(row, "; not yet published by iotguardd");
		ok = false;
	} else {
		for (size_t i = 0; i < p->record.history_count; i++) {
			date_format_iso(p->record.history[i].updates_until, end);
			date_format_iso(p->record.history[i].published, date);
			say(row, "; %s %s on %s", i ? "extended to" : "published", end, date);
		}
	}
	date_format_iso(p->support.support_end, end);
	if (p->os_release_matches) {
		say(row, "; os-release SUPPORT_END=%s", end);
	} else {
		say(row, "; os-release SUPPORT_END is %s, should be %s",
		    p->os_release_support_end[0] ? p->os_release_support_end : "missing", end);
		ok = false;
	}
	say(row, "; in " STATUS_JSON_PATH);
	return ok;
}

static void row_support(const struct device_facts *f, struct report_row *row, const char *id,
			const char *requirement)
{
	set(row, id, requirement, ROW_FAIL);
	if (support_published(f, row))
		row->result = ROW_PASS;
	if (f->policy->publish.support.update_mechanism[0])
		say(row, "; updates by %s", f->policy->publish.support.update_mechanism);
}

static void contacts(const struct device_facts *f, struct report_row *row)
{
	const struct disclosure_policy *d = &f->policy->publish.disclosure;

	for (size_t i = 0; i < d->contact_count; i++)
		say(row, "%s%s", i ? ", " : "contact ", d->contacts[i]);
	if (!d->contact_count)
		say(row, "no contact in the policy (disclosure.contact)");
}

static void row_report_issues(const struct device_facts *f, struct report_row *row)
{
	const struct published *p = &f->published;
	char expires[RFC3339_MAX];

	set(row, "PSTI Sch.1 §2", "How to report security issues is published", ROW_FAIL);
	contacts(f, row);
	if (p->security_txt_ok) {
		rfc3339_format(p->security_txt.expires, expires);
		say(row, "; security.txt at %s, valid until %s",
		    f->policy->publish.disclosure.security_txt, expires);
		row->result = f->policy->publish.disclosure.contact_count ? ROW_PASS : ROW_FAIL;
	} else {
		say(row, "; security.txt: %s", p->security_txt_error.msg);
	}
}

static void row_disclosure_policy(const struct device_facts *f, struct report_row *row)
{
	const struct disclosure_policy *d = &f->policy->publish.disclosure;

	set(row, "ETSI 5.2-1", "A vulnerability disclosure policy is published",
	    d->policy_url[0] && d->contact_count ? ROW_PASS : ROW_FAIL);
	say(row, "policy %s; ", d->policy_url[0] ? d->policy_url :
	    "MISSING (disclosure.policy_url)");
	contacts(f, row);
	say(row, "; acknowledgement within %d days, status updates every %d days",
	    d->acknowledge_days, d->status_update_days);
}

static bool declared(const struct compliance_policy *c, uint16_t port)
{
	for (size_t i = 0; i < c->declared_port_count; i++)
		if (c->declared_ports[i] == port)
			return true;
	return false;
}

static void row_interfaces(const struct device_facts *f, struct report_row *row)
{
	const struct compliance_policy *c = &f->policy->publish.compliance;

	set(row, "ETSI 5.6-1", "Unused network and logical interfaces are disabled", ROW_PASS);
	if (!f->listener_count) {
		say(row, "nothing listens on the network");
		return;
	}
	say(row, "listening:");
	for (size_t i = 0; i < f->listener_count; i++) {
		bool ok = declared(c, f->listeners[i]);

		say(row, "%s %u%s", i ? "," : "", f->listeners[i], ok ? "" : " (NOT DECLARED)");
		if (!ok)
			row->result = ROW_FAIL;
	}
	if (row->result == ROW_FAIL)
		say(row, "; declare what the product needs in compliance.declared_ports, disable "
		    "the rest");
}

/*
 * The installed policy: what fails it first (evidence cut short at the end
 * never hides it), then its settings and counters, then what weakens it.
 */
static void outbound_evidence(const struct device_facts *f, struct report_row *row)
{
	const struct egress_state *o = &f->outbound;

	if (!o->attached)
		say(row, "the programs are NOT attached: nothing is judged; ");
	else if (!o->config.enforce)
		say(row, "audit mode: counts, refuses nothing; ");
	say(row, "%s, default %s, %u rule(s), %zu service cgroup(s); %llu refused, %llu audited "
	    "of %llu checked", egress_state_mode(o), o->config.default_deny ? "deny" : "allow",
	    o->config.rule_count, o->services,
	    (unsigned long long)o->stats[EGRESS_STAT_DENIED],
	    (unsigned long long)o->stats[EGRESS_STAT_AUDITED],
	    (unsigned long long)o->stats[EGRESS_STAT_CHECKED]);
	if (o->stats[EGRESS_STAT_EVENTS_LOST])
		say(row, " (%llu refusal event(s) lost)",
		    (unsigned long long)o->stats[EGRESS_STAT_EVENTS_LOST]);
	/* families never names every family: something is always left to refuse. */
	if (o->attached && !o->lsm_hooks)
		say(row, "; DEGRADED: " EGRESS_NO_LSM_TEXT);
	if (!f->policy->has_egress)
		say(row, "; the policy file has no egress section: iotguardd removes this policy "
		    "at its next start or SIGHUP");
	else if ((f->policy->egress.mode == EGRESS_MODE_ENFORCE) != !!o->config.enforce)
		say(row, "; the policy file says %s: not applied yet",
		    f->policy->egress.mode == EGRESS_MODE_ENFORCE ? "enforce" : "audit");
	if (o->lock.locked)
		say(row, "; locked until reboot (floor: %s, %u rule(s))",
		    o->lock.config.enforce ? "enforce" : "audit", o->lock.config.rule_count);
	else
		say(row, "; not locked");
}

/*
 * Judged by what the kernel holds. No outbound policy at all is not
 * applicable: the law's baseline asks for none and the policy file may
 * leave it out. A policy the file asks for but the kernel does not hold,
 * one that is not attached, or one in audit mode fails.
 */
static void row_outbound(const struct device_facts *f, struct report_row *row)
{
	const struct egress_state *o = &f->outbound;

	set(row, "Outbound policy", "Outbound connections follow a policy", ROW_FAIL);
	if (o->read_error) {
		say(row, "the outbound policy's state could not be read (%s%s)",
		    strerror(-o->read_error), o->read_error == -EACCES ||
		    o->read_error == -EPERM ? ": run as root" : "");
		return;
	}
	if (o->installed) {
		outbound_evidence(f, row);
		if (o->attached && o->config.enforce)
			row->result = ROW_PASS;
		return;
	}
	if (!f->policy->has_egress) {
		row->result = ROW_NOT_APPLICABLE;
		say(row, "no outbound policy: every destination is allowed (the policy file has no "
		    "egress section)");
		return;
	}
	say(row, "no outbound policy: the policy file has an egress section (mode %s) but %s "
	    "(is iotguardd running?)",
	    f->policy->egress.mode == EGRESS_MODE_ENFORCE ? "enforce" : "audit",
	    o->attached ? "none is installed" : "the programs are not attached");
}

void report_build(const struct device_facts *f, struct report_row rows[REPORT_ROWS])
{
	row_passwords(f, &rows[ROW_PSTI_1], "PSTI Sch.1 §1", "No universal default password");
	row_report_issues(f, &rows[ROW_PSTI_2]);
	row_support(f, &rows[ROW_PSTI_3], "PSTI Sch.1 §3",
		    "The defined support period is published");
	row_passwords(f, &rows[ROW_ETSI_5_1_1], "ETSI 5.1-1",
		      "Passwords are unique per device or set by the user");
	row_unique(f, &rows[ROW_ETSI_5_1_2]);
	row_crypto(f, &rows[ROW_ETSI_5_1_3]);
	row_change(f, &rows[ROW_ETSI_5_1_4]);
	row_brute_force(f, &rows[ROW_ETSI_5_1_5]);
	force_unload_evidence(f, &rows[ROW_ETSI_5_1_5]);
	row_disclosure_policy(f, &rows[ROW_ETSI_5_2_1]);
	row_support(f, &rows[ROW_ETSI_5_3_13], "ETSI 5.3-13",
		    "The support period is published clearly and accessibly");
	row_interfaces(f, &rows[ROW_ETSI_5_6_1]);
	row_outbound(f, &rows[ROW_OUTBOUND]);
}

bool report_compliant(const struct report_row *rows)
{
	for (size_t i = 0; i < REPORT_ROWS; i++)
		if (rows[i].result == ROW_FAIL)
			return false;
	return true;
}

static json_object *text_or_null(const char *s)
{
	return s[0] ? json_object_new_string(s) : NULL;
}

/* The manufacturer's statement of compliance (PSTI Schedule 4), from the policy. */
static json_object *statement_json(const struct device_facts *f)
{
	const struct product_policy *p = &f->policy->publish.product;
	const struct compliance_policy *c = &f->policy->publish.compliance;
	json_object *obj = json_object_new_object(), *standards = json_object_new_array();
	char until[DATE_ISO_LEN];

	json_object_object_add(obj, "product_type", text_or_null(p->product_type));
	json_object_object_add(obj, "model", text_or_null(p->model));
	json_object_object_add(obj, "batch", text_or_null(p->batch));
	json_object_object_add(obj, "manufacturer", text_or_null(p->manufacturer));
	json_object_object_add(obj, "manufacturer_address", text_or_null(p->manufacturer_address));
	for (size_t i = 0; i < c->standard_count; i++)
		json_object_array_add(standards, json_object_new_string(c->standards[i]));
	json_object_object_add(obj, "standards", standards);
	if (f->published.support_set)
		date_format_iso(f->published.support.updates_until, until);
	json_object_object_add(obj, "security_updates_until",
			       f->published.support_set ? json_object_new_string(until) : NULL);
	json_object_object_add(obj, "software_version",
			       text_or_null(f->published.software_version));
	return obj;
}

json_object *report_json(const struct device_facts *f, const struct report_row *rows)
{
	json_object *root = json_object_new_object(), *arr = json_object_new_array(), *outbound;
	char generated[RFC3339_MAX];

	rfc3339_format(f->published.generated, generated);
	json_object_object_add(root, "schema", json_object_new_string(REPORT_SCHEMA));
	json_object_object_add(root, "generated", json_object_new_string(generated));
	json_object_object_add(root, "compliant", json_object_new_boolean(report_compliant(rows)));
	for (size_t i = 0; i < REPORT_ROWS; i++) {
		json_object *row = json_object_new_object();

		json_object_object_add(row, "id", json_object_new_string(rows[i].id));
		json_object_object_add(row, "requirement", json_object_new_string(rows[i].requirement));
		json_object_object_add(row, "result",
				       json_object_new_string(row_result_name(rows[i].result)));
		json_object_object_add(row, "evidence", json_object_new_string(rows[i].evidence));
		json_object_array_add(arr, row);
	}
	json_object_object_add(root, "requirements", arr);
	json_object_object_add(root, "statement_of_compliance", statement_json(f));
	outbound = egress_state_json(&f->outbound);
	json_object_object_add(outbound, "policy_file_egress",
			       json_object_new_boolean(f->policy->has_egress));
	json_object_object_add(root, "outbound", outbound);
	return root;
}
