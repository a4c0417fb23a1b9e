// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "errbuf.h"
#include "accounts.h"
#include "audit.h"
#include "denylist.h"
#include "password.h"
#include "provision.h"
#include "shadow_update.h"

#define HASH_MAX 512

struct target {
	const char *account;
	char password[PASSWORD_LEN];
	char hash[HASH_MAX];
};

#define set_error(error, ...) errbuf_set(error, PROVISION_ERROR_MAX, __VA_ARGS__)

static bool listed(const struct provisioning_policy *p, const char *name)
{
	if (!p->account_count)
		return true;
	for (size_t i = 0; i < p->account_count; i++)
		if (!strcmp(p->accounts[i], name))
			return true;
	return false;
}

static bool needs_password(enum account_class class, bool force)
{
	if (class == ACCOUNT_LOCKED || class == ACCOUNT_UNJUDGEABLE)
		return false;
	return force || class != ACCOUNT_PROVISIONED;
}

bool provisioned_before(const char *root)
{
	char path[512];

	return !root_path(path, sizeof(path), root, &PROVISION_STATE_FILE[1]) &&
	       access(path, F_OK) == 0;
}

static void mark_provisioned(const char *root)
{
	static const char *const dirs[] = { "var", "var/lib", "var/lib/iotguard" };
	char path[512], dir[512];
	int fd;

	if (root_path(path, sizeof(path), root, &PROVISION_STATE_FILE[1]))
		return;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!root_path(dir, sizeof(dir), root, dirs[i]))
			mkdir(dir, i == 2 ? 0700 : 0755);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
}

/* The delivery file: root-only, written before the store changes. */
static int deliver_file(const char *path, const struct target *targets, size_t n,
			char *error)
{
	char tmp[600];
	FILE *f;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600)) {
		set_error(error, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -1;
	}
	fprintf(f, "# iotguard: the device's own passwords. Note them, then delete this file.\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s:%s\n", targets[i].account, targets[i].password);
	if (fflush(f) || fsync(fileno(f)) || fclose(f) || rename(tmp, path)) {
		set_error(error, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static void deliver_console(const struct target *targets, size_t n)
{
	FILE *f = fopen("/dev/console", "we");

	if (!f)
		return;
	fprintf(f, "\n*** iotguard: this device's own login password%s ***\n",
		n > 1 ? "s" : "");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "***   %-12s %s\n", targets[i].account, targets[i].password);
	fprintf(f, "*** Note %s now: it is shown only this once. ***\n\n",
		n > 1 ? "them" : "it");
	fclose(f);
}

static int make_password(const struct iotguard_policy *policy, const char *root,
			 struct target *t, char *error)
{
	const struct provisioning_policy *p = &policy->provisioning;
	char id[DEVICE_ID_MAX], perr[PASSWORD_ERROR_MAX], path[512];

	if (p->method == PROVISION_RANDOM) {
		if (password_random(t->password, perr))
			goto fail;
	} else {
		if (root_path(path, sizeof(path), root, p->device_id_file + 1) ||
		    device_id_read(path, id, perr))
			goto fail;
		if (root_path(path, sizeof(path), root, p->secret_file + 1) ||
		    password_derived(path, t->account, id, t->password, perr))
			goto fail;
	}
	if (password_hash(t->password, (enum hash_scheme)p->scheme, t->hash,
			  sizeof(t->hash), perr))
		goto fail;
	return 0;
fail:
	set_error(error, "%s: %s", t->account, perr);
	return -1;
}

int provision(const char *root, const struct iotguard_policy *policy, bool force,
	      struct provision_result *result, char error[PROVISION_ERROR_MAX])
{
	char lists[512], aerr[AUDIT_ERROR_MAX];
	char serr[SHADOW_ERROR_MAX], deliver_path[512];
	const struct provisioning_policy *p = &policy->provisioning;
	struct shadow_change *changes = NULL;
	struct audit_snapshot snap = { 0 };
	struct target *targets = NULL;
	size_t n = 0;
	int ret = -1;

	memset(result, 0, sizeof(*result));
	if (root_path(lists, sizeof(lists), root, policy->deny_lists + 1)) {
		set_error(error, "%s: path too long", root);
		return -1;
	}
	if (audit_snapshot(root, lists, &snap, aerr)) {
		set_error(error, "%s", aerr);
		return -1;
	}
	targets = calloc(snap.accounts.count + 1, sizeof(*targets));
	changes = calloc(snap.accounts.count + 1, sizeof(*changes));
	if (!targets || !changes) {
		set_error(error, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < snap.accounts.count; i++) {
		const char *name = snap.accounts.items[i].name;

		/* Which line would we change? The owner must fix the store first. */
		if (listed(p, name) && snap.verdicts[i].class == ACCOUNT_UNJUDGEABLE) {
			set_error(error, "%s: cannot be judged as the login programs would (%s); "
				  "nothing was changed", name, snap.accounts.items[i].problem);
			goto out;
		}
		if (!listed(p, name) || !needs_password(snap.verdicts[i].class, force))
			continue;
		/* The login programs check passwd's field first: a new shadow hash changes nothing. */
		if (strcmp(snap.accounts.items[i].hash_from ? snap.accounts.items[i].hash_from : "",
			   "shadow")) {
			set_error(error, "%s: its password is in /etc/passwd, which the login programs "
				  "check before /etc/shadow; set that field to x and give the hash to "
				  "/etc/shadow", name);
			goto out;
		}
		if (p->method == PROVISION_USER) {
			result->waiting++;
			continue;
		}
		targets[n].account = name;
		if (make_password(policy, root, &targets[n], error))
			goto out;
		changes[n].account = targets[n].account;
		changes[n].hash = targets[n].hash;
		n++;
	}
	if (!n) {
		ret = 0;
		goto out;
	}
	/* Deliver first: a store changed without a delivered password locks the owner out. */
	deliver_path[0] = '\0';
	if (p->deliver_file[0]) {
		if (root_path(deliver_path, sizeof(deliver_path), root, p->deliver_file + 1) ||
		    deliver_file(deliver_path, targets, n, error))
			goto out;
	}
	if (shadow_update(root, changes, n, serr)) {
		set_error(error, "%s", serr);
		if (deliver_path[0])
			unlink(deliver_path);
		goto out;
	}
	if (p->deliver_console && !strcmp(root, "/"))
		deliver_console(targets, n);
	mark_provisioned(root);
	result->changed = n;
	ret = 0;
out:
	if (targets)
		explicit_bzero(targets, (snap.accounts.count + 1) * sizeof(*targets));
	free(targets);
	free(changes);
	audit_snapshot_free(&snap);
	return ret;
}
