// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl mode, lock and events: the commands that steer the kernel
 * module's enforcement or follow its network gate.
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

struct follow {
	bool json;
	long remaining;		/* events still wanted; < 0: no limit */
};

static void print_event(const struct gate_event *event, void *arg)
{
	struct follow *follow = arg;
	char line[256], addr[64] = "?";

	if (follow->remaining == 0)
		return;
	if (follow->json) {
		json_object *obj = json_object_new_object();

		inet_ntop(event->family, event->saddr, addr, sizeof(addr));
		json_object_object_add(obj, "kind",
				       json_object_new_string(gate_event_kind_name(event->kind)));
		json_object_object_add(obj, "refused",
				       json_object_new_boolean(event->mode == IOTGUARD_MODE_ENFORCE));
		json_object_object_add(obj, "source", json_object_new_string(addr));
		json_object_object_add(obj, "port", json_object_new_int(event->dport));
		json_object_object_add(obj, "ifindex", json_object_new_int64(event->ifindex));
		puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
		json_object_put(obj);
	} else {
		gate_event_format(event, line, sizeof(line));
		printf("%ld %s\n", (long)time(NULL), line);
	}
	fflush(stdout);
	if (follow->remaining > 0)
		follow->remaining--;
}

int cmd_events(int argc, char **argv)
{
	/* This command's own options; the getopt shape is shared on purpose (ctl.h). */
	static const struct option options[] = {
		{ "follow", no_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct follow follow = { .remaining = -1 };
	struct genl_events *events = NULL;
	long timeout_s = -1;
	time_t deadline = 0;
	char *end;
	int opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "fn:t:j", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			break;
		case 'n':
			follow.remaining = strtol(optarg, &end, 10);
			if (*end || follow.remaining < 1)
				goto usage;
			break;
		case 't':
			timeout_s = strtol(optarg, &end, 10);
			if (*end || timeout_s < 1)
				goto usage;
			break;
		case 'j':
			follow.json = true;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	ret = genl_events_open(&events, print_event, &follow);
	if (ret)
		return report_genl_error(ret, "listening for events");
	if (timeout_s > 0)
		deadline = time(NULL) + timeout_s;
	while (follow.remaining != 0) {
		struct pollfd pfd = { .fd = genl_events_fd(events), .events = POLLIN };
		int wait_ms = -1;

		if (deadline) {
			time_t left = deadline - time(NULL);

			if (left <= 0)
				break;
			wait_ms = (int)left * 1000;
		}
		ret = poll(&pfd, 1, wait_ms);
		if (ret < 0 && errno != EINTR)
			break;
		if (ret > 0)
			genl_events_read(events);
	}
	genl_events_close(events);
	return EXIT_OK;
usage:
	fprintf(stderr, "iotguardctl: usage: iotguardctl events [--follow] [--count N] "
		"[--timeout SECONDS] [--json]\n");
	return EXIT_USAGE;
}
