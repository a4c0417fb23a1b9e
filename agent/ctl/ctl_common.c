// SPDX-License-Identifier: GPL-2.0
/*
 * What iotguardctl's command groups share: how a failed genetlink request
 * reads and exits, and the login guard's state in words. Calls only the
 * library, never a command.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "ctl.h"
#include "genl_client.h"
#include "login_guard_loader.h"

int report_genl_error(int err, const char *what)
{
	if (err == -ENOENT) {
		fprintf(stderr,
			"iotguardctl: the iotguard kernel module is not loaded.\n"
			"  Load it with: modprobe iotguard  (or insmod iotguard.ko)\n");
		return EXIT_NO_MODULE;
	}
	if (genl_client_refused_by_lock(NULL, err, NULL)) {
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
	const char *degraded = guard_degraded_text(probe, false);

	if (degraded)
		return degraded;
	if (guard_pinned())
		return "attached";
	if (access("/sys/fs/bpf", R_OK | X_OK))
		return "unknown (run as root to see)";
	return "DEGRADED: not attached (is iotguardd running?)";
}
