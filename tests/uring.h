/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One io_uring operation at a time through the raw system calls (no
 * liburing in the image): what a program that bypasses the socket system
 * calls would submit.
 */
#ifndef IOTGUARD_TEST_URING_H
#define IOTGUARD_TEST_URING_H

#include <sys/socket.h>

/* IORING_OP_CONNECT of fd to addr: the completion's result (0 or -errno). */
int uring_connect(int fd, const struct sockaddr *addr, socklen_t len);
/* IORING_OP_SENDMSG of msg on fd: the completion's result. */
int uring_sendmsg(int fd, const struct msghdr *msg);

#endif
