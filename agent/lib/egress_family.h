/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The address families an egress policy's `families` names, as people write
 * them ("can", "bluetooth"), and which of them that setting decides: the
 * families that reach past the device without an IP destination a rule could
 * name. lsm/socket_create (bpf/egress_socket.bpf.h) draws the same line.
 */
#ifndef IOTGUARD_EGRESS_FAMILY_H
#define IOTGUARD_EGRESS_FAMILY_H

#include <stdint.h>
#include "error.h"

/* Every family number below this has a name (the kernel's AF_MAX in 6.12 is 46). */
#define EGRESS_FAMILY_NAMES 46

/*
 * The family's name in lower case without AF_ ("can", "vsock", "inet"), or
 * NULL for a number without one.
 */
const char *egress_family_name(int family);

/*
 * The family `families` may name, by its name: 0 with *family set, or
 * -EINVAL with the reason in error (an unknown name, or one that another
 * setting decides: "inet" by the rules, "packet" by raw_sockets, "unix" by
 * nothing since it stays on the device).
 */
int egress_family_parse(const char *name, int *family, struct iotguard_error *error);

/*
 * The names in a bitmask of families (bit F: family F), comma-separated, into
 * out ("" for none; truncated to len, always terminated).
 */
void egress_families_text(uint64_t families, char *out, size_t len);

#endif
