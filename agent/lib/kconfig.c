// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a kernel's build configuration (kconfig.h): one option of the
 * running kernel's, or a whole .config checked line by line.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <zlib.h>
#include "kconfig.h"

/* A distribution's .config is about 250 KiB; anything past this is not one. */
#define KCONFIG_MAX_BYTES (16u << 20)
#define BOOT_CONFIG_MAX (256 + sizeof(((struct utsname *)0)->release))

/*
 * The whole of a file through zlib (which also reads a plain file as is).
 * Returns 0 or a negative errno: ENOENT and EACCES from opening, EIO for a
 * corrupt gzip stream, EFBIG past KCONFIG_MAX_BYTES.
 */
static int slurp(const char *path, char **out, size_t *len)
{
	size_t cap = 64 << 10, n = 0;
	char *buf = malloc(cap), *grown;
	int got, ret = 0;
	gzFile gz;

	if (!buf)
		return -ENOMEM;
	errno = 0;
	gz = gzopen(path, "rb");
	if (!gz) {
		ret = errno ? -errno : -ENOMEM;
		free(buf);
		return ret;
	}
	while ((got = gzread(gz, buf + n, (unsigned int)(cap - n))) > 0) {
		n += (size_t)got;
		if (n < cap)
			continue;
		if (cap >= KCONFIG_MAX_BYTES) {
			ret = -EFBIG;
			break;
		}
		grown = realloc(buf, cap * 2);
		if (!grown) {
			ret = -ENOMEM;
			break;
		}
		buf = grown;
		cap *= 2;
	}
	if (got < 0 && !ret)
		ret = -EIO;
	gzclose(gz);
	if (ret) {
		free(buf);
		return ret;
	}
	*out = buf;
	*len = n;
	return 0;
}

struct kconfig_entry {
	char *option;		/* "CONFIG_X", in the copy of the text */
	char *value;		/* "y", "m", "n" (is not set), a number, a string's text */
};

struct kconfig {
	char *text;		/* the file, NUL-terminated pieces pointed into */
	struct kconfig_entry *entries;
	size_t n, cap;
	char name[KCONFIG_SOURCE_MAX];
	char arch[32];
	char release[96];
};

static bool is_option_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Length of "CONFIG_[A-Za-z0-9_]+" at s, 0 if s does not start with one. */
static size_t option_len(const char *s)
{
	size_t n = 7;

	if (strncmp(s, "CONFIG_", 7))
		return 0;
	while (is_option_char(s[n]))
		n++;
	return n > 7 ? n : 0;
}

static int add(struct kconfig *c, char *option, char *value)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 1024;
		struct kconfig_entry *grown = realloc(c->entries, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		c->entries = grown;
		c->cap = cap;
	}
	c->entries[c->n++] = (struct kconfig_entry){ option, value };
	return 0;
}

/* A string value in place: "a\"b" becomes a"b. False if unterminated. */
static bool unquote(char *s)
{
	char *out = s;

	for (s++; *s && *s != '"'; s++) {
		if (*s == '\\' && s[1])
			s++;
		*out++ = *s;
	}
	if (*s != '"' || s[1])
		return false;
	*out = '\0';
	return true;
}

/* y, m, n, a decimal or 0x number: what conf writes for a non-string. */
static bool plain_value(const char *s)
{
	const char *digits = "0123456789";

	if (!strcmp(s, "y") || !strcmp(s, "m") || !strcmp(s, "n"))
		return true;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		digits = "0123456789abcdefABCDEF";
	} else if (*s == '-') {
		s++;
	}
	return *s && s[strspn(s, digits)] == '\0';
}

/* "# Linux/arm64 6.1.0 Kernel Configuration": the header make writes. */
static void header(struct kconfig *c, const char *line)
{
	char arch[32], release[96];

	if (sscanf(line, "# Linux/%31s %95s Kernel Configuration", arch, release) == 2) {
		snprintf(c->arch, sizeof(c->arch), "%s", arch);
		snprintf(c->release, sizeof(c->release), "%s", release);
	}
}

/* One line, NUL-terminated, trailing blanks gone. 0, or -EINVAL if malformed. */
static int parse_line(struct kconfig *c, char *line)
{
	size_t n;

	line += strspn(line, " \t");
	if (!*line)
		return 0;
	if (*line == '#') {
		n = option_len(line + 2);
		if (line[1] == ' ' && n && !strcmp(line + 2 + n, " is not set")) {
			line[2 + n] = '\0';
			return add(c, line + 2, "n");
		}
		header(c, line);
		return 0;
	}
	n = option_len(line);
	if (!n || line[n] != '=')
		return -EINVAL;
	line[n] = '\0';
	if (line[n + 1] == '"' ? !unquote(line + n + 1) : !plain_value(line + n + 1))
		return -EINVAL;
	return add(c, line, line + n + 1);
}

int kconfig_parse(const char *name, const char *text, size_t len, struct kconfig **out,
		  struct iotguard_error *err)
{
	struct kconfig *c = calloc(1, sizeof(*c));
	size_t lineno = 0;
	char *line, *next;
	int ret = 0;

	if (!c || !(c->text = malloc(len + 1))) {
		free(c);
		return iotguard_fail(err, ENOMEM, "%s: out of memory", name);
	}
	snprintf(c->name, sizeof(c->name), "%s", name);
	memcpy(c->text, text, len);
	c->text[len] = '\0';
	if (memchr(text, '\0', len)) {
		kconfig_free(c);
		return iotguard_fail(err, EINVAL, "%s: a NUL byte: not a kernel configuration",
				     name);
	}
	for (line = c->text; line && !ret; line = next) {
		size_t n;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		n = strlen(line);
		while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
			line[--n] = '\0';
		ret = parse_line(c, line);
		if (ret == -EINVAL)
			iotguard_fail(err, EINVAL, "%s:%zu: not a Kconfig line (CONFIG_X=value, "
				      "# CONFIG_X is not set, or a comment): %.80s",
				      name, lineno, line);
		else if (ret)
			iotguard_fail(err, -ret, "%s: out of memory", name);
	}
	if (ret) {
		kconfig_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

int kconfig_load(const char *path, struct kconfig **out, struct iotguard_error *err)
{
	size_t len;
	char *text;
	int ret = slurp(path, &text, &len);

	if (ret == -EIO)
		return iotguard_fail(err, EIO, "%s: a corrupt gzip file", path);
	if (ret == -EFBIG)
		return iotguard_fail(err, EFBIG, "%s: over %u MiB: not a kernel configuration",
				     path, KCONFIG_MAX_BYTES >> 20);
	if (ret)
		return iotguard_fail_errno(err, -ret, "reading %s", path);
	ret = kconfig_parse(path, text, len, out, err);
	free(text);
	return ret;
}

/* Where Debian and most distributions install it: /boot/config-$(uname -r). */
static int boot_config_path(char *boot, size_t size)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	snprintf(boot, size, "/boot/config-%s", u.release);
	return 0;
}

int kconfig_load_running(struct kconfig **out, struct iotguard_error *err)
{
	char boot[BOOT_CONFIG_MAX];
	int ret;

	if (access(KCONFIG_PROC, F_OK) == 0)
		return kconfig_load(KCONFIG_PROC, out, err);
	ret = boot_config_path(boot, sizeof(boot));
	if (ret)
		return iotguard_fail_errno(err, -ret, "uname");
	if (access(boot, F_OK) == 0)
		return kconfig_load(boot, out, err);
	return iotguard_fail(err, ENOENT, "neither %s (CONFIG_IKCONFIG_PROC) nor %s exists",
			     KCONFIG_PROC, boot);
}

void kconfig_free(struct kconfig *config)
{
	if (!config)
		return;
	free(config->entries);
	free(config->text);
	free(config);
}

const char *kconfig_get(const struct kconfig *config, const char *option)
{
	/* The last assignment wins, as in conf's own reading of a .config. */
	for (size_t i = config->n; i-- > 0;)
		if (!strcmp(config->entries[i].option, option))
			return config->entries[i].value;
	return NULL;
}

bool kconfig_enabled(const struct kconfig *config, const char *option)
{
	const char *value = kconfig_get(config, option);

	return value && (!strcmp(value, "y") || !strcmp(value, "m"));
}

const char *kconfig_name(const struct kconfig *config)
{
	return config->name;
}

const char *kconfig_arch(const struct kconfig *config)
{
	return config->arch;
}

const char *kconfig_release(const struct kconfig *config)
{
	return config->release;
}

size_t kconfig_count(const struct kconfig *config)
{
	return config->n;
}

const char *kconfig_option_at(const struct kconfig *config, size_t i)
{
	return i < config->n ? config->entries[i].option : NULL;
}

/* One option's answer from a parsed configuration; none is in an empty one. */
static enum kconfig_answer answer(const struct kconfig *config, const char *option)
{
	if (!config->n)
		return KCONFIG_UNKNOWN;
	return kconfig_enabled(config, option) ? KCONFIG_SET : KCONFIG_NOT_SET;
}

enum kconfig_answer kconfig_lookup(const char *text, size_t len, const char *option)
{
	enum kconfig_answer result;
	struct kconfig *config;

	/* Text that is not a configuration proves nothing by what it lacks. */
	if (kconfig_parse("-", text, len, &config, NULL))
		return KCONFIG_UNKNOWN;
	result = answer(config, option);
	kconfig_free(config);
	return result;
}

enum kconfig_answer kconfig_read(const char *gz_path, const char *plain_path,
				 const char *option, char source[KCONFIG_SOURCE_MAX])
{
	const char *paths[] = { gz_path, plain_path };

	for (size_t i = 0; i < 2; i++) {
		enum kconfig_answer result = KCONFIG_UNKNOWN;
		struct kconfig *config;

		if (!paths[i] || kconfig_load(paths[i], &config, NULL))
			continue;
		result = answer(config, option);
		kconfig_free(config);
		if (result != KCONFIG_UNKNOWN) {
			snprintf(source, KCONFIG_SOURCE_MAX, "%s", paths[i]);
			return result;
		}
	}
	snprintf(source, KCONFIG_SOURCE_MAX, "neither %s nor %s is readable",
		 gz_path ? gz_path : "-", plain_path ? plain_path : "-");
	return KCONFIG_UNKNOWN;
}

enum kconfig_answer kconfig_running(const char *option, char source[KCONFIG_SOURCE_MAX])
{
	char boot[BOOT_CONFIG_MAX];

	if (boot_config_path(boot, sizeof(boot)))
		return kconfig_read(KCONFIG_PROC, NULL, option, source);
	return kconfig_read(KCONFIG_PROC, boot, option, source);
}
