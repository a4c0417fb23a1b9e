/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running kernel's build configuration, for options a module cannot
 * defend against (CONFIG_MODULE_FORCE_UNLOAD: `rmmod -f` unloads iotguard
 * even after `iotguardctl lock` took its reference). Read from
 * /proc/config.gz (CONFIG_IKCONFIG_PROC) or /boot/config-$(uname -r).
 */
#ifndef IOTGUARD_KCONFIG_H
#define IOTGUARD_KCONFIG_H

#include <stddef.h>

#define KCONFIG_PROC "/proc/config.gz"
#define KCONFIG_SOURCE_MAX 320

enum kconfig_answer {
	KCONFIG_UNKNOWN = -1,	/* no configuration could be read */
	KCONFIG_NOT_SET = 0,	/* "# CONFIG_X is not set", or absent */
	KCONFIG_SET = 1,	/* =y or =m */
};

/*
 * Look option ("CONFIG_MODULE_FORCE_UNLOAD") up in a .config's text of len
 * bytes. KCONFIG_UNKNOWN if the text holds no CONFIG_ line at all: not a
 * configuration, so absence would prove nothing.
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

#endif
