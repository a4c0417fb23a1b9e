// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the readiness datagram (sd_notify's protocol): a test
 * socket bound where $NOTIFY_SOCKET would name it, as a path and as an
 * abstract '@' name, receives exactly the state sent; no socket is no-op;
 * names the protocol does not allow, and a socket nobody is bound to, fail
 * with their errno and a message. Built with ASan and UBSan.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include "kselftest_harness.h"
#include "service_notify.h"

FIXTURE(notify) {
	char dir[64];
	char name[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];	/* as in NOTIFY_SOCKET */
	int fd;
	struct iotguard_error error;
};

FIXTURE_VARIANT(notify) {
	bool abstract;
};

FIXTURE_VARIANT_ADD(notify, path) {
	.abstract = false,
};

FIXTURE_VARIANT_ADD(notify, abstract) {
	.abstract = true,
};

FIXTURE_SETUP(notify)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	socklen_t len;

	strcpy(self->dir, "/tmp/iotguard-notify-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	if (variant->abstract) {
		/* Unique like the directory: the abstract namespace is shared by the host. */
		snprintf(self->name, sizeof(self->name), "@%s", self->dir);
		memcpy(addr.sun_path + 1, self->dir, strlen(self->dir));
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(self->name));
	} else {
		snprintf(self->name, sizeof(self->name), "%s/notify", self->dir);
		strcpy(addr.sun_path, self->name);
		len = sizeof(addr);
	}
	self->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, bind(self->fd, (struct sockaddr *)&addr, len)) TH_LOG("%s", strerror(errno));
}

FIXTURE_TEARDOWN(notify)
{
	char path[128];

	close(self->fd);
	snprintf(path, sizeof(path), "%s/notify", self->dir);
	unlink(path);
	rmdir(self->dir);
}

/* The next datagram, or "" if none is waiting. */
static const char *next_datagram(int fd)
{
	static char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

TEST_F(notify, ready_arrives_whole_once)
{
	ASSERT_EQ(0, service_notify(self->name, "READY=1", &self->error)) TH_LOG("%s",
										 self->error.msg);
	EXPECT_STREQ("READY=1", next_datagram(self->fd));
	EXPECT_STREQ("", next_datagram(self->fd));
	ASSERT_EQ(0, service_notify(self->name, "STOPPING=1", &self->error));
	EXPECT_STREQ("STOPPING=1", next_datagram(self->fd));
}

/* Bound at the other kind of name: the datagram must not find this socket. */
TEST_F(notify, path_and_abstract_are_different_names)
{
	char other[sizeof(self->name) + 1];

	if (variant->abstract)
		snprintf(other, sizeof(other), "%s", self->name + 1);	/* the path, no '@' */
	else
		snprintf(other, sizeof(other), "@%s", self->name);
	EXPECT_GT(0, service_notify(other, "READY=1", &self->error));
	EXPECT_STREQ("", next_datagram(self->fd));
}

TEST(no_manager_is_nothing_to_do)
{
	struct iotguard_error error = { 0 };

	EXPECT_EQ(0, service_notify(NULL, "READY=1", &error));
	EXPECT_EQ(0, service_notify("", "READY=1", &error));
	EXPECT_EQ(0, error.code);
}

TEST(names_the_protocol_does_not_allow)
{
	char longest[sizeof(((struct sockaddr_un *)0)->sun_path) + 2];
	struct iotguard_error error;

	EXPECT_EQ(-EINVAL, service_notify("run/systemd/notify", "READY=1", &error));
	EXPECT_NE(NULL, strstr(error.msg, "run/systemd/notify"));
	EXPECT_EQ(-EAFNOSUPPORT, service_notify("vsock:2:1234", "READY=1", &error));
	/* A path must leave room for its NUL in sun_path; an abstract name need not. */
	memset(longest, 'a', sizeof(longest) - 1);
	longest[0] = '/';
	longest[sizeof(longest) - 2] = '\0';	/* sizeof(sun_path) bytes */
	EXPECT_EQ(-EINVAL, service_notify(longest, "READY=1", &error));
	longest[0] = '@';
	EXPECT_NE(-EINVAL, service_notify(longest, "READY=1", &error));
}

TEST(nobody_bound_there)
{
	char dir[] = "/tmp/iotguard-notify-XXXXXX", path[64];
	struct iotguard_error error;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/none", dir);
	EXPECT_EQ(-ENOENT, service_notify(path, "READY=1", &error));
	EXPECT_NE(NULL, strstr(error.msg, path));
	rmdir(dir);
}

TEST_HARNESS_MAIN
