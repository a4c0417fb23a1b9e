// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "accounts.h"

__attribute__((format(printf, 2, 3)))
static void set_error(char *error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error, ACCOUNTS_ERROR_MAX, fmt, ap);
	va_end(ap);
}

int root_path(char *out, size_t len, const char *root, const char *rel)
{
	size_t n = strlen(root);
	int ret;

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (n == 1 && root[0] == '/')
		n = 0;
	ret = snprintf(out, len, "%.*s/%s", (int)n, root, rel);
	return ret < 0 || (size_t)ret >= len ? -1 : 0;
}

/*
 * Read one line into buf. Returns its length, 0 at EOF, -1 if it is longer
 * than the buffer (the rest of it is consumed).
 */
static long read_line(FILE *f, char *buf, size_t len)
{
	size_t n;
	int c;

	if (!fgets(buf, (int)len, f))
		return 0;
	n = strlen(buf);
	if (n == len - 1 && buf[n - 1] != '\n') {
		while ((c = fgetc(f)) != EOF && c != '\n')
			;
		return -1;
	}
	return (long)n;
}

static bool blank_or_comment(const char *line)
{
	line += strspn(line, " \t");
	return *line == '\0' || *line == '\n' || *line == '#';
}

static struct account *find(struct account_list *list, const char *name)
{
	for (size_t i = 0; i < list->count; i++)
		if (!strcmp(list->items[i].name, name))
			return &list->items[i];
	return NULL;
}

/* Parse a passwd line with the C library's own parser. */
static int parse_passwd_line(const char *line, struct passwd *pw, char *buf,
			     size_t buflen)
{
	struct passwd *res = NULL;
	FILE *mem = fmemopen((void *)line, strlen(line), "r");
	int ret;

	if (!mem)
		return -1;
	ret = fgetpwent_r(mem, pw, buf, buflen, &res);
	fclose(mem);
	return ret || !res ? -1 : 0;
}

static int read_passwd(const char *path, struct account_list *list, char *error)
{
	char line[ACCOUNTS_MAX_LINE], buf[ACCOUNTS_MAX_LINE];
	unsigned int lineno = 0;
	struct passwd pw;
	long n;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		set_error(error, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read_line(f, line, sizeof(line))) != 0) {
		lineno++;
		if (n < 0) {
			set_error(error, "%s:%u: line longer than %d bytes",
				 path, lineno, ACCOUNTS_MAX_LINE - 2);
			goto fail;
		}
		if (blank_or_comment(line))
			continue;
		if (parse_passwd_line(line, &pw, buf, sizeof(buf))) {
			set_error(error, "%s:%u: not a valid passwd entry",
				 path, lineno);
			goto fail;
		}
		if (find(list, pw.pw_name)) {
			set_error(error, "%s:%u: account '%s' listed twice",
				 path, lineno, pw.pw_name);
			goto fail;
		}
		if (list->count == ACCOUNTS_MAX) {
			set_error(error, "%s:%u: more than %d accounts",
				 path, lineno, ACCOUNTS_MAX);
			goto fail;
		}
		list->items[list->count++] = (struct account){
			.name = strdup(pw.pw_name),
			.uid = pw.pw_uid,
			.shell = strdup(pw.pw_shell ? pw.pw_shell : ""),
			.hash = strdup(pw.pw_passwd ? pw.pw_passwd : ""),
		};
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

static int read_shadow(const char *path, struct account_list *list, char *error)
{
	char line[ACCOUNTS_MAX_LINE], buf[ACCOUNTS_MAX_LINE];
	unsigned int lineno = 0;
	struct spwd sp, *res;
	struct account *acct;
	long n;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		set_error(error, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	while ((n = read_line(f, line, sizeof(line))) != 0) {
		lineno++;
		if (n < 0) {
			set_error(error, "%s:%u: line longer than %d bytes",
				 path, lineno, ACCOUNTS_MAX_LINE - 2);
			goto fail;
		}
		if (blank_or_comment(line))
			continue;
		line[strcspn(line, "\n")] = '\0';
		res = NULL;
		if (sgetspent_r(line, &sp, buf, sizeof(buf), &res) || !res) {
			set_error(error, "%s:%u: not a valid shadow entry",
				 path, lineno);
			goto fail;
		}
		acct = find(list, sp.sp_namp);
		if (!acct) {
			set_error(error, "%s:%u: account '%s' is not in passwd",
				 path, lineno, sp.sp_namp);
			goto fail;
		}
		free(acct->hash);
		acct->hash = strdup(sp.sp_pwdp ? sp.sp_pwdp : "");
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

int accounts_read(const char *root, struct account_list *list,
		  char error[ACCOUNTS_ERROR_MAX])
{
	char passwd_path[512], shadow_path[512];
	bool live = !strcmp(root, "/");
	int ret = -1;

	error[0] = '\0';
	list->count = 0;
	list->items = calloc(ACCOUNTS_MAX, sizeof(*list->items));
	if (!list->items) {
		set_error(error, "out of memory");
		return -1;
	}
	if (root_path(passwd_path, sizeof(passwd_path), root, "etc/passwd") ||
	    root_path(shadow_path, sizeof(shadow_path), root, "etc/shadow")) {
		set_error(error, "%s: path too long", root);
		goto out;
	}
	/* Tools that follow the convention (passwd, chpasswd) wait for us. */
	if (live && lckpwdf()) {
		set_error(error, "cannot take the shadow lock (lckpwdf): %s",
			 strerror(errno));
		goto out;
	}
	ret = read_passwd(passwd_path, list, error);
	if (!ret)
		ret = read_shadow(shadow_path, list, error);
	if (live)
		ulckpwdf();
	for (size_t i = 0; !ret && i < list->count; i++) {
		if (!list->items[i].name || !list->items[i].shell || !list->items[i].hash) {
			set_error(error, "out of memory");
			ret = -1;
		}
	}
out:
	if (ret)
		accounts_free(list);
	return ret;
}

void accounts_free(struct account_list *list)
{
	for (size_t i = 0; list->items && i < list->count; i++) {
		free(list->items[i].name);
		free(list->items[i].shell);
		free(list->items[i].hash);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}
