/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the device publishes about itself (PSTI Sch. 1 §2-§3, Sch. 4; ETSI EN
 * 303 645 5.2-1, 5.3-13): the product, how to report a vulnerability, how
 * long security updates last. Part of struct iotguard_policy.
 */
#ifndef IOTGUARD_POLICY_PUBLISH_H
#define IOTGUARD_POLICY_PUBLISH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PUBLISH_TEXT_MAX 160
#define PUBLISH_URI_MAX 256
#define PUBLISH_MAX_CONTACTS 4
#define PUBLISH_MAX_LANGUAGES 8
#define PUBLISH_LANGUAGE_MAX 16
#define PUBLISH_MAX_STANDARDS 8
#define PUBLISH_MAX_PORTS 32
#define PUBLISH_MAX_EXPIRES_DAYS 365	/* RFC 9116: less than a year ahead */
#define PUBLISH_DEFAULT_SECURITY_TXT "/var/www/.well-known/security.txt"
#define PUBLISH_DEFAULT_VERSION_FILE "/etc/os-release"

struct product_policy {
	char manufacturer[PUBLISH_TEXT_MAX];
	char manufacturer_address[PUBLISH_TEXT_MAX];
	char model[PUBLISH_TEXT_MAX];
	char product_type[PUBLISH_TEXT_MAX];
	char batch[PUBLISH_TEXT_MAX];
	/* The running software version: VERSION_ID= of an os-release file, else its first line. */
	char version_file[PUBLISH_URI_MAX];
	int line;		/* of the section in the file; 0 if absent (for messages) */
};

struct disclosure_policy {
	char contacts[PUBLISH_MAX_CONTACTS][PUBLISH_URI_MAX];	/* mailto:, tel:, https: */
	size_t contact_count;
	char policy_url[PUBLISH_URI_MAX];			/* https: */
	int acknowledge_days;		/* a reporter hears back within this */
	int status_update_days;		/* and gets news at least this often */
	char languages[PUBLISH_MAX_LANGUAGES][PUBLISH_LANGUAGE_MAX];
	size_t language_count;
	char encryption[PUBLISH_URI_MAX];	/* a key's URI, never the key; "" none */
	int expires_days;			/* security.txt Expires: now + this */
	char security_txt[PUBLISH_URI_MAX];	/* where to write it; "" none */
	/* Lines in the file, for messages; 0 if absent. */
	int line;
	int contact_lines[PUBLISH_MAX_CONTACTS];
	int policy_url_line;
	int encryption_line;
};

struct support_policy {
	bool set;			/* updates_until given */
	int64_t updates_until;		/* last day with security updates (days since epoch) */
	int ending_soon_days;
	char update_mechanism[PUBLISH_TEXT_MAX];
	int line;		/* of the section in the file; 0 if absent */
};

struct compliance_policy {
	char standards[PUBLISH_MAX_STANDARDS][PUBLISH_TEXT_MAX];
	size_t standard_count;
	/* Ports the product listens on by design (ETSI 5.6-1); others are unused. */
	uint16_t declared_ports[PUBLISH_MAX_PORTS];
	size_t declared_port_count;
};

struct publish_policy {
	struct product_policy product;
	struct disclosure_policy disclosure;
	struct support_policy support;
	struct compliance_policy compliance;
};

void publish_policy_defaults(struct publish_policy *publish);

#endif
