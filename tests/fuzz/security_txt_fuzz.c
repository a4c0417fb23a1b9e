// SPDX-License-Identifier: GPL-2.0
/* security.txt validation (RFC 9116). */
#include "fuzz.h"
#include "security_txt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	struct security_txt_info info;
	struct iotguard_error err;

	/* 2026-01-01T00:00:00Z: the seeds' Expires are within a year of it. */
	security_txt_validate(text, 1767225600, &info, &err);
	free(text);
	return 0;
}
