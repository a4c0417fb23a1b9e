// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the kernel configuration reader behind the report's
 * and status's CONFIG_MODULE_FORCE_UNLOAD warning: set, not set, a longer
 * option with the same prefix, gzip and plain files, the fallback from
 * /proc/config.gz to /boot/config-*, and neither readable. Built with ASan
 * and UBSan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "kselftest_harness.h"
#include "kconfig.h"

#define OPT "CONFIG_MODULE_FORCE_UNLOAD"

static enum kconfig_answer lookup(const char *text)
{
	return kconfig_lookup(text, strlen(text), OPT);
}

TEST(lookup_in_text)
{
	EXPECT_EQ(KCONFIG_SET, lookup("CONFIG_MODULES=y\nCONFIG_MODULE_FORCE_UNLOAD=y\n"));
	EXPECT_EQ(KCONFIG_SET, lookup("CONFIG_MODULE_FORCE_UNLOAD=y"));	/* no final newline */
	EXPECT_EQ(KCONFIG_NOT_SET, lookup("CONFIG_MODULES=y\n# CONFIG_MODULE_FORCE_UNLOAD is not set\n"));
	EXPECT_EQ(KCONFIG_NOT_SET, lookup("CONFIG_MODULES=y\n"));	/* absent */
	/* Another option that only starts the same way. */
	EXPECT_EQ(KCONFIG_NOT_SET, lookup("CONFIG_MODULE_FORCE_UNLOAD_EXTRA=y\n"));
	EXPECT_EQ(KCONFIG_NOT_SET, lookup("# CONFIG_MODULE_FORCE_UNLOAD=y\nCONFIG_MODULES=y\n"));
	/* Not a configuration at all: absence proves nothing. */
	EXPECT_EQ(KCONFIG_UNKNOWN, lookup(""));
	EXPECT_EQ(KCONFIG_UNKNOWN, lookup("<html>not found</html>\n"));
}

static void write_gz(const char *path, const char *text)
{
	gzFile gz = gzopen(path, "wb");

	gzwrite(gz, text, (unsigned int)strlen(text));
	gzclose(gz);
}

static void write_plain(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

TEST(read_files_and_fall_back)
{
	char dir[] = "/tmp/iotguard-kconfig-XXXXXX", gz[128], plain[128], missing[128];
	char source[KCONFIG_SOURCE_MAX], cmd[160];

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(gz, sizeof(gz), "%s/config.gz", dir);
	snprintf(plain, sizeof(plain), "%s/config-6.1.0-test", dir);
	snprintf(missing, sizeof(missing), "%s/missing", dir);

	/* A big gzip file (a real .config is ~250 KiB), the option near its end. */
	{
		size_t len = 300 * 1024;
		char *text = malloc(len + 64);

		ASSERT_NE(NULL, text);
		for (size_t i = 0; i < len; i += 16)
			memcpy(text + i, "CONFIG_PAD_XX=y\n", 16);
		strcpy(text + len, OPT "=y\n");
		write_gz(gz, text);
		free(text);
	}
	EXPECT_EQ(KCONFIG_SET, kconfig_read(gz, plain, OPT, source));
	EXPECT_STREQ(gz, source);

	/* No /proc/config.gz: /boot/config-* answers. */
	write_plain(plain, "CONFIG_MODULES=y\n# " OPT " is not set\n");
	EXPECT_EQ(KCONFIG_NOT_SET, kconfig_read(missing, plain, OPT, source));
	EXPECT_STREQ(plain, source);

	/* Neither: unknown, and the reason names both. */
	EXPECT_EQ(KCONFIG_UNKNOWN, kconfig_read(missing, missing, OPT, source));
	EXPECT_NE(NULL, strstr(source, "neither ")) TH_LOG("%s", source);
	EXPECT_NE(NULL, strstr(source, missing)) TH_LOG("%s", source);

	/* A corrupt gzip file is no answer either: the plain file is read. */
	write_plain(gz, "\x1f\x8b\x08garbage");
	EXPECT_EQ(KCONFIG_NOT_SET, kconfig_read(gz, plain, OPT, source));
	EXPECT_STREQ(plain, source);

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	system(cmd);
}

TEST_HARNESS_MAIN
