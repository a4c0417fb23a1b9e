// SPDX-License-Identifier: GPL-2.0
/* os-release: its keys, quoting and escapes. */
#include "fuzz.h"
#include "os_release.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "VERSION_ID", "ID", "PRETTY_NAME", "SUPPORT_END" };
	const char *path = fuzz_file("os-release", data, size);
	char out[256];

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		os_release_get(path, keys[i], out, sizeof(out));
	software_version(path, out, sizeof(out));
	return 0;
}
