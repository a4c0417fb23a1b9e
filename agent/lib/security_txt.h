/* SPDX-License-Identifier: GPL-2.0 */
/*
 * security.txt (RFC 9116): how to report a vulnerability, machine-readable,
 * at /.well-known/security.txt on the device's web server.
 */
#ifndef IOTGUARD_SECURITY_TXT_H
#define IOTGUARD_SECURITY_TXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"

#define SECURITY_TXT_MAX 4096
/* RFC 9116 2.5.5: Expires should be less than a year ahead. */
#define SECURITY_TXT_MAX_AHEAD_S (366LL * 86400)
/* Warn this long before a published file expires. */
#define SECURITY_TXT_WARN_S (30LL * 86400)

struct publish_policy;

/* A Contact: mailto:, tel: or https: URI. */
bool security_txt_contact_ok(const char *uri);
/* An Encryption: a key's URI (https:, dns:, openpgp4fpr:), never key material. */
bool security_txt_encryption_ok(const char *uri);

/*
 * The file for the policy into out, Expires = now + expires_days. 0;
 * -EINVAL if the policy has no contact; -ENOSPC if it exceeds len. The
 * reason is in error.
 */
int security_txt_render(const struct publish_policy *policy, int64_t now, char *out,
			size_t len, struct iotguard_error *error);

struct security_txt_info {
	size_t contacts;
	int64_t expires;	/* seconds since the epoch */
};

/*
 * Check a file against RFC 9116's rules that matter: at least one Contact,
 * each a mailto:, tel: or https: URI; exactly one Expires, RFC 3339, in the
 * future and at most a year ahead; Preferred-Languages at most once; no key
 * material in Encryption; every line a comment or "Field: value".
 * 0, or -EINVAL with "line N: reason" in error.
 */
int security_txt_validate(const char *text, int64_t now, struct security_txt_info *info,
			  struct iotguard_error *error);

#endif
