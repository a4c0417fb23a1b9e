/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where iotguard's own files are on the device, from the install directories
 * the build was given (PREFIX, SYSCONFDIR, LOCALSTATEDIR, RUNSTATEDIR: the
 * Makefile writes them to build/gen/install_dirs.h and substitutes the same
 * into the installed scripts, units and man pages). The system's own files
 * (/etc/passwd, /etc/os-release) stay where the system keeps them.
 */
#ifndef IOTGUARD_PATHS_H
#define IOTGUARD_PATHS_H

#include "install_dirs.h"

/* The policy and the deny-lists: read-only at run time. */
#define IOTGUARD_CONF_DIR IOTGUARD_SYSCONFDIR "/iotguard"
/* What must survive a reboot (provisioned, the support period published). */
#define IOTGUARD_STATE_DIR IOTGUARD_LOCALSTATEDIR "/lib/iotguard"
/* What lasts until reboot: status.json, ready. */
#define IOTGUARD_RUN_DIR IOTGUARD_RUNSTATEDIR "/iotguard"

#endif
