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
};

struct raw_status {
	char version[32];
	uint32_t mode;
	uint32_t cred_state;
	uint64_t policy_generation;
	uint64_t counters[__IOTGUARD_CTR_MAX];
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

/*
 * Send one request to g->family. Returns the kernel's answer: 0 or -errno
 * from the ack. A reply message, if any, is copied to reply.
 * reserved sets the genl header's reserved field (must be 0 to the kernel).
 */
int raw_genl_send(struct raw_genl *g, uint8_t cmd, uint16_t reserved,
		  const struct raw_attrs *attrs, void *reply, size_t *reply_len);

int raw_genl_status(struct raw_genl *g, struct raw_status *st);
int raw_genl_set_mode(struct raw_genl *g, uint32_t mode, uint32_t flags);
int raw_genl_set_cred_state(struct raw_genl *g, uint32_t cred_state);

#endif
