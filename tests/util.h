/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by the guest tests. */
#ifndef IOTGUARD_TEST_UTIL_H
#define IOTGUARD_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * kselftest SKIP, with the reason, where this kernel cannot attach BPF LSM
 * programs (Debian's arm64 6.1): found by attaching one, not from a version.
 */
#define SKIP_WITHOUT_BPF_LSM(statement) do { \
	const char *why_ = bpf_lsm_missing(); \
	if (why_) \
		SKIP(statement, "%s", why_); \
} while (0)
const char *bpf_lsm_missing(void);
/*
 * The same in a FIXTURE_SETUP: the 6.1 harness runs the test body after a
 * SKIP in setup, so this leaves by the harness's own jump (what a failed
 * ASSERT does), which skips the body and the teardown.
 */
/*
 * Probe once in the harness's parent, before any test: the tests run in
 * forked children, and one of them locks the device, after which the
 * guard refuses (and counts) the probe's program.
 */
#define PROBE_BPF_LSM_BEFORE_THE_TESTS() \
	static void __attribute__((constructor)) probe_bpf_lsm_early(void) \
	{ \
		bpf_lsm_missing(); \
	}
#define SKIP_SETUP_WITHOUT_BPF_LSM() SKIP_WITHOUT_BPF_LSM(longjmp(_metadata->env, 1))

#define SYSFS_DIR "/sys/kernel/iotguard"
#define MODPROBE_SYSCTL "/proc/sys/kernel/modprobe"

/* Milliseconds of CLOCK_MONOTONIC: for deadlines and elapsed times. */
long now_ms(void);
/* Read a small text file, newline stripped. 0 or -errno. */
int read_text(const char *path, char *buf, size_t len);
int write_text(const char *path, const char *text);
/* One value under /sys/kernel/iotguard (name may be "counters/x"). */
int sysfs_read(const char *name, char *buf, size_t len);
/* The number after "FIELD:" in a /proc file of such lines (meminfo, status), or -1. */
long proc_field_kb(const char *path, const char *field);
uint64_t sysfs_u64(const char *name);

/* Run a shell command; its stdout+stderr go to out. Returns exit status. */
int run_capture(const char *cmd, char *out, size_t len);
/* Run a shell command; its exit status. A failure's output goes to stderr, as "# ..." lines. */
int sh(const char *cmd);

/* Load or unload iotguard.ko directly (finit_module/delete_module). */
int module_load(void);
/* With module parameters, e.g. "throttle_table_size=4". */
int module_load_params(const char *params);
int module_unload(void);
int module_loaded(void);

/*
 * The kernel loads a missing genetlink family's module on demand. Tests that
 * need the module to stay absent point the modprobe helper elsewhere.
 */
int modprobe_disable(char *saved, size_t len);
void modprobe_restore(const char *saved);

/* The running iotguardd's pid from its pidfile, or -1. */
int agentd_pid(void);

/* Whether the login guard's map flags uid (the agent's audit put it there). */
bool guard_denies(uint32_t uid);
/* Whether it comes to say want within limit_ms. */
bool guard_wait_denied(uint32_t uid, bool want, long limit_ms);

/*
 * SIGHUP the agent and wait until it has applied its policy again (mode,
 * gate and credential state): how a test hands the device back.
 */
int agent_reapply(void);

/*
 * The agent pid's work settles: it sleeps in its poll loop for AGENT_QUIET_MS
 * on end, longer than it waits (CRED_SETTLE_MS, 200 ms) to audit a changed
 * store, so no reload, audit or publish is under way or due. 0, or -1
 * after limit_ms.
 */
#define AGENT_QUIET_MS 500
int agent_idle(int pid, long limit_ms);

/* One login-guard counter summed over all CPUs, or UINT64_MAX. */
uint64_t guard_stat(uint32_t key);

/* Update (add) or delete an entry of a pinned map. 0 or -errno. */
int pinned_map_set(const char *pin, const void *key, const void *value, bool add);
struct login_program_key;
/* The login guard's key for path's inode. 0 or -errno. */
int program_key(const char *path, struct login_program_key *key);
/* Is path's inode among the guard's login programs (the agent loads them)? */
bool program_registered(const char *path);

/*
 * A reload can wait behind the agent's audit of a changed store (110 crypt
 * calls per new hash: seconds under TCG, more on a loaded host), as
 * agent_reapply allows: a log line is waited for as long.
 */
#define LOG_SETTLE_MS 60000

/* Where the system log ends now (its file and size). */
struct log_mark {
	ino_t ino;
	off_t size;
};

void log_mark(struct log_mark *mark);

/*
 * Wait up to LOG_SETTLE_MS for a line of the system log written after mark
 * (NULL: any line) that matches the basic regular expression grep_pattern
 * to contain want. 0 if one does; out holds the newest matching lines
 * either way.
 */
int wait_for_log_since(const struct log_mark *mark, const char *grep_pattern, const char *want,
		       char *out, size_t len);
int wait_for_log(const char *grep_pattern, const char *want, char *out, size_t len);

/* Milliseconds until sysfs cred_state reads want, or -1 after limit_ms. */
/*
 * How long the agent may take to tell the kernel a changed store's verdict:
 * an audit costs up to 110 crypt calls per new hash (thousands of rounds
 * each: seconds under TCG, several times that on a loaded host), as
 * agent_reapply allows. A wait for a verdict that must come uses this.
 */
#define AUDIT_SETTLE_MS 60000
long wait_cred_state(const char *want, long limit_ms);

#endif
