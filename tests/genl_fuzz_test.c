// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzing the module's generic netlink control plane in the guest: random
 * and mutated messages for every command and attribute, from a privileged
 * and from an unprivileged process. What must hold for every message:
 *  - a rejected one changes nothing (status compared after each one);
 *  - nobody without CAP_NET_ADMIN changes anything (EPERM, GET_STATUS works);
 *  - the kernel logs no WARNING, BUG, Oops, UBSAN, KASAN;
 *  - the module's live objects are as many at the end as at the start.
 *
 * GENL_FUZZ_SEED replays a run (the seed is printed first); GENL_FUZZ_MESSAGES
 * sets the privileged test's count (the unprivileged one sends a quarter).
 * The suite goes on after this test, so the device is handed back as it
 * was: a LOCK is never accepted (it lasts until reboot; each one carries an
 * attribute the policy refuses before the handler runs), no BPF fd is ever
 * open here, and mode, credential state and gate are restored and checked.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include "kselftest_harness.h"
#include "genl_gen.h"
#include "genl_raw.h"
#include "util.h"

/*
 * Measured under TCG on this 2-core machine (x86-64 guest, a status read
 * after every privileged message), both tests together: 100,000 privileged
 * and 25,000 unprivileged messages took 22.6 s on 6.1 and 17.1 s on 6.12;
 * the default, 50,000 and 12,500, took 17.4 s on 6.1 and 5.3 s on 6.12 in
 * another run (the host's other guests move these by up to 3 times), and
 * 14.7 s on arm64 6.1. Within make check's ~30 s, with room for a busier host.
 */
#define DEFAULT_MESSAGES 50000
/* The kernel log is read this often, before its ring buffer can wrap. */
#define KMSG_EVERY 512
/*
 * 10^6 messages take minutes: the harness's 30 s default would cut a long
 * run short. The runner's timeout (settings) bounds make check's run, and
 * scripts/vm --timeout make stress's.
 */
#define LONG_RUN_TIMEOUT 3600
#define UNPRIVILEGED 65534

static uint64_t seed_from_env(void)
{
	const char *s = getenv("GENL_FUZZ_SEED");
	uint64_t seed;

	if (s && *s)
		return strtoull(s, NULL, 0);
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	return seed;
}

static unsigned long messages_from_env(void)
{
	const char *s = getenv("GENL_FUZZ_MESSAGES");

	return s && *s ? strtoul(s, NULL, 0) : DEFAULT_MESSAGES;
}

static int send_msg(struct raw_genl *g, const struct genl_msg *m)
{
	unsigned char reply[8192] __attribute__((aligned(4)));
	size_t reply_len = sizeof(reply);

	return raw_genl_send_bytes(g, m->cmd, m->version, m->reserved, m->buf, m->len,
				   reply, &reply_len);
}

/* ---------------------------------------------------------------- state ---- */

/*
 * The first field that differs, or NULL. config: only what a restore sets
 * (mode, credential state, gate, lock, held links, judge); else also the
 * generation and the change counters, and refused_requests may move by one
 * (a semantic refusal counts itself).
 */
static const char *status_diff(const struct raw_status *was, const struct raw_status *now,
			       bool config)
{
	uint64_t refused = now->counters[IOTGUARD_CTR_REFUSED_REQUESTS] -
			   was->counters[IOTGUARD_CTR_REFUSED_REQUESTS];

	if (was->mode != now->mode)
		return "mode";
	if (was->cred_state != now->cred_state)
		return "cred_state";
	if (was->locked != now->locked)
		return "locked";
	if (was->port_count != now->port_count ||
	    memcmp(was->ports, now->ports, sizeof(now->ports)))
		return "login ports";
	if (strcmp(was->prov_ifname, now->prov_ifname) || was->prov_ifindex != now->prov_ifindex)
		return "provisioning interface";
	if (was->net4_prefix_len != now->net4_prefix_len ||
	    memcmp(was->net4_addr, now->net4_addr, sizeof(now->net4_addr)))
		return "IPv4 subnet";
	if (was->net6_prefix_len != now->net6_prefix_len ||
	    memcmp(was->net6_addr, now->net6_addr, sizeof(now->net6_addr)))
		return "IPv6 subnet";
	if (was->throttle_burst != now->throttle_burst)
		return "throttle burst";
	if (was->throttle_interval_ms != now->throttle_interval_ms)
		return "throttle interval";
	if (was->held_links != now->held_links)
		return "held links";
	if (was->egress_judge != now->egress_judge)
		return "egress judge";
	if (config)
		return NULL;
	if (was->policy_generation != now->policy_generation)
		return "policy_generation";
	if (was->counters[IOTGUARD_CTR_MODE_CHANGES] != now->counters[IOTGUARD_CTR_MODE_CHANGES])
		return "mode_changes";
	if (was->counters[IOTGUARD_CTR_CRED_STATE_CHANGES] !=
	    now->counters[IOTGUARD_CTR_CRED_STATE_CHANGES])
		return "cred_state_changes";
	if (refused > 1)
		return "refused_requests (more than one)";
	return NULL;
}

/* Mode, credential state and the whole gate as they were. 0 or -errno. */
static int restore(struct raw_genl *g, const struct raw_status *b)
{
	struct raw_attrs a = { .len = 0 };
	size_t nest;
	int ret;

	ret = raw_genl_set_mode(g, b->mode, 0);
	if (ret)
		return ret;
	/* "unknown" cannot be set: setup made sure it was not the state. */
	ret = raw_genl_set_cred_state(g, b->cred_state);
	if (ret)
		return ret;
	nest = raw_nest_start(&a, IOTGUARD_A_LOGIN_PORTS);
	for (size_t i = 0; i < b->port_count; i++)
		raw_put_u16(&a, IOTGUARD_A_LOGIN_PORT, b->ports[i]);
	raw_nest_end(&a, nest);
	raw_put(&a, IOTGUARD_A_PROV_IFNAME, b->prov_ifname, strlen(b->prov_ifname) + 1);
	nest = raw_nest_start(&a, IOTGUARD_A_PROV_NET4);
	if (b->net4_prefix_len) {
		raw_put(&a, IOTGUARD_NET_A_ADDR, b->net4_addr, sizeof(b->net4_addr));
		raw_put_u8(&a, IOTGUARD_NET_A_PREFIX_LEN, b->net4_prefix_len);
	}
	raw_nest_end(&a, nest);
	nest = raw_nest_start(&a, IOTGUARD_A_PROV_NET6);
	if (b->net6_prefix_len) {
		raw_put(&a, IOTGUARD_NET_A_ADDR, b->net6_addr, sizeof(b->net6_addr));
		raw_put_u8(&a, IOTGUARD_NET_A_PREFIX_LEN, b->net6_prefix_len);
	}
	raw_nest_end(&a, nest);
	raw_put_u32(&a, IOTGUARD_A_THROTTLE_BURST, b->throttle_burst);
	raw_put_u32(&a, IOTGUARD_A_THROTTLE_INTERVAL_MS, b->throttle_interval_ms);
	return raw_genl_set_gate(g, &a);
}

/* --------------------------------------------------------- kernel log ---- */

struct kmsg_scan {
	int fd;
	unsigned long bad, lost;
	char first_bad[512];
};

static void kmsg_open(struct kmsg_scan *k)
{
	memset(k, 0, sizeof(*k));
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	/* Only what is logged from now on. */
	if (k->fd >= 0)
		lseek(k->fd, 0, SEEK_END);
}

/* Read every new record; count those that say the kernel went wrong. */
static void kmsg_drain(struct kmsg_scan *k)
{
	static const char *const bad[] = {
		"WARNING:", "BUG:", "Oops", "general protection", "UBSAN", "KASAN",
		"kernel BUG", "Call Trace",
	};
	char rec[2048];

	for (;;) {
		ssize_t n = read(k->fd, rec, sizeof(rec) - 1);

		if (n < 0 && errno == EPIPE) {	/* overwritten before we read it */
			k->lost++;
			continue;
		}
		if (n <= 0)
			return;
		rec[n] = '\0';
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (!strstr(rec, bad[i]))
				continue;
			if (!k->bad++) {
				size_t len = strnlen(rec, sizeof(k->first_bad) - 1);

				memcpy(k->first_bad, rec, len);
				k->first_bad[len] = '\0';
			}
			break;
		}
	}
}

/* -------------------------------------------------------------- fixture ---- */

static void close_bpf_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		char path[300], target[128];
		ssize_t n;

		if (!isdigit((unsigned char)de->d_name[0]) || atoi(de->d_name) == dirfd(dir))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		/* A random PROG_FD must never name a real program. */
		if (strstr(target, "bpf"))
			close(atoi(de->d_name));
	}
	closedir(dir);
}

FIXTURE(fuzz) {
	struct raw_genl g;
	struct raw_status before;
	char objects[256];
	struct kmsg_scan kmsg;
	unsigned long messages;
	uint64_t seed;
};

FIXTURE_SETUP(fuzz)
{
	close_bpf_fds();
	self->seed = seed_from_env();
	self->messages = messages_from_env();
	genl_gen_seed(self->seed);
	TH_LOG("seed %" PRIu64 ", %lu messages (replay: GENL_FUZZ_SEED=%" PRIu64
	       " GENL_FUZZ_MESSAGES=%lu)", self->seed, self->messages, self->seed,
	       self->messages);
	ASSERT_EQ(0, raw_genl_open(&self->g, IOTGUARD_GENL_NAME));
	ASSERT_EQ(0, raw_genl_status(&self->g, &self->before));
	/* A lock could not be undone, nor "unknown" set again. */
	ASSERT_EQ(0, self->before.locked);
	ASSERT_NE(IOTGUARD_CRED_UNKNOWN, self->before.cred_state);
	ASSERT_EQ(0, sysfs_read("objects", self->objects, sizeof(self->objects)));
	kmsg_open(&self->kmsg);
	ASSERT_LE(0, self->kmsg.fd);
}

FIXTURE_TEARDOWN(fuzz)
{
	/* Also after a failed assertion: the suite goes on. */
	restore(&self->g, &self->before);
	raw_genl_close(&self->g);
	if (self->kmsg.fd >= 0)
		close(self->kmsg.fd);
}

/* The checks after a run: the state handed back, no leak, a clean log. */
static void after_run(struct __test_metadata *_metadata, FIXTURE_DATA(fuzz) *self)
{
	struct raw_status now;
	char objects[256];
	const char *diff;

	ASSERT_EQ(0, restore(&self->g, &self->before));
	ASSERT_EQ(0, raw_genl_status(&self->g, &now));
	diff = status_diff(&self->before, &now, true);
	EXPECT_EQ(NULL, diff) TH_LOG("not restored: %s", diff);
	ASSERT_EQ(0, sysfs_read("objects", objects, sizeof(objects)));
	EXPECT_STREQ(self->objects, objects);
	kmsg_drain(&self->kmsg);
	if (self->kmsg.lost)
		TH_LOG("%lu kernel log records were overwritten before they were read",
		       self->kmsg.lost);
	EXPECT_EQ(0, self->kmsg.bad) TH_LOG("kernel log: %s", self->kmsg.first_bad);
}

static bool mutating(uint8_t cmd)
{
	return cmd == IOTGUARD_CMD_SET_MODE || cmd == IOTGUARD_CMD_SET_CRED_STATE ||
	       cmd == IOTGUARD_CMD_SET_GATE || cmd == IOTGUARD_CMD_LOCK ||
	       cmd == IOTGUARD_CMD_SET_EGRESS_JUDGE;
}

TEST_F_TIMEOUT(fuzz, privileged, LONG_RUN_TIMEOUT)
{
	unsigned long accepted = 0, rejected = 0, errnos[256] = { 0 };
	unsigned long per_cmd[IOTGUARD_CMD_MAX + 3][2] = { { 0 } };
	struct raw_status was = self->before, now;
	char line[1024];
	struct genl_msg m;
	int n;

	for (unsigned long i = 0; i < self->messages; i++) {
		const char *diff;
		int ret;

		genl_gen_message(&m, &self->g);
		ret = send_msg(&self->g, &m);
		ASSERT_GE(0, ret);
		ASSERT_EQ(0, raw_genl_status(&self->g, &now));
		if (m.cmd < IOTGUARD_CMD_MAX + 3)
			per_cmd[m.cmd][ret == 0]++;
		if (ret == 0) {
			/* Accepted: may change state, never the lock. */
			accepted++;
			ASSERT_NE(IOTGUARD_CMD_LOCK, m.cmd);
			ASSERT_EQ(0, now.locked);
		} else {
			rejected++;
			errnos[-ret < 256 ? -ret : 255]++;
			diff = status_diff(&was, &now, false);
			if (diff) {
				genl_gen_dump(&m, line, sizeof(line));
				TH_LOG("message %lu was refused (%d) but changed %s: %s", i, ret,
				       diff, line);
			}
			ASSERT_EQ(NULL, diff);
			if (m.cmd == IOTGUARD_CMD_LOCK)
				EXPECT_EQ(-EINVAL, ret);
		}
		was = now;
		if (i % KMSG_EVERY == 0)
			kmsg_drain(&self->kmsg);
	}
	TH_LOG("%lu messages: %lu accepted, %lu rejected", self->messages, accepted, rejected);
	n = snprintf(line, sizeof(line), "per command (accepted/rejected):");
	for (int c = 0; c < IOTGUARD_CMD_MAX + 3; c++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %d:%lu/%lu", c,
			      per_cmd[c][1], per_cmd[c][0]);
	TH_LOG("%s", line);
	n = snprintf(line, sizeof(line), "errors:");
	for (int e = 1; e < 256; e++)
		if (errnos[e])
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %s %lu",
				      strerrorname_np(e) ? strerrorname_np(e) : "?", errnos[e]);
	TH_LOG("%s", line);
	/* A fuzzer that never gets past the policy tests little. */
	EXPECT_LT(0, accepted);
	after_run(_metadata, self);
}

/* The child's verdict: 0, or which check failed (details on stderr). */
static int unprivileged_child(unsigned long messages)
{
	struct raw_status was, now;
	struct raw_genl g;
	char line[1024], caps[64] = "";
	FILE *f;
	struct genl_msg m;

	if (setgroups(0, NULL) || setresgid(UNPRIVILEGED, UNPRIVILEGED, UNPRIVILEGED) ||
	    setresuid(UNPRIVILEGED, UNPRIVILEGED, UNPRIVILEGED) ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return 10;
	/* setresuid away from 0 cleared them; make sure. */
	f = fopen("/proc/self/status", "r");
	if (!f)
		return 11;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7) || !strncmp(line, "CapPrm:", 7))
			strncat(caps, strchr(line, '\t') ? strchr(line, '\t') + 1 : line,
				sizeof(caps) - strlen(caps) - 1);
	fclose(f);
	if (strcmp(caps, "0000000000000000\n0000000000000000\n")) {
		fprintf(stderr, "# capabilities left: %s\n", caps);
		return 12;
	}
	if (raw_genl_open(&g, IOTGUARD_GENL_NAME) || raw_genl_status(&g, &was))
		return 13;
	for (unsigned long i = 0; i < messages; i++) {
		int ret;

		genl_gen_message(&m, &g);
		ret = send_msg(&g, &m);
		if (raw_genl_status(&g, &now))
			return 14;
		/*
		 * genetlink checks the header's reserved field (EINVAL) and the
		 * command (EOPNOTSUPP), then the permission: EPERM before any
		 * attribute is looked at.
		 */
		if ((m.reserved && ret != -EINVAL && ret != -EOPNOTSUPP) ||
		    (!m.reserved && mutating(m.cmd) && ret != -EPERM) ||
		    (m.cmd == IOTGUARD_CMD_GET_STATUS && ret && ret != -EINVAL) ||
		    (!m.reserved && !mutating(m.cmd) && m.cmd != IOTGUARD_CMD_GET_STATUS &&
		     ret != -EOPNOTSUPP) ||
		    /* A refusal here must not even be counted. */
		    status_diff(&was, &now, false) ||
		    now.counters[IOTGUARD_CTR_REFUSED_REQUESTS] !=
		    was.counters[IOTGUARD_CTR_REFUSED_REQUESTS]) {
			const char *diff = status_diff(&was, &now, false);

			genl_gen_dump(&m, line, sizeof(line));
			fprintf(stderr, "# unprivileged message %lu got %d, changed %s: %s\n", i,
				ret, diff ? diff : "refused_requests or nothing", line);
			return 15;
		}
	}
	raw_genl_close(&g);
	return 0;
}

TEST_F_TIMEOUT(fuzz, unprivileged, LONG_RUN_TIMEOUT)
{
	unsigned long messages = self->messages / 4 ? self->messages / 4 : 1;
	struct raw_status now;
	const char *diff;
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(unprivileged_child(messages));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	TH_LOG("%lu messages from uid %d", messages, UNPRIVILEGED);
	/* Nothing at all changed: not even the refusal counter. */
	ASSERT_EQ(0, raw_genl_status(&self->g, &now));
	diff = status_diff(&self->before, &now, false);
	EXPECT_EQ(NULL, diff) TH_LOG("changed: %s", diff);
	EXPECT_EQ(self->before.counters[IOTGUARD_CTR_REFUSED_REQUESTS],
		  now.counters[IOTGUARD_CTR_REFUSED_REQUESTS]);
	after_run(_metadata, self);
}

TEST_HARNESS_MAIN
