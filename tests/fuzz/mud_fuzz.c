// SPDX-License-Identifier: GPL-2.0
/* MUD files (RFC 8520, JSON) and the egress section made from them. */
#include "fuzz.h"
#include "mud.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mud_import mud;
	struct iotguard_error err;
	char *text;

	if (mud_parse((const char *)data, size, &mud, &err))
		return 0;
	if (!mud_egress_text(&mud, &text, &err))
		free(text);
	mud_import_free(&mud);
	return 0;
}
