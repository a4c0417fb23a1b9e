// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "errbuf.h"
#include "accounts.h"

#define set_error(error, ...) errbuf_set(error, ACCOUNTS_ERROR_MAX, __VA_ARGS__)

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

/*
 * Call parse(line) for every line of path that is not blank or a comment.
 * parse returns an error message (formatted into msg) or NULL; the first
 * error stops the walk and becomes "path:line: message".
 */
typedef const char *(*line_fn)(char *line, struct account_list *list,
			       char *msg, size_t msg_len);

static int each_line(const char *path, struct account_list *list, line_fn parse,
		     char *error)
{
	char line[ACCOUNTS_MAX_LINE], msg[256];
	unsigned int lineno = 0;
	const char *problem;
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
			snprintf(msg, sizeof(msg), "line longer than %d bytes", ACCOUNTS_MAX_LINE - 2);
			problem = msg;
		} else if (blank_or_comment(line)) {
			continue;
		} else {
			line[strcspn(line, "\n")] = '\0';
			problem = parse(line, list, msg, sizeof(msg));
		}
		if (problem) {
			set_error(error, "%s:%u: %s", path, lineno, problem);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static const char *passwd_line(char *line, struct account_list *list, char *msg,
			       size_t msg_len)
{
	char buf[ACCOUNTS_MAX_LINE];
	struct passwd pw;

	if (parse_passwd_line(line, &pw, buf, sizeof(buf)))
		return "not a valid passwd entry";
	if (find(list, pw.pw_name)) {
		snprintf(msg, msg_len, "account '%s' listed twice", pw.pw_name);
		return msg;
	}
	if (list->count == ACCOUNTS_MAX) {
		snprintf(msg, msg_len, "more than %d accounts", ACCOUNTS_MAX);
		return msg;
	}
	list->items[list->count++] = (struct account){
		.name = strdup(pw.pw_name),
		.uid = pw.pw_uid,
		.shell = strdup(pw.pw_shell ? pw.pw_shell : ""),
		.hash = strdup(pw.pw_passwd ? pw.pw_passwd : ""),
	};
	return NULL;
}

static const char *shadow_line(char *line, struct account_list *list, char *msg,
			       size_t msg_len)
{
	char buf[ACCOUNTS_MAX_LINE];
	struct spwd sp, *res = NULL;
	struct account *acct;

	if (sgetspent_r(line, &sp, buf, sizeof(buf), &res) || !res)
		return "not a valid shadow entry";
	acct = find(list, sp.sp_namp);
	if (!acct) {
		snprintf(msg, msg_len, "account '%s' is not in passwd", sp.sp_namp);
		return msg;
	}
	free(acct->hash);
	acct->hash = strdup(sp.sp_pwdp ? sp.sp_pwdp : "");
	return NULL;
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
	ret = each_line(passwd_path, list, passwd_line, error);
	if (!ret)
		ret = each_line(shadow_path, list, shadow_line, error);
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
