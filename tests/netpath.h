/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP connections from the "attacker" namespace (a second host over veth)
 * to the device, from a chosen source address, for the network gate's
 * tests and benchmark. setup_network() (sessions.h) gives the attacker
 * ATTACKER_ADDR and SOURCE4(n) for n in 2..40, and IPv6 SOURCE6(n) in
 * fd00:99::/64 and OTHER64(n) in fd00:99:0:1::/64; the device has
 * DEVICE_ADDR and DEVICE_ADDR6.
 */
#ifndef IOTGUARD_TEST_NETPATH_H
#define IOTGUARD_TEST_NETPATH_H

#define DEVICE_ADDR6 "fd00:99::1"
#define SOURCE4_MAX 40

/* Fills buf with the n-th attacker address; returns buf. */
const char *source4(char *buf, int n);
const char *source6(char *buf, int n);
const char *other64(char *buf, int n);

/* A listener on the device (dual-stack, any address); -errno on failure. */
int listen_on(int port);
/* Accept and close whatever the listener has queued. */
void drain(int listener);

/*
 * Connect from src (in the attacker namespace) to dst:port, then close.
 * 0 if it connected; -ECONNREFUSED for a reset; -ETIMEDOUT after 3 s.
 */
int attacker_connect(const char *src, const char *dst, int port);
/* The same from the device itself (e.g. over loopback). */
int local_connect(const char *dst, int port);

/*
 * A second path to the attacker, for renaming an interface without taking
 * veth0 down: PATH2_DEVICE_IF (PATH2_DEVICE_ADDR) to PATH2_ATTACKER_ADDR in
 * the attacker namespace. And PROV_IF, an interface of the device's own (a
 * veth pair with both ends here) to exempt by name. Idempotent; 0 or the
 * failing command's status.
 */
#define PATH2_DEVICE_IF "veth2"
#define PATH2_DEVICE_ADDR "10.98.0.1"
#define PATH2_ATTACKER_ADDR "10.98.0.2"
#define PROV_IF "prov0"
int setup_rename_paths(void);
/* Rename an interface: down for the rename (the kernel wants it), then up. */
int rename_link(const char *from, const char *to);

/*
 * Spoofed SYNs from the attacker namespace, by raw socket: no handshake and
 * no state on the sending side. per_source SYNs from each of n sources to
 * dst:port; the sources are 10.66.0.0/16 (FLOOD_NET4) for IPv4, and one
 * address in each of n /64s of the /48 FLOOD_NET6 for IPv6. The device
 * should route those prefixes to a blackhole. Returns the packets sent, or
 * -errno.
 */
#define FLOOD_NET4 "10.66.0.0/16"
#define FLOOD_NET6 "fd00:66::/48"
#define FLOOD_MAX_SOURCES 65534
long syn_flood(int family, const char *dst, int port, unsigned int n,
	       unsigned int per_source);

#endif
