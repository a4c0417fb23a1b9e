// SPDX-License-Identifier: GPL-2.0
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
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "errbuf.h"
#include "password.h"

/* 31 symbols: digits 2-9 and lower-case letters without i, l, o. */
static const char alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz";
#define ALPHABET_LEN (sizeof(alphabet) - 1)
/* Bytes at or above this are rejected, so every symbol is equally likely. */
#define REJECT_FROM (256 - 256 % ALPHABET_LEN)
#define DERIVE_LABEL "iotguard-password-v1"

#define set_error(error, ...) errbuf_set(error, PASSWORD_ERROR_MAX, __VA_ARGS__)

double password_entropy_bits(void)
{
	return PASSWORD_GROUPS * PASSWORD_GROUP_LEN * log2((double)ALPHABET_LEN);
}

/*
 * Map a byte stream onto the alphabet by rejection sampling. next() gives
 * the next byte, or -1 when its source fails.
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
					return -1;
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
		if (getrandom(pool->buf, sizeof(pool->buf), 0) != (ssize_t)sizeof(pool->buf))
			return -1;
		pool->len = sizeof(pool->buf);
		pool->pos = 0;
	}
	return pool->buf[pool->pos++];
}

int password_random(char out[PASSWORD_LEN], char error[PASSWORD_ERROR_MAX])
{
	struct byte_pool pool = { .len = 0 };
	int ret = format_password(random_byte, &pool, out);

	explicit_bzero(&pool, sizeof(pool));
	if (ret)
		set_error(error, "getrandom: %s", strerror(errno));
	return ret;
}

int hmac_sha256(const void *key, size_t key_len, const void *msg,
		size_t msg_len, unsigned char out[32])
{
	unsigned int out_len = 0;

	if (!HMAC(EVP_sha256(), key, (int)key_len, msg, msg_len, out, &out_len) ||
	    out_len != 32)
		return -1;
	return 0;
}

/* HMAC blocks: HMAC(key, msg || counter), counter 0, 1, ... as needed. */
static int derived_byte(void *ctx)
{
	struct byte_pool *pool = ctx;
	unsigned char block[DEVICE_ID_MAX + 256 + 4];

	if (pool->pos == pool->len) {
		if (pool->msg_len + 4 > sizeof(block))
			return -1;
		memcpy(block, pool->msg, pool->msg_len);
		block[pool->msg_len] = (unsigned char)(pool->counter >> 24);
		block[pool->msg_len + 1] = (unsigned char)(pool->counter >> 16);
		block[pool->msg_len + 2] = (unsigned char)(pool->counter >> 8);
		block[pool->msg_len + 3] = (unsigned char)pool->counter;
		pool->counter++;
		if (hmac_sha256(pool->key, pool->key_len, block, pool->msg_len + 4, pool->buf))
			return -1;
		pool->len = 32;
		pool->pos = 0;
	}
	return pool->buf[pool->pos++];
}

static int read_secret(const char *path, unsigned char *key, size_t *len, char *error)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		set_error(error, "device secret %s: %s (it is injected at manufacturing, "
			  "outside the image)", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		set_error(error, "device secret %s: not a regular file", path);
		goto fail;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		set_error(error, "device secret %s: readable by others (mode %03o): "
			  "refused; chmod 600 it", path, (unsigned int)(st.st_mode & 0777));
		goto fail;
	}
	n = read(fd, key, SECRET_MAX_BYTES);
	if (n < SECRET_MIN_BYTES) {
		set_error(error, "device secret %s: too short (%zd bytes; at least %d)",
			  path, n < 0 ? 0 : n, SECRET_MIN_BYTES);
		goto fail;
	}
	*len = (size_t)n;
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

int password_derived(const char *secret_path, const char *account,
		     const char *device_id, char out[PASSWORD_LEN],
		     char error[PASSWORD_ERROR_MAX])
{
	unsigned char key[SECRET_MAX_BYTES], msg[DEVICE_ID_MAX + 256];
	struct byte_pool pool = { .len = 0 };
	size_t key_len = 0, label = sizeof(DERIVE_LABEL), alen = strlen(account),
	       dlen = strlen(device_id);
	int ret;

	if (!dlen) {
		set_error(error, "empty device identifier");
		return -1;
	}
	if (label + alen + 1 + dlen > sizeof(msg)) {
		set_error(error, "account name or device identifier too long");
		return -1;
	}
	if (read_secret(secret_path, key, &key_len, error))
		return -1;
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
		set_error(error, "HMAC-SHA256 failed");
	return ret;
}

int device_id_read(const char *path, char out[DEVICE_ID_MAX],
		   char error[PASSWORD_ERROR_MAX])
{
	FILE *f = fopen(path, "re");

	if (!f) {
		set_error(error, "device identifier %s: %s", path, strerror(errno));
		return -1;
	}
	if (!fgets(out, DEVICE_ID_MAX, f))
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	if (!out[0]) {
		set_error(error, "device identifier %s: empty", path);
		return -1;
	}
	return 0;
}

int password_hash(const char *password, enum hash_scheme scheme,
		  char *out, size_t len, char error[PASSWORD_ERROR_MAX])
{
	const char *prefix = scheme == HASH_YESCRYPT ? "$y$" : "$6$";
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data data;
	int ret = -1;

	/* NULL random bytes: libxcrypt takes them from the OS. */
	if (!crypt_gensalt_rn(prefix, 0, NULL, 0, setting, sizeof(setting))) {
		set_error(error, "crypt_gensalt(%s): %s", prefix, strerror(errno));
		return -1;
	}
	memset(&data, 0, sizeof(data));
	if (!crypt_rn(password, setting, &data, sizeof(data)) || data.output[0] == '*')
		set_error(error, "crypt: %s", strerror(errno));
	else if ((size_t)snprintf(out, len, "%s", data.output) >= len)
		set_error(error, "hash too long");
	else
		ret = 0;
	explicit_bzero(&data, sizeof(data));
	return ret;
}
