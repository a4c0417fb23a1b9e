// SPDX-License-Identifier: GPL-2.0
/*
 * An egress rule's destination and ports from text (egress_target.h):
 * addresses and prefixes with inet_pton(3), DNS host names by RFC 1035's
 * letters-digits-hyphen rule, port ranges.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "egress_target.h"

#define IPV4_MAPPED_BITS 96	/* ::ffff:0:0/96 */
#define DNS_NAME_LEN 253	/* RFC 1035, without the trailing dot */
#define DNS_LABEL_LEN 63

static bool all_of(const char *text, size_t len, const char *chars)
{
	return strspn(text, chars) >= len;
}

/* Only an address or a prefix has '/' or ':', or digits and nothing but digits and dots. */
static bool looks_like_address(const char *text)
{
	return strpbrk(text, "/:") ||
	       (strpbrk(text, "0123456789") && all_of(text, strlen(text), "0123456789."));
}

/* "A.B.C.D", "A.B.C.D/N" or IPv6 alike into rule; ::ffff:A.B.C.D becomes IPv4. */
static int parse_prefix(const char *text, struct egress_rule *rule, struct iotguard_error *why)
{
	const char *slash = strchr(text, '/');
	size_t len = slash ? (size_t)(slash - text) : strlen(text);
	char addr[INET6_ADDRSTRLEN], masked[INET6_ADDRSTRLEN];
	uint8_t keep[16] = { 0 };
	unsigned int bits, max;

	if (len >= sizeof(addr))
		return iotguard_fail(why, EINVAL, "\"%s\" is not an IPv4 or IPv6 address", text);
	memcpy(addr, text, len);
	addr[len] = '\0';
	if (inet_pton(AF_INET, addr, rule->addr) == 1)
		rule->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, rule->addr) == 1)
		rule->family = AF_INET6;
	else
		return iotguard_fail(why, EINVAL, "\"%s\" is not an IPv4 or IPv6 address", text);
	max = rule->family == AF_INET ? 32 : 128;
	bits = max;
	if (slash) {
		len = strlen(slash + 1);
		bits = len && len <= 3 && all_of(slash + 1, len, "0123456789") ?
		       (unsigned int)atoi(slash + 1) : max + 1;
		if (bits > max)
			return iotguard_fail(why, EINVAL, "\"%s\": the prefix length must be 0..%u",
					     text, max);
	}
	/* The kernel judges IPv4-mapped IPv6 as IPv4: so is the rule stored. */
	if (rule->family == AF_INET6 && bits >= IPV4_MAPPED_BITS &&
	    IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)rule->addr)) {
		memmove(rule->addr, rule->addr + 12, 4);
		memset(rule->addr + 4, 0, 12);
		rule->family = AF_INET;
		bits -= IPV4_MAPPED_BITS;
	}
	rule->kind = EGRESS_TARGET_PREFIX;
	rule->prefix_len = (uint8_t)bits;
	memset(keep, 0xff, bits / 8);
	if (bits % 8)
		keep[bits / 8] = (uint8_t)(0xff00u >> (bits % 8));
	for (size_t i = 0; i < sizeof(keep); i++)
		keep[i] &= rule->addr[i];
	if (!memcmp(keep, rule->addr, sizeof(keep)))
		return 0;
	/* "10.0.0.1/24" is a typo, not a subnet: say what it was probably meant to be. */
	inet_ntop(rule->family, keep, masked, sizeof(masked));
	return iotguard_fail(why, EINVAL, "\"%s\" has bits set beyond the prefix length "
			     "(\"%s/%u\" is the network)", text, masked, bits);
}

static bool is_ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/* A host name (letters, digits and '-' labels) into out, lower case, no trailing dot. */
static int parse_dns_name(const char *text, char *out, struct iotguard_error *why)
{
	size_t len = strlen(text), label = 0, last = 0;

	if (len && text[len - 1] == '.')
		len--;
	if (!len || len > DNS_NAME_LEN)
		goto bad;
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? text[i] : '.';

		if (c == '.') {
			if (!label || text[i - 1] == '-')
				goto bad;
			last = i - label;
			label = 0;
		} else if (!is_ldh(c) || (!label && c == '-') || ++label > DNS_LABEL_LEN) {
			goto bad;
		}
		out[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	out[len] = '\0';
	/* No top-level domain is all digits: "10.1.2.300" is a bad address, not a name. */
	if (!all_of(text + last, len - last, "0123456789"))
		return 0;
bad:
	return iotguard_fail(why, EINVAL, "\"%s\" is neither an address nor a DNS name (labels "
			     "of 1..%d letters, digits or '-', %d characters in all)", text,
			     DNS_LABEL_LEN, DNS_NAME_LEN);
}

int egress_target_parse(const char *text, struct egress_rule *rule, struct iotguard_error *error)
{
	if (looks_like_address(text))
		return parse_prefix(text, rule, error);
	rule->kind = EGRESS_TARGET_NAME;
	return parse_dns_name(text, rule->name, error);
}

bool egress_port_range_parse(const char *text, struct egress_port_range *range)
{
	const char *dash = strchr(text, '-');
	size_t first_len = dash ? (size_t)(dash - text) : strlen(text);
	const char *second = dash ? dash + 1 : text;
	size_t second_len = strlen(second);
	long first, last;

	if (!first_len || first_len > 5 || !all_of(text, first_len, "0123456789") ||
	    !second_len || second_len > 5 || !all_of(second, second_len, "0123456789"))
		return false;
	first = strtol(text, NULL, 10);
	last = strtol(second, NULL, 10);
	if (first < 1 || last > 65535 || first > last)
		return false;
	range->first = (uint16_t)first;
	range->last = (uint16_t)last;
	return true;
}
