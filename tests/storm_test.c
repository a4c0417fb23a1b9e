// SPDX-License-Identifier: GPL-2.0
/*
 * Storms: what the device does when an attacker decides how much work it
 * gets ("Prove it under abuse", item 5).
 *
 *  - A refused-connection storm: STORM_CONNECTIONS connections from the
 *    attacker namespace, every one refused by the gate's lockout (or the
 *    throttle before it). Meanwhile a console probe runs `iotguardctl
 *    status` every 100 ms and must keep answering; the module's counters
 *    must account for every refusal the flooders saw, and its events for
 *    every refusal it counted (received, or counted as dropped by the rate
 *    limit: never silently lost); iotguardd's RSS must not grow.
 * (login_flood_test.c floods logins while the module is reloaded.)
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "genl_raw.h"
#include "netpath.h"
#include "sessions.h"
#include "util.h"

#define STORM_PORT 2323		/* a default login port; the test listens on it */
#define FLOODERS 4
/*
 * Measured under TCG (x86-64 guest, 2 vCPUs, the 2-core host busy with other
 * work): 1,340 to 8,100 refused connections a second as the host's load
 * varied, so the default's storm takes 7-45 s in make check; `make
 * stress` sends a million. Emulated arm64 runs this suite several times
 * slower (the README's make check figures): a quarter of it there.
 */
#ifdef __aarch64__
#define STORM_DEFAULT 15000
#else
#define STORM_DEFAULT 60000
#endif
/*
 * The test's timeout follows STORM_CONNECTIONS (see storm_timeout()): the
 * measurements' fixed part, and the storm at STORM_MIN_RATE, under a third
 * of the slowest rate measured.
 */
#define STORM_FIXED_S 120
#define STORM_MIN_RATE 400
#define STORM_TIMEOUT_S (STORM_FIXED_S + STORM_DEFAULT / STORM_MIN_RATE)
#define PROBE_PERIOD_MS 100
#define IDLE_PROBES 10
/*
 * The console's bound: 1 s, or IDLE_FACTOR times the same probe's worst
 * idle latency if that is more. A fork+exec of iotguardctl under TCG took
 * 130-175 ms (median) idle, but a busy host stretched the idle worst from
 * 180 ms to 1.7 s between runs: 1 s alone is not a bound TCG keeps. 1 s is
 * the goal, and is printed met or not.
 */
#define CONSOLE_GOAL_MS 1000
#define IDLE_FACTOR 10
/*
 * iotguardd's RSS after the storm may exceed its idle figure by this much
 * and no more. Measured steady (the agent's event path warmed before the
 * idle figure: see warm_up()), it did not move by a page in any run; 16
 * pages leave room for a stack page or a malloc arena's top chunk touched
 * once. The agent sees events, 20 a second at most: over make stress's
 * storm (some 15,000 events) a leak of 5 bytes an event goes past it, over
 * make check's (250 to 1,000) one of 64 to 256 bytes.
 */
#define RSS_SLACK_KB 64
#define RSS_GOAL_KB 2048
#define WARM_UP_REFUSALS 60	/* past the events' burst: drops happen too */


static long storm_connections(void)
{
	const char *env = getenv("STORM_CONNECTIONS");
	long n = env ? strtol(env, NULL, 10) : STORM_DEFAULT;

	return n > 0 ? n : STORM_DEFAULT;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* The median of the first n (> 0) of v, which it sorts. */
static long median(long *v, long n)
{
	qsort(v, n, sizeof(*v), cmp_long);
	return v[n / 2];
}

/* ------------------------------------------------------------ memory ---- */

struct rss {
	long rss_kb, hwm_kb;
	long shared_kb, private_kb, anon_kb, pss_kb;
};

static int read_rss(int pid, struct rss *r)
{
	char status[64], rollup[64];

	snprintf(status, sizeof(status), "/proc/%d/status", pid);
	snprintf(rollup, sizeof(rollup), "/proc/%d/smaps_rollup", pid);
	r->rss_kb = proc_field_kb(status, "VmRSS");
	r->hwm_kb = proc_field_kb(status, "VmHWM");
	r->pss_kb = proc_field_kb(rollup, "Pss");
	r->shared_kb = proc_field_kb(rollup, "Shared_Clean") + proc_field_kb(rollup, "Shared_Dirty");
	r->private_kb = proc_field_kb(rollup, "Private_Clean") + proc_field_kb(rollup, "Private_Dirty");
	r->anon_kb = proc_field_kb(rollup, "Anonymous");
	return r->rss_kb > 0 && r->hwm_kb > 0 ? 0 : -1;
}

static void log_rss(struct __test_metadata *_metadata, const char *when, const struct rss *r)
{
	TH_LOG("iotguardd %s: VmRSS %ld kB, VmHWM %ld kB (shared %ld kB: libraries' pages; "
	       "private %ld kB, of it anonymous %ld kB; PSS %ld kB)",
	       when, r->rss_kb, r->hwm_kb, r->shared_kb, r->private_kb, r->anon_kb, r->pss_kb);
}

/* What iotguardd's RSS is made of: each mapped file's (or [heap]'s) share, largest first. */
static void log_rss_by_mapping(struct __test_metadata *_metadata, int pid)
{
	struct mapping_rss { char name[96]; long kb; } top[64];
	char path[64], line[512];
	int used = 0, cur = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		unsigned long start, end;
		char perms[8], name[96] = "[anonymous]";
		int at = 0;
		long kb;

		if (sscanf(line, "Rss: %ld", &kb) == 1) {
			if (cur >= 0)
				top[cur].kb += kb;
			continue;
		}
		/* A mapping's first line: "start-end perms offset dev inode [path]". */
		if (sscanf(line, "%lx-%lx %7s %*x %*s %*u %n", &start, &end, perms, &at) < 3 || !at)
			continue;
		if (line[at] && line[at] != '\n')
			sscanf(line + at, "%95s", name);
		for (cur = 0; cur < used && strcmp(top[cur].name, name); cur++)
			;
		if (cur == used) {
			if (used == 64) {
				cur = -1;
				continue;
			}
			snprintf(top[used].name, sizeof(top[0].name), "%s", name);
			top[used++].kb = 0;
		}
	}
	fclose(f);
	for (int k = 0; k < 8 && k < used; k++) {
		int best = k;

		for (int i = k + 1; i < used; i++)
			if (top[i].kb > top[best].kb)
				best = i;
		if (best != k) {
			struct mapping_rss t = top[k];

			top[k] = top[best];
			top[best] = t;
		}
		TH_LOG("  %6ld kB %s", top[k].kb, top[k].name);
	}
}

/* ----------------------------------------------------------- console ---- */

/* One console command, fork to exit, in ms; -1 if it did not answer. */
static long probe(void)
{
	long start = now_ms();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		execl("/usr/bin/iotguardctl", "iotguardctl", "status", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	return now_ms() - start;
}

/* ---------------------------------------------------------- flooders ---- */

struct flood_count {
	uint64_t refused, connected, other;
};

/*
 * One flooder: count connections from the attacker namespace, each a
 * socket, a bind to its own source, a blocking connect and a close. The
 * namespace is entered once; a socket stays in the namespace it was made in.
 */
static pid_t flooder(int n, long count, struct flood_count *out)
{
	struct timeval limit = { .tv_sec = 3 };	/* a SYN nobody answers: counted, not waited on */
	struct sockaddr_storage src = { 0 }, dst = { 0 };
	socklen_t len;
	int family;
	pid_t pid = fork();

	if (pid)
		return pid;
	/*
	 * The attacker is another host; its processes share this guest's CPUs
	 * only because the test needs both ends in one VM. At the lowest
	 * priority they take what the device leaves, as a second host would
	 * (the gate's own work, in softirq, still runs on every SYN). A test
	 * that fails or times out must not leave its flood running.
	 */
	if (enter_attacker() || nice(19) == -1 || prctl(PR_SET_PDEATHSIG, SIGKILL))
		_exit(1);
	if (n % 2) {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&src, *d = (struct sockaddr_in6 *)&dst;
		char text[64];

		family = s->sin6_family = d->sin6_family = AF_INET6;
		inet_pton(AF_INET6, source6(text, 0x10 + n), &s->sin6_addr);
		inet_pton(AF_INET6, DEVICE_ADDR6, &d->sin6_addr);
		d->sin6_port = htons(STORM_PORT);
		len = sizeof(*s);
	} else {
		struct sockaddr_in *s = (struct sockaddr_in *)&src, *d = (struct sockaddr_in *)&dst;
		char text[64];

		family = s->sin_family = d->sin_family = AF_INET;
		inet_pton(AF_INET, source4(text, 30 + n), &s->sin_addr);
		inet_pton(AF_INET, DEVICE_ADDR, &d->sin_addr);
		d->sin_port = htons(STORM_PORT);
		len = sizeof(*s);
	}
	for (long i = 0; i < count; i++) {
		int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0 || bind(fd, (struct sockaddr *)&src, len) ||
		    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit))) {
			out->other++;
		} else if (!connect(fd, (struct sockaddr *)&dst, len)) {
			out->connected++;
		} else if (errno == ECONNREFUSED) {
			out->refused++;
		} else {
			out->other++;
		}
		if (fd >= 0)
			close(fd);
	}
	_exit(0);
}

/* ----------------------------------------------------------- fixture ---- */

FIXTURE(storm) {
	struct raw_genl g;
	int listener;
};

FIXTURE_SETUP(storm)
{
	ASSERT_EQ(0, setup_network());
	ASSERT_EQ(0, raw_genl_open(&self->g, IOTGUARD_GENL_NAME));
	/*
	 * A listener: a connection the gate let through would complete its
	 * handshake and be counted as connected, not refused by the stack.
	 */
	self->listener = listen_on(STORM_PORT);
	ASSERT_LE(0, self->listener);
	/* Nothing exempt, credentials default: every SYN to the port is refused. */
	ASSERT_EQ(0, raw_genl_set_mode(&self->g, IOTGUARD_MODE_ENFORCE, 0));
	ASSERT_EQ(0, raw_genl_set_ifname(&self->g, ""));
	ASSERT_EQ(0, raw_genl_set_subnet(&self->g, IOTGUARD_A_PROV_NET4, NULL, 0));
	ASSERT_EQ(0, raw_genl_set_subnet(&self->g, IOTGUARD_A_PROV_NET6, NULL, 0));
	ASSERT_EQ(0, raw_genl_set_cred_state(&self->g, IOTGUARD_CRED_DEFAULT));
}

FIXTURE_TEARDOWN(storm)
{
	close(self->listener);
	raw_genl_close(&self->g);
	agent_reapply();
}

static uint64_t refusals(const struct raw_status *st)
{
	return st->counters[IOTGUARD_CTR_LOCKOUT_REFUSED] +
	       st->counters[IOTGUARD_CTR_THROTTLE_REFUSED];
}

/*
 * A few refusals first, past the events' burst, so that the agent's event
 * path (reading, formatting, its log's rate limit) has run before its idle
 * RSS is read: the idle figure is the agent's steady state, and growth after
 * the storm is what the storm added, not the first event's pages.
 */
static void warm_up(void)
{
	char src[64];

	for (int i = 0; i < WARM_UP_REFUSALS; i++)
		attacker_connect(source4(src, 20 + i % 5), DEVICE_ADDR, STORM_PORT);
	sleep(2);
}

TEST_F_TIMEOUT(storm, refused_connection_storm, STORM_TIMEOUT_S)
{
	static struct flood_count *counts;
	long n = storm_connections(), idle_worst = 0, worst = 0, limit;
	long idle_ms[IDLE_PROBES], *storm_ms, kept;
	long t0, t1, flood_start, flood_ms, probes = 0, unanswered = 0;
	uint64_t received = 0, overruns = 0, seen_refused = 0, seen_connected = 0, seen_other = 0;
	uint64_t counted, sent, dropped, sent_max, sent_min;
	struct raw_status before, after;
	pid_t pids[FLOODERS];
	int agent = agentd_pid(), running = FLOODERS, fd;
	struct rss idle, end;

	ASSERT_GT(agent, 1);
	/* One probe a period at most, for the storm's duration at the slowest rate. */
	kept = n / STORM_MIN_RATE * 1000 / PROBE_PERIOD_MS + 16;
	storm_ms = calloc(kept, sizeof(*storm_ms));
	ASSERT_NE(NULL, storm_ms);
	counts = mmap(NULL, sizeof(*counts) * FLOODERS, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, counts);

	warm_up();
	ASSERT_EQ(0, read_rss(agent, &idle));
	log_rss(_metadata, "idle", &idle);
	log_rss_by_mapping(_metadata, agent);
	for (int i = 0; i < IDLE_PROBES; i++) {
		long ms = probe();

		ASSERT_LE(0, ms) TH_LOG("iotguardctl status failed while idle");
		idle_ms[i] = ms;
		if (ms > idle_worst)
			idle_worst = ms;
		usleep(PROBE_PERIOD_MS * 1000);
	}
	limit = IDLE_FACTOR * idle_worst > CONSOLE_GOAL_MS ? IDLE_FACTOR * idle_worst
							   : CONSOLE_GOAL_MS;

	fd = raw_events_open(&self->g);
	ASSERT_LE(0, fd);
	t0 = now_ms();
	ASSERT_EQ(0, raw_genl_status(&self->g, &before));
	flood_start = now_ms();
	for (int i = 0; i < FLOODERS; i++)
		ASSERT_LT(0, pids[i] = flooder(i, n / FLOODERS + (i < n % FLOODERS), &counts[i]));

	/* The console every PROBE_PERIOD_MS; events read in between. */
	for (long next = now_ms(); running;) {
		int status;

		if (now_ms() >= next) {
			long ms = probe();

			if (probes < kept)
				storm_ms[probes] = ms;
			probes++;
			if (ms < 0)
				unanswered++;
			else if (ms > worst)
				worst = ms;
			next = now_ms() + PROBE_PERIOD_MS;
		}
		for (long left; (left = next - now_ms()) > 0;) {
			uint32_t kind = raw_event_next(fd, (int)left);

			if (kind == RAW_EVENT_OVERRUN)
				overruns++;
			else if (kind)
				received++;
		}
		/* A connection the gate let through is accepted: counted, never left to time out. */
		drain(self->listener);
		for (int i = 0; i < FLOODERS; i++)
			if (pids[i] > 0 && waitpid(pids[i], &status, WNOHANG) == pids[i]) {
				EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
					TH_LOG("flooder %d: status %#x", i, status);
				pids[i] = 0;
				running--;
			}
	}
	flood_ms = now_ms() - flood_start;
	ASSERT_EQ(0, raw_genl_status(&self->g, &after));
	t1 = now_ms();
	/* What was sent before the second status is queued on fd by now. */
	for (uint32_t kind; (kind = raw_event_next(fd, 500));)
		if (kind == RAW_EVENT_OVERRUN)
			overruns++;
		else
			received++;
	close(fd);
	ASSERT_EQ(0, read_rss(agent, &end));

	for (int i = 0; i < FLOODERS; i++) {
		seen_refused += counts[i].refused;
		seen_connected += counts[i].connected;
		seen_other += counts[i].other;
	}
	munmap(counts, sizeof(*counts) * FLOODERS);
	counted = refusals(&after) - refusals(&before);
	sent = after.counters[IOTGUARD_CTR_EVENTS_SENT] - before.counters[IOTGUARD_CTR_EVENTS_SENT];
	dropped = after.counters[IOTGUARD_CTR_EVENTS_DROPPED] -
		  before.counters[IOTGUARD_CTR_EVENTS_DROPPED];
	/*
	 * The rate limit's bounds over the time between the two status reads:
	 * the bucket holds at most a burst, and gains EVENTS_PER_SEC a second
	 * (one more for the part of an interval it may carry in, and a
	 * millisecond for now_ms()'s rounding: the bound is exact, not padded).
	 * At the low end, refusals come thousands a second, so each token is
	 * spent as it comes: at least half the rate over all but the first
	 * second (a start with an empty bucket, the guest's timer under TCG).
	 */
	sent_max = IOTGUARD_EVENT_BURST + (uint64_t)(t1 - t0 + 1) * IOTGUARD_EVENTS_PER_SEC / 1000 + 1;
	sent_min = flood_ms > 1000 ? (uint64_t)(flood_ms - 1000) * IOTGUARD_EVENTS_PER_SEC / 2000 : 0;

	TH_LOG("%ld connections by %d flooders in %ld ms (%ld a second): refused %llu, "
	       "connected %llu, other %llu", n, FLOODERS, flood_ms, n * 1000 / (flood_ms ? flood_ms : 1),
	       (unsigned long long)seen_refused, (unsigned long long)seen_connected,
	       (unsigned long long)seen_other);
	TH_LOG("module: refused %llu; events sent %llu (bounds %llu..%llu), received %llu, "
	       "dropped %llu, overruns %llu", (unsigned long long)counted,
	       (unsigned long long)sent, (unsigned long long)sent_min,
	       (unsigned long long)sent_max, (unsigned long long)received,
	       (unsigned long long)dropped, (unsigned long long)overruns);
	TH_LOG("console (iotguardctl status): %ld probes, worst %ld ms (median %ld) under the "
	       "storm, worst %ld ms (median %ld) idle; bound %ld ms; the %d ms goal %s",
	       probes, worst, probes ? median(storm_ms, probes < kept ? probes : kept) : -1, idle_worst,
	       median(idle_ms, IDLE_PROBES), limit, CONSOLE_GOAL_MS,
	       worst < CONSOLE_GOAL_MS && !unanswered ? "met" : "NOT met");
	free(storm_ms);
	log_rss(_metadata, "after the storm", &end);
	TH_LOG("iotguardd's idle RSS goal (%d kB) %s: %ld kB", RSS_GOAL_KB,
	       idle.rss_kb <= RSS_GOAL_KB ? "met" : "NOT met", idle.rss_kb);

	/* Every connection refused, by the gate: none got through, none hung. */
	EXPECT_EQ((uint64_t)n, seen_refused);
	EXPECT_EQ(0, seen_connected);
	EXPECT_EQ(0, seen_other);
	EXPECT_LE(seen_refused, counted) TH_LOG("refusals the module did not count");
	/* Nothing silently lost: each refusal's event received or counted dropped. */
	EXPECT_LE(counted, received + dropped);
	EXPECT_EQ(0, overruns);
	EXPECT_EQ(sent, received) TH_LOG("events sent but not received");
	EXPECT_LE(sent, sent_max) TH_LOG("over the events' rate limit");
	EXPECT_LE(sent_min, sent) TH_LOG("under the events' rate: were they sent at all?");
	/* The console answered, every time, in time. */
	EXPECT_LT(0, probes);
	EXPECT_EQ(0, unanswered);
	EXPECT_LT(worst, limit);
	/* The agent's memory stays bounded. */
	EXPECT_LE(end.rss_kb, idle.rss_kb + RSS_SLACK_KB);
}

/*
 * The harness takes a test's timeout from its definition; a storm's length
 * is STORM_CONNECTIONS'. Set before main() runs any test (the 6.1 harness,
 * which the suite is built with, keeps it in the test's metadata object).
 */
static void __attribute__((constructor)) storm_timeout(void)
{
	_storm_refused_connection_storm_object.timeout =
		STORM_FIXED_S + storm_connections() / STORM_MIN_RATE;
}

TEST_HARNESS_MAIN
