// SPDX-License-Identifier: GPL-2.0
/*
 * One access control entry of a MUD file's from-device ACL: its matches
 * (addresses, names, protocol, ports, RFC 8520's abstractions) and action
 * made into egress rules, and what the device cannot enforce into notes.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "mud_walk.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 8520's local-networks, which a device can enforce: private and link-local space. */
static const struct {
	int family;
	const char *prefix;
} local_networks[] = {
	{ AF_INET, "10.0.0.0/8" }, { AF_INET, "172.16.0.0/12" },
	{ AF_INET, "192.168.0.0/16" }, { AF_INET, "169.254.0.0/16" },
	{ AF_INET6, "fc00::/7" }, { AF_INET6, "fe80::/10" },
};

/* What one access control entry's matches say, before it becomes rules. */
struct ace_match {
	const char *acl;
	const char *ace;
	int family;			/* of the ipv4 or ipv6 container; 0: neither */
	bool has_dest;
	struct egress_rule dest;	/* kind, family, addr, prefix_len, name */
	long protocol;			/* -1: not given */
	uint32_t protos;		/* from the tcp, udp or icmp container; 0: none */
	struct egress_port_range ports[2];
	size_t port_count;
	bool local_networks;
	bool noted;			/* something it asks for cannot be enforced: no rule */
};

/* "a.b.c.d/n" or "x::/n" of family, host bits cleared (YANG's canonical form). */
static bool parse_prefix(const char *text, int family, struct egress_rule *r)
{
	unsigned int max = family == AF_INET ? 32 : 128;
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	unsigned long len;
	char *end;

	if (!slash || (size_t)(slash - text) >= sizeof(addr) || !isdigit((unsigned char)slash[1]))
		return false;
	memcpy(addr, text, slash - text);
	addr[slash - text] = '\0';
	memset(r->addr, 0, sizeof(r->addr));
	if (inet_pton(family, addr, r->addr) != 1)
		return false;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || len > max)
		return false;
	for (unsigned int bit = len; bit < max; bit++)
		r->addr[bit / 8] &= ~(0x80 >> (bit % 8));
	r->kind = EGRESS_TARGET_PREFIX;
	r->family = family;
	r->prefix_len = len;
	return true;
}

/* A host name (RFC 1123 labels), lower-cased, trailing dot dropped. */
static bool parse_dnsname(const char *text, struct egress_rule *r)
{
	size_t len = strlen(text), label = 0;
	unsigned char a[16];

	if (len && text[len - 1] == '.')
		len--;
	if (!len || len >= sizeof(r->name))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (c == '.') {
			if (!label || text[i - 1] == '-')
				return false;
			label = 0;
		} else if (isalnum((unsigned char)c) || (c == '-' && label)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
		r->name[i] = tolower((unsigned char)c);
	}
	r->name[len] = '\0';
	/* An address written where a name belongs would read as one in the policy. */
	if (!label || text[len - 1] == '-' || inet_pton(AF_INET, r->name, a) == 1 ||
	    inet_pton(AF_INET6, r->name, a) == 1)
		return false;
	r->kind = EGRESS_TARGET_NAME;
	r->family = 0;
	return true;
}

static bool port_value(json_object *v, long *port)
{
	if (!mud_is_type(v, json_type_int))
		return false;
	*port = (long)json_object_get_int64(v);
	return *port >= 0 && *port <= 65535;
}

/* Port 0 is no port a connection can go to: the policy's ranges start at 1. */
static void add_range(struct ace_match *m, long first, long last)
{
	if (first < 1)
		first = 1;
	if (first > last)
		return;
	m->ports[m->port_count].first = first;
	m->ports[m->port_count].last = last;
	m->port_count++;
}

/* RFC 8519's port-range-or-operator: lower-port and upper-port, or operator and port. */
static int parse_ports(struct mud_walk *w, json_object *spec, const char *path,
		       struct ace_match *m)
{
	json_object *lower, *upper, *op, *port;
	bool has_lower, has_upper;
	const char *opname = "eq";
	long lo, hi, p;

	if (!mud_is_type(spec, json_type_object))
		return mud_fail_at(w, path, "not an object");
	has_lower = mud_member(spec, NULL, "lower-port", &lower);
	has_upper = mud_member(spec, NULL, "upper-port", &upper);
	if (has_lower || has_upper) {
		if (!has_lower || !has_upper || !port_value(lower, &lo) ||
		    !port_value(upper, &hi) || lo > hi)
			return mud_fail_at(w, path, "lower-port and upper-port must be ports "
					   "0-65535, lower first");
		add_range(m, lo, hi);
		return 0;
	}
	if (!mud_member(spec, NULL, "port", &port) || !port_value(port, &p))
		return mud_fail_at(w, path, "no port 0-65535 (\"port\", or \"lower-port\" and "
				   "\"upper-port\")");
	if (mud_member(spec, NULL, "operator", &op)) {
		if (!mud_is_type(op, json_type_string))
			return mud_fail_at(w, path, "operator is not a string");
		opname = mud_local_name(json_object_get_string(op));
	}
	if (!strcmp(opname, "eq")) {
		add_range(m, p, p);
	} else if (!strcmp(opname, "lte")) {
		add_range(m, 0, p);
	} else if (!strcmp(opname, "gte")) {
		add_range(m, p, 65535);
	} else if (!strcmp(opname, "neq")) {
		add_range(m, 0, p - 1);
		add_range(m, p + 1, 65535);
	} else {
		return mud_fail_at(w, path, "operator \"%s\" (eq, lte, gte or neq)", opname);
	}
	return 0;
}

/* The ipv4 or ipv6 container: protocol and destination; anything else is noted. */
static int parse_l3(struct mud_walk *w, json_object *l3, const char *path, int family,
		    struct ace_match *m)
{
	const char *want_net = family == AF_INET ? "destination-ipv4-network" :
				"destination-ipv6-network";
	char at[MUD_PATH_MAX];
	int ret;

	if (!mud_is_type(l3, json_type_object))
		return mud_fail_at(w, path, "not an object");
	m->family = family;
	json_object_object_foreach(l3, key, v) {
		const char *field = mud_local_name(key);

		mud_path_of(at, path, ".%s", field);
		if (!strcmp(field, "protocol")) {
			if (!mud_is_type(v, json_type_int) || json_object_get_int64(v) < 0 ||
			    json_object_get_int64(v) > 255)
				return mud_fail_at(w, at, "not a protocol number 0-255");
			m->protocol = (long)json_object_get_int64(v);
		} else if (!strcmp(field, want_net) || !strcmp(field, "dst-dnsname")) {
			bool net = !strcmp(field, want_net);
			const char *text;

			/* The two are cases of one YANG choice: both at once is no ACE. */
			if (m->has_dest)
				return mud_fail_at(w, path, "more than one destination");
			if (!mud_is_type(v, json_type_string))
				return mud_fail_at(w, at, "not a string");
			text = json_object_get_string(v);
			if (!net && !parse_dnsname(text, &m->dest))
				return mud_fail_at(w, at, "\"%s\" is not a DNS name", text);
			if (net && !parse_prefix(text, family, &m->dest))
				return mud_fail_at(w, at, "\"%s\" is not an IPv%c prefix", text,
						   family == AF_INET ? '4' : '6');
			m->has_dest = true;
		} else {
			/* Sources are the device itself; header fields no connect() shows. */
			ret = mud_add_note(w, m->acl, m->ace, "%s.%s", family == AF_INET ? "ipv4" :
					   "ipv6", field);
			if (ret)
				return ret;
			m->noted = true;
		}
	}
	return 0;
}

/* The tcp, udp or icmp container: the destination port; anything else is noted. */
static int parse_l4(struct mud_walk *w, json_object *l4, const char *path, const char *l4name,
		    struct ace_match *m)
{
	char at[MUD_PATH_MAX];
	int ret;

	if (!mud_is_type(l4, json_type_object))
		return mud_fail_at(w, path, "not an object");
	m->protos = !strcmp(l4name, "tcp") ? EGRESS_PROTO_TCP :
		    !strcmp(l4name, "udp") ? EGRESS_PROTO_UDP : EGRESS_PROTO_ICMP;
	json_object_object_foreach(l4, key, v) {
		const char *field = mud_local_name(key);

		mud_path_of(at, path, ".%s", field);
		if (m->protos != EGRESS_PROTO_ICMP && !strcmp(field, "destination-port")) {
			ret = parse_ports(w, v, at, m);
			if (!ret && !m->port_count) {
				ret = mud_add_note(w, m->acl, m->ace, "%s.%s 0", l4name, field);
				m->noted = true;
			}
		} else if (m->protos == EGRESS_PROTO_TCP && !strcmp(field, "direction-initiated")) {
			const char *dir = mud_is_type(v, json_type_string) ?
					  json_object_get_string(v) : "";

			if (strcmp(dir, "from-device") && strcmp(dir, "to-device"))
				return mud_fail_at(w, at, "neither \"from-device\" nor "
						   "\"to-device\"");
			/*
			 * from-device: connections the device opens, which is
			 * what the egress policy governs. to-device: the device's
			 * replies on connections others open, which it never sees.
			 */
			ret = 0;
			if (!strcmp(dir, "to-device")) {
				ret = mud_add_note(w, m->acl, m->ace, "%s.%s to-device", l4name,
						   field);
				m->noted = true;
			}
		} else {
			ret = mud_add_note(w, m->acl, m->ace, "%s.%s", l4name, field);
			m->noted = true;
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* RFC 8520's abstractions: local-networks is enforced, the rest needs the network's MUD manager. */
static int parse_abstractions(struct mud_walk *w, json_object *mud, const char *path,
			      struct ace_match *m)
{
	int ret;

	if (!mud_is_type(mud, json_type_object))
		return mud_fail_at(w, path, "not an object");
	json_object_object_foreach(mud, key, v) {
		const char *name = mud_local_name(key);

		if (!strcmp(name, "local-networks")) {
			m->local_networks = true;
			continue;
		}
		/* controller, manufacturer and model name a URI or host: keep it for the reader. */
		if (mud_is_type(v, json_type_string))
			ret = mud_add_note(w, m->acl, m->ace, "%s %s", name,
					   json_object_get_string(v));
		else
			ret = mud_add_note(w, m->acl, m->ace, "%s", name);
		if (ret)
			return ret;
		m->noted = true;
	}
	return 0;
}

static int parse_matches(struct mud_walk *w, json_object *matches, const char *path,
			 struct ace_match *m)
{
	const char *l3name = NULL, *l4name = NULL;
	char at[MUD_PATH_MAX];
	int ret = 0;

	if (!mud_is_type(matches, json_type_object))
		return mud_fail_at(w, path, "not an object");
	json_object_object_foreach(matches, key, v) {
		const char *field = mud_local_name(key);

		mud_path_of(at, path, ".%s", field);
		if (!strcmp(field, "ipv4") || !strcmp(field, "ipv6")) {
			if (l3name)
				return mud_fail_at(w, path, "both %s and %s", l3name, field);
			l3name = field;
			ret = parse_l3(w, v, at, field[3] == '4' ? AF_INET : AF_INET6, m);
		} else if (!strcmp(field, "tcp") || !strcmp(field, "udp") ||
			   !strcmp(field, "icmp")) {
			if (l4name)
				return mud_fail_at(w, path, "both %s and %s", l4name, field);
			l4name = field;
			ret = parse_l4(w, v, at, field, m);
		} else if (!strcmp(field, "mud")) {
			ret = parse_abstractions(w, v, at, m);
		} else {
			/* eth (MAC addresses), interfaces: nothing a connect() shows. */
			ret = mud_add_note(w, m->acl, m->ace, "%s", field);
			m->noted = true;
		}
		if (ret)
			return ret;
	}
	return 0;
}

/* protocol and the tcp, udp or icmp container must agree; other protocols are noted. */
static int settle_protocol(struct mud_walk *w, const char *path, struct ace_match *m)
{
	uint32_t from_number;

	if (m->protocol < 0) {
		if (!m->protos)
			m->protos = EGRESS_PROTO_ANY;
		return 0;
	}
	from_number = m->protocol == 6 ? EGRESS_PROTO_TCP : m->protocol == 17 ? EGRESS_PROTO_UDP :
		      m->protocol == (m->family == AF_INET6 ? 58 : 1) ? EGRESS_PROTO_ICMP : 0;
	if (m->protos && m->protos != from_number)
		return mud_fail_at(w, path, "protocol %ld does not agree with its %s matches",
				   m->protocol, m->protos == EGRESS_PROTO_TCP ? "tcp" :
				   m->protos == EGRESS_PROTO_UDP ? "udp" : "icmp");
	if (!from_number) {
		m->noted = true;
		return mud_add_note(w, m->acl, m->ace, "%s.protocol %ld",
				    m->family == AF_INET6 ? "ipv6" : "ipv4", m->protocol);
	}
	m->protos = from_number;
	return 0;
}

/* The ACE's rules: its destination, each local network, or every address of its family. */
static int emit_rules(struct mud_walk *w, struct ace_match *m, enum egress_action action)
{
	static const struct {
		int family;
		const char *prefix;
	} everywhere[] = { { AF_INET, "0.0.0.0/0" }, { AF_INET6, "::/0" } };
	struct egress_rule r;
	int ret = 0;

	memset(&r, 0, sizeof(r));
	r.action = action;
	r.protos = m->protos;
	r.service = -1;
	memcpy(r.ports, m->ports, m->port_count * sizeof(m->ports[0]));
	r.port_count = m->port_count;
	if (m->has_dest) {
		r.kind = m->dest.kind;
		r.family = m->dest.family;
		memcpy(r.addr, m->dest.addr, sizeof(r.addr));
		r.prefix_len = m->dest.prefix_len;
		memcpy(r.name, m->dest.name, sizeof(r.name));
		return mud_add_rule(w, m->acl, m->ace, &r);
	}
	/* Both tables are of constant, valid prefixes: parse_prefix cannot fail on them. */
	for (size_t i = 0; m->local_networks && !ret && i < ARRAY_SIZE(local_networks); i++)
		if (!m->family || m->family == local_networks[i].family) {
			parse_prefix(local_networks[i].prefix, local_networks[i].family, &r);
			ret = mud_add_rule(w, m->acl, m->ace, &r);
		}
	for (size_t i = 0; !m->local_networks && !ret && i < ARRAY_SIZE(everywhere); i++)
		if (!m->family || m->family == everywhere[i].family) {
			parse_prefix(everywhere[i].prefix, everywhere[i].family, &r);
			ret = mud_add_rule(w, m->acl, m->ace, &r);
		}
	return ret;
}

/*
 * Each container's walk has one shape (an object, then each member by its
 * local name): what the members are and mean differs, so a common walker
 * would only move the switch into callbacks.
 */
static int parse_actions(struct mud_walk *w, json_object *actions, const char *path,
			 struct ace_match *m, enum egress_action *action)
{
	const char *fwd = NULL;
	char at[MUD_PATH_MAX];
	int ret;

	if (!mud_is_type(actions, json_type_object))
		return mud_fail_at(w, path, "not an object");
	json_object_object_foreach(actions, key, v) {
		const char *field = mud_local_name(key);

		if (!strcmp(field, "forwarding")) {
			mud_path_of(at, path, ".forwarding");
			if (!mud_is_type(v, json_type_string))
				return mud_fail_at(w, at, "not a string");
			fwd = mud_local_name(json_object_get_string(v));
			if (strcmp(fwd, "accept") && strcmp(fwd, "drop") && strcmp(fwd, "reject"))
				return mud_fail_at(w, at, "\"%s\" (accept, drop or reject)", fwd);
			continue;
		}
		/* logging and the like: the rule stands, what it adds does not. */
		ret = mud_add_note(w, m->acl, m->ace, "actions.%s", field);
		if (ret)
			return ret;
		w->out->notes[w->out->note_count - 1].rule_kept = true;
	}
	if (!fwd)
		return mud_fail_at(w, path, "no forwarding action");
	*action = strcmp(fwd, "accept") ? EGRESS_ACTION_DENY : EGRESS_ACTION_ALLOW;
	return 0;
}

int mud_parse_ace(struct mud_walk *w, json_object *ace, const char *path, const char *acl)
{
	struct ace_match m = { .acl = acl, .protocol = -1 };
	size_t first_note = w->out->note_count;
	enum egress_action action = EGRESS_ACTION_ALLOW;
	json_object *matches, *actions;
	char at[MUD_PATH_MAX];
	int ret;

	if (!mud_is_type(ace, json_type_object))
		return mud_fail_at(w, path, "not an object");
	ret = mud_name_at(w, ace, path, &m.ace);
	if (ret)
		return ret;
	mud_path_of(at, path, ".actions");
	if (!mud_member(ace, NULL, "actions", &actions))
		return mud_fail_at(w, at, "missing");
	ret = parse_actions(w, actions, at, &m, &action);
	if (ret)
		return ret;
	/* No matches: the ACE matches every packet (RFC 8519). */
	mud_path_of(at, path, ".matches");
	if (mud_member(ace, NULL, "matches", &matches))
		ret = parse_matches(w, matches, at, &m);
	if (!ret)
		ret = settle_protocol(w, at, &m);
	if (ret)
		return ret;
	if (m.local_networks && m.has_dest) {
		m.noted = true;
		ret = mud_add_note(w, acl, m.ace, "local-networks with a destination");
		if (ret)
			return ret;
	}
	/* An ACE with a part the device cannot enforce makes no rule: half of it would be wider. */
	if (!m.noted)
		return emit_rules(w, &m, action);
	/* An ACE with a note on its action alone would have had a rule: it has none now. */
	for (size_t i = first_note; i < w->out->note_count; i++)
		w->out->notes[i].rule_kept = false;
	return 0;
}

