// SPDX-License-Identifier: GPL-2.0
/* Readiness for a service manager: sd_notify's datagram, see service_notify.h. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "service_notify.h"

int service_notify(const char *socket_name, const char *state, struct iotguard_error *err)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = socket_name ? strlen(socket_name) : 0;
	socklen_t addr_len;
	ssize_t sent;
	int fd, saved;

	if (!len)
		return 0;
	if (socket_name[0] != '/' && socket_name[0] != '@') {
		if (strchr(socket_name, ':'))
			return iotguard_fail(err, EAFNOSUPPORT,
					     "NOTIFY_SOCKET=%s: only AF_UNIX sockets are supported",
					     socket_name);
		return iotguard_fail(err, EINVAL,
				     "NOTIFY_SOCKET=%s: neither an absolute path nor '@name'",
				     socket_name);
	}
	/* A path needs its terminating NUL in sun_path; an abstract name has none. */
	if (len + (socket_name[0] == '/') > sizeof(addr.sun_path))
		return iotguard_fail(err, EINVAL, "NOTIFY_SOCKET=%s: longer than %zu bytes",
				     socket_name, sizeof(addr.sun_path) - 1);
	memcpy(addr.sun_path, socket_name, len);
	addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	if (socket_name[0] == '@')
		addr.sun_path[0] = '\0';	/* abstract: the name's length is the address's */
	else
		addr_len++;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return iotguard_fail_errno(err, errno, "NOTIFY_SOCKET: socket");
	/* One datagram, whole or not at all; no SIGPIPE if the manager is gone. */
	sent = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&addr, addr_len);
	saved = errno;
	close(fd);
	if (sent < 0)
		return iotguard_fail_errno(err, saved, "NOTIFY_SOCKET=%s: cannot send %s",
					   socket_name, state);
	return 0;
}
