/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Atomic replacement of password hashes in <root>/etc/shadow: take the
 * shadow lock (on "/"), check every line parses, write a temporary file in
 * the same directory with the original owner and mode, fsync it, rename it
 * over the original, fsync the directory. Every other line is kept byte
 * for byte. A crash at any point leaves either the old or the new file.
 */
#ifndef IOTGUARD_SHADOW_UPDATE_H
#define IOTGUARD_SHADOW_UPDATE_H

#include <stddef.h>
#include "error.h"

/* The largest shadow file we rewrite. */
#define SHADOW_MAX_BYTES (16 << 20)

struct shadow_change {
	const char *account;
	const char *hash;
};

/*
 * 0, or a negative errno with err set: then the file is as it was (unless
 * only the directory's final fsync failed, which err says).
 */
int shadow_update(const char *root, const struct shadow_change *changes,
		  size_t count, struct iotguard_error *err);

#endif
