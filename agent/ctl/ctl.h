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

struct module_status;

int cmd_audit(int argc, char **argv);
int cmd_lock(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_support_end(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_provision(int argc, char **argv);
int cmd_derive_password(int argc, char **argv);

/* Print why a genetlink request failed; returns the exit code for it. */
int report_genl_error(int err, const char *what);

struct guard_probe;
/* The login guard's state in words ("attached", "DEGRADED: ..."). */
const char *guard_state_text(const struct guard_probe *probe);
/* The support period and disclosure contact, for `status`. */
void ctl_publish_print_text(void);

/* The network gate's part of `status`. */
void ctl_gate_print_text(const struct module_status *st);
#ifdef JSON_C_VERSION
void ctl_gate_add_json(json_object *root, const struct module_status *st);
#endif

#endif
