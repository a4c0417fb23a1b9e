/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One iotguardd at a time. Two agents write the same kernel state (the
 * guard's maps, the module's gate) from audits taken at different moments;
 * a pidfile only records, a lock excludes. The lock is flock(2) on a file,
 * held for the life of the process and let go by the kernel however it
 * ends, SIGKILL included: a crashed agent never keeps its successor out.
 */
#ifndef IOTGUARD_INSTANCE_LOCK_H
#define IOTGUARD_INSTANCE_LOCK_H

#include <sys/types.h>
#include "error.h"
#include "paths.h"

#define INSTANCE_LOCK_FILE IOTGUARD_RUNSTATEDIR "/iotguardd.lock"

/*
 * Take path's lock and write our pid into it; *fd stays open (close it to
 * let go). 0; -EWOULDBLOCK when another process holds it (*holder: its pid,
 * or 0 if unknown); another -errno if the file cannot be used.
 */
int instance_lock(const char *path, int *fd, pid_t *holder, struct iotguard_error *error);

#endif
