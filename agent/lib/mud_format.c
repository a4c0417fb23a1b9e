// SPDX-License-Identifier: GPL-2.0
/*
 * A MUD file's rules written as the policy file's egress section
 * (mud_egress_text in mud.h), with what they leave out as comments.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "mud.h"

static void put_target(FILE *f, const struct egress_rule *r)
{
	char addr[INET6_ADDRSTRLEN];

	if (r->kind == EGRESS_TARGET_NAME) {
		fprintf(f, "\"%s\"", r->name);
		return;
	}
	inet_ntop(r->family, r->addr, addr, sizeof(addr));
	fprintf(f, "\"%s/%u\"", addr, r->prefix_len);
}

/* As the issue writes them: a single port bare, a range quoted. */
static void put_ports(FILE *f, const struct egress_rule *r)
{
	if (!r->port_count)
		return;
	fputs(" ports = [ ", f);
	for (size_t i = 0; i < r->port_count; i++) {
		const struct egress_port_range *p = &r->ports[i];

		if (i)
			fputs(", ", f);
		if (p->first == p->last)
			fprintf(f, "%u", p->first);
		else
			fprintf(f, "\"%u-%u\"", p->first, p->last);
	}
	fputs(" ];", f);
}

static const char *proto_text(uint32_t protos)
{
	switch (protos) {
	case EGRESS_PROTO_TCP:
		return "tcp";
	case EGRESS_PROTO_UDP:
		return "udp";
	case EGRESS_PROTO_ICMP:
		return "icmp";
	default:
		return "any";	/* mud.c makes no other pair */
	}
}

/* rules[0..n) as a libconfig list named key, each with the ACE it came from. */
static void put_list(FILE *f, const char *key, const struct mud_rule *rules, size_t n)
{
	if (!n)
		return;
	fprintf(f, "  %s = (\n", key);
	for (size_t i = 0; i < n; i++) {
		const struct egress_rule *r = &rules[i].rule;

		fputs("    { to = ", f);
		put_target(f, r);
		fputc(';', f);
		put_ports(f, r);
		fprintf(f, " proto = \"%s\"; }%s  # %s/%s\n", proto_text(r->protos),
			i + 1 < n ? "," : "", rules[i].acl, rules[i].ace);
	}
	fputs("  );\n", f);
}

static void put_header(FILE *f, const struct mud_import *mud)
{
	char line[MUD_NOTE_TEXT_MAX];

	fprintf(f, "# Outbound policy imported by iotguardctl mud import from the MUD file\n"
		"# of %s%s%s%s.\n", mud->url ? mud->url : "(no mud-url)",
		mud->systeminfo ? " (" : "", mud->systeminfo ? mud->systeminfo : "",
		mud->systeminfo ? ")" : "");
	if (!mud->note_count) {
		fputs("# Everything it asks of the device is enforced.\n", f);
		return;
	}
	fprintf(f, "# Not enforced on the device (%zu):\n", mud->note_count);
	for (size_t i = 0; i < mud->note_count; i++) {
		mud_note_text(&mud->notes[i], line, sizeof(line));
		fprintf(f, "#   %s\n", line);
	}
}

int mud_egress_text(const struct mud_import *mud, char **text, struct iotguard_error *err)
{
	size_t size;
	FILE *f = open_memstream(text, &size);

	if (!f)
		return iotguard_fail(err, ENOMEM, "out of memory");
	put_header(f, mud);
	fputs("egress = {\n  mode = \"enforce\";\n  default = \"deny\";\n", f);
	put_list(f, "allow", mud->rules, mud->allow_count);
	/* No rules: rules is NULL, and NULL + 0 is undefined (tests/fuzz/mud_fuzz.c). */
	put_list(f, "deny", mud->rule_count ? mud->rules + mud->allow_count : NULL,
		 mud->rule_count - mud->allow_count);
	fputs("  raw_sockets = false;\n", f);
	/* Past the defaults, the policy says so itself (mud.c keeps within the hard caps). */
	if (mud->rule_count > EGRESS_DEFAULT_MAX_RULES ||
	    mud->name_count > EGRESS_DEFAULT_MAX_NAMES)
		fprintf(f, "  limits = { rules = %zu; names = %zu; };\n",
			mud->rule_count > EGRESS_DEFAULT_MAX_RULES ? mud->rule_count :
			(size_t)EGRESS_DEFAULT_MAX_RULES,
			mud->name_count > EGRESS_DEFAULT_MAX_NAMES ? mud->name_count :
			(size_t)EGRESS_DEFAULT_MAX_NAMES);
	fputs("};\n", f);
	if (ferror(f)) {
		fclose(f);
		free(*text);
		*text = NULL;
		return iotguard_fail(err, ENOMEM, "out of memory");
	}
	if (fclose(f)) {
		free(*text);
		*text = NULL;
		return iotguard_fail(err, ENOMEM, "out of memory");
	}
	return 0;
}
