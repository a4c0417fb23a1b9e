// SPDX-License-Identifier: GPL-2.0
/* Provisioning: choose the accounts, make their passwords, deliver them, rewrite the store. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "accounts.h"
#include "atomic_file.h"
#include "audit.h"
#include "denylist.h"
#include "error.h"
#include "password.h"
#include "provision.h"
#include "shadow_update.h"

#define HASH_MAX 512

struct target {
	const char *account;
	char password[PASSWORD_LEN];
	char hash[HASH_MAX];
};

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

int provision_mark_done(const char *root, struct iotguard_error *err)
{
	char path[512], dir[512];
	int fd;

	if (root_path(path, sizeof(path), root, &PROVISION_STATE_FILE[1]) ||
	    root_path(dir, sizeof(dir), root, &IOTGUARD_STATE_DIR[1]))
		return iotguard_fail(err, ENAMETOOLONG, "%s: path too long", root);
	/* Each directory down to the state directory (LOCALSTATEDIR may be deep): 0755, it 0700. */
	for (char *slash = strchr(dir + strlen(dir) - strlen(IOTGUARD_STATE_DIR) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(dir, 0755);
		*slash = '/';
	}
	mkdir(dir, 0700);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return iotguard_fail_errno(err, errno, "%s not written", path);
	/* Empty: nothing to cut short, but close reports a failed write-back. */
	if (close(fd))
		return iotguard_fail_errno(err, errno, "%s not written", path);
	return 0;
}

#define DELIVER_HEADER "# iotguard: the device's own passwords. Note them, then delete this file.\n"

/* The delivery file: root-only, written before the store changes. */
static int deliver_file(const char *path, const struct target *targets, size_t n,
			struct iotguard_error *err)
{
	/*
	 * No remove_stale: nothing keeps a second provisioner out here (the
	 * shadow lock is taken later, by shadow_update), and removing its
	 * temporary would fail its write. A killed run's temporary is root-only
	 * and holds passwords that never reached the store.
	 */
	const struct atomic_file_opts opts = { .mode = 0600, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	char dir[512], *slash, *text;
	size_t len = sizeof(DELIVER_HEADER);
	int dfd, ret;

	for (size_t i = 0; i < n; i++)
		len += strlen(targets[i].account) + 1 + strlen(targets[i].password) + 1;
	text = malloc(len);
	if (!text)
		return iotguard_fail(err, ENOMEM, "out of memory");
	len = (size_t)snprintf(text, len, "%s", DELIVER_HEADER);
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%s:%s\n", targets[i].account,
				       targets[i].password);
	/* root_path put a slash before the file's name: the directory is before it. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	dfd = open(slash == dir ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		ret = iotguard_fail_errno(err, errno, "%s not written: %s", path,
					  slash == dir ? "/" : dir);
	} else {
		ret = atomic_file_write_at(dfd, slash == dir ? "/" : dir, slash + 1, text, len,
					   &opts, err);
		close(dfd);
	}
	explicit_bzero(text, len);
	free(text);
	return ret;
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

/* An error names the account. */
static int make_password(const struct iotguard_policy *policy, const char *root,
			 struct target *t, struct iotguard_error *err)
{
	const struct provisioning_policy *p = &policy->provisioning;
	char id[DEVICE_ID_MAX], path[512];
	int ret;

	if (p->method == PROVISION_RANDOM) {
		ret = password_random(t->password, err);
	} else {
		ret = root_path(path, sizeof(path), root, p->device_id_file + 1);
		if (ret)
			iotguard_fail(err, -ret, "%s: path too long", root);
		else
			ret = device_id_read(path, id, err);
		if (!ret) {
			ret = root_path(path, sizeof(path), root, p->secret_file + 1);
			if (ret)
				iotguard_fail(err, -ret, "%s: path too long", root);
			else
				ret = password_derived(path, t->account, id, t->password, err);
		}
	}
	if (!ret)
		ret = password_hash(t->password, (enum hash_scheme)p->scheme, t->hash,
				    sizeof(t->hash), err);
	if (ret)
		iotguard_error_wrap(err, "%s: ", t->account);
	return ret;
}

int provision(const char *root, const struct iotguard_policy *policy, bool force,
	      struct provision_result *result, struct iotguard_error *err)
{
	const struct provisioning_policy *p = &policy->provisioning;
	char lists[512], deliver_path[512];
	struct shadow_change *changes = NULL;
	struct audit_snapshot snap = { 0 };
	struct target *targets = NULL;
	size_t n = 0;
	int ret;

	memset(result, 0, sizeof(*result));
	if (root_path(lists, sizeof(lists), root, policy->deny_lists + 1))
		return iotguard_fail(err, ENAMETOOLONG, "%s: path too long", root);
	ret = audit_snapshot(root, lists, &snap, err);
	if (ret)
		return ret;
	targets = calloc(snap.accounts.count + 1, sizeof(*targets));
	changes = calloc(snap.accounts.count + 1, sizeof(*changes));
	if (!targets || !changes) {
		ret = iotguard_fail(err, ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < snap.accounts.count; i++) {
		const char *name = snap.accounts.items[i].name;

		/* Which line would we change? The owner must fix the store first. */
		if (listed(p, name) && snap.verdicts[i].class == ACCOUNT_UNJUDGEABLE) {
			ret = iotguard_fail(err, EINVAL, "%s: cannot be judged as the login "
					    "programs would (%s); nothing was changed", name,
					    snap.accounts.items[i].problem);
			goto out;
		}
		if (!listed(p, name) || !needs_password(snap.verdicts[i].class, force))
			continue;
		/* The login programs check passwd's field first: a new shadow hash changes nothing. */
		if (strcmp(snap.accounts.items[i].hash_from ? snap.accounts.items[i].hash_from : "",
			   "shadow")) {
			ret = iotguard_fail(err, EINVAL, "%s: its password is in "
					    "/etc/passwd, which the login programs check before "
					    "/etc/shadow; set that field to x and give the hash "
					    "to /etc/shadow", name);
			goto out;
		}
		if (p->method == PROVISION_USER) {
			result->waiting++;
			continue;
		}
		targets[n].account = name;
		ret = make_password(policy, root, &targets[n], err);
		if (ret)
			goto out;
		changes[n].account = targets[n].account;
		changes[n].hash = targets[n].hash;
		n++;
	}
	if (!n)
		goto out;
	/* Deliver first: a store changed without a delivered password locks the owner out. */
	deliver_path[0] = '\0';
	if (p->deliver_file[0]) {
		ret = root_path(deliver_path, sizeof(deliver_path), root, p->deliver_file + 1);
		if (ret) {
			iotguard_fail(err, -ret, "%s: path too long", root);
			goto out;
		}
		ret = deliver_file(deliver_path, targets, n, err);
		if (ret)
			goto out;
	}
	ret = shadow_update(root, changes, n, err);
	if (ret) {
		if (deliver_path[0])
			unlink(deliver_path);
		goto out;
	}
	if (p->deliver_console && !strcmp(root, "/"))
		deliver_console(targets, n);
	result->unrecorded = provision_mark_done(root, &result->record_error) != 0;
	result->changed = n;
out:
	if (targets)
		explicit_bzero(targets, (snap.accounts.count + 1) * sizeof(*targets));
	free(targets);
	free(changes);
	audit_snapshot_free(&snap);
	return ret;
}
