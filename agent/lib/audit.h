/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The credential audit: classifies every account of a credential store.
 * "Known default" means a deny-listed password verifies against the
 * account's own hash (libxcrypt, with the hash's own salt). Verdicts are
 * cached per hash string, so an unchanged account is never hashed again.
 */
#ifndef IOTGUARD_AUDIT_H
#define IOTGUARD_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include "accounts.h"
#include "denylist.h"
#include "error.h"

enum account_class {
	ACCOUNT_EMPTY,		/* no password at all */
	ACCOUNT_DEFAULT,	/* a deny-listed password verifies */
	ACCOUNT_WEAK_HASH,	/* DES, MD5 and other broken schemes */
	ACCOUNT_LOCKED,		/* "!", "*", or no usable hash: no password login */
	ACCOUNT_PROVISIONED,	/* a unique password under a strong scheme */
	/*
	 * The entry cannot be judged as the login programs would (duplicate,
	 * NIS, malformed, see accounts.h): flagged, since it might let anyone in.
	 */
	ACCOUNT_UNJUDGEABLE,
};

struct audit_verdict {
	enum account_class class;
	const char *scheme;	/* "sha512crypt", "DES", ... */
};

struct audit_cache_entry {
	char *hash;
	struct audit_verdict verdict;
};

struct audit {
	struct audit_cache_entry *cache;
	size_t cache_len;
	unsigned long crypt_calls;	/* for the cost benchmark and tests */
};

void audit_init(struct audit *audit);
void audit_free(struct audit *audit);

/* Classify one hash; consults and fills the cache. */
struct audit_verdict audit_hash(struct audit *audit, const char *hash,
				const struct denylist *denylist);

/*
 * Classify every account into verdicts[list->count], then drop cached
 * verdicts of hashes no account carries any more. Returns how many
 * accounts are flagged.
 */
size_t audit_accounts(struct audit *audit, const struct account_list *list,
		      const struct denylist *denylist,
		      struct audit_verdict *verdicts);

/* Flagged accounts make the device's credential state "default". */
bool audit_flagged(enum account_class class);
const char *account_class_name(enum account_class class);
/* The hash scheme's name, from its prefix (a static string). */
const char *hash_scheme(const char *hash);

/* One audit of a store, for the one-shot callers (iotguardctl, provisioning). */
struct audit_snapshot {
	struct account_list accounts;
	struct audit_verdict *verdicts;	/* accounts.count of them */
	size_t flagged;
	unsigned long crypt_calls;
};

/*
 * Read root's store and the deny-lists in lists, and classify every
 * account. 0, or a negative errno with err set (and nothing to free).
 */
int audit_snapshot(const char *root, const char *lists, struct audit_snapshot *snap,
		   struct iotguard_error *err);
void audit_snapshot_free(struct audit_snapshot *snap);

#endif
