// SPDX-License-Identifier: GPL-2.0
/*
 * The policy's network_gate section: what the kernel module's network gate
 * protects and who is exempt from its lockout. The login ports 22, 23 and
 * 2323 are always protected; the policy can only add to them.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "policy_parse.h"

#define MS_PER_MINUTE 60000
#define MAX_PER_MINUTE (MS_PER_MINUTE / IOTGUARD_MIN_THROTTLE_INTERVAL_MS)

static void parse_extra_login_ports(struct parse_ctx *ctx, const config_setting_t *s,
				    struct iotguard_policy *policy)
{
	uint16_t ports[IOTGUARD_MAX_LOGIN_PORTS];
	int n = parse_port_list(ctx, s, ports, IOTGUARD_MAX_LOGIN_PORTS);

	for (int i = 0; i < n; i++) {
		if (gate_settings_add_port(&policy->gate, ports[i])) {
			fail_at(ctx, s, "more than %d login ports in all", IOTGUARD_MAX_LOGIN_PORTS);
			return;
		}
	}
}

static void parse_provisioning_interface(struct parse_ctx *ctx, const config_setting_t *s,
					 struct iotguard_policy *policy)
{
	const char *name;

	if (!want_type(ctx, s, CONFIG_TYPE_STRING, "a string (an interface name)"))
		return;
	name = config_setting_get_string(s);
	if (strlen(name) >= GATE_IFNAME_MAX || strpbrk(name, "/ \t:")) {
		fail_at(ctx, s, "\"%s\" is not an interface name (at most %d characters, "
			"no '/', ':' or spaces)", name, GATE_IFNAME_MAX - 1);
		return;
	}
	strcpy(policy->gate.prov_ifname, name);
}

static void parse_provisioning_subnets(struct parse_ctx *ctx, const config_setting_t *s,
				       struct iotguard_policy *policy)
{
	char subnets[2][GATE_SUBNET_TEXT_MAX];
	struct gate_settings *gate = &policy->gate;
	int n = parse_string_list(ctx, s, &subnets[0][0], 2, GATE_SUBNET_TEXT_MAX, false);

	gate->net4.set = false;
	gate->net6.set = false;
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned int)i);
		struct iotguard_error why;
		struct gate_subnet subnet;
		int family;

		if (gate_subnet_parse(subnets[i], &subnet, &family, &why)) {
			fail_at(ctx, e, "provisioning subnet \"%s\": %s", subnets[i], why.msg);
			return;
		}
		if ((family == AF_INET ? gate->net4 : gate->net6).set) {
			fail_at(ctx, e, "one provisioning subnet per address family");
			return;
		}
		if (family == AF_INET)
			gate->net4 = subnet;
		else
			gate->net6 = subnet;
	}
}

static void parse_throttle_burst(struct parse_ctx *ctx, const config_setting_t *s,
				 struct iotguard_policy *policy)
{
	int burst;

	if (int_in_range(ctx, s, 1, IOTGUARD_MAX_THROTTLE_BURST, &burst))
		policy->gate.throttle_burst = (uint32_t)burst;
}

static void parse_throttle_per_minute(struct parse_ctx *ctx, const config_setting_t *s,
				      struct iotguard_policy *policy)
{
	int per_minute;

	if (int_in_range(ctx, s, 1, MAX_PER_MINUTE, &per_minute))
		policy->gate.throttle_interval_ms = (uint32_t)(MS_PER_MINUTE / per_minute);
}

/* A rules table and its group parser: the shape of every section (see policy_publish.c). */
static const struct setting_rule network_gate_rules[] = {
	{ "extra_login_ports", parse_extra_login_ports },
	{ "provisioning_interface", parse_provisioning_interface },
	{ "provisioning_subnets", parse_provisioning_subnets },
	{ "throttle_burst", parse_throttle_burst },
	{ "throttle_per_minute", parse_throttle_per_minute },
};

void parse_network_gate(struct parse_ctx *ctx, const config_setting_t *s,
			struct iotguard_policy *policy)
{
	if (want_type(ctx, s, CONFIG_TYPE_GROUP, "a group: network_gate = { ... };"))
		parse_members(ctx, s, RULES(network_gate_rules), policy);
}
