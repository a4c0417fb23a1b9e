// SPDX-License-Identifier: GPL-2.0
/* passwd and shadow lines: the input is passwd, a NUL byte, then shadow. */
#include "fuzz.h"
#include "accounts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t passwd = nul ? (size_t)(nul - data) : size;
	struct account_list list;
	struct iotguard_error err;

	fuzz_file("etc/passwd", data, passwd);
	fuzz_file("etc/shadow", nul ? nul + 1 : data, nul ? size - passwd - 1 : 0);
	if (!accounts_read(fuzz_dir(), &list, &err))
		accounts_free(&list);
	return 0;
}
