/* SPDX-License-Identifier: GPL-2.0 */
/* Files that readers see whole or not at all: the published ones and agent state. */
#ifndef IOTGUARD_ATOMIC_FILE_H
#define IOTGUARD_ATOMIC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/*
 * Write text to the absolute path with mode: into a fresh temporary file
 * beside it, fsync, rename over path, fsync the directory. The directory
 * is reached from "/" one component at a time without following symbolic
 * links (missing ones are created 0755), and refused if it or any
 * ancestor is owned by a user other than root and the agent, or writable
 * by group or others without the sticky bit. path itself may not be a
 * symbolic link. 0, or a negative errno with error naming the path and
 * the reason: then path is as it was (unless only the directory's final
 * fsync failed, which the error says).
 */
int atomic_file_write(const char *path, const char *text, mode_t mode,
		      struct iotguard_error *error);

/* Tests clear this to take the openat() walk that kernels before 5.6 need. */
extern bool atomic_file_use_openat2;

#endif
