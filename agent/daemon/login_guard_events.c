// SPDX-License-Identifier: GPL-2.0
/* The login guard's refusals, from its ring buffer to the log (login_guard_events.h). */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "login_guard_events.h"
#include "login_guard_maps.h"
#include "log.h"
#include "login_guard.h"
#include "rate_limit.h"

struct guard_events {
	struct ring_buffer *rb;
	int map_fd;
	const struct login_guard_policy *policy;
	struct rate_limit limit;
};

/* The policy path of the executable, or its device:inode. */
static void exe_name(const struct guard_events *ev, __u64 dev, __u64 ino,
		     char *out, size_t len)
{
	char real[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < ev->policy->program_count; i++) {
		if (realpath(ev->policy->programs[i], real) && !stat(real, &st) &&
		    kernel_dev(st.st_dev) == dev && st.st_ino == ino) {
			snprintf(out, len, "%s", real);
			return;
		}
	}
	snprintf(out, len, "dev %llu inode %llu", (unsigned long long)dev,
		 (unsigned long long)ino);
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct guard_events *ev = ctx;
	const struct login_guard_event *e = data;
	char exe[PATH_MAX + 32], comm[LOGIN_GUARD_COMM_LEN + 1], name[64];
	struct passwd pw, *res = NULL;
	uint64_t suppressed;
	char buf[1024];

	if (size < sizeof(*e))
		return 0;
	if (!rate_limit_take(&ev->limit))
		return 0;
	suppressed = rate_limit_suppressed(&ev->limit);
	if (suppressed)
		log_warn("login guard: %llu more refusal(s) not logged (rate limit)",
			 (unsigned long long)suppressed);
	exe_name(ev, e->exe_dev, e->exe_ino, exe, sizeof(exe));
	memcpy(comm, e->comm, LOGIN_GUARD_COMM_LEN);
	comm[LOGIN_GUARD_COMM_LEN] = '\0';
	if (getpwuid_r(e->uid, &pw, buf, sizeof(buf), &res) || !res)
		snprintf(name, sizeof(name), "uid %u", e->uid);
	else
		snprintf(name, sizeof(name), "%s", pw.pw_name);
	if (e->reason == LOGIN_GUARD_REASON_RELAY)
		log_warn("login guard: %s %s (pid %u, %s, as '%s') a connection or listening "
			 "socket: a login session may not relay while an account has an empty "
			 "or known-default password",
			 e->allowed ? "AUDIT: would refuse" : "refused", comm, e->pid, exe, name);
	else
		log_warn("login guard: %s %s (pid %u, %s) %s account '%s': its password is empty "
			 "or a known default",
			 e->allowed ? "AUDIT: would refuse" : "refused",
			 comm, e->pid, exe,
			 e->reason == LOGIN_GUARD_REASON_EXEC ? "running a program as" : "becoming",
			 name);
	return 0;
}

/*
 * Open and close have the shape of genl_client.c's and genl_events.c's
 * (allocate, acquire, undo on failure; free what is held): the resources
 * differ, a ring buffer on a pinned map here.
 */
int guard_events_open(struct guard_events **out, const struct login_guard_policy *policy)
{
	struct guard_events *ev = calloc(1, sizeof(*ev));
	int ret;

	if (!ev)
		return -ENOMEM;
	ev->policy = policy;
	rate_limit_init(&ev->limit, GUARD_EVENTS_PER_SEC, GUARD_EVENTS_BURST);
	ev->map_fd = bpf_obj_get(LOGIN_GUARD_EVENTS_PIN);
	if (ev->map_fd < 0) {
		ret = -errno;
		free(ev);
		return ret;
	}
	ev->rb = ring_buffer__new(ev->map_fd, on_event, ev, NULL);
	if (!ev->rb) {
		ret = -errno;
		close(ev->map_fd);
		free(ev);
		return ret;
	}
	*out = ev;
	return 0;
}

void guard_events_close(struct guard_events *ev)
{
	if (!ev)
		return;
	ring_buffer__free(ev->rb);
	close(ev->map_fd);
	free(ev);
}

int guard_events_fd(const struct guard_events *ev)
{
	return ring_buffer__epoll_fd(ev->rb);
}

void guard_events_read(struct guard_events *ev)
{
	ring_buffer__consume(ev->rb);
}
