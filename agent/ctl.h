/* SPDX-License-Identifier: GPL-2.0 */
/* iotguardctl's commands, one file each, and the exit codes they share. */
#ifndef IOTGUARD_CTL_H
#define IOTGUARD_CTL_H

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_NO_MODULE = 3,
	EXIT_DENIED = 4,
	EXIT_FLAGGED = 5,	/* audit: an empty or known-default password */
};

int cmd_audit(int argc, char **argv);
int cmd_provision(int argc, char **argv);
int cmd_derive_password(int argc, char **argv);

#endif
