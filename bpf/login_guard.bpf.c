// SPDX-License-Identifier: GPL-2.0
/*
 * The login guard: BPF LSM hooks that stop a login program from becoming an
 * account whose password is empty or a known default (the agent's audit
 * keeps those uids in denied_uids).
 *
 * - Which tasks are login programs is decided once per exec, when the new
 *   image is committed, from what it will really run: its executable, and
 *   for a multi-call binary (busybox, dropbearmulti) the applet its argv
 *   selects, the way the binary selects it. Never from comm, which the
 *   caller of execve() chooses. The decision lives in task storage and is
 *   copied to children on fork.
 * - task_fix_setuid covers the whole setuid family (uid, euid, suid, fsuid:
 *   setuid, setreuid, setresuid, setfsuid), including root to root.
 * - bprm_check_security covers a login program that already runs as the
 *   flagged account (a root login) and execs a shell without any setuid.
 * - A refused privilege drop kills the process, as SafeSetID does: it must
 *   not carry on as root.
 * - While any account is flagged, a login program's session (a child of a
 *   login program, or one started with a socket on stdin) may not relay:
 *   no outgoing connection and no listening socket (SSH -L and -R).
 * - A login program replaced by rename (a software update) stays one.
 * - A login on a console tty (the owner's local way in) is never refused.
 * Every refusal is counted and reported on the events ring buffer.
 *
 * The maps and links are pinned under /sys/fs/bpf/iotguard, so enforcement
 * outlives the agent. After `iotguardctl lock`, guard_lock and the other
 * frozen maps keep the guard at least as strong as it was (login_guard.h).
 *
 * One object, so that its programs share its maps, in parts by concern:
 * this file (the setuid and exec checks and what they share),
 * login_guard_maps.bpf.h (the maps), login_guard_decide.bpf.h (which
 * tasks are login programs), login_guard_relay.bpf.h (sessions do not
 * relay), login_guard_self.bpf.h (the guard kept whole: renames, the lock).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "login_guard.h"

#define EPERM 1
#define ENOMEM 12
#define ENOSPC 28
#define SIGKILL 9
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define CLONE_THREAD 0x00010000
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define SCAN_MASK (LOGIN_GUARD_ARG_SCAN - 1)

_Static_assert((LOGIN_GUARD_ARG_SCAN & SCAN_MASK) == 0, "scan size is a power of two");

#include "login_guard_maps.bpf.h"

static void count(__u32 stat)
{
	__u64 *value = bpf_map_lookup_elem(&stats, &stat);

	if (value)
		*value += 1;
}

/* The agent's settings, never weaker than those frozen at lock. */
struct settings {
	bool audit_only;
	bool audited;
	bool flagged;
	bool locked;
};

static void read_settings(struct settings *s)
{
	struct login_guard_config *cfg;
	struct login_guard_lock *lock;
	__u32 key = 0;

	cfg = bpf_map_lookup_elem(&guard_config, &key);
	lock = bpf_map_lookup_elem(&guard_lock, &key);
	s->audit_only = cfg && cfg->audit_only;
	s->audited = cfg && cfg->audited;
	s->flagged = !cfg || cfg->flagged;
	s->locked = lock && lock->locked;
	if (lock && s->locked) {
		s->audit_only = s->audit_only && lock->audit_only;
		s->audited = s->audited && lock->audited;
		s->flagged = s->flagged || lock->flagged;
	}
}

/* Is uid flagged? Before the first audit every account counts as flagged. */
static bool denied(const struct settings *s, __u32 uid)
{
	if (!s->audited)
		return true;
	if (bpf_map_lookup_elem(&denied_uids, &uid))
		return true;
	return s->locked && bpf_map_lookup_elem(&denied_locked, &uid);
}

static void inode_key(struct inode *inode, struct login_program_key *key)
{
	dev_t dev = BPF_CORE_READ(inode, i_sb, s_dev);

	key->dev = dev;
	key->ino = BPF_CORE_READ(inode, i_ino);
}

static void file_key(struct file *file, struct login_program_key *key)
{
	inode_key(BPF_CORE_READ(file, f_inode), key);
}

/*
 * enum login_program_flags of an executable; 0 if it is no login program.
 * After lock, what was a login program then is judged as it was then,
 * whatever login_programs now says of it.
 */
static __u32 program_flags(const struct settings *s, struct login_program_key *key)
{
	__u32 *flags;

	if (s->locked) {
		flags = bpf_map_lookup_elem(&programs_locked, key);
		if (flags && *flags)
			return *flags;
	}
	flags = bpf_map_lookup_elem(&login_programs, key);
	return flags ? *flags : 0;
}

static bool comm_is_login(const char *comm)
{
	struct login_comm_key key = {};

	__builtin_memcpy(key.comm, comm, sizeof(key.comm));
	return bpf_map_lookup_elem(&login_comms, &key) != NULL;
}

static struct login_task *task_state(struct task_struct *task)
{
	return bpf_task_storage_get(&task_login, task, 0, 0);
}

/*
 * Is the current task a login program? A task with no decision in task
 * storage was running before the guard was attached: it is judged by its
 * executable, and for a multi-call binary by its name, as before. Nothing
 * else is read on this path, which every setuid() and exec takes.
 */
static bool current_is_login(const struct settings *s)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct login_task *t = task_state(task);
	char comm[LOGIN_GUARD_COMM_LEN] = {};
	struct login_program_key exe;
	struct file *exe_file;
	__u32 flags;

	if (t)
		return t->flags & LOGIN_TASK_LOGIN;
	exe_file = BPF_CORE_READ(task, mm, exe_file);
	if (!exe_file)
		return false;
	file_key(exe_file, &exe);
	flags = program_flags(s, &exe);
	if (flags & LOGIN_PROGRAM_WHOLE)
		return true;
	if (!(flags & LOGIN_PROGRAM_MULTI_CALL))
		return false;
	/* bpf_get_current_comm() does not pad: the buffer starts zeroed. */
	bpf_get_current_comm(comm, sizeof(comm));
	return comm_is_login(comm);
}

/* For an event: the current task's executable and name. */
static void describe_current(struct login_program_key *exe, char comm[LOGIN_GUARD_COMM_LEN])
{
	struct file *exe_file = BPF_CORE_READ(bpf_get_current_task_btf(), mm, exe_file);

	__builtin_memset(exe, 0, sizeof(*exe));
	__builtin_memset(comm, 0, LOGIN_GUARD_COMM_LEN);
	bpf_get_current_comm(comm, LOGIN_GUARD_COMM_LEN);
	if (exe_file)
		file_key(exe_file, exe);
}

/*
 * The owner's local console is the way in when everything else is locked:
 * a login program started by root (init, getty; its real uid was 0 when it
 * was exec'd, whatever it has become since) whose controlling terminal is a
 * console tty. Started by anyone else it gains nothing from the tty: an
 * unprivileged process that got hold of a console's fd cannot use it.
 */
static bool on_console(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct tty_struct *tty = BPF_CORE_READ(task, signal, tty);
	struct login_task *t = task_state(task);
	struct login_comm_key key = {};

	if (!tty)
		return false;
	if (t ? !(t->flags & LOGIN_TASK_ROOT_STARTED) :
		BPF_CORE_READ(task, real_cred, uid.val) != 0)
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
static int refuse(const struct settings *s, __u32 reason, __u32 stat, __u32 uid)
{
	char comm[LOGIN_GUARD_COMM_LEN];
	struct login_program_key exe;

	describe_current(&exe, comm);
	count(stat);
	report(reason, uid, s->audit_only, &exe, comm);
	if (s->audit_only)
		return 0;
	bpf_send_signal(SIGKILL);
	return -EPERM;
}

SEC("lsm/task_fix_setuid")
int BPF_PROG(login_guard_setuid, struct cred *new, const struct cred *old,
	     int flags, int ret)
{
	struct settings s;
	__u32 target;

	if (ret)
		return ret;
	count(LOGIN_GUARD_STAT_SETUID_SEEN);
	read_settings(&s);
	if (!current_is_login(&s))
		return 0;

	target = BPF_CORE_READ(new, uid.val);
	if (!denied(&s, target)) {
		target = BPF_CORE_READ(new, euid.val);
		if (!denied(&s, target)) {
			target = BPF_CORE_READ(new, suid.val);
			if (!denied(&s, target)) {
				target = BPF_CORE_READ(new, fsuid.val);
				if (!denied(&s, target))
					return 0;
			}
		}
	}
	/* Checked last: reading the tty is the dearest test. */
	if (on_console())
		return 0;
	return refuse(&s, LOGIN_GUARD_REASON_SETUID, LOGIN_GUARD_STAT_SETUID_DENIED, target);
}

SEC("lsm/bprm_check_security")
int BPF_PROG(login_guard_exec, struct linux_binprm *bprm, int ret)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct login_program_key new_exe;
	struct login_task *t;
	struct settings s;
	__u32 target, new_flags;

	if (ret)
		return ret;
	t = task_state(task);
	if (t)
		t->flags &= ~LOGIN_TASK_EXEC_PENDING;
	read_settings(&s);
	if (!current_is_login(&s))
		return 0;
	target = BPF_CORE_READ(task, cred, euid.val);
	if (!denied(&s, target)) {
		target = BPF_CORE_READ(task, cred, uid.val);
		if (!denied(&s, target))
			return 0;
	}
	/* A login program may hand over to another (telnetd runs login). */
	file_key(BPF_CORE_READ(bprm, file), &new_exe);
	new_flags = program_flags(&s, &new_exe);
	if ((new_flags & LOGIN_PROGRAM_WHOLE) || on_console())
		return 0;
	if (new_flags & LOGIN_PROGRAM_MULTI_CALL) {
		/*
		 * Its applet is in argv, which can be read only once the new
		 * image is committed: login_guard_committed decides.
		 */
		bool judged = t;

		t = bpf_task_storage_get(&task_login, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (t) {
			/* Judged by its executable until now: as on_console() did. */
			if (!judged && BPF_CORE_READ(task, real_cred, uid.val) == 0)
				t->flags |= LOGIN_TASK_ROOT_STARTED;
			t->flags |= LOGIN_TASK_LOGIN | LOGIN_TASK_EXEC_PENDING;
			t->pending_uid = target;
			return 0;
		}
	}
	return refuse(&s, LOGIN_GUARD_REASON_EXEC, LOGIN_GUARD_STAT_EXEC_DENIED, target);
}

#include "login_guard_decide.bpf.h"
#include "login_guard_relay.bpf.h"
#include "login_guard_self.bpf.h"

char LICENSE[] SEC("license") = "GPL";
