/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iotguardctl's command groups, one file each, what they share
 * (ctl_common.c) and the exit codes.
 */
#ifndef IOTGUARD_CTL_H
#define IOTGUARD_CTL_H

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_NO_MODULE = 3,
	EXIT_DENIED = 4,
	EXIT_FLAGGED = 5,	/* audit: an empty or known-default password */
	/* mud import, which never asks the module: part of the MUD file is not enforced. */
	EXIT_PARTIAL = 3,
	/*
	 * Not an exit status: a command's arguments are wrong and it has no
	 * usage of its own; main prints iotguardctl's and exits EXIT_USAGE.
	 */
	EXIT_SHOW_USAGE = -1,
};

/*
 * The commands, as main dispatches them: argv[0] is the command's name.
 * Each parses its own options with getopt_long over its own table: the
 * tables and loops share a shape (duplicates lists them), not logic, and a
 * common parser would only take each command's options away from it.
 */
int cmd_status(int argc, char **argv);		/* ctl_status.c */
int cmd_mode(int argc, char **argv);		/* ctl_gate.c */
int cmd_lock(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_audit(int argc, char **argv);		/* ctl_audit.c */
int cmd_provision(int argc, char **argv);	/* ctl_provision.c */
int cmd_derive_password(int argc, char **argv);
int cmd_report(int argc, char **argv);		/* ctl_report.c */
int cmd_support_end(int argc, char **argv);
int cmd_check_policy(int argc, char **argv);
int cmd_mud(int argc, char **argv);		/* ctl_mud.c */
int cmd_run(int argc, char **argv);		/* ctl_run.c */
int cmd_egress(int argc, char **argv);		/* ctl_egress.c */
int cmd_doctor(int argc, char **argv);		/* ctl_doctor.c */

/* ctl_common.c, below every command. */

/* Print why a genetlink request failed; returns the exit code for it. */
int report_genl_error(int err, const char *what);

struct guard_probe;
/* The login guard's state in words ("attached", "DEGRADED: ..."). */
const char *guard_state_text(const struct guard_probe *probe);

#endif
