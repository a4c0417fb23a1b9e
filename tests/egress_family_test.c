// SPDX-License-Identifier: GPL-2.0
/*
 * The outbound policy's `families`, in the device: sockets of the address
 * families that reach past the device without an IP destination (CAN,
 * Bluetooth, vsock...) are refused at creation unless the policy names the
 * family, device-wide or for a service. A CAN bus (vcan0) with a receiver
 * opened before the policy confirms what reached it and what did not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/can/raw.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "can_bus.h"
#include "egress.h"
#include "egress_events.h"
#include "egress_family.h"
#include "egress_loader.h"
#include "egress_maps.h"
#include "egress_peer.h"
#include "egress_tables.h"
#include "util.h"

#define CAN_BUS "vcan0"
#define CAN_BIT (1ull << AF_CAN)
/* IPPROTO_SMC: an SMC socket made in the inet families (Linux 6.11+). */
#define SMC_AS_INET_PROTOCOL 256

/* The families `families` decides, by the agent's parser: the programs must refuse exactly these. */
static uint64_t judged_families(void)
{
	uint64_t mask = 0;

	for (int f = 1; f < EGRESS_FAMILY_NAMES; f++) {
		int parsed;

		if (egress_family_name(f) && !egress_family_parse(egress_family_name(f), &parsed, NULL))
			mask |= 1ull << f;
	}
	return mask;
}

/* Open a CAN socket on the bus and send one frame with this id: 0, or -errno. */
static int can_send(canid_t id)
{
	int fd = can_socket(CAN_BUS), ret;

	if (fd < 0)
		return fd;
	ret = can_write(fd, id);
	close(fd);
	return ret;
}

/* can_send() in a child moved into SVC_CGROUP: its result. */
static int can_send_in_service(canid_t id)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		char me[16];
		int ret;

		snprintf(me, sizeof(me), "%d", getpid());
		if (write_text(SVC_CGROUP "/cgroup.procs", me))
			_exit(255);
		ret = can_send(id);
		_exit(ret == 0 ? 0 : ret == -EPERM ? 1 : 2);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -EIO;
	return WEXITSTATUS(status) == 0 ? 0 : WEXITSTATUS(status) == 1 ? -EPERM : -EIO;
}

FIXTURE(family)
{
	int bus;	/* a receiver on the bus, opened before any policy */
};

FIXTURE_SETUP(family)
{
	struct egress_attach_opts opts = { .cgroup_root = "/sys/fs/cgroup", .lsm = true };
	struct iotguard_error err;
	int ret;

	SKIP_SETUP_WITHOUT_BPF_LSM();
	ret = egress_pinned() ? 0 : egress_attach(&opts, &err);
	ASSERT_LE(0, ret) TH_LOG("egress_attach: %s", err.msg);
	ASSERT_EQ(0, egress_uninstall(&err)) TH_LOG("%s", err.msg);
	ASSERT_EQ(0, can_bus_up(CAN_BUS));
	self->bus = can_socket(CAN_BUS);
	ASSERT_LE(0, self->bus) TH_LOG("%s", strerror(-self->bus));
	mkdir("/sys/fs/cgroup/iotguard", 0755);
	mkdir(SVC_CGROUP, 0755);
}

FIXTURE_TEARDOWN(family)
{
	struct iotguard_error err;

	/* The rest of the suite runs without an outbound policy. */
	EXPECT_EQ(0, egress_uninstall(&err));
	close(self->bus);
	rmdir(SVC_CGROUP);
}

/*
 * Every family the agent's parser lets `families` name is refused when it
 * is not named, and no other is (IP, unix, netlink, and the link-layer
 * families that raw_sockets, allowed here, decides): the programs and the
 * parser draw the same line. The type is the same for all: the hook runs
 * before the kernel looks at the family, so a family whose module the
 * image lacks is refused all the same.
 */
TEST_F_TIMEOUT(family, refused_unless_named, EGRESS_TEST_TIMEOUT_S)
{
	uint64_t judged = judged_families();
	__u64 denied = egress_stat(EGRESS_STAT_DENIED);
	int refused = 0;

	ASSERT_NE(0, judged & CAN_BIT);
	ASSERT_EQ(0, judged & (1ull << AF_INET | 1ull << AF_UNIX | 1ull << AF_PACKET));
	ASSERT_EQ(0, apply_families(true, 0, 0, 0));
	for (int f = 1; f < EGRESS_FAMILY_NAMES; f++) {
		int fd = socket(f, SOCK_DGRAM, 0), e = errno;

		if (fd >= 0)
			close(fd);
		if (judged >> f & 1) {
			EXPECT_TRUE(fd < 0 && e == EPERM)
				TH_LOG("family %s: %s", egress_family_name(f), fd < 0 ? strerror(e) :
				       "opened");
			refused++;
		} else {
			EXPECT_FALSE(fd < 0 && e == EPERM)
				TH_LOG("family %s refused, but families cannot name it",
				       egress_family_name(f));
		}
	}
	/* SMC made as an inet protocol (6.11+: IPPROTO_SMC) is SMC: refused before its module loads. */
	for (int f = AF_INET; f; f = f == AF_INET ? AF_INET6 : 0) {
		int fd = socket(f, SOCK_STREAM, SMC_AS_INET_PROTOCOL), e = errno;

		if (fd >= 0)
			close(fd);
		EXPECT_TRUE(fd < 0 && e == EPERM) TH_LOG("IPPROTO_SMC in family %d: %s", f,
							 fd < 0 ? strerror(e) : "opened");
		refused++;
	}
	EXPECT_LE(denied + (__u64)refused, egress_stat(EGRESS_STAT_DENIED));

	/* Every one of them named: none refused. */
	ASSERT_EQ(0, apply_families(true, judged, 0, 0));
	for (int f = 1; f < EGRESS_FAMILY_NAMES; f++) {
		int fd = socket(f, SOCK_DGRAM, 0), e = errno;

		if (fd >= 0)
			close(fd);
		EXPECT_FALSE(fd < 0 && e == EPERM) TH_LOG("family %s refused though named",
							  egress_family_name(f));
	}
	/* smc named: its inet form too (6.1 has none: EPROTONOSUPPORT). */
	{
		int fd = socket(AF_INET, SOCK_STREAM, SMC_AS_INET_PROTOCOL), e = errno;

		if (fd >= 0)
			close(fd);
		EXPECT_FALSE(fd < 0 && e == EPERM) TH_LOG("IPPROTO_SMC refused though smc is named");
	}
}

/* The bus receives only what a process the policy lets open a CAN socket sends. */
TEST_F_TIMEOUT(family, can_frames_only_where_named, EGRESS_TEST_TIMEOUT_S)
{
	struct stat st;

	/* Not named: no socket, nothing on the bus. */
	ASSERT_EQ(0, apply_families(true, 0, 0, 0));
	EXPECT_EQ(-EPERM, can_send(0x101));
	EXPECT_EQ(0, can_received(self->bus, 200));

	/* Named device-wide: the frame arrives. */
	ASSERT_EQ(0, apply_families(true, CAN_BIT, 0, 0));
	EXPECT_EQ(0, can_send(0x102));
	EXPECT_EQ(0x102, can_received(self->bus, 2000));

	/* Named for a service: only its processes. */
	ASSERT_EQ(0, stat(SVC_CGROUP, &st));
	ASSERT_EQ(0, apply_families(true, 0, st.st_ino, CAN_BIT));
	EXPECT_EQ(-EPERM, can_send(0x103));
	EXPECT_EQ(0, can_send_in_service(0x104));
	EXPECT_EQ(0x104, can_received(self->bus, 2000));
	EXPECT_EQ(0, can_received(self->bus, 200));

	/* A service's families add nothing to another process's, nor the device-wide rules' lack. */
	ASSERT_EQ(0, apply_families(true, 0, st.st_ino, 0));
	EXPECT_EQ(-EPERM, can_send_in_service(0x105));
	EXPECT_EQ(0, can_received(self->bus, 200));
}

/* Audit mode: the socket opens and the frame goes; the refusal is counted. */
TEST_F_TIMEOUT(family, audit_mode_counts_and_refuses_nothing, EGRESS_TEST_TIMEOUT_S)
{
	__u64 audited = egress_stat(EGRESS_STAT_AUDITED);

	ASSERT_EQ(0, apply_families(false, 0, 0, 0));
	EXPECT_EQ(0, can_send(0x111));
	EXPECT_EQ(0x111, can_received(self->bus, 2000));
	EXPECT_LE(audited + 1, egress_stat(EGRESS_STAT_AUDITED));
}

/* The refusal's event names the process, the family, the type and the protocol. */
TEST_F_TIMEOUT(family, refusal_reported, EGRESS_TEST_TIMEOUT_S)
{
	struct egress_watch w;
	char text[256];

	ASSERT_EQ(0, egress_watch_open(&w));
	ASSERT_EQ(0, apply_families(true, 0, 0, 0));
	ASSERT_EQ(-1, socket(AF_CAN, SOCK_RAW, CAN_RAW));
	ASSERT_EQ(0, egress_watch_next(&w, 1000));
	EXPECT_EQ(getpid(), (pid_t)w.ev.pid);
	EXPECT_EQ(EGRESS_HOOK_FAMILY, w.ev.hook);
	EXPECT_EQ(AF_CAN, w.ev.family);
	EXPECT_EQ(SOCK_RAW, w.ev.sock_type);
	EXPECT_EQ(CAN_RAW, w.ev.proto);
	EXPECT_EQ(0, w.ev.allowed);
	egress_event_format(&w.ev, NULL, text, sizeof(text));
	EXPECT_NE(NULL, strstr(text, "refused a socket of family can (type 3, protocol 1)"))
		TH_LOG("%s", text);
	egress_watch_close(&w);
}

TEST_HARNESS_MAIN
