// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of the single-instance lock (agent/lib/instance_lock.c):
 * a second taker is refused and told the holder's pid; the lock goes with
 * the holder, a SIGKILLed one too; a symlink planted at the path is
 * refused, not followed. Built with ASan and UBSan.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "instance_lock.h"

FIXTURE(lock) {
	char dir[64], path[96];
	struct iotguard_error error;
};

FIXTURE_SETUP(lock)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/instance-lock-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/iotguardd.lock", self->dir);
}

FIXTURE_TEARDOWN(lock)
{
	char target[128];

	snprintf(target, sizeof(target), "%s/elsewhere", self->dir);
	unlink(target);
	unlink(self->path);
	rmdir(self->dir);
}

TEST_F(lock, second_taker_is_refused_and_told_the_holder)
{
	int fd, fd2;
	pid_t holder;

	ASSERT_EQ(0, instance_lock(self->path, &fd, &holder, &self->error));
	ASSERT_LE(0, fd);
	/* flock excludes open files: a second open in this process is a second taker. */
	EXPECT_EQ(-EWOULDBLOCK, instance_lock(self->path, &fd2, &holder, &self->error));
	EXPECT_EQ(-1, fd2);
	EXPECT_EQ(getpid(), holder);
	EXPECT_NE(NULL, strstr(self->error.msg, "held by pid")) TH_LOG("%s", self->error.msg);
	close(fd);
	/* Let go: the next one takes it. */
	EXPECT_EQ(0, instance_lock(self->path, &fd2, &holder, &self->error));
	close(fd2);
}

TEST_F(lock, a_killed_holder_lets_go)
{
	int fd, pipefd[2];
	pid_t child, holder;
	char c;

	ASSERT_EQ(0, pipe(pipefd));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		int cfd;
		pid_t h;

		if (instance_lock(self->path, &cfd, &h, NULL))
			_exit(1);
		if (write(pipefd[1], "L", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	EXPECT_EQ(-EWOULDBLOCK, instance_lock(self->path, &fd, &holder, &self->error));
	EXPECT_EQ(child, holder);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	EXPECT_EQ(0, instance_lock(self->path, &fd, &holder, &self->error)) TH_LOG("%s",
										  self->error.msg);
	close(fd);
	close(pipefd[0]);
	close(pipefd[1]);
}

TEST_F(lock, a_planted_symlink_is_not_followed)
{
	char target[128];
	int fd;
	pid_t holder;

	snprintf(target, sizeof(target), "%s/elsewhere", self->dir);
	ASSERT_EQ(0, symlink(target, self->path));
	EXPECT_EQ(-ELOOP, instance_lock(self->path, &fd, &holder, &self->error));
	EXPECT_EQ(-1, fd);
	EXPECT_NE(0, access(target, F_OK));
}

TEST_HARNESS_MAIN
