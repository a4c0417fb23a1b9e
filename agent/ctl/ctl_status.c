// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl status: the device's iotguard state, as text or JSON; the
 * module's, the network gate's, the login guard's, the outbound policy's
 * and what is published.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include "bpf_pin.h"
#include "ctl.h"
#include "egress_family.h"
#include "egress_state.h"
#include "genl_client.h"
#include "kconfig.h"
#include "login_guard_loader.h"
#include "login_guard_maps.h"
#include "names.h"
#include "policy.h"
#include "publish.h"
#include "support.h"

static const char *const counter_names[] = IOTGUARD_COUNTER_NAMES;
_Static_assert(sizeof(counter_names) / sizeof(counter_names[0]) == __IOTGUARD_CTR_MAX,
	       "a name for every counter");

static void ctl_gate_print_text(const struct module_status *st)
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

static void ctl_gate_add_json(json_object *root, const struct module_status *st)
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

static void ctl_publish_print_text(void)
{
	struct iotguard_policy policy;
	struct published p;
	const struct disclosure_policy *d = &policy.publish.disclosure;
	struct iotguard_error error;
	char line[SUPPORT_TEXT_MAX];

	if (policy_load(POLICY_DEFAULT_PATH, &policy, &error)) {
		printf("  published:          unknown (%s)\n", error.msg);
		return;
	}
	publish_gather(&policy, time(NULL), &p);
	if (p.support_set)
		support_describe(&p.support, line, sizeof(line));
	else
		snprintf(line, sizeof(line), "no support period is published");
	printf("  support:            %s\n", line);
	printf("  report issues to:   ");
	for (size_t i = 0; i < d->contact_count; i++)
		printf("%s%s", i ? ", " : "", d->contacts[i]);
	printf("%s\n", d->contact_count ? "" : "nobody (no disclosure.contact in the policy)");
	policy_release(&policy);
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

/* The outbound policy the kernel holds (egress_state.h). */
static void print_outbound(const struct module_status *st)
{
	struct egress_state o;
	char families[512];
	const char *mode;

	egress_state_read(&o);
	if (o.read_error) {
		printf("  outbound:           unknown (%s%s)\n", strerror(-o.read_error),
		       o.read_error == -EACCES || o.read_error == -EPERM ? ": run as root" : "");
		return;
	}
	mode = egress_state_mode(&o);
	printf("  outbound:\n");
	printf("    attached:         %s\n", !o.attached ? "no (is iotguardd running?)" :
	       o.lsm_hooks ? "yes, with the LSM hooks (raw and packet sockets, families)" :
	       "yes; DEGRADED: " EGRESS_NO_LSM_TEXT);
	if (o.attached) {
		__u32 own = 0;

		bpf_pin_link_prog_id(EGRESS_LINK_PIN_PREFIX "egress_packet", &own);
		printf("    tunnels, forwarding: ");
		if (!st->egress_judge)
			printf("DEGRADED: " EGRESS_NO_JUDGE_TEXT "\n");
		else if (st->egress_judge != own)
			printf("DEGRADED: the module judges them with BPF program %u, not the "
			       "policy's (%u): iotguardctl lock, or restart iotguardd\n",
			       st->egress_judge, own);
		else
			printf("judged by the module\n");
	}
	printf("    installed:        %s\n", o.installed ? "yes" :
	       "no: every destination is allowed");
	if (o.installed) {
		printf("    mode:             %s\n", !strcmp(mode, "audit") ?
		       "audit (counts, refuses nothing)" : mode);
		printf("    default:          %s\n", o.config.default_deny ? "deny" : "allow");
		printf("    raw sockets:      %s\n", o.config.raw_sockets ? "allowed" : "refused");
		egress_families_text(o.config.families, families, sizeof(families));
		printf("    other families:   %s\n", families[0] ? families :
		       "none (unix, netlink, alg, key and IP only)");
		printf("    rules:            %u, %zu service cgroup(s)\n", o.config.rule_count,
		       o.services);
		printf("    generation:       %u\n", o.gen);
	}
	if (o.lock.locked)
		printf("    locked:           yes: the floor until reboot is %s, %u rule(s)\n",
		       o.lock.config.enforce ? "enforce" : "audit", o.lock.config.rule_count);
	else
		printf("    locked:           no\n");
	printf("    counters:        ");
	for (int i = 0; i < __EGRESS_STAT_MAX; i++)
		printf(" %s %llu", egress_stat_name(i), (unsigned long long)o.stats[i]);
	printf("\n");
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
	print_outbound(st);
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
	struct egress_state outbound;

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
	egress_state_read(&outbound);
	json_object *out = egress_state_json(&outbound);

	/* The BPF program id the module judges tunnels and forwarding with; 0: none. */
	json_object_object_add(out, "judge_prog_id", json_object_new_uint64(st->egress_judge));
	json_object_object_add(root, "outbound", out);
	/* true, false, or null when no kernel configuration is readable. */
	json_object_object_add(root, "kernel_force_unload", force_unload == KCONFIG_UNKNOWN ? NULL :
			       json_object_new_boolean(force_unload == KCONFIG_SET));
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY));
	json_object_put(root);
}

int cmd_status(int argc, char **argv)
{
	struct genl_client *client = NULL;
	struct module_status st;
	struct guard_probe probe;
	char source[KCONFIG_SOURCE_MAX];
	enum kconfig_answer force_unload;
	bool json = false;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json"))
			return EXIT_SHOW_USAGE;
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
