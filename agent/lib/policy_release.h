/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether a valid policy may ship in a product (`iotguardctl check-policy
 * --release`): the shipped policy/iotguard.conf is an example, and a device
 * that publishes security@example.com as its disclosure contact, or has no
 * product, disclosure or support period, fails the law it is meant to meet.
 * So: no name reserved for examples and tests (RFC 2606, RFC 6761:
 * example.com/.net/.org and the .example, .test, .invalid and .localhost
 * top-level domains) in a disclosure URI or an outbound rule, and those
 * sections set.
 */
#ifndef IOTGUARD_POLICY_RELEASE_H
#define IOTGUARD_POLICY_RELEASE_H

#include <stdbool.h>
#include <stddef.h>
#include "policy.h"

/* One reason the policy cannot ship: its line in the file (0 if none) and why. */
typedef void (*release_problem_fn)(void *arg, int line, const char *why);

/* Calls problem for each reason, in file order of the checks; returns how many. */
size_t policy_release_check(const struct iotguard_policy *policy, release_problem_fn problem,
			    void *arg);

/*
 * True if host (a DNS name, any case, a trailing dot allowed) is reserved
 * for examples and tests and can never be a product's own.
 */
bool reserved_example_name(const char *host);

/*
 * The host a mailto: (each address's domain, the first reserved one if
 * any) or scheme://host URI names, into out (len bytes); false if it names
 * none (tel:, openpgp4fpr:).
 */
bool uri_host(const char *uri, char *out, size_t len);

#endif
