// SPDX-License-Identifier: GPL-2.0
/*
 * Publishing what the law asks a device to make known (publish.h): the
 * support period, security.txt and status.json, written or read back, and
 * what went wrong said as notes for iotguardd's log.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "atomic_file.h"
#include "dates.h"
#include "os_release.h"
#include "publish.h"

static int read_small_file(const char *path, char *out, size_t len)
{
	/* The writer never publishes a link here: one is someone else's, not read as root. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, out, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	out[n] = '\0';
	return 0;
}

void publish_gather(const struct iotguard_policy *policy, time_t now, struct published *out)
{
	const struct publish_policy *pub = &policy->publish;
	char text[SECURITY_TXT_MAX], end[DATE_ISO_LEN];
	int64_t until = pub->support.updates_until;
	int ret;

	memset(out, 0, sizeof(*out));
	out->policy = policy;
	out->generated = now;
	software_version(pub->product.version_file, out->software_version,
			 sizeof(out->software_version));
	out->support_recorded = support_load(SUPPORT_STATE_FILE, &out->record) == 0;
	if (out->support_recorded)
		until = out->record.updates_until;	/* what was published counts */
	out->support_set = out->support_recorded || pub->support.set;
	if (out->support_set) {
		support_evaluate(until, pub->support.ending_soon_days, date_today(now), &out->support);
		date_format_iso(out->support.support_end, end);
		if (os_release_get(OS_RELEASE_PATH, "SUPPORT_END", out->os_release_support_end,
				   sizeof(out->os_release_support_end)) &&
		    os_release_get(OS_RELEASE_FALLBACK, "SUPPORT_END", out->os_release_support_end,
				   sizeof(out->os_release_support_end)))
			out->os_release_support_end[0] = '\0';
		out->os_release_matches = !strcmp(end, out->os_release_support_end);
	}
	if (!pub->disclosure.security_txt[0]) {
		iotguard_fail(&out->security_txt_error, ENOENT,
			      "not published (disclosure.security_txt is \"\")");
		return;
	}
	ret = read_small_file(pub->disclosure.security_txt, text, sizeof(text));
	if (ret)
		iotguard_fail_errno(&out->security_txt_error, -ret, "%s",
				    pub->disclosure.security_txt);
	else
		out->security_txt_ok = !security_txt_validate(text, now, &out->security_txt,
							      &out->security_txt_error);
}

/* Notes beyond PUBLISH_NOTES_MAX are dropped: publish_write makes at most seven. */
__attribute__((format(printf, 3, 4)))
static void note(struct publish_notes *notes, enum publish_severity severity,
		 const char *fmt, ...)
{
	struct publish_note *n;
	va_list ap;

	if (notes->count == PUBLISH_NOTES_MAX)
		return;
	n = &notes->note[notes->count++];
	n->severity = severity;
	va_start(ap, fmt);
	vsnprintf(n->text, sizeof(n->text), fmt, ap);
	va_end(ap);
}

static void reconcile_support(const struct iotguard_policy *policy, time_t now,
			      enum support_change *change, struct publish_notes *notes)
{
	const struct support_policy *support = &policy->publish.support;
	char was[DATE_ISO_LEN], asked[DATE_ISO_LEN];
	struct support_record record;
	struct iotguard_error error;

	*change = SUPPORT_UNCHANGED;
	if (!support->set)
		return;
	if (support_reconcile(SUPPORT_STATE_FILE, support->updates_until, date_today(now),
			      &record, change, &error)) {
		note(notes, PUBLISH_ERROR, "support period: %s", error.msg);
		return;
	}
	date_format_iso(record.updates_until, was);
	date_format_iso(support->updates_until, asked);
	switch (*change) {
	case SUPPORT_FIRST:
		note(notes, PUBLISH_INFO, "support period published: security updates until %s",
		     was);
		break;
	case SUPPORT_EXTENDED:
		note(notes, PUBLISH_INFO, "support period extended: security updates until %s",
		     was);
		break;
	case SUPPORT_SHORTENING_REFUSED:
		note(notes, PUBLISH_ERROR, "support period: the policy's updates_until %s is "
		     "earlier than the published %s: a support period may be extended, never "
		     "shortened; %s stays published", asked, was, was);
		break;
	case SUPPORT_HISTORY_RESET:
		note(notes, PUBLISH_ERROR, "support period: %s was corrupt (kept as .corrupt); "
		     "published %s again", SUPPORT_STATE_FILE, was);
		break;
	default:
		break;
	}
}

static void write_security_txt(const struct iotguard_policy *policy, time_t now,
			       struct publish_notes *notes)
{
	const struct disclosure_policy *d = &policy->publish.disclosure;
	char text[SECURITY_TXT_MAX];
	struct iotguard_error error;
	struct security_txt_info info;

	if (!d->security_txt[0])
		return;
	if (security_txt_render(&policy->publish, now, text, sizeof(text), &error) ||
	    security_txt_validate(text, now, &info, &error)) {
		note(notes, PUBLISH_ERROR, "security.txt not published: %s", error.msg);
		return;
	}
	if (atomic_file_write(d->security_txt, text, 0644, &error))
		note(notes, PUBLISH_ERROR, "security.txt: %s", error.msg);
}

/* What the owner should know about what is published, now. */
static void check_published(const struct published *p, struct publish_notes *notes)
{
	char line[SUPPORT_TEXT_MAX], end[DATE_ISO_LEN];

	if (p->support_set) {
		support_describe(&p->support, line, sizeof(line));
		note(notes, p->support.state == SUPPORT_SUPPORTED ? PUBLISH_INFO : PUBLISH_WARNING,
		     "%s", line);
		date_format_iso(p->support.support_end, end);
		if (!p->os_release_matches)
			note(notes, PUBLISH_WARNING, "os-release SUPPORT_END is %s%s%s, the "
			     "published period says %s (scripts/os-release-support-end sets it at "
			     "build time)",
			     p->os_release_support_end[0] ? "\"" : "",
			     p->os_release_support_end[0] ? p->os_release_support_end : "missing",
			     p->os_release_support_end[0] ? "\"" : "", end);
	} else {
		note(notes, PUBLISH_WARNING, "no support period in the policy "
		     "(support.updates_until): PSTI and ETSI EN 303 645 5.3-13 require one to be "
		     "published");
	}
	if (!p->security_txt_ok)
		note(notes, PUBLISH_WARNING, "security.txt: %s", p->security_txt_error.msg);
	else if (p->security_txt.expires - p->generated < SECURITY_TXT_WARN_S)
		note(notes, PUBLISH_WARNING, "security.txt expires within %lld days",
		     SECURITY_TXT_WARN_S / 86400);
}

void publish_write(const struct iotguard_policy *policy, time_t now, struct published *out,
		   struct publish_notes *notes)
{
	struct iotguard_error error;
	enum support_change change;
	json_object *status;

	notes->count = 0;
	/*
	 * A publisher killed mid-write left a temporary beside the file, as
	 * big as it, on flash for the state file: gone before anything is
	 * written, whether or not this round writes that file.
	 */
	if (policy->publish.support.set)
		atomic_file_remove_stale(SUPPORT_STATE_FILE);
	if (policy->publish.disclosure.security_txt[0])
		atomic_file_remove_stale(policy->publish.disclosure.security_txt);
	atomic_file_remove_stale(STATUS_JSON_PATH);
	reconcile_support(policy, now, &change, notes);
	write_security_txt(policy, now, notes);
	publish_gather(policy, now, out);
	out->change = change;
	status = status_json_build(out);
	if (atomic_file_write(STATUS_JSON_PATH,
			      json_object_to_json_string_ext(status, JSON_C_TO_STRING_PRETTY), 0644,
			      &error))
		note(notes, PUBLISH_ERROR, "status.json: %s", error.msg);
	json_object_put(status);
	check_published(out, notes);
}
