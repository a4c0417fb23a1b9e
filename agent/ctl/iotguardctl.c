// SPDX-License-Identifier: GPL-2.0
/* iotguardctl: look at and steer iotguard on a device. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "ctl.h"
#include "genl_client.h"
#include "login_guard_loader.h"
#include "login_guard_maps.h"
#include "kconfig.h"
#include "names.h"
#include "policy.h"
#include "support.h"


static const char *const counter_names[] = {
	[IOTGUARD_CTR_MODE_CHANGES] = "mode_changes",
	[IOTGUARD_CTR_REFUSED_REQUESTS] = "refused_requests",
	[IOTGUARD_CTR_CRED_STATE_CHANGES] = "cred_state_changes",
	[IOTGUARD_CTR_LOCKOUT_REFUSED] = "lockout_refused",
	[IOTGUARD_CTR_THROTTLE_REFUSED] = "throttle_refused",
	[IOTGUARD_CTR_THROTTLE_TABLE_FULL] = "throttle_table_full",
	[IOTGUARD_CTR_THROTTLE_EVICTIONS] = "throttle_evictions",
	[IOTGUARD_CTR_EVENTS_SENT] = "events_sent",
	[IOTGUARD_CTR_EVENTS_DROPPED] = "events_dropped",
	[IOTGUARD_CTR_THROTTLE_PRESSURE] = "throttle_pressure",
};
_Static_assert(sizeof(counter_names) / sizeof(counter_names[0]) == __IOTGUARD_CTR_MAX,
	       "a name for every counter");

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: iotguardctl COMMAND [ARGS]\n"
		"\n"
		"Commands:\n"
		"  status [--json]          the device's iotguard state (anyone may run it)\n"
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
		"                           PSTI Sch. 1 and ETSI EN 303 645 with its evidence, and\n"
		"                           the statement-of-compliance fields; exit 1 if a row\n"
		"                           fails (run as root: it audits the accounts)\n"
		"  support-end [--config FILE]\n"
		"                           print os-release SUPPORT_END= for the policy's support\n"
		"                           period (the first day without security updates)\n"
		"  check-policy [FILE]      validate a policy file (default " POLICY_DEFAULT_PATH ")\n"
		"                           and print file:line for the first error\n"
		"  help                     show this help\n"
		"\n"
		"Exit status: 0 success, 1 failure, 2 usage error,\n"
		"3 the iotguard kernel module is not loaded, 4 permission denied,\n"
		"5 audit found an empty or known-default password.\n");
}

static bool module_locked(void)
{
	struct genl_client *client = NULL;
	struct module_status st;
	int ret = genl_client_open(&client);

	if (!ret)
		ret = genl_client_get_status(client, &st);
	genl_client_close(client);
	return !ret && st.locked;
}

int report_genl_error(int err, const char *what)
{
	if (err == -ENOENT) {
		fprintf(stderr,
			"iotguardctl: the iotguard kernel module is not loaded.\n"
			"  Load it with: modprobe iotguard  (or insmod iotguard.ko)\n");
		return EXIT_NO_MODULE;
	}
	if ((err == -EPERM || err == -EACCES) && geteuid() == 0 && module_locked()) {
		fprintf(stderr, "iotguardctl: %s: refused: iotguard is locked until reboot "
			"(no weakening)\n", what);
		return EXIT_DENIED;
	}
	if (err == -EPERM || err == -EACCES) {
		fprintf(stderr, "iotguardctl: %s: permission denied (needs CAP_NET_ADMIN: run as root)\n",
			what);
		return EXIT_DENIED;
	}
	fprintf(stderr, "iotguardctl: %s: %s\n", what, strerror(-err));
	return EXIT_FAIL;
}

const char *guard_state_text(const struct guard_probe *probe)
{
	if (!probe->lsm_listed)
		return "DEGRADED: BPF LSM is not active in this kernel";
	if (!probe->bpffs)
		return "DEGRADED: no BPF filesystem on /sys/fs/bpf";
	if (guard_pinned())
		return "attached";
	if (access("/sys/fs/bpf", R_OK | X_OK))
		return "unknown (run as root to see)";
	return "DEGRADED: not attached (is iotguardd running?)";
}

static void print_guard_counts(void)
{
	__u64 stats[__LOGIN_GUARD_STAT_MAX];

	if (guard_read_stats(stats))
		return;
	printf("  logins refused:     %llu (setuid family), %llu (exec as a flagged account)\n",
	       (unsigned long long)stats[LOGIN_GUARD_STAT_SETUID_DENIED],
	       (unsigned long long)stats[LOGIN_GUARD_STAT_EXEC_DENIED]);
	printf("  relays refused:     %llu (a login session connecting or listening)\n",
	       (unsigned long long)stats[LOGIN_GUARD_STAT_RELAY_DENIED]);
}

/* The guard's lock: its frozen settings and the links the module holds. */
static void print_guard_lock(const struct module_status *st)
{
	struct login_guard_lock lock = {};

	if (guard_lock_state(&lock) || !lock.locked)
		return;
	printf("  login guard lock:   frozen until reboot (%s), %u link(s) held by the module\n",
	       lock.audit_only ? "audit" : "enforce", st->held_links);
}

static void print_text(const struct module_status *st,
		       const struct guard_probe *probe, enum kconfig_answer force_unload,
		       const char *source)
{
	printf("iotguard %s\n", st->version);
	printf("  mode:               %s\n", mode_name(st->mode));
	printf("  credentials:        %s%s\n", cred_state_name(st->cred_state),
	       st->cred_state == IOTGUARD_CRED_UNKNOWN ? " (no audit yet: treated as default)" :
	       st->cred_state == IOTGUARD_CRED_DEFAULT ?
	       " (an account has an empty or known-default password: iotguardctl audit)" : "");
	printf("  policy generation:  %llu\n",
	       (unsigned long long)st->policy_generation);
	printf("  login guard (BPF):  %s\n", guard_state_text(probe));
	print_guard_lock(st);
	/* A module cannot refuse `rmmod -f`: only a kernel without it keeps lock whole. */
	printf("  force unload:       %s (%s)\n",
	       force_unload == KCONFIG_SET ? "RISK: CONFIG_MODULE_FORCE_UNLOAD=y, `rmmod -f` "
	       "unloads iotguard even after lock; build the kernel without it" :
	       force_unload == KCONFIG_NOT_SET ? "not built in (lock holds the module)" :
	       "RISK: unknown, no kernel configuration readable", source);
	ctl_gate_print_text(st);
	ctl_publish_print_text();
	print_guard_counts();
	for (int i = IOTGUARD_CTR_PAD + 1; i <= IOTGUARD_CTR_MAX; i++)
		printf("  %-19s %llu\n", counter_names[i],
		       (unsigned long long)st->counters[i]);
}

static void print_json(const struct module_status *st,
		       const struct guard_probe *probe, enum kconfig_answer force_unload)
{
	json_object *root = json_object_new_object();
	json_object *counters = json_object_new_object();
	json_object *guard = json_object_new_object();

	json_object_object_add(root, "version", json_object_new_string(st->version));
	json_object_object_add(root, "mode", json_object_new_string(mode_name(st->mode)));
	json_object_object_add(root, "cred_state",
			       json_object_new_string(cred_state_name(st->cred_state)));
	json_object_object_add(root, "policy_generation",
			       json_object_new_uint64(st->policy_generation));
	for (int i = IOTGUARD_CTR_PAD + 1; i <= IOTGUARD_CTR_MAX; i++)
		json_object_object_add(counters, counter_names[i],
				       json_object_new_uint64(st->counters[i]));
	json_object_object_add(root, "counters", counters);
	ctl_gate_add_json(root, st);
	json_object_object_add(guard, "bpf_lsm_active", json_object_new_boolean(probe->lsm_listed));
	json_object_object_add(guard, "attached", json_object_new_boolean(guard_pinned()));
	json_object_object_add(guard, "state", json_object_new_string(guard_state_text(probe)));
	json_object_object_add(root, "login_guard", guard);
	/* true, false, or null when no kernel configuration is readable. */
	json_object_object_add(root, "kernel_force_unload", force_unload == KCONFIG_UNKNOWN ? NULL :
			       json_object_new_boolean(force_unload == KCONFIG_SET));
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
	json_object_put(root);
}

static int cmd_status(int argc, char **argv)
{
	struct genl_client *client = NULL;
	struct module_status st;
	struct guard_probe probe;
	char source[KCONFIG_SOURCE_MAX];
	enum kconfig_answer force_unload;
	bool json = false;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json")) {
			usage(stderr);
			return EXIT_USAGE;
		}
		json = true;
	}
	ret = genl_client_open(&client);
	if (!ret)
		ret = genl_client_get_status(client, &st);
	genl_client_close(client);
	if (ret)
		return report_genl_error(ret, "reading the status");
	guard_probe(&probe);
	force_unload = kconfig_running("CONFIG_MODULE_FORCE_UNLOAD", source);
	if (json)
		print_json(&st, &probe, force_unload);
	else
		print_text(&st, &probe, force_unload, source);
	return EXIT_OK;
}

static int cmd_mode(int argc, char **argv)
{
	struct genl_client *client = NULL;
	uint32_t mode, flags = 0;
	int ret;

	if (argc == 3 && !strcmp(argv[2], "--no-weaken"))
		flags |= IOTGUARD_SET_F_NO_WEAKEN;
	else if (argc != 2)
		goto bad;
	if (mode_from_name(argv[1], &mode))
		goto bad;
	ret = genl_client_open(&client);
	if (!ret)
		ret = genl_client_set_mode(client, mode, flags);
	genl_client_close(client);
	if (ret == -EPERM && (flags & IOTGUARD_SET_F_NO_WEAKEN) && geteuid() == 0) {
		fprintf(stderr, "iotguardctl: refused: %s is weaker than the current mode\n",
			argv[1]);
		return EXIT_DENIED;
	}
	return ret ? report_genl_error(ret, "setting the mode") : EXIT_OK;
bad:
	fprintf(stderr, "iotguardctl: usage: iotguardctl mode off|audit|enforce [--no-weaken]\n");
	return EXIT_USAGE;
}

static int cmd_check_policy(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : POLICY_DEFAULT_PATH;
	struct iotguard_policy policy;
	struct iotguard_error error;

	if (argc > 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* On a device that has published a support period: never shorter. */
	if (policy_load_checked(path, SUPPORT_STATE_FILE, &policy, &error)) {
		fprintf(stderr, "%s\n", error.msg);
		return EXIT_FAIL;
	}
	printf("%s: valid (version %d, mode %s)\n", path, policy.version,
	       mode_name(policy.mode));
	return EXIT_OK;
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
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "iotguardctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
