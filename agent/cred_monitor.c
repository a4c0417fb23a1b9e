// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
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
	char path[512], error[DENYLIST_ERROR_MAX];
	struct denylist fresh;

	if (root_path(path, sizeof(path), m->root, policy->deny_lists + 1) ||
	    denylist_load(path, &fresh, error)) {
		log_err("credential audit: %s", error);
		return -1;
	}
	denylist_free(&m->denylist);
	m->denylist = fresh;
	log_info("credential audit: %zu distinct default passwords from %zu deny-list(s)",
		 fresh.count, fresh.files);
	return 0;
}

int cred_monitor_init(struct cred_monitor *m, const char *root,
		      const struct iotguard_policy *policy)
{
	char etc[512];

	memset(m, 0, sizeof(*m));
	m->root = root;
	m->cred_state = IOTGUARD_CRED_DEFAULT;
	audit_init(&m->audit);
	m->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (m->inotify_fd < 0 || root_path(etc, sizeof(etc), root, "etc") ||
	    inotify_add_watch(m->inotify_fd, etc, IN_CLOSE_WRITE | IN_MOVED_TO |
			      IN_CREATE | IN_DELETE | IN_ATTRIB) < 0) {
		log_err("cannot watch %s/etc for credential changes: %s", root, strerror(errno));
		return -1;
	}
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

void cred_monitor_read(struct cred_monitor *m)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(m->inotify_fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if (ev->len && store_file(ev->name))
				m->audit_due = true;
			if (ev->mask & IN_Q_OVERFLOW)
				m->audit_due = true;
			p += sizeof(*ev) + ev->len;
		}
	}
}

static int cmp_uid(const void *a, const void *b)
{
	uid_t x = *(const uid_t *)a, y = *(const uid_t *)b;

	return x < y ? -1 : x > y;
}

int cred_monitor_audit(struct cred_monitor *m)
{
	char error[ACCOUNTS_ERROR_MAX];
	uid_t flagged[CRED_MAX_FLAGGED];
	struct audit_verdict *verdicts;
	struct account_list list;
	unsigned long calls = m->audit.crypt_calls;
	size_t n = 0, flagged_accounts = 0;
	uint32_t state;
	int changed;

	m->audit_due = false;
	if (accounts_read(m->root, &list, error)) {
		log_err("credential audit: %s; the device counts as having default credentials",
			error);
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
