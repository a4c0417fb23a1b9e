// SPDX-License-Identifier: GPL-2.0
/* Whether a valid policy may ship in a product: see policy_release.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "policy_release.h"

bool reserved_example_name(const char *host)
{
	/* Second-level names reserved by RFC 2606 section 3, and their subdomains. */
	static const char *const domains[] = { "example.com", "example.net", "example.org" };
	/* Top-level names reserved by RFC 2606 section 2 (and RFC 6761). */
	static const char *const tlds[] = { "example", "test", "invalid", "localhost" };
	char name[EGRESS_NAME_MAX + 1];
	size_t n = strlen(host);
	const char *last;

	if (!n || n >= sizeof(name))
		return false;
	memcpy(name, host, n + 1);
	if (name[n - 1] == '.')
		name[--n] = '\0';
	for (size_t i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
		size_t d = strlen(domains[i]);

		if (n >= d && !strcasecmp(name + n - d, domains[i]) &&
		    (n == d || name[n - d - 1] == '.'))
			return true;
	}
	last = strrchr(name, '.');
	last = last ? last + 1 : name;
	for (size_t i = 0; i < sizeof(tlds) / sizeof(tlds[0]); i++)
		if (!strcasecmp(last, tlds[i]))
			return true;
	return false;
}

/* The n bytes at p into out, if they fit. */
static bool copy_host(const char *p, size_t n, char *out, size_t len)
{
	if (!n || n >= len)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* mailto:a@x.org,b@y.org?subject=...: each address's domain, a reserved one first. */
static bool mailto_host(const char *p, char *out, size_t len)
{
	const char *end = p + strcspn(p, "?#");
	bool found = false;

	while (p < end) {
		size_t addr = strcspn(p, ",?#");
		const char *at = memchr(p, '@', addr);

		if (at && copy_host(at + 1, (size_t)(p + addr - at - 1), out, len)) {
			found = true;
			if (reserved_example_name(out))
				return true;
		}
		p += addr + (p[addr] == ',');
	}
	/* The last one found is left in out: none of them is reserved. */
	return found;
}

/* scheme://[userinfo@]host[:port]/...: the host; an IPv6 literal is no name. */
static bool authority_host(const char *p, char *out, size_t len)
{
	size_t auth = strcspn(p, "/?#"), host;
	const char *at = memchr(p, '@', auth);

	if (at) {
		auth -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	if (*p == '[')
		return false;
	host = strcspn(p, ":");
	return copy_host(p, host < auth ? host : auth, out, len);
}

bool uri_host(const char *uri, char *out, size_t len)
{
	const char *p = strstr(uri, "://");

	if (!strncasecmp(uri, "mailto:", 7))
		return mailto_host(uri + 7, out, len);
	return p && authority_host(p + 3, out, len);
}

struct check {
	release_problem_fn problem;
	void *arg;
	size_t count;
};

__attribute__((format(printf, 3, 4)))
static void report(struct check *c, int line, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	c->problem(c->arg, line, why);
	c->count++;
}

static void check_uri(struct check *c, const char *setting, const char *uri, int line)
{
	char host[EGRESS_NAME_MAX + 1];

	if (uri[0] && uri_host(uri, host, sizeof(host)) && reserved_example_name(host))
		report(c, line, "%s \"%s\": %s is reserved for examples (RFC 2606), not yours",
		       setting, uri, host);
}

size_t policy_release_check(const struct iotguard_policy *policy, release_problem_fn problem,
			    void *arg)
{
	const struct product_policy *product = &policy->publish.product;
	const struct disclosure_policy *d = &policy->publish.disclosure;
	const struct support_policy *support = &policy->publish.support;
	struct check c = { .problem = problem, .arg = arg };

	if (!product->manufacturer[0] || !product->model[0])
		report(&c, product->line, "product: manufacturer and model must be set (%s)",
		       product->line ? "they are published in status.json and the report" :
		       "the section is missing");
	if (!d->contact_count)
		report(&c, d->line, "disclosure: no contact: a device must publish where to "
		       "report a vulnerability%s", d->line ? "" : " (the section is missing)");
	for (size_t i = 0; i < d->contact_count; i++)
		check_uri(&c, "disclosure.contact", d->contacts[i], d->contact_lines[i]);
	check_uri(&c, "disclosure.policy_url", d->policy_url, d->policy_url_line);
	check_uri(&c, "disclosure.encryption", d->encryption, d->encryption_line);
	if (!support->set)
		report(&c, support->line, "support: updates_until is not set: a device must "
		       "publish how long it gets security updates%s",
		       support->line ? "" : " (the section is missing)");
	for (size_t i = 0; policy->has_egress && i < policy->egress.rule_count; i++) {
		const struct egress_rule *rule = &policy->egress.rules[i];

		if (rule->kind == EGRESS_TARGET_NAME && reserved_example_name(rule->name))
			report(&c, rule->line, "egress rule %u: \"%s\" is reserved for examples "
			       "(RFC 2606): the device would depend on a name that is never its "
			       "cloud", rule->id, rule->name);
	}
	return c.count;
}
