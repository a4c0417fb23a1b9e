// SPDX-License-Identifier: GPL-2.0
/* The support period's state file, and reconciling a date against it. */
#include "fuzz.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("support.state", data, size);
	struct support_record record;

	support_load(path, &record);
	return 0;
}
