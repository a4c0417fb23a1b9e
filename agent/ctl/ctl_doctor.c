// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl doctor: which of iotguard's guarantees a kernel can deliver,
 * what is missing and the fix, from the running kernel or a .config; and
 * the requirement table as the README shows it (--table).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "ctl.h"
#include "kernel_req.h"

static void doctor_usage(FILE *out)
{
	fprintf(out,
		"Usage: iotguardctl doctor [--config FILE]\n"
		"       iotguardctl doctor --table\n"
		"\n"
		"Which of iotguard's guarantees a kernel can deliver: login guard, network\n"
		"gate, outbound policy, lock; each ok, degraded or missing, with what is\n"
		"missing and the fix. Without --config: the running kernel, from\n"
		"/proc/config.gz or /boot/config-$(uname -r) and its live facts (active\n"
		"LSMs, /sys/kernel/btf/vmlinux, bpffs and cgroup2, release and machine).\n"
		"With --config: the .config FILE of a kernel for an image (its header gives\n"
		"the architecture and release). --table prints the requirements as a\n"
		"Markdown table (the README's). kernel/iotguard.cfg is the fragment that\n"
		"meets them.\n"
		"\n"
		"Exit status: 0 every guarantee ok, 1 something degraded, missing or\n"
		"unknown, 2 usage error, or FILE unreadable or malformed (file:line named).\n");
}

/* What a row asks for, in Kconfig's words. */
static void describe(const struct kreq_row *row, char *buf, size_t size)
{
	const char *sep = row->only_if || row->only_arch ? " (" : "";

	switch (row->test) {
	case KREQ_ENABLED:
		snprintf(buf, size, "`%s=y`", row->option);
		break;
	case KREQ_DISABLED:
		snprintf(buf, size, "`# %s is not set`", row->option);
		break;
	case KREQ_LSM_HAS_BPF:
		snprintf(buf, size, "`bpf` in `%s` (or `lsm=`)", row->option);
		break;
	case KREQ_TRAMPOLINE:
		snprintf(buf, size, "%s", row->option);
		return;
	}
	if (row->only_arch || row->only_if)
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s%s%s%s", sep,
			 row->only_arch ? row->only_arch : "", row->only_arch && row->automatic ?
			 ", chosen by the architecture" : "",
			 row->only_if ? "if " : "", row->only_if ? row->only_if : "");
	if (*sep)
		snprintf(buf + strlen(buf), size - strlen(buf), ")");
}

/* The README's "Kernel requirements" table, from the table the checks use. */
static void print_table(void)
{
	char needs[256];

	printf("| Guarantee | Needs | Without it, `iotguardctl doctor` says |\n");
	printf("|---|---|---|\n");
	for (size_t i = 0; i < kreq_n_rows; i++) {
		const struct kreq_row *row = &kreq_rows[i];

		describe(row, needs, sizeof(needs));
		printf("| %s | %s | %s: %s |\n", kreq_guarantee_name(row->guarantee), needs,
		       row->if_failed == KREQ_OK ? "note" : kreq_verdict_name(row->if_failed),
		       row->lost);
	}
}

static void print_result(const struct kreq_result *result, const char *source)
{
	printf("kernel: %s %s (%s)\n", result->arch[0] ? result->arch : "?",
	       result->release[0] ? result->release : "?", source);
	for (int g = 0; g < KREQ_GUARANTEES; g++) {
		printf("%s: %s\n", kreq_guarantee_name((enum kreq_guarantee)g),
		       kreq_verdict_name(result->verdict[g]));
		for (size_t i = 0; i < result->n; i++) {
			const struct kreq_finding *f = &result->findings[i];

			if (f->row->guarantee != (enum kreq_guarantee)g ||
			    (!f->failed && f->verdict == KREQ_OK))
				continue;
			if (f->verdict == KREQ_UNKNOWN) {
				printf("  unknown: %s\n", f->found);
				continue;
			}
			printf("  %s: %s: %s\n", f->verdict == KREQ_OK ? "note" :
			       kreq_verdict_name(f->verdict), f->found, f->row->lost);
			if (f->verdict != KREQ_OK)
				printf("    fix: %s\n", f->fix);
		}
	}
	printf("measured on Debian's kernels: x86-64 from %s; arm64 from %s (BPF LSM programs "
	       "attach on arm64 from %s)\n", KREQ_X86_MEASURED, KREQ_ARM64_MEASURED,
	       KREQ_ARM64_TRAMPOLINE);
}

int cmd_doctor(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "table", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kreq_facts facts = { 0 };
	struct kconfig *config = NULL;
	struct iotguard_error err = { 0 };
	struct kreq_result result;
	const char *path = NULL;
	char source[IOTGUARD_ERROR_MAX + 64];
	bool table = false;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 't':
			table = true;
			break;
		case 'h':
			doctor_usage(stdout);
			return EXIT_OK;
		default:
			doctor_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc || (table && path)) {
		doctor_usage(stderr);
		return EXIT_USAGE;
	}
	if (table) {
		print_table();
		return EXIT_OK;
	}
	if (path) {
		/* A file named on the command line must be read, or nothing is judged. */
		if (kconfig_load(path, &config, &err)) {
			fprintf(stderr, "iotguardctl: doctor: %s\n", err.msg);
			return EXIT_USAGE;
		}
		snprintf(source, sizeof(source), "configuration %s", path);
	} else {
		/* The running kernel's live facts stand in for a missing configuration. */
		kreq_read_live(&facts);
		if (kconfig_load_running(&config, &err) == 0)
			snprintf(source, sizeof(source), "running; configuration %s",
				 kconfig_name(config));
		else
			snprintf(source, sizeof(source), "running; configuration not readable: %s",
				 err.msg);
	}
	facts.config = config;
	ret = kreq_evaluate(&facts, &result);
	if (ret) {
		kconfig_free(config);
		fprintf(stderr, "iotguardctl: doctor: out of memory\n");
		return EXIT_USAGE;
	}
	print_result(&result, source);
	ret = kreq_worst(&result) == KREQ_OK ? EXIT_OK : EXIT_FAIL;
	kreq_result_free(&result);
	kconfig_free(config);
	return ret;
}
