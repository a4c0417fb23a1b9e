/* SPDX-License-Identifier: GPL-2.0 */
/* Reading os-release(5) files: KEY=value, values maybe quoted. */
#ifndef IOTGUARD_OS_RELEASE_H
#define IOTGUARD_OS_RELEASE_H

#include <stddef.h>

#define OS_RELEASE_PATH "/etc/os-release"
#define OS_RELEASE_FALLBACK "/usr/lib/os-release"

/*
 * The value of key in path, unquoted. 0; -ENOENT if key is absent; the
 * negative errno of fopen(3) if path cannot be read.
 */
int os_release_get(const char *path, const char *key, char *out, size_t len);
/*
 * The running software version from file: VERSION_ID= (else VERSION=) of
 * an os-release file, or else the file's first line. 0; -ENOENT if file
 * holds none; the negative errno of fopen(3) if it cannot be read.
 */
int software_version(const char *file, char *out, size_t len);

#endif
