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

#endif
