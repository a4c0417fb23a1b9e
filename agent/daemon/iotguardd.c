// SPDX-License-Identifier: GPL-2.0
/*
 * iotguardd: the iotguard agent. Loads and pins the BPF login guard, reads
 * the policy and applies it to the kernel module, then waits for SIGHUP
 * (reload) or SIGTERM (stop). Stopping, crashing or restarting the agent
 * never opens the device: the module keeps its state and the pinned guard
 * stays attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include "agent.h"
#include "cgroup.h"
#include "genl_client.h"
#include "instance_lock.h"
#include "login_guard_events.h"
#include "login_guard_setup.h"
#include "login_guard_loader.h"
#include "log.h"
#include "names.h"
#include "provision.h"
#include "publish.h"
#include "service_notify.h"
#include "version.h"

#define READY_FILE IOTGUARD_RUN_DIR "/ready"
/* How often to refresh what is published (security.txt Expires, days left). */
#define PUBLISH_INTERVAL_S (6 * 60 * 60)


static void usage(FILE *out)
{
	fprintf(out,
		"Usage: iotguardd [OPTIONS]\n"
		"The iotguard agent: loads the BPF login guard, applies the policy to the\n"
		"kernel module, audits the credential store at start and within a second of\n"
		"any change (flagged accounts go to the kernel's guard), provisions flagged\n"
		"accounts at first boot if the policy says so, sets the kernel's network\n"
		"gate (login ports, exemptions, throttle), and logs every refused login\n"
		"and every refused connection (rate-limited). It publishes security.txt,\n"
		STATUS_JSON_PATH " and the support period (which it never lets\n"
		"shrink), refreshed every 6 hours. Runs in the foreground; send\n"
		"SIGHUP to reload the policy (a bad policy is refused whole and the\n"
		"running one stays), SIGTERM to stop (enforcement stays in the kernel).\n"
		"At start it mounts cgroup2 at " CGROUP_V2_MOUNT_POINT " if nothing has (never over a\n"
		"tmpfs of cgroup v1 hierarchies): services' outbound rules need cgroup v2.\n"
		"\n"
		"  -c, --config FILE  policy file (default " POLICY_DEFAULT_PATH ")\n"
		"  -s, --syslog       log to syslog instead of stderr\n"
		"  -V, --version      print the version and exit\n"
		"  -h, --help         show this help\n"
		"\n"
		"When ready it creates " READY_FILE " and, under systemd (Type=notify),\n"
		"sends READY=1 to $NOTIFY_SOCKET.\n"
		"Only one runs at a time (it locks " INSTANCE_LOCK_FILE ").\n"
		"Exit status: 0 stopped by signal, 1 the policy is invalid at start or\n"
		"another iotguardd is running, 2 usage error.\n");
}

/* security.txt, status.json and the support period (never shortened). */
static void publish(struct agent *agent)
{
	static const int priority[] = {
		[PUBLISH_INFO] = LOG_INFO, [PUBLISH_WARNING] = LOG_WARNING, [PUBLISH_ERROR] = LOG_ERR,
	};
	struct publish_notes notes;
	struct published published;
	time_t now = time(NULL);

	publish_write(&agent->policy, now, &published, &notes);
	for (size_t i = 0; i < notes.count; i++)
		log_msg(priority[notes.note[i].severity], "%s", notes.note[i].text);
	agent->next_publish = now + PUBLISH_INTERVAL_S;
}

static int publish_timeout_ms(const struct agent *agent)
{
	time_t left = agent->next_publish - time(NULL);

	return left <= 0 ? 0 : left > INT32_MAX / 1000 ? INT32_MAX : (int)left * 1000;
}

static void open_program_watch(struct agent *agent)
{
	int ret;

	program_watch_close(&agent->programs);
	ret = program_watch_open(&agent->programs, &agent->policy.login_guard);
	if (ret)
		log_err("login guard: cannot watch the login programs' directories: %s; a "
			"program replaced other than by rename is guarded again at SIGHUP",
			strerror(-ret));
}

static void reload(struct agent *agent)
{
	struct iotguard_error error;
	struct iotguard_policy policy;

	if (policy_load_checked(agent->policy_path, SUPPORT_STATE_FILE, &policy, &error)) {
		log_err("policy refused, the running policy stays: %s", error.msg);
		return;
	}
	if (weakens_lock(&policy)) {
		policy_release(&policy);
		return;
	}
	/* The new policy's heap parts move with it; the old one's go. */
	policy_release(&agent->policy);
	agent->policy = policy;
	agent->policy_applied = false;
	open_program_watch(agent);
	if (agent->creds_watched)
		cred_monitor_reload(&agent->creds, &agent->policy);
	try_apply(agent);
	outbound_apply(&agent->outbound, &agent->policy);
	publish(agent);
}

/*
 * First boot: a device that still carries its factory defaults gets its
 * own passwords now, once. Never again unless asked (iotguardctl provision).
 */
static void first_boot_provision(struct agent *agent)
{
	const struct provisioning_policy *p = &agent->policy.provisioning;
	struct provision_result result = { 0 };
	struct iotguard_error err;

	if (agent->boot_audit_done)
		return;
	agent->boot_audit_done = true;
	if (!p->first_boot || p->method == PROVISION_USER || provisioned_before("/"))
		return;
	if (agent->creds.flagged_count && provision("/", &agent->policy, false, &result, &err)) {
		log_err("first-boot provisioning failed; remote logins stay refused: %s", err.msg);
		return;
	}
	if (result.changed) {
		/* Never the password itself: syslog is not a secret channel. */
		log_info("first boot: provisioned %zu account(s); password delivered to %s%s%s",
			 result.changed, p->deliver_file[0] ? p->deliver_file : "",
			 p->deliver_file[0] && p->deliver_console ? " and " : "",
			 p->deliver_console ? "the console" : "");
		if (result.unrecorded)
			log_err("first-boot provisioning not recorded: %s; flagged accounts may be "
				"provisioned again at the next start", result.record_error.msg);
		agent->creds.audit_due = true;
		return;
	}
	/*
	 * Nothing to change: first boot is over all the same. An account
	 * flagged later waits for its owner (iotguardctl provision); its
	 * password is never changed unasked at some later start.
	 */
	if (provision_mark_done("/", &err))
		log_err("first boot: nothing to provision, but not recorded: %s; a flagged "
			"account may be provisioned at the next start", err.msg);
	else
		log_info("first boot: no account to provision; recorded");
}

static void audit_credentials(struct agent *agent)
{
	int changed = cred_monitor_audit(&agent->creds);

	if (changed > 0) {
		log_info("credential state: %s", cred_state_name(agent->creds.cred_state));
		push_cred_state(agent);
	}
	first_boot_provision(agent);
}

/* Tell a service manager, if one asked ($NOTIFY_SOCKET); its failure is only logged. */
static void notify_manager(const char *state)
{
	struct iotguard_error error;

	if (service_notify(getenv("NOTIFY_SOCKET"), state, &error))
		log_warn("%s", error.msg);
}

/* Ready: both ways, for init scripts (the file) and for systemd (Type=notify). */
static void mark_ready(void)
{
	int fd;

	mkdir(IOTGUARD_RUN_DIR, 0755);
	fd = open(READY_FILE, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	notify_manager("READY=1");
}

/* Work that became due gets its time: a settle delay, or the module's retry. */
static void set_deadlines(struct agent *agent)
{
	int64_t now = deadline_clock_ms();

	if (agent->creds_watched && agent->creds.audit_due)
		deadline_arm(&agent->audit_at, now, CRED_SETTLE_MS);
	if (agent->programs_due)
		deadline_arm(&agent->programs_at, now, CRED_SETTLE_MS);
	if (!agent->policy_applied)
		deadline_arm(&agent->retry_at, now, MODULE_RETRY_MS);
}

/* poll's timeout: until the soonest deadline or the next publish. */
static int next_timeout_ms(const struct agent *agent)
{
	int64_t now = deadline_clock_ms();
	int timeout = publish_timeout_ms(agent);

	timeout = deadline_timeout(&agent->audit_at, now, timeout);
	timeout = deadline_timeout(&agent->programs_at, now, timeout);
	return deadline_timeout(&agent->retry_at, now, timeout);
}

static void run_due(struct agent *agent)
{
	int64_t now = deadline_clock_ms();

	if (deadline_take(&agent->audit_at, now) && agent->creds_watched && agent->creds.audit_due)
		audit_credentials(agent);
	if (deadline_take(&agent->programs_at, now) && agent->programs_due) {
		agent->programs_due = false;
		open_program_watch(agent);
		if (guard_pinned())
			guard_setup_configure(&agent->policy, &agent->creds);
	}
	if (deadline_take(&agent->retry_at, now) && !agent->policy_applied)
		try_apply(agent);
	if (time(NULL) >= agent->next_publish)
		publish(agent);
}

static int signal_fd(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		return -1;
	return signalfd(-1, &mask, SFD_CLOEXEC);
}

/* Returns true to keep running. */
static bool handle_signal(struct agent *agent, int fd)
{
	struct signalfd_siginfo si;

	if (read(fd, &si, sizeof(si)) != sizeof(si))
		return true;
	if (si.ssi_signo == SIGHUP) {
		log_info("SIGHUP: reloading %s", agent->policy_path);
		reload(agent);
		return true;
	}
	log_info("stopping; enforcement stays in the kernel");
	notify_manager("STOPPING=1");
	return false;
}

static int run(struct agent *agent)
{
	enum { SIGNALS, FAMILY_WATCH, CRED_WATCH, GUARD_EVENTS, GATE_EVENTS, PROGRAM_WATCH,
	       DNS, EGRESS_EVENTS, SERVICE_WATCH, NFDS };
	struct pollfd pfd[NFDS] = {
		[SIGNALS] = { .fd = -1, .events = POLLIN },
		[FAMILY_WATCH] = { .fd = -1, .events = POLLIN },
		[CRED_WATCH] = { .fd = -1, .events = POLLIN },
		[GUARD_EVENTS] = { .fd = -1, .events = POLLIN },
		[GATE_EVENTS] = { .fd = -1, .events = POLLIN },
		[PROGRAM_WATCH] = { .fd = -1, .events = POLLIN },
		[DNS] = { .fd = -1, .events = POLLIN },
		[EGRESS_EVENTS] = { .fd = -1, .events = POLLIN },
		[SERVICE_WATCH] = { .fd = -1, .events = POLLIN },
	};
	struct guard_events *events = NULL;
	struct genl_watch *watch = NULL;
	int ret;

	pfd[SIGNALS].fd = signal_fd();
	if (pfd[SIGNALS].fd < 0) {
		log_err("signalfd: %s", strerror(errno));
		return 1;
	}
	/* Without the watch a reloaded module keeps its closed defaults. */
	ret = genl_watch_open(&watch);
	if (ret)
		log_warn("cannot watch for the module being reloaded: %s", strerror(-ret));
	else
		pfd[FAMILY_WATCH].fd = genl_watch_fd(watch);

	if (agent->creds_watched)
		pfd[CRED_WATCH].fd = cred_monitor_fd(&agent->creds);
	open_program_watch(agent);
	if (guard_pinned()) {
		ret = guard_events_open(&events, &agent->policy.login_guard);
		if (ret)
			log_err("login guard: cannot read its events: %s", strerror(-ret));
		else
			pfd[GUARD_EVENTS].fd = guard_events_fd(events);
	}

	mark_ready();
	for (;;) {
		int timeout, n, dns_ms;
		bool dns_sooner;

		set_deadlines(agent);
		timeout = next_timeout_ms(agent);
		pfd[GATE_EVENTS].fd = agent->gate_events ? genl_events_fd(agent->gate_events) : -1;
		pfd[PROGRAM_WATCH].fd = program_watch_fd(&agent->programs);
		pfd[DNS].fd = outbound_resolver_fd(&agent->outbound);
		pfd[EGRESS_EVENTS].fd = outbound_events_fd(&agent->outbound);
		pfd[SERVICE_WATCH].fd = outbound_services_fd(&agent->outbound);
		dns_ms = outbound_timeout_ms(&agent->outbound);
		dns_sooner = dns_ms >= 0 && (timeout < 0 || dns_ms < timeout);
		n = poll(pfd, NFDS, dns_sooner ? dns_ms : timeout);
		/* Due or not, answered or timed out: the resolver sorts it out. */
		outbound_run(&agent->outbound);
		if (n < 0 && errno != EINTR) {
			log_err("poll: %s", strerror(errno));
			break;
		}
		/* What is due runs now, however busy the descriptors are. */
		run_due(agent);
		if (n < 0)
			continue;
		if (pfd[CRED_WATCH].revents & POLLIN)
			cred_monitor_read(&agent->creds);
		if (pfd[GUARD_EVENTS].revents & POLLIN)
			guard_events_read(events);
		if (pfd[EGRESS_EVENTS].revents & POLLIN)
			outbound_read_events(&agent->outbound);
		if (pfd[SERVICE_WATCH].revents & POLLIN)
			outbound_services_changed(&agent->outbound);
		/* At once, and again once a burst of changes has settled. */
		if ((pfd[PROGRAM_WATCH].revents & POLLIN) && program_watch_read(&agent->programs)) {
			if (guard_pinned())
				guard_setup_configure(&agent->policy, &agent->creds);
			open_program_watch(agent);
			agent->programs_due = true;
		}
		if (agent->gate_events && (pfd[GATE_EVENTS].revents & POLLIN))
			genl_events_read(agent->gate_events);
		if ((pfd[FAMILY_WATCH].revents & POLLIN) && genl_watch_read(watch)) {
			log_info("kernel module (re)loaded: applying the policy");
			/* A new family: its event group is a new one too. */
			genl_events_close(agent->gate_events);
			agent->gate_events = NULL;
			agent->lock_reported = false;
			agent->policy_applied = false;
			try_apply(agent);
		}
		if ((pfd[SIGNALS].revents & POLLIN) &&
		    !handle_signal(agent, pfd[SIGNALS].fd))
			break;
	}
	genl_watch_close(watch);
	program_watch_close(&agent->programs);
	guard_events_close(events);
	genl_events_close(agent->gate_events);
	if (agent->creds_watched)
		cred_monitor_free(&agent->creds);
	close(pfd[SIGNALS].fd);
	unlink(READY_FILE);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "syslog", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct agent agent = { .policy_path = POLICY_DEFAULT_PATH, .programs = { .fd = -1 } };
	struct iotguard_error error;
	bool use_syslog = false;
	int opt, ret, lock_fd;
	pid_t holder;

	while ((opt = getopt_long(argc, argv, "c:shV", options, NULL)) != -1) {
		switch (opt) {
		case 'c':
			agent.policy_path = optarg;
			break;
		case 's':
			use_syslog = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("iotguardd %s\n", IOTGUARD_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	log_init("iotguardd", use_syslog);
	/* Before anything reaches the kernel: a second agent changes nothing. */
	ret = instance_lock(INSTANCE_LOCK_FILE, &lock_fd, &holder, &error);
	if (ret == -EWOULDBLOCK) {
		log_err("another iotguardd is running (%s): this one stops; the running one "
			"keeps the device as it is", error.msg);
		return 1;
	}
	if (ret)
		log_warn("DEGRADED: no single-instance lock (%s): a second iotguardd would not "
			 "be kept out", error.msg);
	outbound_mount_cgroup2();

	/* The guard goes in first: it must not wait on a good policy file. */
	guard_setup_attach();
	if (policy_load(agent.policy_path, &agent.policy, &error)) {
		log_err("%s", error.msg);
		/*
		 * Fail closed: the guard gets the default login programs and no
		 * audit, so every account counts as flagged for them.
		 */
		policy_defaults(&agent.policy);
		if (guard_pinned())
			guard_setup_configure(&agent.policy, &agent.creds);
		log_err("the kernel stays in its closed state until a valid policy is applied");
		return 1;
	}
	/* Audit before anything else reaches the kernel: no "provisioned" by default. */
	agent.creds_watched = cred_monitor_init(&agent.creds, "/", &agent.policy) == 0;
	if (!agent.creds_watched) {
		cred_monitor_free(&agent.creds);
		log_err("DEGRADED: no credential audit: the device counts as having default credentials");
	}
	else
		audit_credentials(&agent);
	try_apply(&agent);
	outbound_init(&agent.outbound);
	outbound_apply(&agent.outbound, &agent.policy);
	publish(&agent);
	ret = run(&agent);
	outbound_stop(&agent.outbound);
	policy_release(&agent.policy);
	return ret;
}
