/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deny-lists of factory-default credentials: every *.txt file of a
 * directory, one "user:password" pair a line ("user:" for an empty
 * password, '#' for comments). Only the distinct passwords matter: a
 * default password is a default whatever account carries it.
 */
#ifndef IOTGUARD_DENYLIST_H
#define IOTGUARD_DENYLIST_H

#include <stddef.h>
#include "error.h"
#include "paths.h"

#define DENYLIST_DEFAULT_DIR IOTGUARD_CONF_DIR "/credentials"
#define DENYLIST_MAX_PASSWORDS 65536
#define DENYLIST_MAX_LINE 1024

struct denylist {
	char **passwords;	/* distinct, in the order first seen */
	size_t count;
	size_t files;
};

/*
 * Load every list of dir. 0, or a negative errno with err set (a list that
 * cannot be read or has a bad line, or none at all): then list is empty.
 */
int denylist_load(const char *dir, struct denylist *list, struct iotguard_error *err);
void denylist_free(struct denylist *list);

#endif
