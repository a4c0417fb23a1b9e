// SPDX-License-Identifier: GPL-2.0
/*
 * Address family names for the egress policy's `families` (egress_family.h).
 * The numbers are the kernel's AF_* (include/linux/socket.h), which never
 * change: spelled out, so that a C library older than the kernel still
 * names every family.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "egress_family.h"

static const char *const names[EGRESS_FAMILY_NAMES] = {
	[1] = "unix", [2] = "inet", [3] = "ax25", [4] = "ipx", [5] = "appletalk",
	[6] = "netrom", [7] = "bridge", [8] = "atmpvc", [9] = "x25", [10] = "inet6",
	[11] = "rose", [12] = "decnet", [13] = "netbeui", [14] = "security", [15] = "key",
	[16] = "netlink", [17] = "packet", [18] = "ash", [19] = "econet", [20] = "atmsvc",
	[21] = "rds", [22] = "sna", [23] = "irda", [24] = "pppox", [25] = "wanpipe",
	[26] = "llc", [27] = "ib", [28] = "mpls", [29] = "can", [30] = "tipc",
	[31] = "bluetooth", [32] = "iucv", [33] = "rxrpc", [34] = "isdn", [35] = "phonet",
	[36] = "ieee802154", [37] = "caif", [38] = "alg", [39] = "nfc", [40] = "vsock",
	[41] = "kcm", [42] = "qipcrtr", [43] = "smc", [44] = "xdp", [45] = "mctp",
};

/* What decides a family `families` cannot name (egress_socket.bpf.h draws the same lines). */
enum family_kind { BY_FAMILIES, LOCAL, BY_RULES, BY_RAW_SOCKETS };

static enum family_kind kind(int family)
{
	switch (family) {
	case 1: case 15: case 16: case 38:		/* unix, key, netlink, alg */
		return LOCAL;
	case 2: case 10:				/* inet, inet6 */
		return BY_RULES;
	/* packet, xdp, llc, appletalk, x25, ax25, netrom, rose, tipc, ieee802154, phonet */
	case 17: case 44: case 26: case 5: case 9: case 3: case 6: case 11: case 30: case 36:
	case 35:
		return BY_RAW_SOCKETS;
	default:
		return BY_FAMILIES;
	}
}

const char *egress_family_name(int family)
{
	return family > 0 && family < EGRESS_FAMILY_NAMES ? names[family] : NULL;
}

int egress_family_parse(const char *name, int *family, struct iotguard_error *error)
{
	for (int f = 1; f < EGRESS_FAMILY_NAMES; f++) {
		if (strcmp(name, names[f]))
			continue;
		switch (kind(f)) {
		case LOCAL:
			return iotguard_fail(error, EINVAL, "family \"%s\" stays on the device and is "
					     "never refused: leave it out", name);
		case BY_RULES:
			return iotguard_fail(error, EINVAL, "family \"%s\" is judged by destination: "
					     "the allow and deny rules decide it", name);
		case BY_RAW_SOCKETS:
			return iotguard_fail(error, EINVAL, "family \"%s\" puts frames on a link: "
					     "raw_sockets decides it", name);
		case BY_FAMILIES:
			*family = f;
			return 0;
		}
	}
	return iotguard_fail(error, EINVAL, "unknown address family \"%s\" (names as in AF_*, "
			     "lower case, without AF_: \"can\", \"bluetooth\", \"vsock\"...)", name);
}

void egress_families_text(uint64_t families, char *out, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	out[0] = '\0';
	for (int f = 0; f < 64; f++) {
		const char *name = egress_family_name(f);
		int n;

		if (!(families >> f & 1))
			continue;
		if (name)
			n = snprintf(out + used, len - used, "%s%s", used ? ", " : "", name);
		else
			n = snprintf(out + used, len - used, "%sfamily %d", used ? ", " : "", f);
		if (n < 0 || (size_t)n >= len - used)
			return;		/* truncated, terminated by snprintf */
		used += (size_t)n;
	}
}
