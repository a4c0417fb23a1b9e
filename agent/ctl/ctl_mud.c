// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardctl mud import: an RFC 8520 MUD file's from-device ACLs as the
 * policy file's egress section, and what of it the device cannot enforce.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "atomic_file.h"
#include "ctl.h"
#include "mud.h"

/* atomic_file_write takes absolute paths only: a relative OUT is the caller's. */
static int absolute(const char *path, char *out, size_t size)
{
	char cwd[PATH_MAX];

	if (path[0] == '/')
		return snprintf(out, size, "%s", path) < (int)size ? 0 : -ENAMETOOLONG;
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	return snprintf(out, size, "%s/%s", cwd, path) < (int)size ? 0 : -ENAMETOOLONG;
}

static int write_text(const char *output, const char *text)
{
	struct iotguard_error err;
	char path[PATH_MAX];
	int ret;

	if (!output) {
		fputs(text, stdout);
		return fflush(stdout) ? EXIT_FAIL : EXIT_OK;
	}
	ret = absolute(output, path, sizeof(path));
	if (ret) {
		fprintf(stderr, "iotguardctl: %s: %s\n", output, strerror(-ret));
		return EXIT_FAIL;
	}
	/* The policy file's own mode: the agent reads it, nothing in it is secret. */
	if (atomic_file_write(path, text, 0644, &err)) {
		fprintf(stderr, "iotguardctl: %s\n", err.msg);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int mud_import(const char *file, const char *output)
{
	struct iotguard_error err;
	struct mud_import mud;
	char line[MUD_NOTE_TEXT_MAX];
	char *text;
	int ret;

	ret = mud_parse_file(file, &mud, &err);
	if (ret) {
		fprintf(stderr, "iotguardctl: %s\n", err.msg);
		/* The file is not a MUD file we can read (or too large for one): invalid input. */
		return ret == -EINVAL || ret == -E2BIG ? EXIT_USAGE : EXIT_FAIL;
	}
	if (mud_egress_text(&mud, &text, &err)) {
		fprintf(stderr, "iotguardctl: %s\n", err.msg);
		mud_import_free(&mud);
		return EXIT_FAIL;
	}
	ret = write_text(output, text);
	for (size_t i = 0; i < mud.note_count; i++) {
		mud_note_text(&mud.notes[i], line, sizeof(line));
		fprintf(stderr, "iotguardctl: not enforced: %s\n", line);
	}
	if (!ret && mud.note_count)
		ret = EXIT_PARTIAL;
	free(text);
	mud_import_free(&mud);
	return ret;
}

int cmd_mud(int argc, char **argv)
{
	/* This command's own options; the getopt shape is shared on purpose (ctl.h). */
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL;
	int opt;

	if (argc < 2 || strcmp(argv[1], "import"))
		return EXIT_SHOW_USAGE;
	argc--;
	argv++;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:", options, NULL)) != -1) {
		if (opt != 'o')
			return EXIT_SHOW_USAGE;
		output = optarg;
	}
	if (optind != argc - 1)
		return EXIT_SHOW_USAGE;
	return mud_import(argv[optind], output);
}
