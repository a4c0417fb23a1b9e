// SPDX-License-Identifier: GPL-2.0
/* Loading the deny-lists of factory-default passwords from a directory. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "denylist.h"
#include "error.h"

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static bool is_list(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 && !strcmp(d->d_name + n - 4, ".txt");
}

static int select_list(const struct dirent *d)
{
	return is_list(d);
}

static bool seen(const struct denylist *list, const char *password)
{
	for (size_t i = 0; i < list->count; i++)
		if (!strcmp(list->passwords[i], password))
			return true;
	return false;
}

/* 0, -E2BIG past DENYLIST_MAX_PASSWORDS, or -ENOMEM. */
static int add(struct denylist *list, const char *password)
{
	char **grown;

	if (seen(list, password))
		return 0;
	if (list->count == DENYLIST_MAX_PASSWORDS)
		return -E2BIG;
	grown = realloc(list->passwords, (list->count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	list->passwords = grown;
	list->passwords[list->count] = strdup(password);
	if (!list->passwords[list->count])
		return -ENOMEM;
	list->count++;
	return 0;
}

static int load_file(const char *path, struct denylist *list, struct iotguard_error *err)
{
	char line[DENYLIST_MAX_LINE];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f)
		return iotguard_fail_errno(err, errno, "%s: cannot open", path);
	while (!ret && fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		char *colon;

		lineno++;
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			ret = iotguard_fail(err, EINVAL, "%s:%u: line longer than %d bytes",
					    path, lineno, DENYLIST_MAX_LINE - 2);
			break;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		colon = strchr(line, ':');
		if (!colon || colon == line) {
			ret = iotguard_fail(err, EINVAL, "%s:%u: expected user:password",
					    path, lineno);
			break;
		}
		ret = add(list, colon + 1);
		if (ret)
			iotguard_fail(err, -ret, "%s:%u: out of memory or more than %d passwords",
				      path, lineno, DENYLIST_MAX_PASSWORDS);
	}
	fclose(f);
	return ret;
}

int denylist_load(const char *dir, struct denylist *list, struct iotguard_error *err)
{
	struct dirent **names;
	char path[1024];
	int n, ret = 0;

	memset(list, 0, sizeof(*list));
	n = scandir(dir, &names, select_list, by_name);
	if (n < 0)
		return iotguard_fail_errno(err, errno, "%s: cannot read the deny-lists", dir);
	for (int i = 0; i < n; i++) {
		if (!ret) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			ret = load_file(path, list, err);
			list->files++;
		}
		free(names[i]);
	}
	free(names);
	/* An empty deny-list would pass every default: refuse it. */
	if (!ret && list->files == 0)
		ret = iotguard_fail(err, ENOENT, "%s: no deny-list (*.txt) found", dir);
	if (ret)
		denylist_free(list);
	return ret;
}

void denylist_free(struct denylist *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->passwords[i]);
	free(list->passwords);
	memset(list, 0, sizeof(*list));
}
