// SPDX-License-Identifier: GPL-2.0
/*
 * The outbound policy as an integrator uses it: an egress section in the
 * policy file, applied by iotguardd on SIGHUP. Its DNS names resolved from
 * a server this test runs on 127.0.0.1:53 (the image has no resolv.conf,
 * so that is where the agent asks) and refreshed when the answer changes;
 * a service's extra rule through `iotguardctl run`; `egress explain`
 * agreeing with the kernel; and enforcement staying when the agent dies.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include "dns_server.h"
#include "egress.h"
#include "egress_maps.h"
#include "egress_peer.h"
#include "sessions.h"
#include "util.h"

#define POLICY "/etc/iotguard/iotguard.conf"
#define POLICY_SAVED "/tmp/iotguard.conf.egress-saved"
#define PEER_B "10.99.0.3"	/* another of the peer's addresses (setup_network) */
#define DNS_TTL 30		/* the agent's shortest: it asks again at 3/4 of it */
/* Service cam's cgroup (the default, iotguard/NAME). */
#define CAM_CGROUP "/sys/fs/cgroup/iotguard/cam"
/* Beside this test in the image. */
#define PROBE "/usr/lib/iotguard/selftests/iotguard/egress_probe"

static const char policy_text[] =
	"version = 1;\n"
	"egress = {\n"
	"  mode = \"enforce\";\n"
	"  default = \"deny\";\n"
	"  allow = (\n"
	"    { to = \"" ATTACKER_ADDR "\"; ports = [ 4430 ]; proto = \"tcp\"; },\n"
	"    { to = \"peer.test\"; ports = [ 5300 ]; proto = \"udp\"; }\n"
	"  );\n"
	"  services = (\n"
	"    { name = \"cam\"; families = [ \"can\" ];\n"
	"      allow = ( { to = \"" ATTACKER_ADDR "\"; ports = [ 4431 ]; proto = \"tcp\"; } ); }\n"
	"  );\n"
	"};\n";

FIXTURE(agent_egress) {
	struct arrivals *arr;
	struct server *dns;
	pid_t peer, dns_pid;
	char out[4096];
};

/* The DNS server, in a child: answers until killed; its records in shared memory. */
static pid_t start_dns(struct server *srv)
{
	pid_t pid;

	server_start(53, srv);
	pid = fork();
	if (pid)
		return pid;
	for (;;) {
		struct pollfd pfd = { .fd = srv->fd, .events = POLLIN };

		if (poll(&pfd, 1, 1000) > 0)
			server_answer(srv);
	}
}

static void set_peer_name(struct server *srv, const char *addr)
{
	struct rr rr = { .name = "peer.test", .family = AF_INET, .addr = addr, .ttl = DNS_TTL };

	server_set(srv, &rr, 1);
}

/* Wait until the agent has switched to a new policy generation: 0, or -1 after 90 s. */
static int wait_installed(const struct egress_active *before)
{
	for (int i = 0; i < 1800; i++) {
		struct egress_active now = {};

		if (!egress_active_state(&now) && now.installed &&
		    (!before->installed || now.gen != before->gen))
			return 0;
		usleep(50 * 1000);
	}
	return -1;
}

/* Poll until sending to addr:port gets want (0 or -EPERM); the ms it took, or -1. */
static long wait_udp(const char *addr, int port, int want, long limit_ms)
{
	for (long ms = 0; ms <= limit_ms; ms += 100) {
		if (dev_sendto(addr, port, 0, SOCK_DGRAM) == want)
			return ms;
		usleep(100 * 1000);
	}
	return -1;
}

FIXTURE_SETUP(agent_egress)
{
	struct egress_active before = {};
	FILE *f;

	ASSERT_EQ(0, setup_network());
	ASSERT_GT(agentd_pid(), 1) TH_LOG("iotguardd is not running");
	self->arr = mmap(NULL, sizeof(*self->arr) + sizeof(*self->dns), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->arr);
	memset(self->arr, 0, sizeof(*self->arr) + sizeof(*self->dns));
	self->dns = (struct server *)(self->arr + 1);
	set_peer_name(self->dns, ATTACKER_ADDR);
	self->dns_pid = start_dns(self->dns);
	self->peer = start_peer(self->arr);
	ASSERT_LT(0, self->peer);
	for (int i = 0; i < 3000 && !self->arr->ready; i++)
		usleep(1000);
	ASSERT_TRUE(self->arr->ready);

	ASSERT_EQ(0, run_capture("cp " POLICY " " POLICY_SAVED, self->out, sizeof(self->out)));
	f = fopen(POLICY, "w");
	ASSERT_NE(NULL, f);
	fputs(policy_text, f);
	fclose(f);
	egress_active_state(&before);
	ASSERT_EQ(0, kill(agentd_pid(), SIGHUP));
	ASSERT_EQ(0, wait_installed(&before)) TH_LOG("the agent did not install the policy");
}

FIXTURE_TEARDOWN(agent_egress)
{
	char out[4096];
	struct egress_active now = {};

	run_capture("cp " POLICY_SAVED " " POLICY, NULL, 0);
	if (agentd_pid() <= 1)
		run_capture("rm -f /run/iotguardd.pid; /etc/init.d/S30iotguardd start", out,
			    sizeof(out));
	else
		agent_reapply();
	/* The rest of the suite runs without an outbound policy. */
	for (int i = 0; i < 1200 && !egress_active_state(&now) && now.installed; i++)
		usleep(50 * 1000);
	EXPECT_EQ(0, now.installed);
	kill(self->peer, SIGKILL);
	kill(self->dns_pid, SIGKILL);
	waitpid(self->peer, NULL, 0);
	waitpid(self->dns_pid, NULL, 0);
	close(self->dns->fd);
	munmap(self->arr, sizeof(*self->arr) + sizeof(*self->dns));
}

TEST_F_TIMEOUT(agent_egress, policy_file_enforced_and_explained, EGRESS_TEST_TIMEOUT_S)
{
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, ATTACKER_ADDR, 4430));
	EXPECT_EQ(-EPERM, dev_connect(SOCK_STREAM, ATTACKER_ADDR, 4431));
	EXPECT_EQ(-EPERM, dev_connect(SOCK_STREAM, PEER6, 4430));
	settle();
	EXPECT_EQ(1, self->arr->tcp_open);
	EXPECT_EQ(0, self->arr->tcp_shut);
	/* explain speaks about what the kernel does: exit 1 denied, 0 allowed. */
	EXPECT_EQ(1, run_capture("iotguardctl egress explain " ATTACKER_ADDR " 4431 --proto tcp",
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "denied by the default")) TH_LOG("%s", self->out);
	EXPECT_EQ(0, run_capture("iotguardctl egress explain " ATTACKER_ADDR " 4430 --proto tcp",
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_NE(NULL, strstr(self->out, "allowed by rule 1")) TH_LOG("%s", self->out);
	EXPECT_EQ(0, run_capture("iotguardctl egress explain " ATTACKER_ADDR " 4431 --proto tcp "
				 "--service cam", self->out, sizeof(self->out))) TH_LOG("%s", self->out);
}

TEST_F_TIMEOUT(agent_egress, service_rule_through_run, EGRESS_TEST_TIMEOUT_S)
{
	EXPECT_NE(0, run_capture("busybox nc -w 2 " ATTACKER_ADDR " 4431 </dev/null",
				 self->out, sizeof(self->out)));
	EXPECT_EQ(0, run_capture("iotguardctl run --service cam -- busybox nc -w 2 "
				 ATTACKER_ADDR " 4431 </dev/null", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	settle();
	EXPECT_EQ(1, self->arr->tcp_shut);
	/* The service's families: a CAN socket in it, none outside (BPF LSM refuses them). */
	EXPECT_EQ(0, run_capture("iotguardctl status", self->out, sizeof(self->out)));
	EXPECT_NE(NULL, strstr(self->out, "other families:   none")) TH_LOG("%s", self->out);
	if (bpf_lsm_missing()) {
		TH_LOG("families not checked: %s", bpf_lsm_missing());
		return;
	}
	EXPECT_EQ(1, run_capture(PROBE " can", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	EXPECT_EQ(0, run_capture("iotguardctl run --service cam -- " PROBE " can",
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
}

/*
 * A service manager removes a unit's cgroup when it stops and makes a new
 * one, with a new id, when it starts again (systemd's restart): the agent
 * installs the policy again with the new id, at once, and the service's
 * rule applies in the new cgroup.
 */
TEST_F_TIMEOUT(agent_egress, service_cgroup_made_again, EGRESS_TEST_TIMEOUT_S)
{
	struct egress_active before = {};

	/* iotguardctl run made it; nothing runs in it now. */
	ASSERT_EQ(0, run_capture("iotguardctl run --service cam -- true", self->out,
				 sizeof(self->out))) TH_LOG("%s", self->out);
	ASSERT_EQ(0, egress_active_state(&before));
	/* The exited process leaves the cgroup as the kernel releases it: busy until then. */
	for (int ms = 0; rmdir(CAM_CGROUP) && errno == EBUSY && ms < SETTLE_MAX_MS; ms += 10)
		usleep(10 * 1000);
	ASSERT_EQ(-1, access(CAM_CGROUP, F_OK)) TH_LOG("%s stays", CAM_CGROUP);
	ASSERT_EQ(0, mkdir(CAM_CGROUP, 0755));
	EXPECT_EQ(0, wait_installed(&before)) TH_LOG("the agent did not install the new cgroup");
	EXPECT_EQ(0, run_capture("iotguardctl run --service cam -- busybox nc -w 2 "
				 ATTACKER_ADDR " 4431 </dev/null", self->out, sizeof(self->out)))
		TH_LOG("%s", self->out);
	settle();
	EXPECT_EQ(1, self->arr->tcp_shut);
}

/*
 * The name's address comes from the test's server; when the answer
 * changes the agent installs the new address and drops the old, no later
 * than the refresh it schedules at 3/4 of the TTL (plus a query's time).
 */
/* A refresh takes 3/4 of the TTL: more than the harness's default 30 s with setup. */
TEST_F_TIMEOUT(agent_egress, dns_name_resolved_and_refreshed, EGRESS_TEST_TIMEOUT_S)
{
	long ms = wait_udp(ATTACKER_ADDR, UDP_OPEN, 0, 10000);

	ASSERT_LE(0, ms) TH_LOG("peer.test never became reachable; queries: %u",
				self->dns->queries);
	EXPECT_EQ(-EPERM, dev_sendto(PEER_B, UDP_OPEN, 0, SOCK_DGRAM));
	set_peer_name(self->dns, PEER_B);
	ms = wait_udp(PEER_B, UDP_OPEN, 0, (DNS_TTL * 3 / 4 + 10) * 1000L);
	EXPECT_LE(0, ms) TH_LOG("the new address was never installed");
	EXPECT_EQ(-EPERM, dev_sendto(ATTACKER_ADDR, UDP_OPEN, 0, SOCK_DGRAM));
}

/* A new agent audits the accounts at start: slow under emulation. */
TEST_F_TIMEOUT(agent_egress, agent_killed_enforcement_stays, EGRESS_TEST_TIMEOUT_S)
{
	int pid = agentd_pid();

	ASSERT_EQ(0, kill(pid, SIGKILL));
	for (int i = 0; i < 100 && kill(pid, 0) == 0; i++)
		usleep(50 * 1000);
	ASSERT_NE(0, kill(pid, 0));
	EXPECT_EQ(-EPERM, dev_connect(SOCK_STREAM, ATTACKER_ADDR, 4431));
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, ATTACKER_ADDR, 4430));
	/* A new agent keeps the same programs and policy. */
	EXPECT_EQ(0, run_capture("rm -f /run/iotguardd.pid; /etc/init.d/S30iotguardd start",
				 self->out, sizeof(self->out))) TH_LOG("%s", self->out);
	EXPECT_EQ(-EPERM, dev_connect(SOCK_STREAM, ATTACKER_ADDR, 4431));
	EXPECT_EQ(0, dev_connect(SOCK_STREAM, ATTACKER_ADDR, 4430));
	settle();
	EXPECT_EQ(0, self->arr->tcp_shut);
	EXPECT_EQ(2, self->arr->tcp_open);
}

TEST_HARNESS_MAIN
