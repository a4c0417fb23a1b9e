// SPDX-License-Identifier: GPL-2.0
/* Reading a root's passwd and shadow into accounts, as the login programs see them. */
#include <errno.h>
#include <stdarg.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "accounts.h"
#include "error.h"

int root_path(char *out, size_t len, const char *root, const char *rel)
{
	size_t n = strlen(root);
	int ret;

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (n == 1 && root[0] == '/')
		n = 0;
	ret = snprintf(out, len, "%.*s/%s", (int)n, root, rel);
	return ret < 0 || (size_t)ret >= len ? -ENAMETOOLONG : 0;
}

/*
 * Read one line into buf. Returns its length, 0 at EOF, -E2BIG if it is
 * longer than the buffer (the rest of it is consumed).
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
		return -E2BIG;
	}
	return (long)n;
}

static bool blank_or_comment(const char *line)
{
	line += strspn(line, " \t");
	return *line == '\0' || *line == '\n' || *line == '#';
}

/* One shadow line, kept until every line is read: the first one counts. */
struct shadow_line {
	char *name;
	char *field;
	unsigned int lineno;
};

/* What the walk over both files builds. */
struct store {
	struct account_list *list;
	size_t capacity;
	struct shadow_line *shadow;
	size_t shadow_count, shadow_capacity;
	const char *path;	/* the file being read, for file:line */
	unsigned int lineno;
};

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
		return -errno;
	ret = fgetpwent_r(mem, pw, buf, buflen, &res);
	fclose(mem);
	return ret ? -ret : !res ? -EINVAL : 0;
}

/* The text before the first colon: how a login program would name the line. */
static char *first_field(const char *line)
{
	size_t n = strcspn(line, ":");

	return strndup(line, n ? n : strlen(line));
}

/* A third field of digits only, as the login programs' parsers demand. */
static uid_t raw_uid(const char *line)
{
	const char *p = strchr(line, ':');
	unsigned long uid;
	char *end;

	if (!p || !(p = strchr(p + 1, ':')) || !(p[1] >= '0' && p[1] <= '9'))
		return ACCOUNT_NO_UID;
	uid = strtoul(p + 1, &end, 10);
	if ((*end != ':' && *end != '\0') || uid >= ACCOUNT_NO_UID)
		return ACCOUNT_NO_UID;
	return (uid_t)uid;
}

static int out_of_memory(struct iotguard_error *err)
{
	return iotguard_fail(err, ENOMEM, "out of memory");
}

/* The first problem found stays: it is the one with the earliest line. */
__attribute__((format(printf, 3, 4)))
static int set_problem(struct account *acct, struct iotguard_error *err, const char *fmt, ...)
{
	va_list ap;
	int ret;

	if (acct->problem)
		return 0;
	va_start(ap, fmt);
	ret = vasprintf(&acct->problem, fmt, ap);
	va_end(ap);
	if (ret < 0) {
		acct->problem = NULL;
		return out_of_memory(err);
	}
	return 0;
}

/*
 * Append an account as *acct; its strings are owned by the list from here
 * on (and freed here on failure). 0, or a negative errno with err set.
 */
static int add(struct store *st, char *name, uid_t uid, char *shell, char *hash,
	       struct account **acct, struct iotguard_error *err)
{
	int ret = 0;

	if (!name || !shell || !hash) {
		ret = out_of_memory(err);
		goto fail;
	}
	if (st->list->count == ACCOUNTS_MAX) {
		ret = iotguard_fail(err, E2BIG, "more than %d accounts", ACCOUNTS_MAX);
		goto fail;
	}
	if (st->list->count == st->capacity) {
		size_t cap = st->capacity ? st->capacity * 2 : 64;
		struct account *grown = realloc(st->list->items, cap * sizeof(*grown));

		if (!grown) {
			ret = out_of_memory(err);
			goto fail;
		}
		st->list->items = grown;
		st->capacity = cap;
	}
	*acct = &st->list->items[st->list->count++];
	**acct = (struct account){
		.name = name, .uid = uid, .shell = shell, .hash = hash,
	};
	return 0;
fail:
	free(name);
	free(shell);
	free(hash);
	return ret;
}

/* An entry the audit must flag, named by its line's first field. */
static int add_unjudgeable(struct store *st, const char *line, uid_t uid, const char *why,
			   struct iotguard_error *err)
{
	struct account *acct;
	int ret = add(st, first_field(line), uid, strdup(""), strdup(""), &acct, err);

	return ret ? ret : set_problem(acct, err, "%s:%u: %s", st->path, st->lineno, why);
}

/*
 * Parse line with the walk's parser. Returns 0, or a negative errno that
 * makes the whole store unreadable (out of memory, too many accounts).
 */
typedef int (*line_fn)(struct store *st, char *line, struct iotguard_error *err);

static int each_line(struct store *st, const char *path, line_fn parse,
		     struct iotguard_error *err)
{
	char line[ACCOUNTS_MAX_LINE];
	int ret = 0;
	long n;
	FILE *f;

	st->path = path;
	st->lineno = 0;
	f = fopen(path, "re");
	if (!f)
		return iotguard_fail_errno(err, errno, "%s: cannot open", path);
	while (!ret && (n = read_line(f, line, sizeof(line))) != 0) {
		st->lineno++;
		if (n < 0) {
			/* Cut short, it might read as another entry: the file is unusable. */
			ret = iotguard_fail(err, EINVAL, "line longer than %d bytes",
					    ACCOUNTS_MAX_LINE - 2);
		} else if (blank_or_comment(line)) {
			continue;
		} else {
			line[strcspn(line, "\n")] = '\0';
			ret = parse(st, line, err);
		}
		if (ret)
			iotguard_error_wrap(err, "%s:%u: ", path, st->lineno);
	}
	fclose(f);
	return ret;
}

static bool nis_line(const char *line)
{
	return line[0] == '+' || line[0] == '-';
}

static int passwd_line(struct store *st, char *line, struct iotguard_error *err)
{
	char buf[ACCOUNTS_MAX_LINE];
	struct account *acct, *first;
	struct passwd pw;
	size_t first_i;
	int ret;

	/*
	 * glibc's compat mode takes such an entry (and its password) from NIS
	 * or another source: nothing in the file says what login will check.
	 */
	if (nis_line(line))
		return add_unjudgeable(st, line, raw_uid(line),
				       "NIS compat entry ('+' or '-'): its password is not in this "
				       "file", err);
	if (parse_passwd_line(line, &pw, buf, sizeof(buf)))
		return add_unjudgeable(st, line, raw_uid(line), "not a valid passwd entry", err);
	first = find(st->list, pw.pw_name);
	/* By index: add() may move the list (found by tests/fuzz/accounts_fuzz.c). */
	first_i = first ? (size_t)(first - st->list->items) : 0;
	ret = add(st, strdup(pw.pw_name), pw.pw_uid, strdup(pw.pw_shell ? pw.pw_shell : ""),
		  strdup(pw.pw_passwd ? pw.pw_passwd : ""), &acct, err);
	if (ret)
		return ret;
	if (first)
		first = &st->list->items[first_i];
	acct->hash_from = "passwd";
	/* getpwnam finds the first, getpwuid may find either: judge neither. */
	if (first)
		ret = set_problem(first, err, "%s:%u: account '%s' listed twice in passwd",
				  st->path, st->lineno, pw.pw_name);
	if (first && !ret)
		ret = set_problem(acct, err, "%s:%u: account '%s' listed twice in passwd",
				  st->path, st->lineno, pw.pw_name);
	return ret;
}

static int shadow_line(struct store *st, char *line, struct iotguard_error *err)
{
	char buf[ACCOUNTS_MAX_LINE];
	struct spwd sp, *res = NULL;
	struct shadow_line *kept;
	struct account *acct;

	if (nis_line(line))
		return add_unjudgeable(st, line, ACCOUNT_NO_UID,
				       "NIS compat entry ('+' or '-') in shadow: its password is "
				       "not in this file", err);
	if (sgetspent_r(line, &sp, buf, sizeof(buf), &res) || !res) {
		char *name = first_field(line);

		if (!name)
			return out_of_memory(err);
		acct = find(st->list, name);
		free(name);
		if (!acct)
			return add_unjudgeable(st, line, ACCOUNT_NO_UID, "not a valid shadow entry",
					       err);
		return set_problem(acct, err, "%s:%u: not a valid shadow entry", st->path,
				   st->lineno);
	}
	acct = find(st->list, sp.sp_namp);
	if (!acct)
		return add_unjudgeable(st, line, ACCOUNT_NO_UID,
				       "in shadow but not in passwd: no login program can use it, "
				       "and a passwd line added later would", err);
	for (size_t i = 0; i < st->shadow_count; i++) {
		if (strcmp(st->shadow[i].name, sp.sp_namp))
			continue;
		/* getspnam returns the first; a tool that edits by name may change either. */
		return set_problem(acct, err, "%s:%u: account '%s' listed twice in shadow "
				   "(first at line %u)", st->path, st->lineno, sp.sp_namp,
				   st->shadow[i].lineno);
	}
	if (st->shadow_count == st->shadow_capacity) {
		size_t cap = st->shadow_capacity ? st->shadow_capacity * 2 : 64;
		struct shadow_line *grown = realloc(st->shadow, cap * sizeof(*grown));

		if (!grown)
			return out_of_memory(err);
		st->shadow = grown;
		st->shadow_capacity = cap;
	}
	kept = &st->shadow[st->shadow_count];
	kept->name = strdup(sp.sp_namp);
	kept->field = strdup(sp.sp_pwdp ? sp.sp_pwdp : "");
	kept->lineno = st->lineno;
	st->shadow_count++;
	return kept->name && kept->field ? 0 : out_of_memory(err);
}

/* The login programs' precedence: passwd's field unless "x" or "*". */
static int resolve(struct store *st, struct iotguard_error *err)
{
	for (size_t i = 0; i < st->list->count; i++) {
		struct account *acct = &st->list->items[i];
		char *field;

		if (!acct->hash_from ||
		    (strcmp(acct->hash, "x") && strcmp(acct->hash, "*")))
			continue;
		for (size_t j = 0; j < st->shadow_count; j++) {
			if (strcmp(st->shadow[j].name, acct->name))
				continue;
			field = strdup(st->shadow[j].field);
			if (!field)
				return out_of_memory(err);
			free(acct->hash);
			acct->hash = field;
			acct->hash_from = "shadow";
			break;
		}
	}
	return 0;
}

int accounts_read(const char *root, struct account_list *list, struct iotguard_error *err)
{
	char passwd_path[512], shadow_path[512];
	bool live = !strcmp(root, "/");
	struct store st = { .list = list };
	int ret;

	list->count = 0;
	list->items = NULL;
	if (root_path(passwd_path, sizeof(passwd_path), root, "etc/passwd") ||
	    root_path(shadow_path, sizeof(shadow_path), root, "etc/shadow"))
		return iotguard_fail(err, ENAMETOOLONG, "%s: path too long", root);
	/* Tools that follow the convention (passwd, chpasswd) wait for us. */
	if (live && lckpwdf())
		return iotguard_fail_errno(err, errno, "cannot take the shadow lock (lckpwdf)");
	ret = each_line(&st, passwd_path, passwd_line, err);
	if (!ret)
		ret = each_line(&st, shadow_path, shadow_line, err);
	if (live)
		ulckpwdf();
	if (!ret)
		ret = resolve(&st, err);
	for (size_t i = 0; i < st.shadow_count; i++) {
		free(st.shadow[i].name);
		free(st.shadow[i].field);
	}
	free(st.shadow);
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
		free(list->items[i].problem);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}
