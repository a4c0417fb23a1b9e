/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Login sessions as a remote attacker or a local user makes them, for the
 * tests and the demo: busybox login on a pty, su, telnet and SSH from the
 * "attacker" network namespace (a second host over veth).
 */
#ifndef IOTGUARD_TEST_SESSIONS_H
#define IOTGUARD_TEST_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define IP "/sbin/ip"
#define NETNS "attacker"
#define DEVICE_ADDR "10.99.0.1"
#define ATTACKER_ADDR "10.99.0.2"

/* RESET: the connection itself was refused (the network gate's reset). */
enum outcome { REFUSED, LOGGED_IN, BROKEN, RESET };

extern const char *const outcome_names[];

/* Create the attacker's namespace and the veth between; idempotent. */
int setup_network(void);
/* setup_network(), then its subnet exempt from the lockout, the throttle wide open. */
int exempt_attacker_subnet(void);
/* Append user (uid) with password's sha512crypt hash to /etc/passwd and shadow. */
int add_vendor_account(const char *user, uid_t uid, const char *password);
/* The same with the shadow hash given (e.g. cheaper rounds). */
int add_account_hashed(const char *user, uid_t uid, const char *hash);

/* telnet and SSH connect from this attacker address (NULL: ATTACKER_ADDR). */
void session_source(const char *addr);

enum outcome login_on_pty(const char *user, const char *password);
enum outcome su_to(const char *user);
enum outcome su_as_nobody(const char *path, char *const argv[], const char *password,
			  int *status);
/* password NULL: the account's password field is empty, none is asked. */
enum outcome telnet_login(const char *user, const char *password);
enum outcome ssh_login(const char *user, const char *password);

/* Enter the attacker's network namespace (in a child process). */
int enter_attacker(void);

/* SSH forwarding from the attacker's namespace; see sessions.c. */
#define GREETING "RELAYED-BY-THE-DEVICE"
pid_t ssh_forward(const char *user, const char *password, const char *spec);
pid_t greeter(uint16_t port);
int local_greeting(bool in_attacker_ns, uint16_t port, long wait_ms);

#endif
