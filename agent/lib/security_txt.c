// SPDX-License-Identifier: GPL-2.0
/* security.txt (RFC 9116), written from the policy and checked as read back. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "dates.h"
#include "policy_publish.h"
#include "security_txt.h"

#define SECONDS_PER_DAY 86400

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncasecmp(s, prefix, strlen(prefix)) && s[strlen(prefix)];
}

static bool clean_uri(const char *uri)
{
	for (const char *p = uri; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

bool security_txt_contact_ok(const char *uri)
{
	return clean_uri(uri) &&
	       (has_prefix(uri, "mailto:") || has_prefix(uri, "tel:") ||
		has_prefix(uri, "https://"));
}

bool security_txt_encryption_ok(const char *uri)
{
	/* An armored key ("-----BEGIN PGP ...") has spaces and no scheme. */
	return clean_uri(uri) && !strstr(uri, "-----") &&
	       (has_prefix(uri, "https://") || has_prefix(uri, "dns:") ||
		has_prefix(uri, "openpgp4fpr:"));
}

/* Add to out; false if it did not fit. */
__attribute__((format(printf, 4, 5)))
static bool append(char *out, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - *used)
		return false;
	*used += (size_t)n;
	return true;
}

int security_txt_render(const struct publish_policy *policy, int64_t now, char *out,
			size_t len, struct iotguard_error *error)
{
	const struct disclosure_policy *d = &policy->disclosure;
	const struct product_policy *p = &policy->product;
	char expires[RFC3339_MAX];
	size_t used = 0;
	bool fits = true;

	if (!d->contact_count)
		return iotguard_fail(error, EINVAL,
				     "no disclosure contact in the policy (disclosure.contact)");
	/* Midnight UTC: the file changes once a day at most. */
	rfc3339_format((now / SECONDS_PER_DAY + d->expires_days) * SECONDS_PER_DAY, expires);
	fits &= append(out, len, &used, "# How to report a security vulnerability in %s%s%s.\n",
		       p->manufacturer[0] ? p->manufacturer : "this device",
		       p->model[0] ? " " : "", p->model);
	fits &= append(out, len, &used,
		       "# Reports are acknowledged within %d days; reporters get a status update\n"
		       "# at least every %d days. Written by iotguardd from its policy.\n",
		       d->acknowledge_days, d->status_update_days);
	for (size_t i = 0; i < d->contact_count; i++)
		fits &= append(out, len, &used, "Contact: %s\n", d->contacts[i]);
	fits &= append(out, len, &used, "Expires: %s\n", expires);
	if (d->encryption[0])
		fits &= append(out, len, &used, "Encryption: %s\n", d->encryption);
	if (d->policy_url[0])
		fits &= append(out, len, &used, "Policy: %s\n", d->policy_url);
	if (d->language_count) {
		fits &= append(out, len, &used, "Preferred-Languages: ");
		for (size_t i = 0; i < d->language_count; i++)
			fits &= append(out, len, &used, "%s%s", i ? ", " : "", d->languages[i]);
		fits &= append(out, len, &used, "\n");
	}
	if (!fits)
		return iotguard_fail(error, ENOSPC, "security.txt would exceed %zu bytes", len);
	return 0;
}

/* -EINVAL with "line N: " before the reason. */
__attribute__((format(printf, 3, 4)))
static int fail(struct iotguard_error *error, int line, const char *fmt, ...)
{
	char msg[IOTGUARD_ERROR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return iotguard_fail(error, EINVAL, "line %d: %s", line, msg);
}

int security_txt_validate(const char *text, int64_t now, struct security_txt_info *info,
			  struct iotguard_error *error)
{
	int line_no = 0, expires_seen = 0, languages_seen = 0;
	char line[1024];

	memset(info, 0, sizeof(*info));
	while (*text) {
		size_t n = strcspn(text, "\n");
		char *colon, *value;

		line_no++;
		if (n >= sizeof(line))
			return fail(error, line_no, "longer than %zu bytes", sizeof(line) - 1);
		memcpy(line, text, n);
		line[n] = '\0';
		text += n + (text[n] == '\n');
		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;
		colon = strchr(line, ':');
		if (!colon || colon == line || colon[1] != ' ')
			return fail(error, line_no, "not a comment and not \"Field: value\"");
		*colon = '\0';
		value = colon + 2;
		if (!strcasecmp(line, "Contact")) {
			if (!security_txt_contact_ok(value))
				return fail(error, line_no, "Contact \"%s\" is not a mailto:, tel: or "
					    "https: URI", value);
			info->contacts++;
		} else if (!strcasecmp(line, "Expires")) {
			if (++expires_seen > 1)
				return fail(error, line_no, "a second Expires");
			if (rfc3339_parse(value, &info->expires))
				return fail(error, line_no, "Expires \"%s\" is not an RFC 3339 date-time",
					    value);
			if (info->expires <= now)
				return fail(error, line_no, "expired (%s)", value);
			if (info->expires - now > SECURITY_TXT_MAX_AHEAD_S)
				return fail(error, line_no, "Expires %s is more than a year ahead", value);
		} else if (!strcasecmp(line, "Preferred-Languages")) {
			if (++languages_seen > 1)
				return fail(error, line_no, "a second Preferred-Languages");
		} else if (!strcasecmp(line, "Encryption")) {
			if (!security_txt_encryption_ok(value))
				return fail(error, line_no, "Encryption must point to a key (https:, dns:, "
					    "openpgp4fpr:), not hold one");
		}
	}
	if (!info->contacts)
		return fail(error, line_no, "no Contact field");
	if (!expires_seen)
		return fail(error, line_no, "no Expires field");
	return 0;
}
