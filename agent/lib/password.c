// SPDX-License-Identifier: GPL-2.0
/* Making per-device passwords (random or derived from the device secret) and their hashes. */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <nettle/hmac.h>
#include "error.h"
#include "password.h"

/* 31 symbols: digits 2-9 and lower-case letters without i, l, o. */
static const char alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";
#define ALPHABET_LEN (sizeof(alphabet) - 1)
/* Bytes at or above this are rejected, so every symbol is equally likely. */
#define REJECT_FROM (256 - 256 % ALPHABET_LEN)
#define DERIVE_LABEL "iotguard-password-v1"

double password_entropy_bits(void)
{
	return PASSWORD_GROUPS * PASSWORD_GROUP_LEN * log2((double)ALPHABET_LEN);
}

/*
 * Map a byte stream onto the alphabet by rejection sampling. next() gives
 * the next byte, or a negative errno when its source fails: returned.
 */
static int format_password(int (*next)(void *ctx), void *ctx, char out[PASSWORD_LEN])
{
	size_t pos = 0;

	for (int group = 0; group < PASSWORD_GROUPS; group++) {
		if (group)
			out[pos++] = '-';
		for (int i = 0; i < PASSWORD_GROUP_LEN; i++) {
			int b;

			do {
				b = next(ctx);
				if (b < 0)
					return b;
			} while (b >= (int)REJECT_FROM);
			out[pos++] = alphabet[b % ALPHABET_LEN];
		}
	}
	out[pos] = '\0';
	return 0;
}

struct byte_pool {
	unsigned char buf[64];
	size_t len, pos;
	unsigned int counter;
	/* derived only */
	const unsigned char *key;
	size_t key_len;
	const unsigned char *msg;
	size_t msg_len;
};

static int random_byte(void *ctx)
{
	struct byte_pool *pool = ctx;

	if (pool->pos == pool->len) {
		ssize_t n = getrandom(pool->buf, sizeof(pool->buf), 0);

		if (n != (ssize_t)sizeof(pool->buf))
			return n < 0 ? -errno : -EIO;
		pool->len = sizeof(pool->buf);
		pool->pos = 0;
	}
	return pool->buf[pool->pos++];
}

int password_random(char out[PASSWORD_LEN], struct iotguard_error *err)
{
	struct byte_pool pool = { .len = 0 };
	int ret = format_password(random_byte, &pool, out);

	explicit_bzero(&pool, sizeof(pool));
	if (ret)
		iotguard_fail_errno(err, -ret, "getrandom");
	return ret;
}

/*
 * Nettle's HMAC (GPL-2.0-or-later or LGPL-3.0-or-later, so it may link with
 * our GPL-2.0 code, unlike OpenSSL 3's Apache-2.0). It cannot fail; the
 * return value stays for the callers' one convention.
 */
int hmac_sha256(const void *key, size_t key_len, const void *msg,
		size_t msg_len, unsigned char out[32])
{
	struct hmac_sha256_ctx ctx;

	hmac_sha256_set_key(&ctx, key_len, key);
	hmac_sha256_update(&ctx, msg_len, msg);
	hmac_sha256_digest(&ctx, SHA256_DIGEST_SIZE, out);
	/* The context holds the key's inner and outer pads. */
	explicit_bzero(&ctx, sizeof(ctx));
	return 0;
}

/* HMAC blocks: HMAC(key, msg || counter), counter 0, 1, ... as needed. */
static int derived_byte(void *ctx)
{
	struct byte_pool *pool = ctx;
	unsigned char block[DEVICE_ID_MAX + 256 + 4];
	int ret;

	if (pool->pos == pool->len) {
		if (pool->msg_len + 4 > sizeof(block))
			return -EINVAL;
		memcpy(block, pool->msg, pool->msg_len);
		block[pool->msg_len] = (unsigned char)(pool->counter >> 24);
		block[pool->msg_len + 1] = (unsigned char)(pool->counter >> 16);
		block[pool->msg_len + 2] = (unsigned char)(pool->counter >> 8);
		block[pool->msg_len + 3] = (unsigned char)pool->counter;
		pool->counter++;
		ret = hmac_sha256(pool->key, pool->key_len, block, pool->msg_len + 4, pool->buf);
		if (ret)
			return ret;
		pool->len = 32;
		pool->pos = 0;
	}
	return pool->buf[pool->pos++];
}

static int read_secret(const char *path, unsigned char *key, size_t *len,
		       struct iotguard_error *err)
{
	struct stat st;
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return iotguard_fail(err, errno, "device secret %s: %s (it is injected at "
				     "manufacturing, outside the image)", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		ret = iotguard_fail(err, EINVAL, "device secret %s: not a regular file", path);
	} else if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		ret = iotguard_fail(err, EACCES, "device secret %s: readable by others "
				    "(mode %03o): refused; chmod 600 it", path,
				    (unsigned int)(st.st_mode & 0777));
	} else {
		n = read(fd, key, SECRET_MAX_BYTES);
		if (n < SECRET_MIN_BYTES)
			ret = iotguard_fail(err, n < 0 ? errno : EINVAL, "device secret %s: too "
					    "short (%zd bytes; at least %d)", path, n < 0 ? 0 : n,
					    SECRET_MIN_BYTES);
		else
			*len = (size_t)n;
	}
	close(fd);
	return ret;
}

int password_derived(const char *secret_path, const char *account,
		     const char *device_id, char out[PASSWORD_LEN], struct iotguard_error *err)
{
	unsigned char key[SECRET_MAX_BYTES], msg[DEVICE_ID_MAX + 256];
	struct byte_pool pool = { .len = 0 };
	size_t key_len = 0, label = sizeof(DERIVE_LABEL), alen = strlen(account),
	       dlen = strlen(device_id);
	int ret;

	if (!dlen)
		return iotguard_fail(err, EINVAL, "empty device identifier");
	if (label + alen + 1 + dlen > sizeof(msg))
		return iotguard_fail(err, ENAMETOOLONG, "account name or device identifier too "
				     "long");
	ret = read_secret(secret_path, key, &key_len, err);
	if (ret)
		return ret;
	memcpy(msg, DERIVE_LABEL, label);		/* with its NUL */
	memcpy(msg + label, account, alen + 1);		/* with its NUL */
	memcpy(msg + label + alen + 1, device_id, dlen);
	pool.key = key;
	pool.key_len = key_len;
	pool.msg = msg;
	pool.msg_len = label + alen + 1 + dlen;
	ret = format_password(derived_byte, &pool, out);
	explicit_bzero(key, sizeof(key));
	explicit_bzero(&pool, sizeof(pool));
	if (ret)
		iotguard_fail(err, -ret, "HMAC-SHA256 failed");
	return ret;
}

int device_id_read(const char *path, char out[DEVICE_ID_MAX], struct iotguard_error *err)
{
	FILE *f = fopen(path, "re");

	if (!f)
		return iotguard_fail_errno(err, errno, "device identifier %s", path);
	if (!fgets(out, DEVICE_ID_MAX, f))
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	if (!out[0])
		return iotguard_fail(err, EINVAL, "device identifier %s: empty", path);
	return 0;
}

int password_hash(const char *password, enum hash_scheme scheme,
		  char *out, size_t len, struct iotguard_error *err)
{
	const char *prefix = scheme == HASH_YESCRYPT ? "$y$" : "$6$";
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data data;
	int ret = 0;

	/* NULL random bytes: libxcrypt takes them from the OS. */
	if (!crypt_gensalt_rn(prefix, 0, NULL, 0, setting, sizeof(setting)))
		return iotguard_fail_errno(err, errno, "crypt_gensalt(%s)", prefix);
	memset(&data, 0, sizeof(data));
	if (!crypt_rn(password, setting, &data, sizeof(data)) || data.output[0] == '*')
		ret = iotguard_fail_errno(err, errno, "crypt");
	else if ((size_t)snprintf(out, len, "%s", data.output) >= len)
		ret = iotguard_fail(err, ENAMETOOLONG, "hash too long");
	explicit_bzero(&data, sizeof(data));
	return ret;
}
