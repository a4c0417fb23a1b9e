// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl report, support-end and check-policy: the device's
 * compliance, judged live, and what its policy file says and publishes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>
#include "accounts.h"
#include "ctl.h"
#include "dates.h"
#include "login_guard_loader.h"
#include "names.h"
#include "policy.h"
#include "policy_release.h"
#include "report.h"
#include "support.h"

#define PASSWD_TOOLS { "/usr/bin/passwd", "/bin/passwd", "/usr/sbin/chpasswd" }

static void gather_accounts(struct device_facts *f)
{
	struct audit_snapshot snap;

	if (audit_snapshot("/", f->policy->deny_lists, &snap, NULL))
		return;
	/* Every account; without memory, audited stays false and the rows fail. */
	f->accounts = calloc(snap.accounts.count + 1, sizeof(*f->accounts));
	if (!f->accounts) {
		audit_snapshot_free(&snap);
		return;
	}
	f->account_count = snap.accounts.count;
	for (size_t i = 0; i < f->account_count; i++) {
		snprintf(f->accounts[i].name, REPORT_NAME_MAX, "%s", snap.accounts.items[i].name);
		f->accounts[i].scheme = snap.verdicts[i].scheme;	/* static names */
		f->accounts[i].class = snap.verdicts[i].class;
	}
	f->audited = true;
	audit_snapshot_free(&snap);
}

static void add_listener(struct device_facts *f, unsigned int port)
{
	size_t i = 0;

	while (i < f->listener_count && f->listeners[i] < port)
		i++;
	if ((i < f->listener_count && f->listeners[i] == port) ||
	    f->listener_count == REPORT_MAX_LISTENERS)
		return;
	memmove(&f->listeners[i + 1], &f->listeners[i],
		(f->listener_count - i) * sizeof(f->listeners[0]));
	f->listeners[i] = (uint16_t)port;
	f->listener_count++;
}

/* Sockets open to the network: TCP in LISTEN, UDP bound; loopback excluded. */
static void gather_listeners(struct device_facts *f)
{
	static const struct {
		const char *path;
		unsigned int state;	/* TCP_LISTEN 0x0A; UDP sockets show 0x07 */
		bool v6;
	} tables[] = {
		{ "/proc/net/tcp", 0x0A, false }, { "/proc/net/tcp6", 0x0A, true },
		{ "/proc/net/udp", 0x07, false }, { "/proc/net/udp6", 0x07, true },
	};

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		char line[512], addr[64];
		unsigned int port, state;
		FILE *in = fopen(tables[t].path, "r");

		if (!in)
			continue;
		while (fgets(line, sizeof(line), in)) {
			if (sscanf(line, " %*d: %63[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x", addr, &port,
				   &state) != 3 || state != tables[t].state)
				continue;
			/* 0100007F is 127.0.0.1; the IPv6 form of ::1 ends in 01000000. */
			if ((!tables[t].v6 && !strcmp(addr + 6, "7F")) ||
			    (tables[t].v6 && !strcmp(addr, "00000000000000000000000001000000")))
				continue;
			add_listener(f, port);
		}
		fclose(in);
	}
}

static void gather(struct device_facts *f, const struct iotguard_policy *policy)
{
	static const char *const tools[] = PASSWD_TOOLS;
	struct genl_client *client = NULL;
	struct guard_probe probe;

	memset(f, 0, sizeof(*f));
	f->policy = policy;
	if (!genl_client_open(&client) && !genl_client_get_status(client, &f->module))
		f->module_loaded = true;
	genl_client_close(client);
	guard_probe(&probe);
	f->login_guard = guard_state_text(&probe);
	gather_accounts(f);
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		f->passwd_tool |= access(tools[i], X_OK) == 0;
	f->secret_present = policy->provisioning.secret_file[0] &&
			    access(policy->provisioning.secret_file, R_OK) == 0;
	gather_listeners(f);
	f->force_unload = kconfig_running("CONFIG_MODULE_FORCE_UNLOAD", f->force_unload_source);
	publish_gather(policy, time(NULL), &f->published);
	egress_state_read(&f->outbound);
}

static int load_policy(const char *path, struct iotguard_policy *policy)
{
	struct iotguard_error error;

	if (policy_load(path, policy, &error)) {
		fprintf(stderr, "iotguardctl: %s\n", error.msg);
		return -1;
	}
	return 0;
}

static void print_rows(const struct device_facts *f, const struct report_row *rows)
{
	const struct product_policy *p = &f->policy->publish.product;

	printf("Compliance of %s%s%s (%s), software %s, batch %s\n",
	       p->manufacturer[0] ? p->manufacturer : "this device", p->model[0] ? " " : "",
	       p->model, p->product_type[0] ? p->product_type : "product type not set",
	       f->published.software_version[0] ? f->published.software_version : "unknown",
	       p->batch[0] ? p->batch : "not set");
	for (size_t i = 0; i < REPORT_ROWS; i++)
		printf("  %-4s  %-15s %s\n        %s\n", row_result_name(rows[i].result), rows[i].id,
		       rows[i].requirement, rows[i].evidence);
	printf("%s\n", report_compliant(rows) ? "All requirements pass." :
	       "Some requirements FAIL: see above.");
}

int cmd_report(int argc, char **argv)
{
	/* This command's own options; the getopt shape is shared on purpose (ctl.h). */
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = POLICY_DEFAULT_PATH;
	struct report_row rows[REPORT_ROWS];
	struct iotguard_policy policy;
	static struct device_facts facts;
	bool json = false;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'j') {
			json = true;
		} else if (opt == 'c') {
			path = optarg;
		} else {
			fprintf(stderr, "iotguardctl: usage: iotguardctl report [--json] [--config FILE]\n");
			return EXIT_USAGE;
		}
	}
	if (optind != argc || load_policy(path, &policy))
		return optind != argc ? EXIT_USAGE : EXIT_FAIL;
	gather(&facts, &policy);
	report_build(&facts, rows);
	if (json) {
		json_object *root = report_json(&facts, rows);

		puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
		json_object_put(root);
	} else {
		print_rows(&facts, rows);
	}
	free(facts.accounts);
	policy_release(&policy);
	return report_compliant(rows) ? EXIT_OK : EXIT_FAIL;
}

int cmd_support_end(int argc, char **argv)
{
	const char *path = argc == 3 && !strcmp(argv[1], "--config") ? argv[2] : POLICY_DEFAULT_PATH;
	struct iotguard_policy policy;
	char end[DATE_ISO_LEN];
	bool set;

	if (argc != 1 && argc != 3) {
		fprintf(stderr, "iotguardctl: usage: iotguardctl support-end [--config FILE]\n");
		return EXIT_USAGE;
	}
	if (load_policy(path, &policy))
		return EXIT_FAIL;
	set = policy.publish.support.set;
	if (set)
		date_format_iso(policy.publish.support.updates_until + 1, end);
	policy_release(&policy);
	if (!set) {
		fprintf(stderr, "iotguardctl: %s has no support.updates_until\n", path);
		return EXIT_FAIL;
	}
	printf("%s\n", end);
	return EXIT_OK;
}

/* A reason the policy cannot ship, as "file:line: why" (the parser's form). */
static void print_release_problem(void *arg, int line, const char *why)
{
	const char *path = arg;

	if (line)
		fprintf(stderr, "%s:%d: %s\n", path, line, why);
	else
		fprintf(stderr, "%s: %s\n", path, why);
}

int cmd_check_policy(int argc, char **argv)
{
	bool release = argc > 1 && !strcmp(argv[1], "--release");
	const char *path = argc > 1 + release ? argv[1 + release] : POLICY_DEFAULT_PATH;
	struct iotguard_policy policy;
	struct iotguard_error error;
	size_t problems = 0;

	if (argc > 2 + release)
		return EXIT_SHOW_USAGE;
	/* On a device that has published a support period: never shorter. */
	if (policy_load_checked(path, SUPPORT_STATE_FILE, &policy, &error)) {
		fprintf(stderr, "%s\n", error.msg);
		return EXIT_FAIL;
	}
	if (release)
		problems = policy_release_check(&policy, print_release_problem, (void *)path);
	if (problems)
		fprintf(stderr, "%s: valid, but not for release: %zu problem%s above (the shipped "
			"policy is an example: put your product's own in)\n", path, problems,
			problems == 1 ? "" : "s");
	else
		printf("%s: valid%s (version %d, mode %s)\n", path, release ? " for release" : "",
		       policy.version, mode_name(policy.mode));
	policy_release(&policy);
	return problems ? EXIT_FAIL : EXIT_OK;
}
