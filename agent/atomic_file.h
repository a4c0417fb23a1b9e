/* SPDX-License-Identifier: GPL-2.0 */
/* Files that readers see whole or not at all: the published ones and agent state. */
#ifndef IOTGUARD_ATOMIC_FILE_H
#define IOTGUARD_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Create path's missing parent directories (0755), write text to
 * "path.new" with mode, fsync it and rename it over path. 0, or -1 with
 * errno set (the temporary file is removed).
 */
int atomic_file_write(const char *path, const char *text, mode_t mode);

#endif
