/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-device passwords: random from getrandom(), or derived with
 * HMAC-SHA256 from a per-device secret injected at manufacturing, so the
 * factory can print the same password on the label. Both come out in a
 * form a person can copy from a label: 4 groups of 5 characters from an
 * alphabet without look-alikes (0/O, 1/l/I), about 99 bits.
 */
#ifndef IOTGUARD_PASSWORD_H
#define IOTGUARD_PASSWORD_H

#include <stddef.h>
#include "error.h"

#define PASSWORD_GROUPS 4
#define PASSWORD_GROUP_LEN 5
#define PASSWORD_LEN (PASSWORD_GROUPS * (PASSWORD_GROUP_LEN + 1))	/* with NUL */
/* A shorter secret is refused: 256 bits, the HMAC-SHA256 key size. */
#define SECRET_MIN_BYTES 32
#define SECRET_MAX_BYTES 4096
#define DEVICE_ID_MAX 256

enum hash_scheme {
	HASH_SHA512CRYPT,	/* busybox login understands it */
	HASH_YESCRYPT,
};

/* Entropy of one password, in bits (for the README and tests). */
double password_entropy_bits(void);

/* Each of these returns 0, or a negative errno with err set. */
int password_random(char out[PASSWORD_LEN], struct iotguard_error *err);

/*
 * HMAC-SHA256(secret, "iotguard-password-v1" NUL account NUL device_id),
 * mapped onto the alphabet. The secret file must exist, hold at least
 * SECRET_MIN_BYTES, and be readable by its owner only (else -EACCES).
 */
int password_derived(const char *secret_path, const char *account,
		     const char *device_id, char out[PASSWORD_LEN], struct iotguard_error *err);

/* Read the device identifier (first line of a file, e.g. a MAC). */
int device_id_read(const char *path, char out[DEVICE_ID_MAX], struct iotguard_error *err);

/* crypt() the password with a fresh random salt. */
int password_hash(const char *password, enum hash_scheme scheme,
		  char *out, size_t len, struct iotguard_error *err);

/* HMAC-SHA256 (Nettle), exposed for the known-answer test. Always 0. */
int hmac_sha256(const void *key, size_t key_len, const void *msg,
		size_t msg_len, unsigned char out[32]);

#endif
