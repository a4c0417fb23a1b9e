// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl run: start a command in a service's cgroup, so that the
 * outbound policy's rules for that service apply to it, whatever the init
 * system (an init script prefixes its daemon's command line with it).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cgroup.h"
#include "ctl.h"
#include "policy.h"

#define RUN_USAGE "iotguardctl run --service NAME [--config FILE] -- CMD [ARGS...]"

static const struct egress_service *find_service(const struct iotguard_policy *policy,
						 const char *name)
{
	for (size_t i = 0; i < policy->egress.service_count; i++) {
		if (!strcmp(policy->egress.services[i].name, name))
			return &policy->egress.services[i];
	}
	return NULL;
}

static void no_such_service(const struct iotguard_policy *policy, const char *path,
			    const char *name)
{
	if (!policy->has_egress) {
		fprintf(stderr, "iotguardctl: run: %s has no egress section, so no services: "
			"add one naming service %s\n", path, name);
		return;
	}
	if (!policy->egress.service_count) {
		fprintf(stderr, "iotguardctl: run: %s's egress section has no services: add "
			"service %s to egress.services\n", path, name);
		return;
	}
	fprintf(stderr, "iotguardctl: run: no service %s in %s; its services are:", name, path);
	for (size_t i = 0; i < policy->egress.service_count; i++)
		fprintf(stderr, "%s %s", i ? "," : "", policy->egress.services[i].name);
	fputc('\n', stderr);
}

/* cgroup2 mounted, the service's cgroup made, this process in it. */
static int enter_service(const struct egress_service *service)
{
	struct iotguard_error error;
	char root[PATH_MAX];
	int ret;

	ret = cgroup_v2_ensure(root, sizeof(root), &error);
	if (ret >= 0)
		ret = cgroup_create(root, service->cgroup, &error);
	if (!ret)
		ret = cgroup_move(root, service->cgroup, getpid(), &error);
	if (!ret)
		return EXIT_OK;
	fprintf(stderr, "iotguardctl: run: service %s: %s\n", service->name, error.msg);
	return ret == -EPERM || ret == -EACCES ? EXIT_DENIED : EXIT_FAIL;
}

/*
 * No fork: the command replaces iotguardctl and keeps its pid, which is
 * what start-stop-daemon's pidfile and an init script's $! point at.
 */
int cmd_run(int argc, char **argv)
{
	static const struct option options[] = {
		{ "service", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = POLICY_DEFAULT_PATH, *name = NULL;
	const struct egress_service *service;
	struct iotguard_policy policy;
	struct iotguard_error error;
	int opt, ret;

	/*
	 * The options loop of every command (ctl.h says why it is not shared).
	 * "+": the options end at the command; its own options are not ours.
	 */
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+", options, NULL)) != -1) {
		if (opt == 's') {
			name = optarg;
		} else if (opt == 'c') {
			path = optarg;
		} else {
			fprintf(stderr, "iotguardctl: usage: " RUN_USAGE "\n");
			return EXIT_USAGE;
		}
	}
	if (!name || optind >= argc) {
		fprintf(stderr, "iotguardctl: usage: " RUN_USAGE "\n");
		return EXIT_USAGE;
	}
	if (policy_load(path, &policy, &error)) {
		fprintf(stderr, "iotguardctl: run: %s\n", error.msg);
		return EXIT_FAIL;
	}
	service = find_service(&policy, name);
	if (!service) {
		no_such_service(&policy, path, name);
		policy_release(&policy);
		return EXIT_FAIL;
	}
	ret = enter_service(service);
	policy_release(&policy);
	if (ret != EXIT_OK)
		return ret;
	execvp(argv[optind], argv + optind);
	ret = errno;
	fprintf(stderr, "iotguardctl: run: %s: %s\n", argv[optind], strerror(ret));
	/* As a shell: 127 not found, 126 found but not executable. */
	return ret == ENOENT ? 127 : 126;
}
