// SPDX-License-Identifier: GPL-2.0
/* Dates (YYYY-MM-DD) and RFC 3339 timestamps. */
#include "fuzz.h"
#include "dates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	int64_t days, epoch;

	date_parse(text, &days);
	rfc3339_parse(text, &epoch);
	free(text);
	return 0;
}
