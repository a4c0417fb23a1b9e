/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for the tests: no library between the test and the
 * kernel, so a test can send exactly the malformed message it means to.
 */
#ifndef IOTGUARD_TEST_GENL_RAW_H
#define IOTGUARD_TEST_GENL_RAW_H

#include <stddef.h>
#include <stdint.h>
#include "iotguard.h"

struct raw_genl {
	int fd;
	uint16_t family;
	uint32_t seq;
	uint32_t events_group;	/* the family's "events" multicast group */
};

struct raw_status {
	char version[32];
	uint32_t mode;
	uint32_t cred_state;
	uint64_t policy_generation;
	uint64_t counters[__IOTGUARD_CTR_MAX];
	uint8_t locked;
	uint16_t ports[IOTGUARD_MAX_LOGIN_PORTS + 1];
	size_t port_count;
	char prov_ifname[16];
	uint32_t prov_ifindex;		/* the device the name resolved to; 0: none */
	uint8_t net4_prefix_len;	/* 0: no IPv4 exemption */
	uint8_t net6_prefix_len;
	unsigned char net4_addr[4];	/* network order, with its prefix length */
	unsigned char net6_addr[16];
	uint32_t throttle_burst;
	uint32_t throttle_interval_ms;
	uint32_t throttle_table_size;
	uint32_t throttle_entries;
	uint8_t throttle_pressure;
	uint32_t held_links;
	uint32_t egress_judge;		/* the judge's BPF program id; 0: none */
};

/* Attribute payloads are built into a caller's buffer with raw_put(). */
struct raw_attrs {
	unsigned char buf[512];
	size_t len;
};

/* 0, or -errno (-ENOENT: no such family). */
int raw_genl_open(struct raw_genl *g, const char *family);
void raw_genl_close(struct raw_genl *g);

void raw_put(struct raw_attrs *a, uint16_t type, const void *data, size_t len);
void raw_put_u32(struct raw_attrs *a, uint16_t type, uint32_t value);
void raw_put_u16(struct raw_attrs *a, uint16_t type, uint16_t value);
void raw_put_u8(struct raw_attrs *a, uint16_t type, uint8_t value);
/* A nested attribute: start returns a mark that end closes. */
size_t raw_nest_start(struct raw_attrs *a, uint16_t type);
void raw_nest_end(struct raw_attrs *a, size_t mark);

/*
 * Send one request to g->family. Returns the kernel's answer: 0 or -errno
 * from the ack. A reply message, if any, is copied to reply.
 * reserved sets the genl header's reserved field (must be 0 to the kernel).
 */
int raw_genl_send(struct raw_genl *g, uint8_t cmd, uint16_t reserved,
		  const struct raw_attrs *attrs, void *reply, size_t *reply_len);
/*
 * The same with any genl version and attribute bytes sent as they are
 * (at most RAW_ATTRS_MAX of them): for fuzzing, where nla_len may lie.
 */
#define RAW_ATTRS_MAX 4096
int raw_genl_send_bytes(struct raw_genl *g, uint8_t cmd, uint8_t version,
			uint16_t reserved, const void *attrs, size_t attrs_len,
			void *reply, size_t *reply_len);

int raw_genl_status(struct raw_genl *g, struct raw_status *st);
int raw_genl_set_mode(struct raw_genl *g, uint32_t mode, uint32_t flags);
int raw_genl_set_cred_state(struct raw_genl *g, uint32_t cred_state);
int raw_genl_set_gate(struct raw_genl *g, const struct raw_attrs *attrs);
int raw_genl_set_throttle(struct raw_genl *g, uint32_t burst, uint32_t interval_ms);
int raw_genl_set_ports(struct raw_genl *g, const uint16_t *ports, size_t n);
/* type IOTGUARD_A_PROV_NET4 or _NET6; prefix_len 0 clears the exemption. */
int raw_genl_set_subnet(struct raw_genl *g, uint16_t type, const char *addr,
			uint8_t prefix_len);
int raw_genl_set_ifname(struct raw_genl *g, const char *ifname);
int raw_genl_lock(struct raw_genl *g);

/*
 * A socket joined to the family's "events" group (-errno on failure), and
 * the next event's kind on it, 0 after timeout_ms without one, or
 * RAW_EVENT_OVERRUN once when the socket's buffer overflowed: the kernel
 * then dropped newer events, and those queued before are still to read.
 */
#define RAW_EVENT_OVERRUN UINT32_MAX
int raw_events_open(const struct raw_genl *g);
uint32_t raw_event_next(int fd, int timeout_ms);

#endif
