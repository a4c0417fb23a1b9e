// SPDX-License-Identifier: GPL-2.0
/*
 * The outbound policy's decision explained: the names resolved, the policy
 * compiled and decided on as the kernel does, the rule that decided and why
 * put in words.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "egress_explain.h"

struct text {
	char *p;
	size_t size;
	size_t used;
};

__attribute__((format(printf, 2, 3)))
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->used >= t->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->used, t->size - t->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += (size_t)n < t->size - t->used ? (size_t)n : t->size - t->used - 1;
}

static unsigned int full_length(int family)
{
	return family == AF_INET ? 32 : 128;
}

static void add_address(struct text *t, int family, const uint8_t *addr)
{
	char buf[INET6_ADDRSTRLEN];

	add(t, "%s", inet_ntop(family, addr, buf, sizeof(buf)) ? buf : "?");
}

static const char *proto_name(unsigned int proto)
{
	return proto == EGRESS_P_TCP ? "tcp" : proto == EGRESS_P_UDP ? "udp" : "icmp";
}

/* "allow cloud.example.com tcp 8883,10000-10100", as the policy file puts it. */
static void add_rule(struct text *t, const struct egress_rule *r)
{
	add(t, "%s ", r->action == EGRESS_ACTION_DENY ? "deny" : "allow");
	if (r->kind == EGRESS_TARGET_NAME) {
		add(t, "%s", r->name);
	} else {
		add_address(t, r->family, r->addr);
		if (r->prefix_len != full_length(r->family))
			add(t, "/%u", r->prefix_len);
	}
	if (r->protos == EGRESS_PROTO_ANY) {
		add(t, " any");
	} else {
		const char *sep = " ";

		for (unsigned int bit = EGRESS_P_TCP; bit <= EGRESS_P_ICMP; bit <<= 1)
			if (r->protos & bit) {
				add(t, "%s%s", sep, proto_name(bit));
				sep = "/";
			}
	}
	for (size_t i = 0; i < r->port_count; i++) {
		add(t, "%s%u", i ? "," : " ", r->ports[i].first);
		if (r->ports[i].last != r->ports[i].first)
			add(t, "-%u", r->ports[i].last);
	}
}

/* The judged address and what was asked of it: "203.0.113.9 tcp 80". */
static void add_destination(struct text *t, const struct egress_query *q, int family,
			    const uint8_t *addr)
{
	add_address(t, family, addr);
	if (q->proto == EGRESS_P_ICMP)
		add(t, " icmp");
	else
		add(t, " %s %u", proto_name(q->proto), q->port);
}

/* What the policy's names resolve to now, and which of them did not resolve. */
struct resolved {
	const char **names;		/* distinct, sorted */
	size_t *counts;			/* addresses the resolver gave for each */
	size_t name_count;
	struct egress_address *addrs;
	size_t addr_count;
};

static int resolve_names(const struct egress_policy *policy, egress_resolver resolve, void *ctx,
			 struct resolved *res, struct iotguard_error *err)
{
	res->names = calloc(policy->rule_count + 1, sizeof(*res->names));
	if (!res->names)
		return iotguard_fail(err, ENOMEM, "egress explain: out of memory");
	res->name_count = egress_policy_names(policy, res->names);
	res->counts = calloc(res->name_count + 1, sizeof(*res->counts));
	res->addrs = calloc(res->name_count * EGRESS_CAP_ADDRESSES_PER_NAME + 1,
			    sizeof(*res->addrs));
	if (!res->counts || !res->addrs)
		return iotguard_fail(err, ENOMEM, "egress explain: out of memory");
	for (size_t i = 0; i < res->name_count; i++) {
		struct egress_address *out = &res->addrs[res->addr_count];
		size_t got = resolve ? resolve(res->names[i], out, EGRESS_CAP_ADDRESSES_PER_NAME,
					       ctx) : 0;

		if (got > EGRESS_CAP_ADDRESSES_PER_NAME)
			got = EGRESS_CAP_ADDRESSES_PER_NAME;
		for (size_t k = 0; k < got; k++)
			out[k].name = res->names[i];
		res->counts[i] = got;
		res->addr_count += got;
	}
	return 0;
}

static void resolved_free(struct resolved *res)
{
	free(res->names);
	free(res->counts);
	free(res->addrs);
}

static void add_verdict(struct text *t, const struct egress_policy *policy,
			const struct egress_query *q, const struct egress_decision *d,
			const uint8_t *addr)
{
	const char *verdict = d->allowed ? "allowed" : "denied";
	const struct egress_rule *r;

	if (d->loopback) {
		add(t, "allowed: loopback is always allowed\n");
		return;
	}
	if (!d->rule) {
		add(t, "%s by the default (no rule%s%s%s names ", verdict,
		    q->service ? ", device-wide or service " : "", q->service ? q->service : "",
		    q->service ? "'s," : "");
		add_destination(t, q, d->family, addr);
		add(t, ")\n");
		return;
	}
	r = &policy->rules[d->rule - 1];
	if (d->by_service)
		add(t, "%s by service %s's rule %u (line %d: ", verdict,
		    policy->services[r->service].name, r->id, r->line);
	else
		add(t, "%s by rule %u (line %d: ", verdict, r->id, r->line);
	add_rule(t, r);
	if (r->kind == EGRESS_TARGET_NAME) {
		add(t, "; ");
		add_address(t, d->family, addr);
		add(t, " is one of its addresses");
	}
	add(t, ")%s\n", d->allowed ? "" : ": a matching deny wins over any allow");
}

static void add_notes(struct text *t, const struct egress_policy *policy,
		      const struct egress_query *q, const struct egress_decision *d,
		      const uint8_t *addr, const struct resolved *res)
{
	if (d->family != q->family) {
		add(t, "note: ");
		add_address(t, q->family, q->addr);
		add(t, " is an IPv4-mapped IPv6 address: judged as ");
		add_address(t, d->family, addr);
		add(t, "\n");
	}
	if (!d->allowed && policy->mode == EGRESS_MODE_AUDIT)
		add(t, "note: audit mode: the connection is reported, not refused\n");
	for (size_t i = 0; i < res->name_count; i++) {
		if (!res->counts[i])
			add(t, "note: %s did not resolve: its rules match no address\n",
			    res->names[i]);
		else if (res->counts[i] > policy->limits.addresses_per_name)
			add(t, "note: %s resolved to %zu addresses; %u are enforced, IPv4 "
			    "first, the lowest first (egress.limits.addresses_per_name)\n",
			    res->names[i], res->counts[i], policy->limits.addresses_per_name);
	}
}

static int find_service(const struct egress_policy *policy, const char *name, uint16_t *svc,
			struct iotguard_error *err)
{
	*svc = 0;
	if (!name)
		return 0;
	for (size_t i = 0; i < policy->service_count; i++)
		if (!strcmp(policy->services[i].name, name)) {
			*svc = (uint16_t)(i + 1);
			return 0;
		}
	return iotguard_fail(err, EINVAL, "the outbound policy has no service named '%s' "
			     "(%zu services)", name, policy->service_count);
}

int egress_explain(const struct egress_policy *policy, const struct egress_query *q,
		   egress_resolver resolve, void *ctx, struct egress_decision *decision,
		   char *text, size_t size, struct iotguard_error *err)
{
	struct text t = { .p = text, .size = size };
	struct resolved res = { 0 };
	struct egress_tables tables;
	uint8_t judged[16] = { 0 };
	uint16_t svc;
	int ret;

	if (size)
		text[0] = '\0';
	memset(decision, 0, sizeof(*decision));
	decision->family = q->family;
	if (!policy) {
		decision->allowed = true;
		add(&t, "no outbound policy: everything is allowed\n");
		return 0;
	}
	ret = find_service(policy, q->service, &svc, err);
	if (!ret)
		ret = resolve_names(policy, resolve, ctx, &res, err);
	if (!ret)
		ret = egress_compile(policy, res.addrs, res.addr_count, &tables, err);
	if (ret) {
		resolved_free(&res);
		return ret;
	}
	egress_decide(&tables, svc, q->family, q->addr, q->port, q->proto, decision);
	egress_tables_free(&tables);
	/* An IPv4-mapped address is judged, and so spoken of, as its IPv4 part. */
	memcpy(judged, decision->family == q->family ? q->addr : q->addr + 12,
	       decision->family == AF_INET ? 4 : 16);
	add_verdict(&t, policy, q, decision, judged);
	add_notes(&t, policy, q, decision, judged, &res);
	resolved_free(&res);
	return 0;
}
