// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl's view of the kernel's network gate: its part of `status`,
 * `lock` and `events`.
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
#include "ctl.h"
#include "genl_client.h"
#include "genl_events.h"
#include "login_guard_loader.h"
#include "login_guard_maps.h"

void ctl_gate_print_text(const struct module_status *st)
{
	const struct gate_settings *gate = &st->gate;
	char ports[GATE_PORTS_TEXT_MAX], net4[GATE_SUBNET_TEXT_MAX], net6[GATE_SUBNET_TEXT_MAX];
	char iface[GATE_IFNAME_MAX + 64] = "";

	gate_settings_format_ports(gate, ports, sizeof(ports));
	gate_subnet_format(&gate->net4, AF_INET, net4, sizeof(net4));
	gate_subnet_format(&gate->net6, AF_INET6, net6, sizeof(net6));
	/* The device the name resolved to when set: renames do not move it. */
	if (gate->prov_ifname[0] && gate->prov_ifindex)
		snprintf(iface, sizeof(iface), ", interface %s (ifindex %u)", gate->prov_ifname,
			 gate->prov_ifindex);
	else if (gate->prov_ifname[0])
		snprintf(iface, sizeof(iface), ", interface %s (NOT FOUND: exempts nothing)",
			 gate->prov_ifname);
	printf("  remote login:       %s\n",
	       st->mode == IOTGUARD_MODE_OFF ? "open (mode off)" :
	       st->cred_state == IOTGUARD_CRED_PROVISIONED ? "open, throttled" :
	       st->mode == IOTGUARD_MODE_AUDIT ? "would be locked (audit mode)" :
	       "LOCKED until every account has its own password");
	printf("  login ports:        tcp %s\n", ports);
	printf("  lockout exemptions: loopback%s%s%s%s%s\n", iface,
	       gate->net4.set ? ", " : "", gate->net4.set ? net4 : "",
	       gate->net6.set ? ", " : "", gate->net6.set ? net6 : "");
	printf("  throttle:           %u new connections at once per source, then one every %.1f s"
	       " (%u of %u sources tracked)\n", gate->throttle_burst,
	       gate->throttle_interval_ms / 1000.0, st->throttle_entries, st->throttle_table_size);
	printf("  throttle table:     %s (%llu newcomers refused for a full table, in %llu "
	       "episodes)\n", st->throttle_pressure ?
	       "UNDER PRESSURE: newcomers outside the provisioning paths are refused" : "ok",
	       (unsigned long long)st->counters[IOTGUARD_CTR_THROTTLE_TABLE_FULL],
	       (unsigned long long)st->counters[IOTGUARD_CTR_THROTTLE_PRESSURE]);
	printf("  locked:             %s\n", st->locked ?
	       "yes: no weakening and no unload until reboot" : "no");
}

static json_object *subnet_json(const struct gate_subnet *subnet, int family)
{
	char text[GATE_SUBNET_TEXT_MAX];

	if (!subnet->set)
		return NULL;
	gate_subnet_format(subnet, family, text, sizeof(text));
	return json_object_new_string(text);
}

void ctl_gate_add_json(json_object *root, const struct module_status *st)
{
	const struct gate_settings *gate = &st->gate;
	json_object *obj = json_object_new_object();
	json_object *ports = json_object_new_array();

	for (size_t i = 0; i < gate->port_count; i++)
		json_object_array_add(ports, json_object_new_int(gate->ports[i]));
	json_object_object_add(obj, "login_ports", ports);
	json_object_object_add(obj, "remote_login_locked",
			       json_object_new_boolean(st->mode == IOTGUARD_MODE_ENFORCE &&
						       st->cred_state != IOTGUARD_CRED_PROVISIONED));
	json_object_object_add(obj, "provisioning_interface",
			       gate->prov_ifname[0] ? json_object_new_string(gate->prov_ifname) : NULL);
	json_object_object_add(obj, "provisioning_ifindex",
			       gate->prov_ifname[0] ? json_object_new_int64(gate->prov_ifindex) : NULL);
	json_object_object_add(obj, "provisioning_subnet4", subnet_json(&gate->net4, AF_INET));
	json_object_object_add(obj, "provisioning_subnet6", subnet_json(&gate->net6, AF_INET6));
	json_object_object_add(obj, "throttle_burst", json_object_new_int64(gate->throttle_burst));
	json_object_object_add(obj, "throttle_interval_ms",
			       json_object_new_int64(gate->throttle_interval_ms));
	json_object_object_add(obj, "throttle_table_size",
			       json_object_new_int64(st->throttle_table_size));
	json_object_object_add(obj, "throttle_entries", json_object_new_int64(st->throttle_entries));
	json_object_object_add(obj, "throttle_under_pressure",
			       json_object_new_boolean(st->throttle_pressure));
	json_object_object_add(root, "network_gate", obj);
	json_object_object_add(root, "locked", json_object_new_boolean(st->locked));
}

/*
 * The guard first (its settings frozen, its links handed to the module),
 * then the module. Without the guard (no BPF LSM) the module still locks,
 * and we say loudly what is not covered.
 */
int cmd_lock(int argc, char **argv)
{
	int fds[IOTGUARD_MAX_HELD_LINKS], n_fds = 0, ret;
	struct genl_client *client = NULL;
	bool guard = guard_pinned();

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
		n_fds = guard_link_fds(fds, sizeof(fds) / sizeof(fds[0]));
		if (n_fds < 0) {
			fprintf(stderr, "iotguardctl: opening the login guard's links: %s\n",
				strerror(-n_fds));
			return EXIT_FAIL;
		}
	}
	ret = genl_client_open(&client);
	if (!ret)
		ret = genl_client_lock(client, fds, (size_t)n_fds);
	genl_client_close(client);
	while (n_fds > 0)
		close(fds[--n_fds]);
	if (ret)
		return report_genl_error(ret, "locking");
	printf("iotguard is locked until reboot: every weakening and the module's unload are refused\n");
	if (!guard)
		fprintf(stderr, "iotguardctl: DEGRADED: the BPF login guard is not attached; "
			"only the network gate is locked\n");
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
