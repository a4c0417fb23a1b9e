/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel network gate's settings as the agent holds them: from the
 * policy file, sent with IOTGUARD_CMD_SET_GATE, read back from GET_STATUS.
 */
#ifndef IOTGUARD_GATE_SETTINGS_H
#define IOTGUARD_GATE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "iotguard.h"

#define GATE_IFNAME_MAX 16		/* IFNAMSIZ */
#define GATE_SUBNET_TEXT_MAX 64
/* "22, 23, 2323": every port at its longest, ", " between. */
#define GATE_PORTS_TEXT_MAX (IOTGUARD_MAX_LOGIN_PORTS * sizeof("65535, "))

struct gate_subnet {
	bool set;
	uint8_t prefix_len;
	uint8_t addr[16];		/* IPv4 in the first 4 bytes */
};

struct gate_settings {
	uint16_t ports[IOTGUARD_MAX_LOGIN_PORTS];	/* sorted, unique */
	size_t port_count;
	char prov_ifname[GATE_IFNAME_MAX];		/* "" for none */
	uint32_t prov_ifindex;		/* read back: the device it resolved to; 0 none */
	struct gate_subnet net4;
	struct gate_subnet net6;
	uint32_t throttle_burst;
	uint32_t throttle_interval_ms;
};

/* What the module starts with: ports 22, 23, 2323, no exemption. */
void gate_settings_defaults(struct gate_settings *gate);
/* Add a port, keeping the list sorted and unique. 0, or -ENOSPC if the list is full. */
int gate_settings_add_port(struct gate_settings *gate, uint16_t port);
/* The ports as people read them, "22, 23, 2323"; cut short if len is too small. */
void gate_settings_format_ports(const struct gate_settings *gate, char *out, size_t len);

/*
 * "192.168.7.0/24" or "fd00:7::/64" into *subnet; *family is AF_INET or
 * AF_INET6. 0, or -EINVAL with the reason in error (host bits set, bad
 * prefix...).
 */
int gate_subnet_parse(const char *text, struct gate_subnet *subnet, int *family,
		      struct iotguard_error *error);
void gate_subnet_format(const struct gate_subnet *subnet, int family, char *out,
			size_t len);

#endif
