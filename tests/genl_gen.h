/* SPDX-License-Identifier: GPL-2.0 */
/* genl_fuzz_test's message generator (genl_gen.c). */
#ifndef IOTGUARD_TEST_GENL_GEN_H
#define IOTGUARD_TEST_GENL_GEN_H

#include <stddef.h>
#include <stdint.h>
#include "genl_raw.h"

/* One generic netlink message to the module: the header's fields and the attributes. */
struct genl_msg {
	uint8_t cmd;
	uint8_t version;
	uint16_t reserved;
	size_t len;
	unsigned char buf[RAW_ATTRS_MAX] __attribute__((aligned(4)));
};

/* Start the sequence again from seed (0 is taken as 1: xorshift's state is never 0). */
void genl_gen_seed(uint64_t seed);
/* The next message: random or a mutated valid one, a LOCK always refused by the policy. */
void genl_gen_message(struct genl_msg *m, const struct raw_genl *g);
/* m as text, its attributes in hex, for a failure's log. */
void genl_gen_dump(const struct genl_msg *m, char *out, size_t size);

#endif /* IOTGUARD_TEST_GENL_GEN_H */
