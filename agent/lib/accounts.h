/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The credential store (passwd + shadow) of a root filesystem: "/" on the
 * device, or an unpacked image at build time. Every line is parsed with the
 * C library's own parsers (fgetpwent_r, sgetspent_r).
 *
 * Each account carries the password field its login programs will check,
 * with their precedence: busybox login/su and pam_unix use passwd's field
 * unless it is "x" (busybox: also "*"), and only then shadow's, through
 * getspnam, which returns the first of duplicate lines. An entry that
 * cannot be judged exactly as they would (a duplicate name in either file,
 * a shadow line without a passwd line, a NIS "+"/"-" line, a line the
 * parsers refuse) is kept with its reason and file:line in `problem`,
 * never skipped: the audit flags it.
 */
#ifndef IOTGUARD_ACCOUNTS_H
#define IOTGUARD_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "error.h"

/* Longer lines are refused: no real passwd or shadow line comes near. */
#define ACCOUNTS_MAX_LINE 4096
#define ACCOUNTS_MAX 4096

struct account {
	char *name;
	uid_t uid;
	char *shell;
	/* The field the login programs check (see above); "" if none. */
	char *hash;
	const char *hash_from;	/* "passwd" or "shadow" (static), NULL if none */
	/* NULL, or why it cannot be judged as the login programs would. */
	char *problem;
};

/* The uid of an entry whose line gave none that can be trusted. */
#define ACCOUNT_NO_UID ((uid_t)-1)

struct account_list {
	struct account *items;
	size_t count;
};

/*
 * Read root's etc/passwd and etc/shadow. On "/" the shadow lock
 * (lckpwdf) is held while reading. Returns 0, or a negative errno with err
 * set when a file cannot be read at all (missing, a line longer than
 * ACCOUNTS_MAX_LINE, more than ACCOUNTS_MAX entries, out of memory): then
 * there is nothing to free.
 */
int accounts_read(const char *root, struct account_list *list, struct iotguard_error *err);
void accounts_free(struct account_list *list);

/* Build root + "/" + rel into out. Returns -ENAMETOOLONG if it does not fit. */
int root_path(char *out, size_t len, const char *root, const char *rel);

#endif
