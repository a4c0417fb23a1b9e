// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl: look at and steer iotguard on a device. This file is the
 * dispatch and the usage only; each command group has its own file.
 */
#include <stdio.h>
#include <string.h>
#include "ctl.h"
#include "policy.h"
#include "version.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: iotguardctl COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  status [--json]          the device's iotguard state (anyone may run it;\n"
		"                           the outbound policy's needs root)\n"
		"  mode off|audit|enforce [--no-weaken]\n"
		"                           set the kernel's mode (root); --no-weaken refuses\n"
		"                           a change to a weaker mode\n"
		"  audit [--root DIR] [--lists DIR] [--json]\n"
		"                           classify every account's password (root); with\n"
		"                           --root, audit an unpacked image at build time\n"
		"  provision [--config FILE] [--root DIR] [--force]\n"
		"                           give flagged accounts their own password (root)\n"
		"  derive-password --secret FILE --device-id ID --account NAME\n"
		"                           the factory side of derived passwords (labels)\n"
		"  lock                     until reboot, refuse every weakening (lower mode,\n"
		"                           fewer login ports, wider exemptions, higher limits,\n"
		"                           opening remote login) and the module's unload; freeze\n"
		"                           the login guard's settings and have the module hold\n"
		"                           its links (root)\n"
		"  events [--follow] [--count N] [--timeout SECONDS] [--json]\n"
		"                           show the network gate's refusals live (root)\n"
		"  report [--json] [--config FILE]\n"
		"                           the device's compliance, one row per requirement of\n"
		"                           PSTI Sch. 1 and ETSI EN 303 645 with its evidence, the\n"
		"                           outbound policy the kernel holds, and the\n"
		"                           statement-of-compliance fields; exit 1 if a row\n"
		"                           fails (run as root: it audits the accounts)\n"
		"  support-end [--config FILE]\n"
		"                           print os-release SUPPORT_END= for the policy's support\n"
		"                           period (the first day without security updates)\n"
		"  check-policy [--release] [FILE]\n"
		"                           validate a policy file (default\n"
		"                           " POLICY_DEFAULT_PATH ") and print file:line for\n"
		"                           the first error; --release\n"
		"                           also fails (file:line for each) on names reserved\n"
		"                           for examples (RFC 2606: example.com, .test, ...) in\n"
		"                           disclosure URIs and outbound rules, and on a missing\n"
		"                           product, disclosure contact or support period: run\n"
		"                           it in your image build\n"
		"  mud import FILE [-o OUT] an RFC 8520 MUD file's from-device ACLs as the\n"
		"                           policy's egress section (mode enforce, default deny)\n"
		"                           on stdout, or written whole to OUT; what the device\n"
		"                           cannot enforce (to-device ACLs, controller and\n"
		"                           manufacturer abstractions, source or flag matches)\n"
		"                           is listed in comments and on stderr; exit 3 if any,\n"
		"                           2 if FILE is no valid MUD file (its JSON path named)\n"
		"  run --service NAME [--config FILE] -- CMD [ARGS...]\n"
		"                           run CMD in the cgroup of the policy's egress service\n"
		"                           NAME (mounting cgroup2 and creating the cgroup if\n"
		"                           needed), so that NAME's outbound rules apply to it;\n"
		"                           CMD replaces iotguardctl and keeps its pid, for init\n"
		"                           scripts (root)\n"
		"  egress explain ADDR PORT [--proto tcp|udp|icmp] [--service NAME]\n"
		"                 [--config FILE]\n"
		"                           which outbound-policy rule decides a connection to\n"
		"                           ADDR PORT (tcp unless --proto; icmp needs no PORT)\n"
		"                           from a process of service NAME, and why; the\n"
		"                           policy's DNS names are resolved now. Exit 0\n"
		"                           allowed, 1 denied (in audit mode too), 2 error\n"
		"  doctor [--config FILE]   which guarantees this kernel can deliver (login guard,\n"
		"                           network gate, outbound policy, lock): ok, degraded\n"
		"                           or missing, what is missing and the fix; the running\n"
		"                           kernel (its /proc/config.gz or /boot/config-RELEASE,\n"
		"                           active LSMs, BTF, cgroup2, release), or the .config\n"
		"                           FILE of a kernel for an image. Exit 0 all ok, 1\n"
		"                           something degraded, missing or unknown, 2 usage or\n"
		"                           FILE unreadable or malformed (its file:line named);\n"
		"                           --table prints the requirements as the README's table\n"
		"  help, --help             show this help\n"
		"  --version                print the version\n"
		"\n"
		"Exit status: 0 success, 1 failure, 2 usage error,\n"
		"3 the iotguard kernel module is not loaded (mud import: part of the MUD\n"
		"file is not enforced), 4 permission denied,\n"
		"5 audit found an empty or known-default password; run: CMD's own status,\n"
		"or 127 if CMD is not found, 126 if it cannot be executed; egress explain:\n"
		"0 allowed, 1 denied, 2 usage or error; doctor: 0 all ok, 1 not all ok,\n"
		"2 usage or unreadable FILE.\n");
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = {
		{ "status", cmd_status },
		{ "mode", cmd_mode },
		{ "check-policy", cmd_check_policy },
		{ "audit", cmd_audit },
		{ "provision", cmd_provision },
		{ "derive-password", cmd_derive_password },
		{ "lock", cmd_lock },
		{ "events", cmd_events },
		{ "report", cmd_report },
		{ "support-end", cmd_support_end },
		{ "mud", cmd_mud },
		{ "run", cmd_run },
		{ "egress", cmd_egress },
		{ "doctor", cmd_doctor },
	};

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("iotguardctl %s\n", IOTGUARD_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		int ret;

		if (strcmp(argv[1], commands[i].name))
			continue;
		ret = commands[i].run(argc - 1, argv + 1);
		if (ret != EXIT_SHOW_USAGE)
			return ret;
		usage(stderr);
		return EXIT_USAGE;
	}
	fprintf(stderr, "iotguardctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
