// SPDX-License-Identifier: GPL-2.0
/*
 * The login guard: BPF LSM hooks that stop a login program from becoming an
 * account whose password is empty or a known default (the agent's audit
 * keeps those uids in denied_uids).
 *
 * - task_fix_setuid covers the whole setuid family (uid, euid, suid, fsuid:
 *   setuid, setreuid, setresuid, setfsuid), including root to root.
 * - bprm_check_security covers a login program that already runs as the
 *   flagged account (a root login) and execs a shell without any setuid.
 * - A refused privilege drop kills the process, as SafeSetID does: it must
 *   not carry on as root.
 * - A login on a console tty (the owner's local way in) is never refused.
 * Every refusal is counted and reported on the events ring buffer.
 *
 * The maps and links are pinned under /sys/fs/bpf/iotguard, so enforcement
 * outlives the agent.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "login_guard.h"

#define EPERM 1
#define SIGKILL 9
#define FILENAME_MAX_SCAN 256

/*
 * Runtime settings written by the agent. Not const volatile: the mode can
 * change at runtime (policy reload) while the pinned program stays.
 * A missing or zeroed entry means enforce: the guard fails closed.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct login_guard_config);
} guard_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LOGIN_GUARD_MAX_DENIED_UIDS);
	__type(key, __u32);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} denied_uids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LOGIN_GUARD_MAX_PROGRAMS);
	__type(key, struct login_program_key);
	__type(value, __u32);
} login_programs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LOGIN_GUARD_MAX_PROGRAMS);
	__type(key, struct login_comm_key);
	__type(value, __u32);
} login_comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LOGIN_GUARD_MAX_CONSOLES);
	__type(key, struct login_comm_key);
	__type(value, __u32);
} console_ttys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, __LOGIN_GUARD_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LOGIN_GUARD_EVENTS_BYTES);
} events SEC(".maps");

static void count(__u32 stat)
{
	__u64 *value = bpf_map_lookup_elem(&stats, &stat);

	if (value)
		*value += 1;
}

static struct login_guard_config *guard_settings(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&guard_config, &key);
}

/*
 * Is uid flagged? Before the first audit (or with no config at all) every
 * account counts as flagged: fail closed.
 */
static bool denied(const struct login_guard_config *cfg, __u32 uid)
{
	if (!cfg || !cfg->audited)
		return true;
	return bpf_map_lookup_elem(&denied_uids, &uid) != NULL;
}

static void file_key(struct file *file, struct login_program_key *key)
{
	dev_t dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);

	key->dev = dev;
	key->ino = BPF_CORE_READ(file, f_inode, i_ino);
}

static bool comm_is_login(const char *comm)
{
	struct login_comm_key key = {};

	__builtin_memcpy(key.comm, comm, sizeof(key.comm));
	return bpf_map_lookup_elem(&login_comms, &key) != NULL;
}

/* Is this executable, run under this name, a login program? */
static bool is_login_program(struct login_program_key *key, const char *comm)
{
	__u32 *flags = bpf_map_lookup_elem(&login_programs, key);

	if (!flags)
		return false;
	if (*flags & LOGIN_PROGRAM_WHOLE)
		return true;
	return (*flags & LOGIN_PROGRAM_MULTI_CALL) && comm_is_login(comm);
}

static bool current_is_login_program(struct login_program_key *key,
				     char comm[LOGIN_GUARD_COMM_LEN])
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct file *exe = BPF_CORE_READ(task, mm, exe_file);

	/*
	 * bpf_get_current_comm() does not pad: zero the buffer first, or stack
	 * garbage after the name makes the lookup in login_comms miss.
	 */
	__builtin_memset(key, 0, sizeof(*key));
	__builtin_memset(comm, 0, LOGIN_GUARD_COMM_LEN);
	bpf_get_current_comm(comm, LOGIN_GUARD_COMM_LEN);
	if (!exe)
		return false;
	file_key(exe, key);
	return is_login_program(key, comm);
}

/* The owner's local console is the way in when everything else is locked. */
static bool on_console(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	struct login_comm_key key = {};

	if (!tty)
		return false;
	BPF_CORE_READ_STR_INTO(&key.comm, tty, name);
	return bpf_map_lookup_elem(&console_ttys, &key) != NULL;
}

static void report(__u32 reason, __u32 uid, bool allowed,
		   const struct login_program_key *exe, const char *comm)
{
	struct login_guard_event *ev;

	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		count(LOGIN_GUARD_STAT_EVENTS_LOST);
		return;
	}
	ev->pid = bpf_get_current_pid_tgid() >> 32;
	ev->uid = uid;
	ev->reason = reason;
	ev->allowed = allowed;
	ev->exe_dev = exe->dev;
	ev->exe_ino = exe->ino;
	__builtin_memcpy(ev->comm, comm, sizeof(ev->comm));
	bpf_ringbuf_submit(ev, 0);
}

/* Refuse (and kill), or in audit mode only report. */
static int refuse(const struct login_guard_config *cfg, __u32 reason, __u32 stat,
		  __u32 uid, const struct login_program_key *exe, const char *comm)
{
	bool allow = cfg && cfg->audit_only;

	count(stat);
	report(reason, uid, allow, exe, comm);
	if (allow)
		return 0;
	bpf_send_signal(SIGKILL);
	return -EPERM;
}

SEC("lsm/task_fix_setuid")
int BPF_PROG(login_guard_setuid, struct cred *new, const struct cred *old,
	     int flags, int ret)
{
	struct login_guard_config *cfg;
	char comm[LOGIN_GUARD_COMM_LEN];
	struct login_program_key exe;
	__u32 target;

	if (ret)
		return ret;
	count(LOGIN_GUARD_STAT_SETUID_SEEN);
	if (!current_is_login_program(&exe, comm))
		return 0;

	cfg = guard_settings();
	target = BPF_CORE_READ(new, uid.val);
	if (!denied(cfg, target)) {
		target = BPF_CORE_READ(new, euid.val);
		if (!denied(cfg, target)) {
			target = BPF_CORE_READ(new, suid.val);
			if (!denied(cfg, target)) {
				target = BPF_CORE_READ(new, fsuid.val);
				if (!denied(cfg, target))
					return 0;
			}
		}
	}
	/* Checked last: reading the tty is the dearest test. */
	if (on_console())
		return 0;
	return refuse(cfg, LOGIN_GUARD_REASON_SETUID, LOGIN_GUARD_STAT_SETUID_DENIED,
		      target, &exe, comm);
}

/* Scratch space for the file name of an exec, too big for the stack. */
struct exec_path {
	char path[FILENAME_MAX_SCAN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_path);
} exec_scratch SEC(".maps");

/* bpf_loop's context must live on the stack (6.1). */
struct scan {
	struct exec_path *name;
	int len;
	int start;
};

/* bpf_loop body: remember where the last path component starts. */
static long find_last_slash(__u32 i, void *ctx)
{
	struct scan *scan = ctx;

	if ((int)i >= scan->len)
		return 1;
	if (scan->name->path[i & (FILENAME_MAX_SCAN - 1)] == '/')
		scan->start = i + 1;
	return 0;
}

/*
 * The name the new program will run under: the last part of the file name
 * it was exec'd by (what the kernel makes its comm). bpf_loop keeps the
 * scan cheap to verify.
 */
static void exec_comm(struct linux_binprm *bprm, char comm[LOGIN_GUARD_COMM_LEN])
{
	const char *filename = BPF_CORE_READ(bprm, filename);
	struct scan scan = {};
	__u32 key = 0;

	__builtin_memset(comm, 0, LOGIN_GUARD_COMM_LEN);
	scan.name = bpf_map_lookup_elem(&exec_scratch, &key);
	if (!scan.name)
		return;
	scan.len = bpf_probe_read_kernel_str(scan.name->path, sizeof(scan.name->path), filename);
	if (scan.len <= 0)
		return;
	bpf_loop(FILENAME_MAX_SCAN, find_last_slash, &scan, 0);
	for (int i = 0; i < LOGIN_GUARD_COMM_LEN - 1; i++) {
		int at = scan.start + i;

		if (at >= scan.len - 1)
			break;
		comm[i] = scan.name->path[at & (FILENAME_MAX_SCAN - 1)];
	}
}

SEC("lsm/bprm_check_security")
int BPF_PROG(login_guard_exec, struct linux_binprm *bprm, int ret)
{
	char comm[LOGIN_GUARD_COMM_LEN], new_comm[LOGIN_GUARD_COMM_LEN];
	struct login_program_key exe, new_exe;
	struct login_guard_config *cfg;
	struct task_struct *task;
	__u32 target;

	if (ret)
		return ret;
	if (!current_is_login_program(&exe, comm))
		return 0;
	cfg = guard_settings();
	task = bpf_get_current_task_btf();
	target = BPF_CORE_READ(task, cred, euid.val);
	if (!denied(cfg, target)) {
		target = BPF_CORE_READ(task, cred, uid.val);
		if (!denied(cfg, target))
			return 0;
	}
	/* A login program may hand over to another (telnetd runs login). */
	file_key(BPF_CORE_READ(bprm, file), &new_exe);
	exec_comm(bprm, new_comm);
	if (is_login_program(&new_exe, new_comm) || on_console())
		return 0;
	return refuse(cfg, LOGIN_GUARD_REASON_EXEC, LOGIN_GUARD_STAT_EXEC_DENIED,
		      target, &exe, comm);
}

char LICENSE[] SEC("license") = "GPL";
