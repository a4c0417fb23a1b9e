// SPDX-License-Identifier: GPL-2.0
/*
 * The outbound policy's services, in the device: a service's rules add to
 * the device-wide ones for the processes in its cgroup and for nobody
 * else, and an MPTCP connection's extra subflows, which the kernel
 * connects for it in other contexts, keep the service of the process that
 * connected it. The peer namespace's listener confirms what arrived.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <arpa/inet.h>
#include <linux/mptcp.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "egress_peer.h"
#include "egress_fixture.h"
#include "egress_tables.h"
#include "genl_raw.h"
#include "sessions.h"
#include "util.h"

/* In a child moved into SVC_CGROUP: connect() and sendto(), results in the exit code. */
static int in_service(int *tcp_ret, int *udp_ret)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		char me[16];
		int t, u;

		snprintf(me, sizeof(me), "%d", getpid());
		if (write_text(SVC_CGROUP "/cgroup.procs", me))
			_exit(255);
		t = dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_SHUT);
		u = dev_sendto(ATTACKER_ADDR, UDP_SHUT, 0, SOCK_DGRAM);
		_exit((t == 0) | (u == 0) << 1 | (t == -EPERM) << 2 | (u == -EPERM) << 3);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 255)
		return -1;
	*tcp_ret = WEXITSTATUS(status) & 1 ? 0 : WEXITSTATUS(status) & 4 ? -EPERM : -EIO;
	*udp_ret = WEXITSTATUS(status) & 2 ? 0 : WEXITSTATUS(status) & 8 ? -EPERM : -EIO;
	return 0;
}

TEST_F_TIMEOUT(egress, service_rules_add_to_device_rules, EGRESS_TEST_TIMEOUT_S)
{
	int tcp_ret, udp_ret;
	struct stat st;

	mkdir("/sys/fs/cgroup/iotguard", 0755);
	mkdir(SVC_CGROUP, 0755);
	ASSERT_EQ(0, stat(SVC_CGROUP, &st));
	ASSERT_EQ(0, apply_full(true, false, st.st_ino, false));
	/* Outside the service: its rule does not apply. */
	EXPECT_EQ(-EPERM, dev_connect(SOCK_STREAM, ATTACKER_ADDR, PORT_SHUT));
	/* Inside: TCP to PORT_SHUT is the service's; UDP_SHUT stays denied device-wide. */
	ASSERT_EQ(0, in_service(&tcp_ret, &udp_ret));
	EXPECT_EQ(0, tcp_ret);
	EXPECT_EQ(-EPERM, udp_ret);
	settle();
	EXPECT_EQ(1, self->arr->tcp_shut);
	EXPECT_EQ(0, self->arr->udp_shut);
	rmdir(SVC_CGROUP);
}

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif
/* The device's second address: MPTCP's extra subflow leaves from it. */
#define DEVICE_ADDR_2 "10.99.0.200"

/*
 * In the peer's namespace: an MPTCP listener on SVC_ONLY_PORT that
 * answers each connection with a byte and holds it. Its pid, or -1.
 */
static pid_t mptcp_listener(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		int ns = open("/run/netns/" NETNS, O_RDONLY | O_CLOEXEC), l, a;
		struct sockaddr_storage ss;
		socklen_t len = sockaddr_of(ATTACKER_ADDR, SVC_ONLY_PORT, &ss);

		if (ns < 0 || setns(ns, CLONE_NEWNET))
			_exit(1);
		l = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
		if (l < 0 || bind(l, (struct sockaddr *)&ss, len) || listen(l, 8))
			_exit(2);
		while ((a = accept(l, NULL, NULL)) >= 0)
			if (write(a, "y", 1) != 1)
				_exit(3);
		_exit(4);
	}
	return pid;
}

/* Where mptcp_subflows()'s child is when it makes its socket, and when it connects. */
enum mptcp_where {
	MPTCP_OUTSIDE,		/* both outside the service */
	MPTCP_INSIDE,		/* both in it */
	MPTCP_LEFT,		/* made in it, connected after leaving it */
	MPTCP_ENTERED,		/* made outside, connected after entering it */
	MPTCP_LATE_ENDPOINT,	/* in it; the subflow endpoint added afterwards, from outside */
	MPTCP_USERSPACE_PM,	/* in it; a userspace path manager outside it adds the subflow */
};

/* A TCP port of the peer's that no rule allows, for anyone. */
#define MPTCP_REFUSED_PORT 4999

/*
 * As a userspace path manager does: ask the kernel for a subflow of the
 * connection fd from DEVICE_ADDR_2 to the listener's address and port.
 * 0 or -errno.
 */
static int userspace_pm_subflow(int fd, uint16_t port)
{
	struct mptcp_info info = { 0 };
	socklen_t ilen = sizeof(info);
	struct raw_attrs a = { .len = 0 };
	struct raw_genl g;
	struct in_addr local, remote;
	size_t nest;
	int ret;

	if (getsockopt(fd, SOL_MPTCP, MPTCP_INFO, &info, &ilen))
		return -errno;
	ret = raw_genl_open(&g, MPTCP_PM_NAME);
	if (ret)
		return ret;
	inet_pton(AF_INET, DEVICE_ADDR_2, &local);
	inet_pton(AF_INET, ATTACKER_ADDR, &remote);
	raw_put_u32(&a, MPTCP_PM_ATTR_TOKEN, info.mptcpi_token);
	nest = raw_nest_start(&a, MPTCP_PM_ATTR_ADDR);
	raw_put_u16(&a, MPTCP_PM_ADDR_ATTR_FAMILY, AF_INET);
	raw_put_u8(&a, MPTCP_PM_ADDR_ATTR_ID, 2);
	raw_put(&a, MPTCP_PM_ADDR_ATTR_ADDR4, &local, sizeof(local));
	raw_nest_end(&a, nest);
	nest = raw_nest_start(&a, MPTCP_PM_ATTR_ADDR_REMOTE);
	raw_put_u16(&a, MPTCP_PM_ADDR_ATTR_FAMILY, AF_INET);
	raw_put(&a, MPTCP_PM_ADDR_ATTR_ADDR4, &remote, sizeof(remote));
	raw_put_u16(&a, MPTCP_PM_ADDR_ATTR_PORT, port);
	raw_nest_end(&a, nest);
	ret = raw_genl_send(&g, MPTCP_PM_CMD_SUBFLOW_CREATE, 0, &a, NULL, NULL);
	raw_genl_close(&g);
	return ret;
}

#define MPTCP_ENDPOINT IP " mptcp endpoint add " DEVICE_ADDR_2 " dev veth0 subflow"

/* Move the calling process into the cgroup directory dir: 0 or -1. */
static int move_to(const char *dir)
{
	char me[16], path[128];

	snprintf(me, sizeof(me), "%d", getpid());
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	return write_text(path, me) ? -1 : 0;
}

/*
 * In a child: an MPTCP connection to the listener, then the number of
 * extra subflows it has within SETTLE_MAX_MS (MPTCP_INFO), as the exit
 * code; 100 + errno if connect() failed, 150 + errno if the path manager's
 * subflow was refused, 254 if one to a refused port was not, 255 if the
 * child could not run.
 */
static int mptcp_subflows(enum mptcp_where where)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct sockaddr_storage ss;
		socklen_t len = sockaddr_of(ATTACKER_ADDR, SVC_ONLY_PORT, &ss);
		struct mptcp_info info = { 0 };
		socklen_t ilen = sizeof(info);
		long deadline = now_ms() + SETTLE_MAX_MS;
		int fd;
		char b;

		if ((where == MPTCP_INSIDE || where == MPTCP_LEFT || where == MPTCP_LATE_ENDPOINT ||
		     where == MPTCP_USERSPACE_PM) && move_to(SVC_CGROUP))
			_exit(255);
		fd = socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP);
		if (fd < 0)
			_exit(255);
		if ((where == MPTCP_LEFT && move_to("/sys/fs/cgroup")) ||
		    (where == MPTCP_ENTERED && move_to(SVC_CGROUP)))
			_exit(255);
		if (connect(fd, (struct sockaddr *)&ss, len))
			_exit(100 + errno);
		/* Fully established once data went both ways: then the subflow is opened. */
		if (write(fd, "x", 1) != 1 || read(fd, &b, 1) != 1)
			_exit(255);
		/*
		 * The kernel connects the new endpoint's subflow in the adding
		 * process's system call (a shell in the root cgroup).
		 */
		if (where == MPTCP_LATE_ENDPOINT &&
		    (move_to("/sys/fs/cgroup") || system(MPTCP_ENDPOINT " >/dev/null 2>&1")))
			_exit(255);
		/*
		 * The path manager runs elsewhere (the root cgroup): the kernel
		 * connects in its system call. A destination nobody may reach
		 * is refused to it; the service's is the connection's.
		 */
		if (where == MPTCP_USERSPACE_PM) {
			int ret;

			if (move_to("/sys/fs/cgroup") ||
			    userspace_pm_subflow(fd, MPTCP_REFUSED_PORT) != -EPERM)
				_exit(254);
			ret = userspace_pm_subflow(fd, SVC_ONLY_PORT);
			if (ret)
				_exit(150 - ret);
		}
		while (!info.mptcpi_subflows && now_ms() < deadline) {
			usleep(WAIT_MS * 1000);
			if (getsockopt(fd, SOL_MPTCP, MPTCP_INFO, &info, &ilen))
				_exit(255);
		}
		_exit(info.mptcpi_subflows);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return 255;
	return WEXITSTATUS(status);
}

/*
 * MPTCP's extra subflows are connected by a kernel worker, not by the
 * process: they are judged by their connection's cgroup, so a destination
 * only a service may reach gets its second path too. Outside the service
 * the first subflow is refused already. The process that connects
 * decides, as for TCP, not the one that made the socket (its first
 * subflow is a kernel socket made with it), and the extra subflows are
 * judged by the cgroups of the process that connected.
 */
TEST_F_TIMEOUT(egress, mptcp_subflows_keep_the_service, EGRESS_TEST_TIMEOUT_S)
{
	char out[512];
	struct stat st;
	pid_t listener;

	mkdir("/sys/fs/cgroup/iotguard", 0755);
	mkdir(SVC_CGROUP, 0755);
	ASSERT_EQ(0, stat(SVC_CGROUP, &st));
	ASSERT_EQ(0, apply_full(true, false, st.st_ino, false));
	ASSERT_EQ(0, run_capture(IP " addr replace " DEVICE_ADDR_2 "/24 dev veth0 && "
				 IP " mptcp limits set subflow 2 && "
				 IP " mptcp endpoint flush && " MPTCP_ENDPOINT " && "
				 IP " -n " NETNS " mptcp limits set subflow 2",
				 out, sizeof(out))) TH_LOG("%s", out);
	listener = mptcp_listener();
	ASSERT_LT(0, listener);
	usleep(WAIT_MS * 1000);
	EXPECT_EQ(100 + EPERM, mptcp_subflows(MPTCP_OUTSIDE));
	EXPECT_EQ(1, mptcp_subflows(MPTCP_INSIDE)) TH_LOG("the extra subflow was refused");
	EXPECT_EQ(100 + EPERM, mptcp_subflows(MPTCP_LEFT));
	EXPECT_EQ(1, mptcp_subflows(MPTCP_ENTERED));
	/* A subflow added from another cgroup's process is the connection's all the same. */
	ASSERT_EQ(0, run_capture(IP " mptcp endpoint flush", out, sizeof(out)));
	EXPECT_EQ(1, mptcp_subflows(MPTCP_LATE_ENDPOINT));
	/* A userspace path manager's subflow: the connection's too. */
	ASSERT_EQ(0, write_text("/proc/sys/net/mptcp/pm_type", "1"));
	EXPECT_EQ(1, mptcp_subflows(MPTCP_USERSPACE_PM));
	write_text("/proc/sys/net/mptcp/pm_type", "0");
	kill(listener, SIGKILL);
	waitpid(listener, NULL, 0);
	run_capture(IP " mptcp endpoint flush; " IP " addr del " DEVICE_ADDR_2 "/24 dev veth0",
		    out, sizeof(out));
	rmdir(SVC_CGROUP);
}

TEST_HARNESS_MAIN
