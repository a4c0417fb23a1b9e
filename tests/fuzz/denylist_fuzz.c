// SPDX-License-Identifier: GPL-2.0
/* A deny-list of default passwords. */
#include "fuzz.h"
#include "denylist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct denylist list;
	struct iotguard_error err;
	char dir[128];

	fuzz_file("credentials/vendor.txt", data, size);
	snprintf(dir, sizeof(dir), "%s/credentials", fuzz_dir());
	if (!denylist_load(dir, &list, &err))
		denylist_free(&list);
	return 0;
}
