/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Telling a service manager how the agent is doing, with systemd's readiness
 * protocol (sd_notify(3)) and without libsystemd: one AF_UNIX datagram of
 * newline-separated VAR=VALUE assignments ("READY=1", "STOPPING=1") sent
 * to the socket the manager names in $NOTIFY_SOCKET. The name is a file
 * system path ("/run/systemd/notify") or, with a leading '@', a Linux
 * abstract socket name (the '@' stands for the address's leading NUL byte).
 * A unit with Type=notify waits for READY=1 before starting what is ordered
 * after it.
 */
#ifndef IOTGUARD_SERVICE_NOTIFY_H
#define IOTGUARD_SERVICE_NOTIFY_H

#include "error.h"

/*
 * Send state (e.g. "READY=1") to socket_name, the value of $NOTIFY_SOCKET.
 * socket_name NULL or "" means no manager is listening: nothing is sent and 0 is
 * returned. Returns 0 once the datagram is sent, or a negative errno:
 * -EINVAL for a name that is neither absolute nor '@', or too long for an
 * AF_UNIX address; -EAFNOSUPPORT for another kind of address (systemd's
 * "vsock:"); the errno of socket(2) or sendto(2) (ENOENT, ECONNREFUSED: no
 * one is bound there).
 */
int service_notify(const char *socket_name, const char *state, struct iotguard_error *err);

#endif
