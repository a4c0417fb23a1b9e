/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Egress policies built in code for the host tests, as policy_load would
 * fill them: rules appended in the policy's numbering order (device allow,
 * device deny, then each service's allow), targets and ports as text.
 */
#ifndef IOTGUARD_TEST_EGRESS_BUILDER_H
#define IOTGUARD_TEST_EGRESS_BUILDER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "egress_policy.h"
#include "egress_compile.h"

static inline void builder_init(struct egress_policy *p, enum egress_action default_action)
{
	memset(p, 0, sizeof(*p));
	p->mode = EGRESS_MODE_ENFORCE;
	p->default_action = default_action;
	p->limits = (struct egress_limits){ EGRESS_DEFAULT_MAX_RULES, EGRESS_DEFAULT_MAX_NAMES,
		EGRESS_DEFAULT_MAX_SERVICES, EGRESS_DEFAULT_MAX_ADDRESSES_PER_NAME };
}

static inline void builder_free(struct egress_policy *p)
{
	free(p->rules);
	free(p->services);
	memset(p, 0, sizeof(*p));
}

/* An address in text to family and bytes; aborts on a typo in a test. */
static inline int builder_address(const char *text, uint8_t *addr)
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, text, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, text, addr) == 1)
		return AF_INET6;
	fprintf(stderr, "builder: bad address %s\n", text);
	abort();
}

/* A zeroed element appended to *array of *count, each size bytes. */
static inline void *builder_append(void *array, size_t *count, size_t size)
{
	void **grown = array;

	*grown = realloc(*grown, (*count + 1) * size);
	if (!*grown)
		abort();
	memset((char *)*grown + *count * size, 0, size);
	return (char *)*grown + (*count)++ * size;
}

static inline void builder_service(struct egress_policy *p, const char *name,
				   const char *cgroup)
{
	struct egress_service *s = builder_append(&p->services, &p->service_count, sizeof(*s));

	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->cgroup, sizeof(s->cgroup), "%s", cgroup);
	s->line = 100 + (int)p->service_count;
}

/*
 * Append a rule: to is "a.b.c.d/len", a bare address or a name; ports is
 * "443,8000-8100" or "" for every port; service -1 is device-wide.
 */
static inline struct egress_rule *builder_rule(struct egress_policy *p,
					       enum egress_action action, int service,
					       const char *to, uint32_t protos, const char *ports)
{
	char text[EGRESS_NAME_MAX], *slash;
	uint8_t probe[16];
	struct egress_rule *r = builder_append(&p->rules, &p->rule_count, sizeof(*r));

	r->id = (uint32_t)p->rule_count;
	r->action = action;
	r->service = service;
	r->protos = protos;
	r->line = 10 + (int)p->rule_count;
	snprintf(text, sizeof(text), "%s", to);
	slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, text, probe) == 1 || inet_pton(AF_INET6, text, probe) == 1) {
		r->kind = EGRESS_TARGET_PREFIX;
		r->family = builder_address(text, r->addr);
		r->prefix_len = (uint8_t)(slash ? atoi(slash + 1) :
					  r->family == AF_INET ? 32 : 128);
	} else {
		r->kind = EGRESS_TARGET_NAME;
		snprintf(r->name, sizeof(r->name), "%s", text);
	}
	for (const char *s = ports; *s; ) {
		char *end;

		r->ports[r->port_count].first = (uint16_t)strtoul(s, &end, 10);
		r->ports[r->port_count].last = *end == '-' ?
			(uint16_t)strtoul(end + 1, &end, 10) : r->ports[r->port_count].first;
		r->port_count++;
		s = *end == ',' ? end + 1 : end;
	}
	return r;
}

static inline struct egress_address builder_name_address(const char *name, const char *text)
{
	struct egress_address a = { .name = name };

	a.family = builder_address(text, a.addr);
	return a;
}

/* The issue's example (README's too), rules numbered as the parser numbers them. */
static inline void build_issue_example(struct egress_policy *p)
{
	builder_init(p, EGRESS_ACTION_DENY);
	builder_service(p, "camera", "camera");
	builder_rule(p, EGRESS_ACTION_ALLOW, -1, "203.0.113.0/24", EGRESS_PROTO_TCP, "443");
	builder_rule(p, EGRESS_ACTION_ALLOW, -1, "2001:db8::/32", EGRESS_PROTO_ANY, "");
	builder_rule(p, EGRESS_ACTION_ALLOW, -1, "cloud.example.com", EGRESS_PROTO_TCP,
		     "8883,10000-10100");
	builder_rule(p, EGRESS_ACTION_DENY, -1, "192.168.0.0/16", EGRESS_PROTO_ANY, "");
	builder_rule(p, EGRESS_ACTION_ALLOW, 0, "cloud.example.com", EGRESS_PROTO_TCP, "443");
}

#endif
