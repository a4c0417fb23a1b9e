// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "errbuf.h"
#include "denylist.h"

#define set_error(error, ...) errbuf_set(error, DENYLIST_ERROR_MAX, __VA_ARGS__)

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

static int add(struct denylist *list, const char *password)
{
	char **grown;

	if (seen(list, password))
		return 0;
	if (list->count == DENYLIST_MAX_PASSWORDS)
		return -1;
	grown = realloc(list->passwords, (list->count + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	list->passwords = grown;
	list->passwords[list->count] = strdup(password);
	if (!list->passwords[list->count])
		return -1;
	list->count++;
	return 0;
}

static int load_file(const char *path, struct denylist *list, char *error)
{
	char line[DENYLIST_MAX_LINE];
	unsigned int lineno = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		set_error(error, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		char *colon;

		lineno++;
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			set_error(error, "%s:%u: line longer than %d bytes",
				 path, lineno, DENYLIST_MAX_LINE - 2);
			goto fail;
		}
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		colon = strchr(line, ':');
		if (!colon || colon == line) {
			set_error(error, "%s:%u: expected user:password",
				 path, lineno);
			goto fail;
		}
		if (add(list, colon + 1)) {
			set_error(error, "%s:%u: out of memory or more than %d passwords",
				 path, lineno, DENYLIST_MAX_PASSWORDS);
			goto fail;
		}
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

int denylist_load(const char *dir, struct denylist *list,
		  char error[DENYLIST_ERROR_MAX])
{
	struct dirent **names;
	char path[1024];
	int n, ret = 0;

	error[0] = '\0';
	memset(list, 0, sizeof(*list));
	n = scandir(dir, &names, select_list, by_name);
	if (n < 0) {
		set_error(error, "%s: cannot read the deny-lists: %s",
			 dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if (!ret) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			ret = load_file(path, list, error);
			list->files++;
		}
		free(names[i]);
	}
	free(names);
	if (!ret && list->files == 0) {
		/* An empty deny-list would pass every default: refuse it. */
		set_error(error, "%s: no deny-list (*.txt) found", dir);
		ret = -1;
	}
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
