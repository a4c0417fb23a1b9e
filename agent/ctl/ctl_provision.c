// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl provision and derive-password: giving accounts their own
 * passwords, on the device and in the factory.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "ctl.h"
#include "password.h"
#include "policy.h"
#include "provision.h"

static void provision_usage(FILE *out)
{
	fprintf(out,
		"Usage: iotguardctl provision [--config FILE] [--root DIR] [--force]\n"
		"Give every account with an empty, known-default or weakly hashed password\n"
		"(or the policy's 'provisioning.accounts') its own password, as the policy's\n"
		"provisioning method says, in one atomic rewrite of the shadow file.\n"
		"  --config FILE  policy (default " POLICY_DEFAULT_PATH ")\n"
		"  --root DIR     provision an unpacked root filesystem instead of /\n"
		"  --force        also accounts that already have a unique password\n");
}

int cmd_provision(int argc, char **argv)
{
	/* This command's own options; the getopt shape is shared on purpose (ctl.h). */
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "root", required_argument, NULL, 'r' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = POLICY_DEFAULT_PATH, *root = "/";
	struct iotguard_policy policy;
	struct iotguard_error err;
	struct provision_result result;
	bool force = false;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'c': config = optarg; break;
		case 'r': root = optarg; break;
		case 'f': force = true; break;
		case 'h': provision_usage(stdout); return EXIT_OK;
		default: provision_usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		provision_usage(stderr);
		return EXIT_USAGE;
	}
	if (policy_load(config, &policy, &err)) {
		fprintf(stderr, "iotguardctl: %s\n", err.msg);
		return EXIT_FAIL;
	}
	if (provision(root, &policy, force, &result, &err)) {
		fprintf(stderr, "iotguardctl: provisioning refused, nothing was changed: %s\n",
			err.msg);
		policy_release(&policy);
		return EXIT_FAIL;
	}
	if (result.waiting)
		printf("%zu account(s) wait for the owner to set a password on the local console "
		       "(passwd); remote login stays locked until then\n", result.waiting);
	if (result.changed)
		printf("provisioned %zu account(s)%s%s\n", result.changed,
		       policy.provisioning.deliver_file[0] ? "; passwords in " : "",
		       policy.provisioning.deliver_file);
	else if (!result.waiting)
		printf("nothing to provision: every account has a unique password or is locked\n");
	policy_release(&policy);
	/* The passwords are in place; what failed is the record that keeps first boot from redoing it. */
	if (result.unrecorded) {
		fprintf(stderr, "iotguardctl: provisioned, but not recorded: %s; iotguardd may "
			"provision flagged accounts again at its next start\n",
			result.record_error.msg);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static void derive_usage(FILE *out)
{
	fprintf(out,
		"Usage: iotguardctl derive-password --secret FILE --device-id ID --account NAME\n"
		"The factory side of method \"derived\": print the password a device with this\n"
		"secret and identifier gives the account, for its label. Same inputs, same\n"
		"password, on the device and in the factory.\n");
}

int cmd_derive_password(int argc, char **argv)
{
	/* This command's own options; the getopt shape is shared on purpose (ctl.h). */
	static const struct option options[] = {
		{ "secret", required_argument, NULL, 's' },
		{ "device-id", required_argument, NULL, 'd' },
		{ "account", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *secret = NULL, *device_id = NULL, *account = NULL;
	char password[PASSWORD_LEN];
	struct iotguard_error err;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 's': secret = optarg; break;
		case 'd': device_id = optarg; break;
		case 'a': account = optarg; break;
		case 'h': derive_usage(stdout); return EXIT_OK;
		default: derive_usage(stderr); return EXIT_USAGE;
		}
	}
	if (!secret || !device_id || !account || optind != argc) {
		derive_usage(stderr);
		return EXIT_USAGE;
	}
	if (password_derived(secret, account, device_id, password, &err)) {
		fprintf(stderr, "iotguardctl: %s\n", err.msg);
		return EXIT_FAIL;
	}
	puts(password);
	return EXIT_OK;
}
