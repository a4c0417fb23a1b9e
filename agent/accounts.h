/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The credential store (passwd + shadow) of a root filesystem: "/" on the
 * device, or an unpacked image at build time. Every line is parsed with the
 * C library's own parsers (fgetpwent_r, sgetspent_r); a line they refuse is
 * an error with its file:line, never silently skipped.
 */
#ifndef IOTGUARD_ACCOUNTS_H
#define IOTGUARD_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ACCOUNTS_ERROR_MAX 512
/* Longer lines are refused: no real passwd or shadow line comes near. */
#define ACCOUNTS_MAX_LINE 4096
#define ACCOUNTS_MAX 4096

struct account {
	char *name;
	uid_t uid;
	char *shell;
	/* The shadow hash, or passwd's field if it has no shadow entry. */
	char *hash;
};

struct account_list {
	struct account *items;
	size_t count;
};

/*
 * Read root's etc/passwd and etc/shadow. On "/" the shadow lock
 * (lckpwdf) is held while reading. Returns 0, or -1 with error filled.
 */
int accounts_read(const char *root, struct account_list *list,
		  char error[ACCOUNTS_ERROR_MAX]);
void accounts_free(struct account_list *list);

/* Build root + "/" + rel into out. Returns -1 if it does not fit. */
int root_path(char *out, size_t len, const char *root, const char *rel);

#endif
