// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl mode and lock: the commands that steer the kernel
 * module's enforcement and seal it until reboot.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include "bpf_extensions.h"
#include "bpf_pin.h"
#include "ctl.h"
#include "egress.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "genl_client.h"
#include "genl_events.h"
#include "login_guard_loader.h"
#include "login_guard_maps.h"
#include "names.h"

int cmd_mode(int argc, char **argv)
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
	/*
	 * Refused as root with --no-weaken: weaker than the mode now, whether
	 * the flag or the lock refused it, so no need to ask which.
	 */
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

/* Hand the links pinned in dir to the module as well: n_fds grows. */
static int add_link_fds(const char *dir, const char *what, int *fds, int *n_fds, size_t max)
{
	int n = bpf_pin_link_fds(dir, fds + *n_fds, max - (size_t)*n_fds);

	if (n < 0) {
		fprintf(stderr, "iotguardctl: opening the %s's links: %s\n", what, strerror(-n));
		return n;
	}
	*n_fds += n;
	return 0;
}

/*
 * The guard first (its settings frozen, its links handed to the module),
 * then the outbound policy (its floor frozen, its links handed over), then
 * the module. Without the guard (no BPF LSM) the module still locks, and
 * we say loudly what is not covered.
 */
int cmd_lock(int argc, char **argv)
{
	int fds[IOTGUARD_MAX_HELD_LINKS], n_fds = 0, ret;
	struct genl_client *client = NULL;
	bool guard = guard_pinned(), egress = egress_pinned(), said = false;
	struct iotguard_error err;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "iotguardctl: usage: iotguardctl lock\n");
		return EXIT_USAGE;
	}
	/*
	 * Before anything is sealed: an extension loaded now would run in our
	 * programs after the lock. Once the guard (or the policy) is locked,
	 * none loads; without either, one may load while this runs: checked
	 * again at the end.
	 */
	if ((guard || egress) && bpf_no_extensions(&err)) {
		fprintf(stderr, "iotguardctl: not locking: %s\n", err.msg);
		return EXIT_FAIL;
	}
	if (guard) {
		ret = guard_lock();
		if (ret) {
			fprintf(stderr, "iotguardctl: locking the login guard's maps: %s\n",
				strerror(-ret));
			return EXIT_FAIL;
		}
		if (add_link_fds(LOGIN_GUARD_PIN_DIR, "login guard", fds, &n_fds,
				 IOTGUARD_MAX_HELD_LINKS))
			return EXIT_FAIL;
	}
	if (egress) {
		ret = egress_lock_floor(&err);
		if (ret) {
			fprintf(stderr, "iotguardctl: locking the outbound policy: %s\n", err.msg);
			said = true;
			goto out;
		}
		ret = add_link_fds(EGRESS_PIN_DIR, "outbound policy", fds, &n_fds,
				   IOTGUARD_MAX_HELD_LINKS);
		said = ret != 0;
		if (ret)
			goto out;
		/*
		 * The judge of tunnels and forwarding is the policy's own
		 * program, whatever was handed to the module before: after
		 * the lock it cannot change.
		 */
		ret = egress_set_judge(&err);
		if (ret) {
			fprintf(stderr, "iotguardctl: handing the module the outbound policy's "
				"judge: %s\n", err.msg);
			said = true;
			goto out;
		}
	}
	ret = genl_client_open(&client);
	if (!ret)
		ret = genl_client_lock(client, fds, (size_t)n_fds);
	genl_client_close(client);
out:
	while (n_fds > 0)
		close(fds[--n_fds]);
	if (said)
		return EXIT_FAIL;
	if (ret)
		return report_genl_error(ret, "locking");
	if ((guard || egress) && bpf_no_extensions(&err)) {
		fprintf(stderr, "iotguardctl: LOCKED, BUT NOT WHOLE: %s\n", err.msg);
		return EXIT_FAIL;
	}
	printf("iotguard is locked until reboot: every weakening and the module's unload are refused\n");
	/*
	 * What the lock lacks, whatever the cause: `status` names the probe's
	 * (guard_degraded_text), and an unpinned guard on a capable kernel too.
	 */
	if (!guard)
		fprintf(stderr, "iotguardctl: DEGRADED: the BPF login guard is not attached; "
			"only the network gate is locked\n");
	if (egress && !guard)
		fprintf(stderr, "iotguardctl: DEGRADED: without the login guard's BPF hook, root "
			"can still detach the outbound policy's programs\n");
	return EXIT_OK;
}
