// SPDX-License-Identifier: GPL-2.0
/* The credential audit: each account's hash classified, verdicts cached by hash. */
#include <crypt.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "audit.h"

/* crypt(5) prefixes, strongest first: a table, its rows alike by design. */
static const struct {
	const char *prefix;
	const char *name;
	bool weak;
} schemes[] = {
	{ "$y$", "yescrypt", false },
	{ "$gy$", "gost-yescrypt", false },
	{ "$7$", "scrypt", false },
	{ "$2b$", "bcrypt", false },
	{ "$2y$", "bcrypt", false },
	{ "$2a$", "bcrypt", false },
	{ "$6$", "sha512crypt", false },
	{ "$5$", "sha256crypt", false },
	{ "$sha1$", "sha1crypt", true },
	{ "$md5", "sunmd5", true },
	{ "$1$", "md5crypt", true },
	{ "$3$", "NT", true },
	{ "_", "bsdicrypt (DES)", true },
};

void audit_init(struct audit *audit)
{
	memset(audit, 0, sizeof(*audit));
}

void audit_free(struct audit *audit)
{
	for (size_t i = 0; i < audit->cache_len; i++)
		free(audit->cache[i].hash);
	free(audit->cache);
	audit_init(audit);
}

static bool is_des(const char *hash)
{
	return strlen(hash) == 13 &&
	       strspn(hash, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == 13;
}

const char *hash_scheme(const char *hash)
{
	if (!hash[0])
		return "none";
	if (hash[0] == '!' || hash[0] == '*')
		return "locked";
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (!strncmp(hash, schemes[i].prefix, strlen(schemes[i].prefix)))
			return schemes[i].name;
	return is_des(hash) ? "DES" : "unknown";
}

static bool weak_scheme(const char *hash)
{
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (!strncmp(hash, schemes[i].prefix, strlen(schemes[i].prefix)))
			return schemes[i].weak;
	return is_des(hash);
}

/* Does password verify against hash? One crypt call, counted. */
static bool verifies(struct audit *audit, const char *password, const char *hash)
{
	struct crypt_data data;
	bool match;

	memset(&data, 0, sizeof(data));
	audit->crypt_calls++;
	if (!crypt_rn(password, hash, &data, sizeof(data)))
		return false;
	match = !strcmp(data.output, hash);
	explicit_bzero(&data, sizeof(data));
	return match;
}

static struct audit_verdict classify(struct audit *audit, const char *hash,
				     const struct denylist *denylist)
{
	struct audit_verdict v = { .scheme = hash_scheme(hash) };

	if (!hash[0]) {
		v.class = ACCOUNT_EMPTY;
		return v;
	}
	/* Locked, or a hash no crypt accepts: no password can log in. */
	if (hash[0] == '!' || hash[0] == '*' ||
	    crypt_checksalt(hash) == CRYPT_SALT_INVALID) {
		v.class = ACCOUNT_LOCKED;
		return v;
	}
	for (size_t i = 0; i < denylist->count; i++) {
		if (verifies(audit, denylist->passwords[i], hash)) {
			v.class = ACCOUNT_DEFAULT;
			return v;
		}
	}
	v.class = weak_scheme(hash) ? ACCOUNT_WEAK_HASH : ACCOUNT_PROVISIONED;
	return v;
}

struct audit_verdict audit_hash(struct audit *audit, const char *hash,
				const struct denylist *denylist)
{
	struct audit_cache_entry *grown;
	struct audit_verdict v;

	for (size_t i = 0; i < audit->cache_len; i++)
		if (!strcmp(audit->cache[i].hash, hash))
			return audit->cache[i].verdict;
	v = classify(audit, hash, denylist);
	grown = realloc(audit->cache, (audit->cache_len + 1) * sizeof(*grown));
	if (grown) {
		audit->cache = grown;
		audit->cache[audit->cache_len].hash = strdup(hash);
		audit->cache[audit->cache_len].verdict = v;
		if (audit->cache[audit->cache_len].hash)
			audit->cache_len++;
	}
	return v;
}

bool audit_flagged(enum account_class class)
{
	return class == ACCOUNT_EMPTY || class == ACCOUNT_DEFAULT ||
	       class == ACCOUNT_UNJUDGEABLE;
}

const char *account_class_name(enum account_class class)
{
	static const char *const names[] = {
		[ACCOUNT_EMPTY] = "empty password",
		[ACCOUNT_DEFAULT] = "known default",
		[ACCOUNT_WEAK_HASH] = "weak hash scheme",
		[ACCOUNT_LOCKED] = "locked",
		[ACCOUNT_PROVISIONED] = "provisioned",
		[ACCOUNT_UNJUDGEABLE] = "cannot be judged",
	};

	return class <= ACCOUNT_UNJUDGEABLE ? names[class] : "invalid";
}

static bool carried(const struct account_list *list, const char *hash)
{
	for (size_t i = 0; i < list->count; i++)
		if (!strcmp(list->items[i].hash, hash))
			return true;
	return false;
}

size_t audit_accounts(struct audit *audit, const struct account_list *list,
		      const struct denylist *denylist,
		      struct audit_verdict *verdicts)
{
	size_t flagged = 0, kept = 0;

	for (size_t i = 0; i < list->count; i++) {
		if (list->items[i].problem) {
			/* Not hashed: whatever the field says, login may check another. */
			verdicts[i] = (struct audit_verdict){
				.class = ACCOUNT_UNJUDGEABLE, .scheme = "unknown",
			};
			flagged++;
			continue;
		}
		verdicts[i] = audit_hash(audit, list->items[i].hash, denylist);
		flagged += audit_flagged(verdicts[i].class);
	}
	for (size_t i = 0; i < audit->cache_len; i++) {
		if (carried(list, audit->cache[i].hash))
			audit->cache[kept++] = audit->cache[i];
		else
			free(audit->cache[i].hash);
	}
	audit->cache_len = kept;
	return flagged;
}

int audit_snapshot(const char *root, const char *lists, struct audit_snapshot *snap,
		   struct iotguard_error *err)
{
	struct denylist denylist;
	struct audit audit;
	int ret;

	memset(snap, 0, sizeof(*snap));
	ret = denylist_load(lists, &denylist, err);
	if (ret)
		return ret;
	ret = accounts_read(root, &snap->accounts, err);
	if (ret) {
		denylist_free(&denylist);
		return ret;
	}
	snap->verdicts = calloc(snap->accounts.count + 1, sizeof(*snap->verdicts));
	if (!snap->verdicts) {
		accounts_free(&snap->accounts);
		denylist_free(&denylist);
		return iotguard_fail(err, ENOMEM, "out of memory");
	}
	audit_init(&audit);
	snap->flagged = audit_accounts(&audit, &snap->accounts, &denylist, snap->verdicts);
	snap->crypt_calls = audit.crypt_calls;
	audit_free(&audit);
	denylist_free(&denylist);
	return 0;
}

void audit_snapshot_free(struct audit_snapshot *snap)
{
	free(snap->verdicts);
	accounts_free(&snap->accounts);
	snap->verdicts = NULL;
}
