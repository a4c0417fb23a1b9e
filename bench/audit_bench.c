// SPDX-License-Identifier: GPL-2.0
/*
 * The credential audit's cost, counted in crypt() calls (repeatable on any
 * machine), with wall time beside it. A store of N accounts with unique
 * passwords is audited; then again unchanged; then with one account changed.
 * Usage: audit_bench DENYLIST_DIR [N]
 */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "accounts.h"
#include "audit.h"
#include "denylist.h"

static char root[] = "/tmp/iotguard-audit-bench-XXXXXX";

static void write_store(int n, int changed)
{
	char path[128], salt[64], pw[64];
	FILE *passwd, *shadow;

	snprintf(path, sizeof(path), "%s/etc/passwd", root);
	passwd = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/etc/shadow", root);
	shadow = fopen(path, "w");
	for (int i = 0; i < n; i++) {
		snprintf(salt, sizeof(salt), "$6$benchsalt%d$", i);
		snprintf(pw, sizeof(pw), "unique-%d-%d", i, i == changed);
		fprintf(passwd, "user%d:x:%d:%d::/:/bin/sh\n", i, 1000 + i, 1000 + i);
		fprintf(shadow, "user%d:%s:19000:0:99999:7:::\n", i, crypt(pw, salt));
	}
	fclose(passwd);
	fclose(shadow);
}

static void run(const char *what, struct audit *audit, const struct denylist *list, int n)
{
	struct audit_verdict *verdicts = calloc((size_t)n, sizeof(*verdicts));
	unsigned long before = audit->crypt_calls;
	struct iotguard_error err;
	struct account_list accounts;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (accounts_read(root, &accounts, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
	audit_accounts(audit, &accounts, list, verdicts);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("  %-34s %6lu crypt calls  %8.1f ms\n", what, audit->crypt_calls - before,
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	accounts_free(&accounts);
	free(verdicts);
}

int main(int argc, char **argv)
{
	int n = argc > 2 ? atoi(argv[2]) : 10;
	struct iotguard_error err = { 0 };
	struct denylist list;
	char etc[128], cmd[128];
	struct audit audit;

	if (argc < 2 || denylist_load(argv[1], &list, &err)) {
		fprintf(stderr, "usage: audit_bench DENYLIST_DIR [N]\n%s\n", err.msg);
		return 2;
	}
	if (!mkdtemp(root))
		return 1;
	snprintf(etc, sizeof(etc), "%s/etc", root);
	mkdir(etc, 0755);
	audit_init(&audit);
	printf("audit of %d accounts with unique passwords, deny-list of %zu passwords:\n",
	       n, list.count);
	write_store(n, -1);
	run("first audit (expect N x list)", &audit, &list, n);
	run("unchanged store (expect 0)", &audit, &list, n);
	write_store(n, 3 % n);
	run("one account changed (expect list)", &audit, &list, n);
	audit_free(&audit);
	denylist_free(&list);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd) ? 1 : 0;
}
