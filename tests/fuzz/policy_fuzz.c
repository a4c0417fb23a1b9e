// SPDX-License-Identifier: GPL-2.0
/* The policy file (libconfig, then every section's checks, egress included). */
#include "fuzz.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iotguard_policy policy;
	struct iotguard_error err;

	if (!policy_load(fuzz_file("iotguard.conf", data, size), &policy, &err))
		policy_release(&policy);
	return 0;
}
