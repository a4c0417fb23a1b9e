// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "netpath.h"
#include "sessions.h"

#define CONNECT_TIMEOUT_MS 3000

const char *source4(char *buf, int n)
{
	snprintf(buf, 64, "10.99.0.%d", n);
	return buf;
}

const char *source6(char *buf, int n)
{
	snprintf(buf, 64, "fd00:99::%x", n);
	return buf;
}

const char *other64(char *buf, int n)
{
	snprintf(buf, 64, "fd00:99:0:1::%x", n);
	return buf;
}

int listen_on(int port)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int zero = 0, one = 1;

	if (fd < 0)
		return -errno;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4096)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

void drain(int listener)
{
	int fd;

	while ((fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		close(fd);
}

static int fill_addr(const char *text, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, text, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		*len = sizeof(*in4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		*len = sizeof(*in6);
		return AF_INET6;
	}
	return -1;
}

/* A socket made in the attacker's namespace stays there. */
static int socket_in(const char *netns, int family)
{
	char path[64];
	int self, target, fd;

	if (!netns)
		return socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	target = open(path, O_RDONLY | O_CLOEXEC);
	fd = -1;
	if (self >= 0 && target >= 0 && !setns(target, CLONE_NEWNET)) {
		fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (setns(self, CLONE_NEWNET)) {
			/* Never carry on in the wrong namespace. */
			perror("setns back");
			_exit(1);
		}
	}
	if (self >= 0)
		close(self);
	if (target >= 0)
		close(target);
	return fd;
}

static int connect_from(const char *netns, const char *src, const char *dst, int port)
{
	struct sockaddr_storage local, remote;
	struct pollfd pfd = { .events = POLLOUT };
	socklen_t local_len, remote_len, len = sizeof(int);
	int family, err = 0;

	family = fill_addr(dst, port, &remote, &remote_len);
	if (family < 0 || (src && fill_addr(src, 0, &local, &local_len) != family))
		return -EINVAL;
	pfd.fd = socket_in(netns, family);
	if (pfd.fd < 0)
		return -errno;
	if (src && bind(pfd.fd, (struct sockaddr *)&local, local_len)) {
		err = -errno;
		goto out;
	}
	if (!connect(pfd.fd, (struct sockaddr *)&remote, remote_len))
		goto out;
	if (errno != EINPROGRESS) {
		err = -errno;
		goto out;
	}
	if (poll(&pfd, 1, CONNECT_TIMEOUT_MS) != 1) {
		err = -ETIMEDOUT;
		goto out;
	}
	getsockopt(pfd.fd, SOL_SOCKET, SO_ERROR, &err, &len);
	err = -err;
out:
	close(pfd.fd);
	return err;
}

int attacker_connect(const char *src, const char *dst, int port)
{
	return connect_from(NETNS, src, dst, port);
}

int local_connect(const char *dst, int port)
{
	return connect_from(NULL, NULL, dst, port);
}
