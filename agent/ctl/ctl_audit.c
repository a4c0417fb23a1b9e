// SPDX-License-Identifier: GPL-2.0
/* iotguardctl audit: the credential audit, on the device or on an image. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "accounts.h"
#include "audit.h"
#include "ctl.h"
#include "denylist.h"
#include "policy.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: iotguardctl audit [--root DIR] [--lists DIR] [--json]\n"
		"Classify every account of the credential store: empty password, known\n"
		"default, weak hash scheme, locked, or provisioned, from the field the login\n"
		"programs check (passwd's unless it is x or *, then shadow's first line).\n"
		"An entry they might read differently (a duplicate name, a shadow line\n"
		"without a passwd line, NIS +/- lines, a malformed line) cannot be judged\n"
		"and is flagged, with its file:line.\n"
		"  --root DIR   audit an unpacked root filesystem (image build time)\n"
		"  --lists DIR  deny-lists to use (default: <root>" DENYLIST_DEFAULT_DIR ")\n"
		"  --json       machine-readable output\n"
		"With --root, an image that contains the policy's device secret\n"
		"(provisioning.secret_file) also fails.\n"
		"Exit status: 0 no account has an empty or known-default password;\n"
		"5 one does (fail your image build on it); 1 the store or lists are unreadable.\n");
}

static void print_table(const struct account_list *list,
			const struct audit_verdict *verdicts)
{
	printf("%-16s %6s  %-16s %s\n", "ACCOUNT", "UID", "SCHEME", "VERDICT");
	for (size_t i = 0; i < list->count; i++) {
		char uid[16] = "?";

		if (list->items[i].uid != ACCOUNT_NO_UID)
			snprintf(uid, sizeof(uid), "%u", (unsigned int)list->items[i].uid);
		printf("%-16s %6s  %-16s %s%s\n", list->items[i].name, uid, verdicts[i].scheme,
		       account_class_name(verdicts[i].class),
		       audit_flagged(verdicts[i].class) ? "  <-- FLAGGED" : "");
		if (list->items[i].problem)
			printf("    %s\n", list->items[i].problem);
	}
}

static void print_json(const struct account_list *list,
		       const struct audit_verdict *verdicts, size_t flagged)
{
	json_object *root = json_object_new_object();
	json_object *accounts = json_object_new_array();

	for (size_t i = 0; i < list->count; i++) {
		json_object *a = json_object_new_object();

		json_object_object_add(a, "account", json_object_new_string(list->items[i].name));
		json_object_object_add(a, "uid", list->items[i].uid == ACCOUNT_NO_UID ? NULL :
				       json_object_new_int64(list->items[i].uid));
		json_object_object_add(a, "scheme", json_object_new_string(verdicts[i].scheme));
		json_object_object_add(a, "verdict",
				       json_object_new_string(account_class_name(verdicts[i].class)));
		json_object_object_add(a, "flagged",
				       json_object_new_boolean(audit_flagged(verdicts[i].class)));
		/* Which file's field the login programs check, and why it cannot be judged. */
		json_object_object_add(a, "password_from", list->items[i].hash_from ?
				       json_object_new_string(list->items[i].hash_from) : NULL);
		if (list->items[i].problem)
			json_object_object_add(a, "reason",
					       json_object_new_string(list->items[i].problem));
		json_object_array_add(accounts, a);
	}
	json_object_object_add(root, "accounts", accounts);
	json_object_object_add(root, "flagged", json_object_new_int64((int64_t)flagged));
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
	json_object_put(root);
}

/*
 * At image build time: a device secret inside the image is the same on
 * every unit, and makes every derived password computable from the serial
 * number. Returns true if the image holds the policy's secret file.
 */
static bool image_holds_secret(const char *root)
{
	char conf[512], secret[512], secret_file[POLICY_PATH_MAX];
	struct iotguard_policy policy;

	if (root_path(conf, sizeof(conf), root, &POLICY_DEFAULT_PATH[1]) ||
	    access(conf, F_OK) || policy_load(conf, &policy, NULL))
		return false;
	strcpy(secret_file, policy.provisioning.secret_file);
	policy_release(&policy);
	if (!secret_file[0] || root_path(secret, sizeof(secret), root, secret_file + 1) ||
	    access(secret, F_OK))
		return false;
	fprintf(stderr, "iotguardctl: the image contains the device secret %s: a secret shipped "
		"in the image is the same on every unit and makes every derived password "
		"computable. Inject it at manufacturing, outside the image.\n", secret_file);
	return true;
}

int cmd_audit(int argc, char **argv)
{
	/* This command's own options; the getopt shape is shared on purpose (ctl.h). */
	static const struct option options[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "lists", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = "/", *lists = NULL;
	char default_lists[512];
	struct audit_snapshot snap;
	struct iotguard_error err;
	bool json = false;
	size_t flagged;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'r': root = optarg; break;
		case 'l': lists = optarg; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!lists) {
		if (root_path(default_lists, sizeof(default_lists), root,
			      &DENYLIST_DEFAULT_DIR[1])) {
			fprintf(stderr, "iotguardctl: %s: path too long\n", root);
			return EXIT_FAIL;
		}
		lists = default_lists;
	}
	if (audit_snapshot(root, lists, &snap, &err)) {
		fprintf(stderr, "iotguardctl: %s\n", err.msg);
		return EXIT_FAIL;
	}
	flagged = snap.flagged;
	if (json)
		print_json(&snap.accounts, snap.verdicts, flagged);
	else
		print_table(&snap.accounts, snap.verdicts);
	if (!json && flagged)
		fprintf(stderr, "iotguardctl: %zu account(s) with an empty or known-default password, or that "
			"cannot be judged: "
			"the device must not ship like this (iotguardctl provision)\n", flagged);
	audit_snapshot_free(&snap);
	if (strcmp(root, "/") && image_holds_secret(root))
		flagged++;
	return flagged ? EXIT_FLAGGED : EXIT_OK;
}
