// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF login guard in a real kernel: BPF LSM is active, the guard is
 * attached and pinned by iotguardd at boot, it sees and refuses setuid
 * transitions into denied uids, and it survives the agent being killed and
 * restarted.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>
#include "kselftest_harness.h"
#include "login_guard.h"
#include "util.h"

/* A uid no account uses, so denying it harms nothing. */
#define TEST_UID 4242

static __u64 stat_sum(__u32 key)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 values[256] = { 0 }, sum = 0;
	int fd = bpf_obj_get(LOGIN_GUARD_STATS_PIN);

	if (fd < 0 || ncpus <= 0 || ncpus > 256)
		return UINT64_MAX;
	if (bpf_map_lookup_elem(fd, &key, values))
		sum = UINT64_MAX;
	else
		for (int i = 0; i < ncpus; i++)
			sum += values[i];
	close(fd);
	return sum;
}

/* In a child: the errno of setuid(uid), or 0 if it worked. */
static int child_setuid(uid_t uid)
{
	pid_t pid = fork();
	int status;

	if (pid == 0)
		_exit(setuid(uid) ? errno : 0);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static __u32 pinned_link_id(void)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(LOGIN_GUARD_LINK_PIN);

	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.id = 0;
	close(fd);
	return info.id;
}

static int set_denied(__u32 uid, int deny)
{
	int fd = bpf_obj_get(LOGIN_GUARD_DENIED_PIN), ret;
	__u32 one = 1;

	if (fd < 0)
		return -errno;
	ret = deny ? bpf_map_update_elem(fd, &uid, &one, BPF_ANY) :
		     bpf_map_delete_elem(fd, &uid);
	close(fd);
	return ret ? -errno : 0;
}

static int set_audit_only(__u32 audit_only)
{
	struct login_guard_config cfg = { .audit_only = audit_only };
	int fd = bpf_obj_get(LOGIN_GUARD_CONFIG_PIN), ret;
	__u32 key = 0;

	if (fd < 0)
		return -errno;
	ret = bpf_map_update_elem(fd, &key, &cfg, BPF_ANY) ? -errno : 0;
	close(fd);
	return ret;
}

TEST(bpf_is_an_active_lsm)
{
	char list[512], *tok, *save;
	int found = 0;

	ASSERT_EQ(0, read_text("/sys/kernel/security/lsm", list, sizeof(list)));
	TH_LOG("active LSMs: %s", list);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		found |= !strcmp(tok, "bpf");
	EXPECT_TRUE(found);
}

TEST(guard_is_attached_as_an_lsm_link)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(LOGIN_GUARD_LINK_PIN);

	ASSERT_GE(fd, 0) TH_LOG("no pinned link at %s: %s", LOGIN_GUARD_LINK_PIN,
				strerror(errno));
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(fd, &info, &len));
	close(fd);
	EXPECT_EQ(BPF_LINK_TYPE_TRACING, info.type);
	EXPECT_EQ(BPF_LSM_MAC, info.tracing.attach_type);
}

TEST(guard_sees_setuid)
{
	__u64 before = stat_sum(LOGIN_GUARD_STAT_SETUID_SEEN);

	ASSERT_NE(UINT64_MAX, before);
	ASSERT_EQ(0, child_setuid(0));
	EXPECT_LT(before, stat_sum(LOGIN_GUARD_STAT_SETUID_SEEN));
}

TEST(guard_refuses_a_denied_uid_and_audit_mode_only_counts)
{
	__u64 denied = stat_sum(LOGIN_GUARD_STAT_SETUID_DENIED);

	ASSERT_EQ(0, child_setuid(TEST_UID));
	ASSERT_EQ(0, set_denied(TEST_UID, 1));
	EXPECT_EQ(EPERM, child_setuid(TEST_UID));
	EXPECT_EQ(denied + 1, stat_sum(LOGIN_GUARD_STAT_SETUID_DENIED));

	ASSERT_EQ(0, set_audit_only(1));
	EXPECT_EQ(0, child_setuid(TEST_UID));
	EXPECT_EQ(denied + 2, stat_sum(LOGIN_GUARD_STAT_SETUID_DENIED));
	ASSERT_EQ(0, set_audit_only(0));

	ASSERT_EQ(0, set_denied(TEST_UID, 0));
	EXPECT_EQ(0, child_setuid(TEST_UID));
}

TEST(guard_survives_agent_kill_and_restart)
{
	__u32 link_id = pinned_link_id();
	char out[4096];
	int pid = agentd_pid();

	ASSERT_NE(0, link_id);
	ASSERT_GT(pid, 1) TH_LOG("iotguardd is not running");
	ASSERT_EQ(0, kill(pid, SIGKILL));
	for (int i = 0; i < 100 && kill(pid, 0) == 0; i++)
		usleep(50 * 1000);
	ASSERT_NE(0, kill(pid, 0)) TH_LOG("iotguardd survived SIGKILL");

	/* Agent gone: the guard is still attached and still refusing. */
	EXPECT_EQ(link_id, pinned_link_id());
	ASSERT_EQ(0, set_denied(TEST_UID, 1));
	EXPECT_EQ(EPERM, child_setuid(TEST_UID));

	/* A restarted agent keeps the same link: no gap, no second copy. */
	EXPECT_EQ(0, run_capture("rm -f /run/iotguardd.pid; /etc/init.d/S30iotguardd start",
				 out, sizeof(out))) TH_LOG("%s", out);
	EXPECT_EQ(link_id, pinned_link_id());
	EXPECT_EQ(EPERM, child_setuid(TEST_UID));
	EXPECT_GT(agentd_pid(), 1);
	ASSERT_EQ(0, set_denied(TEST_UID, 0));
}

TEST_HARNESS_MAIN
