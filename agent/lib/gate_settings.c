// SPDX-License-Identifier: GPL-2.0
/* The network gate's settings (gate_settings.h): defaults, ports, provisioning subnets. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "gate_settings.h"

void gate_settings_defaults(struct gate_settings *gate)
{
	static const uint16_t ports[] = IOTGUARD_DEFAULT_LOGIN_PORTS;

	memset(gate, 0, sizeof(*gate));
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		gate_settings_add_port(gate, ports[i]);
	gate->throttle_burst = IOTGUARD_DEFAULT_THROTTLE_BURST;
	gate->throttle_interval_ms = IOTGUARD_DEFAULT_THROTTLE_INTERVAL_MS;
}

int gate_settings_add_port(struct gate_settings *gate, uint16_t port)
{
	size_t i = 0;

	while (i < gate->port_count && gate->ports[i] < port)
		i++;
	if (i < gate->port_count && gate->ports[i] == port)
		return 0;
	if (gate->port_count == IOTGUARD_MAX_LOGIN_PORTS)
		return -ENOSPC;
	memmove(&gate->ports[i + 1], &gate->ports[i],
		(gate->port_count - i) * sizeof(gate->ports[0]));
	gate->ports[i] = port;
	gate->port_count++;
	return 0;
}

void gate_settings_format_ports(const struct gate_settings *gate, char *out, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	out[0] = '\0';
	for (size_t i = 0; i < gate->port_count && used < len; i++) {
		int n = snprintf(out + used, len - used, "%s%u", i ? ", " : "", gate->ports[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
}

int gate_subnet_parse(const char *text, struct gate_subnet *subnet, int *family,
		      struct iotguard_error *error)
{
	char addr[GATE_SUBNET_TEXT_MAX];
	const char *slash = strchr(text, '/');
	unsigned long prefix;
	size_t addr_len, bytes;
	unsigned int host_bits;
	char *end;

	memset(subnet, 0, sizeof(*subnet));
	if (!slash || (size_t)(slash - text) >= sizeof(addr))
		return iotguard_fail(error, EINVAL, "expected ADDRESS/PREFIX, such as "
				     "192.168.7.0/24 or fd00:7::/64");
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	if (inet_pton(AF_INET, addr, subnet->addr) == 1) {
		*family = AF_INET;
		addr_len = 4;
	} else if (inet_pton(AF_INET6, addr, subnet->addr) == 1) {
		*family = AF_INET6;
		addr_len = 16;
	} else {
		return iotguard_fail(error, EINVAL, "not an IPv4 or IPv6 address");
	}
	prefix = strtoul(slash + 1, &end, 10);
	if (!slash[1] || *end || prefix < 1 || prefix > addr_len * 8)
		return iotguard_fail(error, EINVAL, "the prefix length must be 1..%zu", addr_len * 8);
	subnet->prefix_len = (uint8_t)prefix;
	/* Host bits must be clear: "10.0.0.1/24" is a typo, not a subnet. */
	bytes = prefix / 8;
	host_bits = prefix % 8 ? subnet->addr[bytes++] & (0xffu >> (prefix % 8)) : 0;
	for (size_t i = bytes; i < addr_len; i++)
		host_bits |= subnet->addr[i];
	if (host_bits)
		return iotguard_fail(error, EINVAL, "the address has bits set beyond the prefix length");
	subnet->set = true;
	return 0;
}

void gate_subnet_format(const struct gate_subnet *subnet, int family, char *out,
			size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (!subnet->set || !inet_ntop(family, subnet->addr, addr, sizeof(addr))) {
		snprintf(out, len, "none");
		return;
	}
	snprintf(out, len, "%s/%u", addr, subnet->prefix_len);
}
