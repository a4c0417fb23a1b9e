// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardd's watch over the credential store (cred_monitor.h): inotify on
 * etc and on where passwd and shadow really live, and the audit it runs.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/inotify.h>
#include "accounts.h"
#include "cred_monitor.h"
#include "iotguard.h"
#include "log.h"

static int load_lists(struct cred_monitor *m, const struct iotguard_policy *policy)
{
	struct iotguard_error err;
	struct denylist fresh;
	char path[512];
	int ret;

	ret = root_path(path, sizeof(path), m->root, policy->deny_lists + 1);
	if (ret)
		iotguard_fail(&err, -ret, "%s: path too long", m->root);
	else
		ret = denylist_load(path, &fresh, &err);
	if (ret) {
		log_err("credential audit: %s", err.msg);
		return -1;
	}
	denylist_free(&m->denylist);
	m->denylist = fresh;
	log_info("credential audit: %zu distinct default passwords from %zu deny-list(s)",
		 fresh.count, fresh.files);
	return 0;
}

#define STORE_EVENTS (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB)
static const char *const store_names[2] = { "passwd", "shadow" };
static const char *const store_paths[2] = { "etc/passwd", "etc/shadow" };

static bool wd_in_use(const struct cred_monitor *m, int wd)
{
	if (wd == m->etc_wd)
		return true;
	for (size_t i = 0; i < 2; i++)
		if (m->targets[i].wd == wd)
			return true;
	return false;
}

/*
 * Resolve etc/passwd and etc/shadow (every symlink on the way) and watch
 * the directory each really lives in, when that is not etc: a write to
 * the target never shows in etc. Called at start and whenever either
 * name changes in etc. A missing or dangling file is watched through etc
 * alone: creating it there is seen.
 */
static void watch_targets(struct cred_monitor *m)
{
	struct cred_store_target old[2];
	char etc_real[PATH_MAX], etc[512], path[512], real[PATH_MAX];

	memcpy(old, m->targets, sizeof(old));
	if (root_path(etc, sizeof(etc), m->root, "etc") || !realpath(etc, etc_real))
		etc_real[0] = '\0';
	for (size_t i = 0; i < 2; i++) {
		struct cred_store_target *t = &m->targets[i];
		char *slash;

		t->wd = -1;
		t->dir[0] = t->name[0] = '\0';
		if (root_path(path, sizeof(path), m->root, store_paths[i]) || !realpath(path, real))
			continue;
		slash = strrchr(real, '/');
		if (!slash)
			continue;
		*slash = '\0';
		snprintf(t->dir, sizeof(t->dir), "%s", real[0] ? real : "/");
		snprintf(t->name, sizeof(t->name), "%s", slash + 1);
		if (!strcmp(t->dir, etc_real) && !strcmp(t->name, store_names[i]))
			continue;	/* a plain file in etc: etc's watch sees it */
		t->wd = inotify_add_watch(m->inotify_fd, t->dir, STORE_EVENTS);
		if (t->wd < 0)
			log_err("cannot watch %s (where %s/etc/%s leads) for credential changes: %s",
				t->dir, m->root, store_names[i], strerror(errno));
		else if (old[i].wd != t->wd || strcmp(old[i].name, t->name))
			log_info("credential store: %s/etc/%s is %s/%s; watching %s too",
				 strcmp(m->root, "/") ? m->root : "", store_names[i], t->dir,
				 t->name, t->dir);
	}
	/* Drop the watches no name leads to any more (etc's stays). */
	for (size_t i = 0; i < 2; i++)
		if (old[i].wd >= 0 && !wd_in_use(m, old[i].wd))
			inotify_rm_watch(m->inotify_fd, old[i].wd);
}

int cred_monitor_init(struct cred_monitor *m, const char *root,
		      const struct iotguard_policy *policy)
{
	char etc[512];

	memset(m, 0, sizeof(*m));
	m->root = root;
	m->cred_state = IOTGUARD_CRED_DEFAULT;
	m->targets[0].wd = m->targets[1].wd = -1;
	audit_init(&m->audit);
	m->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (m->inotify_fd < 0 || root_path(etc, sizeof(etc), root, "etc") ||
	    (m->etc_wd = inotify_add_watch(m->inotify_fd, etc, STORE_EVENTS)) < 0) {
		log_err("cannot watch %s/etc for credential changes: %s", root, strerror(errno));
		return -1;
	}
	watch_targets(m);
	m->audit_due = true;
	return load_lists(m, policy);
}

void cred_monitor_free(struct cred_monitor *m)
{
	if (m->inotify_fd >= 0)
		close(m->inotify_fd);
	denylist_free(&m->denylist);
	audit_free(&m->audit);
}

int cred_monitor_reload(struct cred_monitor *m, const struct iotguard_policy *policy)
{
	if (load_lists(m, policy))
		return -1;
	/* Verdicts depend on the lists. */
	audit_free(&m->audit);
	m->audit_due = true;
	return 0;
}

int cred_monitor_fd(const struct cred_monitor *m)
{
	return m->inotify_fd;
}

static bool store_file(const char *name)
{
	return !strcmp(name, "passwd") || !strcmp(name, "shadow");
}

/* An event in a target's directory about the target itself. */
static bool target_event(const struct cred_monitor *m, const struct inotify_event *ev)
{
	for (size_t i = 0; i < 2; i++) {
		const struct cred_store_target *t = &m->targets[i];

		if (t->wd < 0 || ev->wd != t->wd)
			continue;
		/* The directory itself went away or moved: resolve again. */
		if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF))
			return true;
		if (ev->len && !strcmp(ev->name, t->name))
			return true;
	}
	return false;
}

void cred_monitor_read(struct cred_monitor *m)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool resolve = false;
	ssize_t n;

	while ((n = read(m->inotify_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			/* A name in etc changed: it may now lead elsewhere. */
			if (ev->wd == m->etc_wd && ev->len && store_file(ev->name))
				m->audit_due = resolve = true;
			if (target_event(m, ev))
				m->audit_due = resolve = true;
			if (ev->mask & IN_Q_OVERFLOW)
				m->audit_due = resolve = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (resolve)
		watch_targets(m);
}

static int cmp_uid(const void *a, const void *b)
{
	uid_t x = *(const uid_t *)a, y = *(const uid_t *)b;

	return x < y ? -1 : x > y;
}

int cred_monitor_audit(struct cred_monitor *m)
{
	struct iotguard_error err;
	uid_t flagged[CRED_MAX_FLAGGED];
	struct audit_verdict *verdicts;
	struct account_list list;
	unsigned long calls = m->audit.crypt_calls;
	size_t n = 0, flagged_accounts = 0;
	uint32_t state;
	int changed;

	m->audit_due = false;
	if (accounts_read(m->root, &list, &err)) {
		log_err("credential audit: %s; the device counts as having default credentials",
			err.msg);
		changed = m->cred_state != IOTGUARD_CRED_DEFAULT || !m->audited;
		m->cred_state = IOTGUARD_CRED_DEFAULT;
		m->audited = true;
		return changed ? 1 : -1;
	}
	verdicts = calloc(list.count + 1, sizeof(*verdicts));
	if (!verdicts) {
		accounts_free(&list);
		return -1;
	}
	audit_accounts(&m->audit, &list, &m->denylist, verdicts);
	for (size_t i = 0; i < list.count; i++) {
		if (!audit_flagged(verdicts[i].class))
			continue;
		flagged_accounts++;
		if (verdicts[i].class == ACCOUNT_UNJUDGEABLE)
			log_warn("account '%s' cannot be judged as the login programs would: %s",
				 list.items[i].name, list.items[i].problem);
		else
			log_warn("account '%s' (uid %u) has %s",
				 list.items[i].name, (unsigned int)list.items[i].uid,
				 verdicts[i].class == ACCOUNT_EMPTY ? "an empty password" :
				 "a known default password");
		/* An entry with no usable uid is no uid a login program can become. */
		if (n < CRED_MAX_FLAGGED && list.items[i].uid != ACCOUNT_NO_UID)
			flagged[n++] = list.items[i].uid;
	}
	qsort(flagged, n, sizeof(flagged[0]), cmp_uid);
	/* Counted apart from the uids: a flagged entry without one still counts. */
	state = flagged_accounts ? IOTGUARD_CRED_DEFAULT : IOTGUARD_CRED_PROVISIONED;
	changed = !m->audited || state != m->cred_state || n != m->flagged_count ||
		  memcmp(flagged, m->flagged, n * sizeof(flagged[0]));
	m->cred_state = state;
	memcpy(m->flagged, flagged, n * sizeof(flagged[0]));
	m->flagged_count = n;
	m->accounts = list.count;
	m->audited = true;
	log_info("credential audit: %zu account(s), %zu flagged, %lu crypt call(s)",
		 list.count, flagged_accounts, m->audit.crypt_calls - calls);
	free(verdicts);
	accounts_free(&list);
	return changed;
}
