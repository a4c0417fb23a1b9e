/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a kernel's build configuration (.config, gzip or plain): one option
 * of the running kernel's, for options a module cannot defend against
 * (CONFIG_MODULE_FORCE_UNLOAD: `rmmod -f` unloads iotguard even after
 * `iotguardctl lock` took its reference), or a whole file, checked line by
 * line, for `iotguardctl doctor`. The running kernel's is /proc/config.gz
 * (CONFIG_IKCONFIG_PROC), else /boot/config-$(uname -r).
 */
#ifndef IOTGUARD_KCONFIG_H
#define IOTGUARD_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "error.h"

#define KCONFIG_PROC "/proc/config.gz"
#define KCONFIG_SOURCE_MAX 320

enum kconfig_answer {
	KCONFIG_UNKNOWN = -1,	/* no configuration could be read */
	KCONFIG_NOT_SET = 0,	/* "# CONFIG_X is not set", or absent */
	KCONFIG_SET = 1,	/* =y or =m */
};

/*
 * Look option ("CONFIG_MODULE_FORCE_UNLOAD") up in a .config's text of len
 * bytes. KCONFIG_UNKNOWN if the text holds no CONFIG_ line at all, or a
 * line no .config has (kconfig_parse): not a configuration, so absence
 * would prove nothing.
 */
enum kconfig_answer kconfig_lookup(const char *text, size_t len, const char *option);

/*
 * Look option up in the gzip file gz_path, else the plain file plain_path
 * (either may be NULL). source gets the file that answered, or the reason
 * neither did.
 */
enum kconfig_answer kconfig_read(const char *gz_path, const char *plain_path,
				 const char *option, char source[KCONFIG_SOURCE_MAX]);

/* The running kernel's: /proc/config.gz, else /boot/config-$(uname -r). */
enum kconfig_answer kconfig_running(const char *option, char source[KCONFIG_SOURCE_MAX]);

/* A whole .config, parsed: every option set or "is not set". */
struct kconfig;

/*
 * Parse a .config (or a fragment) of len bytes; name is the file's name for
 * messages. A line that is none of: empty, a comment, "# CONFIG_X is not
 * set", CONFIG_X=y|m|n|number|"string", fails with EINVAL and "name:line: ".
 */
int kconfig_parse(const char *name, const char *text, size_t len, struct kconfig **out,
		  struct iotguard_error *err);

/* Read and parse the file at path, gzip or plain. */
int kconfig_load(const char *path, struct kconfig **out, struct iotguard_error *err);

/*
 * The running kernel's: /proc/config.gz, else /boot/config-$(uname -r).
 * -ENOENT, naming both, if neither exists; a file that exists but cannot be
 * read or parsed is an error of its own.
 */
int kconfig_load_running(struct kconfig **out, struct iotguard_error *err);

void kconfig_free(struct kconfig *config);

/*
 * An option's value: "y", "m", "n" for "is not set", a number, or a string's
 * text without its quotes and escapes. NULL if the file does not name it.
 */
const char *kconfig_get(const struct kconfig *config, const char *option);

/* Set to y or m. */
bool kconfig_enabled(const struct kconfig *config, const char *option);

/* The file it was read from. */
const char *kconfig_name(const struct kconfig *config);

/*
 * From the header make writes ("# Linux/arm64 6.1.0 Kernel Configuration"):
 * the kernel's architecture (its arch/ directory: "x86", "arm64") and
 * release; "" if the file has no header (a fragment).
 */
const char *kconfig_arch(const struct kconfig *config);
const char *kconfig_release(const struct kconfig *config);

/* The options in file order, for walking a fragment: i < kconfig_count(). */
size_t kconfig_count(const struct kconfig *config);
const char *kconfig_option_at(const struct kconfig *config, size_t i);

#endif
