// SPDX-License-Identifier: GPL-2.0
/* Reading one option of the running kernel's build configuration (kconfig.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>
#include "kconfig.h"

/* A distribution's .config is about 250 KiB; anything past this is not one. */
#define KCONFIG_MAX_BYTES (16u << 20)

enum kconfig_answer kconfig_lookup(const char *text, size_t len, const char *option)
{
	size_t olen = strlen(option);
	bool any = false;

	for (const char *line = text, *end = text + len; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);

		if (n >= 7 && !memcmp(line, "CONFIG_", 7))
			any = true;
		else if (n >= 9 && !memcmp(line, "# CONFIG_", 9))
			any = true;
		/* Exactly the option: CONFIG_MODULE_FORCE_UNLOAD_X is another. */
		if (n > olen + 1 && !memcmp(line, option, olen) && line[olen] == '=')
			return line[olen + 1] == 'y' || line[olen + 1] == 'm' ? KCONFIG_SET :
			       KCONFIG_NOT_SET;
		line += n + (nl ? 1 : 0);
	}
	return any ? KCONFIG_NOT_SET : KCONFIG_UNKNOWN;
}

/* The whole of a file through zlib (which also reads a plain file as is). */
static char *slurp(const char *path, size_t *len)
{
	size_t cap = 64 << 10, n = 0;
	char *buf = malloc(cap), *grown;
	gzFile gz;
	int got;

	if (!buf)
		return NULL;
	gz = gzopen(path, "rb");
	if (!gz) {
		free(buf);
		return NULL;
	}
	while ((got = gzread(gz, buf + n, (unsigned int)(cap - n))) > 0) {
		n += (size_t)got;
		if (n < cap)
			continue;
		if (cap >= KCONFIG_MAX_BYTES || !(grown = realloc(buf, cap * 2))) {
			got = -1;
			break;
		}
		buf = grown;
		cap *= 2;
	}
	gzclose(gz);
	if (got < 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static enum kconfig_answer from_file(const char *path, const char *option)
{
	enum kconfig_answer answer;
	size_t len;
	char *text = slurp(path, &len);

	if (!text)
		return KCONFIG_UNKNOWN;
	answer = kconfig_lookup(text, len, option);
	free(text);
	return answer;
}

enum kconfig_answer kconfig_read(const char *gz_path, const char *plain_path,
				 const char *option, char source[KCONFIG_SOURCE_MAX])
{
	const char *paths[] = { gz_path, plain_path };

	for (size_t i = 0; i < 2; i++) {
		enum kconfig_answer answer;

		if (!paths[i])
			continue;
		answer = from_file(paths[i], option);
		if (answer != KCONFIG_UNKNOWN) {
			snprintf(source, KCONFIG_SOURCE_MAX, "%s", paths[i]);
			return answer;
		}
	}
	snprintf(source, KCONFIG_SOURCE_MAX, "neither %s nor %s is readable",
		 gz_path ? gz_path : "-", plain_path ? plain_path : "-");
	return KCONFIG_UNKNOWN;
}

enum kconfig_answer kconfig_running(const char *option, char source[KCONFIG_SOURCE_MAX])
{
	char boot[256 + sizeof(((struct utsname *)0)->release)];
	struct utsname u;

	if (uname(&u))
		return kconfig_read(KCONFIG_PROC, NULL, option, source);
	snprintf(boot, sizeof(boot), "/boot/config-%s", u.release);
	return kconfig_read(KCONFIG_PROC, boot, option, source);
}
