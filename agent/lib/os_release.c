// SPDX-License-Identifier: GPL-2.0
/* Reading os-release(5) files: one key's value, and the software version. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "os_release.h"

static void unquote(char *value)
{
	size_t n = strlen(value);

	if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0]) {
		memmove(value, value + 1, n - 2);
		value[n - 2] = '\0';
	}
}

int os_release_get(const char *path, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);
	char line[512];
	int ret = -ENOENT;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, key, klen) || line[klen] != '=')
			continue;
		unquote(line + klen + 1);
		snprintf(out, len, "%s", line + klen + 1);
		ret = 0;	/* the last assignment wins, as in a shell */
	}
	fclose(f);
	return ret;
}

int software_version(const char *file, char *out, size_t len)
{
	char line[256];
	FILE *f;

	if (!os_release_get(file, "VERSION_ID", out, len) ||
	    !os_release_get(file, "VERSION", out, len))
		return 0;
	f = fopen(file, "r");
	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -ENOENT;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	snprintf(out, len, "%s", line);
	return line[0] ? 0 : -ENOENT;
}
