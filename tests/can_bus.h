/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Virtual CAN buses (vcan) for the tests of the policy's families and of
 * the lock: raw CAN sockets bound to a bus, one frame at a time, and a CAN
 * gateway (can-gw) route between two buses, as `cangw` would make it.
 */
#ifndef IOTGUARD_TEST_CAN_BUS_H
#define IOTGUARD_TEST_CAN_BUS_H

#include <stdint.h>
#include <linux/can.h>

/* Load can_raw and vcan, make the bus if it is not there and set it up: 0 or -1. */
int can_bus_up(const char *bus);
/* A CAN raw socket bound to the bus: its fd, or -errno. */
int can_socket(const char *bus);
/* One frame with this id (one data byte) on fd: 0 or -errno. */
int can_write(int fd, canid_t id);
/* The id of the next frame fd receives within timeout_ms, or 0 for none. */
canid_t can_received(int fd, int timeout_ms);
/*
 * A can-gw message of type (RTM_NEWROUTE, RTM_DELROUTE) for a route that
 * copies every frame from bus src to bus dst (both 0 with RTM_DELROUTE:
 * every route); its length. buf holds 64 bytes.
 */
size_t can_gw_msg(char *buf, uint16_t type, int src_ifindex, int dst_ifindex);

#endif
