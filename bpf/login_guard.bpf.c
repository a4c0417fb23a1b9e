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
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} guard_config SEC(".maps");

/* Frozen by `iotguardctl lock`; no program may write it (login_guard.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, __u32);
	__type(value, struct login_guard_lock);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} guard_lock SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LOGIN_GUARD_MAX_DENIED_UIDS);
	__type(key, __u32);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} denied_uids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LOGIN_GUARD_MAX_DENIED_UIDS);
	__type(key, __u32);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} denied_locked SEC(".maps");

/* Writable by the program: a rename over a login program adds the new inode. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LOGIN_GUARD_MAX_PROGRAM_INODES);
	__type(key, struct login_program_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} login_programs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LOGIN_GUARD_MAX_PROGRAM_INODES);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, struct login_program_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} programs_locked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LOGIN_GUARD_MAX_PROGRAMS);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, struct login_comm_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} login_comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LOGIN_GUARD_MAX_CONSOLES);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, struct login_comm_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} console_ttys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct login_task);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} task_login SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, __LOGIN_GUARD_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LOGIN_GUARD_EVENTS_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} events SEC(".maps");

/* Scratch space for one argument of an exec, too big for the stack. */
struct arg_buf {
	char s[LOGIN_GUARD_ARG_SCAN];
};

/* Pinned only so that `iotguardctl lock` can freeze it against syscall writes. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct arg_buf);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} arg_scratch SEC(".maps");

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

/* bpf_loop's context must live on the stack (6.1). */
struct scan {
	struct arg_buf *arg;
	int len;
	int start;	/* after the last '/': busybox's name */
	int seg_start;	/* the last run of characters that are not '/': */
	int seg_end;	/* POSIX basename(), which ignores trailing slashes */
};

/* bpf_loop body: where the last path component starts, both ways. */
static long scan_path(__u32 i, void *ctx)
{
	struct scan *scan = ctx;
	char c;

	if ((int)i >= scan->len - 1)
		return 1;
	c = scan->arg->s[i & SCAN_MASK];
	if (c == '/') {
		scan->start = i + 1;
		return 0;
	}
	if (i == 0 || scan->arg->s[(i - 1) & SCAN_MASK] == '/')
		scan->seg_start = i;
	scan->seg_end = i + 1;
	return 0;
}

/* busybox dispatches to the next argument for any name starting so. */
static bool names_busybox(const char *name)
{
	static const char prefix[] = "busybox";

	for (int i = 0; i < (int)sizeof(prefix) - 1; i++)
		if (name[i] != prefix[i])
			return false;
	return true;
}

/*
 * Does argv select a login applet of a multi-call binary?
 * - busybox: the part of argv[0] after its last '/' (one leading '-'
 *   removed); while that begins with "busybox", the next argument's.
 * - dropbearmulti (LOGIN_PROGRAM_ARGV1): argv[0]'s basename(), and if that
 *   names none of its programs, argv[1]'s.
 * broad: "is this process a login program?" Where the binary's choice
 * cannot be known here (dropbearmulti's argv[1], an argument too long to
 * read, a chain deeper than we follow), it counts as a login applet: the
 * guard then watches a process it need not have.
 * !broad: "may a flagged login program hand over to it?" Only a certain
 * login applet counts: dropbearmulti's argv[0], and nothing unreadable.
 */
static bool argv_selects_login(struct linux_binprm *bprm, __u32 flags, bool broad)
{
	bool argv1 = flags & LOGIN_PROGRAM_ARGV1;
	unsigned long p = BPF_CORE_READ(bprm, p);
	int argc = BPF_CORE_READ(bprm, argc);
	struct scan scan = {};
	__u32 zero = 0;

	scan.arg = bpf_map_lookup_elem(&arg_scratch, &zero);
	if (!scan.arg)
		return broad;
	for (int i = 0; i < LOGIN_GUARD_MAX_ARGV_DEPTH; i++) {
		struct login_comm_key key = {};
		int name_start, name_len;

		if (i >= argc)
			return false;
		/* The strings lie one after another from bprm->p, argv first. */
		scan.len = bpf_probe_read_user_str(scan.arg->s, sizeof(scan.arg->s), (void *)p);
		if (scan.len <= 0 || scan.len >= LOGIN_GUARD_ARG_SCAN)
			return broad;
		p += scan.len;
		scan.start = 0;
		scan.seg_start = 0;
		scan.seg_end = 0;
		bpf_loop(LOGIN_GUARD_ARG_SCAN, scan_path, &scan, 0);
		if (argv1) {
			name_start = scan.seg_start;
			name_len = scan.seg_end - scan.seg_start;
		} else {
			name_start = scan.start;
			name_len = scan.len - 1 - scan.start;
			if (i == 0 && name_len > 0 && scan.arg->s[name_start & SCAN_MASK] == '-') {
				name_start++;
				name_len--;
			}
		}
		for (int k = 0; k < LOGIN_GUARD_COMM_LEN - 1; k++) {
			if (k >= name_len)
				break;
			key.comm[k] = scan.arg->s[(name_start + k) & SCAN_MASK];
		}
		if (name_len > 0 && name_len < LOGIN_GUARD_COMM_LEN &&
		    bpf_map_lookup_elem(&login_comms, &key))
			return true;
		if (argv1) {
			if (i == 0 && broad)
				continue;
			return false;
		}
		if (!names_busybox(key.comm))
			return false;
	}
	return broad;
}

/* A socket on stdin: started by inetd for one connection. */
static bool stdin_is_socket(struct task_struct *task)
{
	struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
	struct file *file = NULL;
	umode_t mode;

	if (!fds || bpf_probe_read_kernel(&file, sizeof(file), &fds[0]) || !file)
		return false;
	mode = BPF_CORE_READ(file, f_inode, i_mode);
	return (mode & S_IFMT) == S_IFSOCK;
}

/*
 * The new image is committed (current->mm is the new one, argv in it):
 * decide what it is, before it runs a single instruction.
 */
SEC("lsm/bprm_committed_creds")
int BPF_PROG(login_guard_committed, struct linux_binprm *bprm)
{
	struct task_struct *task = bpf_get_current_task_btf();
	__u32 flags, old_flags = 0, pending_uid = 0;
	struct login_program_key exe;
	struct login_task *t;
	struct settings s;
	bool login = false;

	read_settings(&s);
	t = task_state(task);
	if (t) {
		old_flags = t->flags;
		pending_uid = t->pending_uid;
	}
	file_key(BPF_CORE_READ(bprm, file), &exe);
	flags = program_flags(&s, &exe);
	if (flags & LOGIN_PROGRAM_WHOLE)
		login = true;
	else if (flags & LOGIN_PROGRAM_MULTI_CALL)
		login = argv_selects_login(bprm, flags, true);

	if ((old_flags & LOGIN_TASK_EXEC_PENDING) &&
	    !(login && ((flags & LOGIN_PROGRAM_WHOLE) || argv_selects_login(bprm, flags, false)))) {
		/* A flagged login program exec'd a multi-call binary's shell. */
		refuse(&s, LOGIN_GUARD_REASON_EXEC, LOGIN_GUARD_STAT_EXEC_DENIED, pending_uid);
	}
	if (!flags) {
		/* Not a login program's executable: nothing to remember. */
		if (t)
			bpf_task_storage_delete(&task_login, task);
		return 0;
	}
	t = bpf_task_storage_get(&task_login, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t) {
		/*
		 * Without a decision the task would be judged by its name:
		 * a login applet under another name must not run unjudged.
		 */
		if (login && !(flags & LOGIN_PROGRAM_WHOLE))
			bpf_send_signal(SIGKILL);
		return 0;
	}
	t->pending_uid = 0;
	if (!login) {
		t->flags = 0;
		return 0;
	}
	/* A session stays one when it re-execs itself or hands over to login. */
	if ((old_flags & (LOGIN_TASK_LOGIN | LOGIN_TASK_SESSION)) ==
	    (LOGIN_TASK_LOGIN | LOGIN_TASK_SESSION) || stdin_is_socket(task))
		t->flags = LOGIN_TASK_LOGIN | LOGIN_TASK_SESSION;
	else
		t->flags = LOGIN_TASK_LOGIN;
	/* A setuid program keeps its caller's real uid: who started it. */
	if (BPF_CORE_READ(task, real_cred, uid.val) == 0)
		t->flags |= LOGIN_TASK_ROOT_STARTED;
	return 0;
}

/* A login program's children inherit its decision; a new process is a session. */
SEC("lsm/task_alloc")
int BPF_PROG(login_guard_fork, struct task_struct *task, unsigned long clone_flags, int ret)
{
	struct login_task *parent, *child;

	if (ret)
		return ret;
	parent = task_state(bpf_get_current_task_btf());
	if (!parent || !(parent->flags & LOGIN_TASK_LOGIN))
		return 0;
	child = bpf_task_storage_get(&task_login, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!child)
		return -ENOMEM;	/* no login program's child goes unjudged */
	child->flags = parent->flags & ~LOGIN_TASK_EXEC_PENDING;
	if (!(clone_flags & CLONE_THREAD))
		child->flags |= LOGIN_TASK_SESSION;
	return 0;
}

/*
 * SSH forwarding runs inside the session process: refuse it while any
 * account is flagged (or before the first audit). Internet sockets and
 * stream Unix sockets relay; datagram Unix sockets (syslog) do not.
 */
static bool relays(struct socket *sock, int family)
{
	if (family == AF_INET || family == AF_INET6)
		return true;
	return family == AF_UNIX && BPF_CORE_READ(sock, type) == SOCK_STREAM;
}

static int relay_check(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct login_task *t = task_state(task);
	char comm[LOGIN_GUARD_COMM_LEN];
	struct login_program_key exe;
	struct settings s;
	__u32 uid;

	if (!t || (t->flags & (LOGIN_TASK_LOGIN | LOGIN_TASK_SESSION)) !=
		  (LOGIN_TASK_LOGIN | LOGIN_TASK_SESSION))
		return 0;
	read_settings(&s);
	if (s.audited && !s.flagged)
		return 0;
	if (on_console())
		return 0;
	describe_current(&exe, comm);
	uid = BPF_CORE_READ(task, cred, uid.val);
	count(LOGIN_GUARD_STAT_RELAY_DENIED);
	report(LOGIN_GUARD_REASON_RELAY, uid, s.audit_only, &exe, comm);
	return s.audit_only ? 0 : -EPERM;
}

SEC("lsm/socket_connect")
int BPF_PROG(login_guard_connect, struct socket *sock, struct sockaddr *address,
	     int addrlen, int ret)
{
	if (ret)
		return ret;
	if (!relays(sock, BPF_CORE_READ(address, sa_family)))
		return 0;
	return relay_check();
}

SEC("lsm/socket_listen")
int BPF_PROG(login_guard_listen, struct socket *sock, int backlog, int ret)
{
	if (ret)
		return ret;
	if (!relays(sock, BPF_CORE_READ(sock, sk, __sk_common.skc_family)))
		return 0;
	return relay_check();
}

/* sendto() with an address: UDP, and TCP Fast Open's implicit connect. */
SEC("lsm/socket_sendmsg")
int BPF_PROG(login_guard_sendmsg, struct socket *sock, struct msghdr *msg, int size, int ret)
{
	int family;

	if (ret)
		return ret;
	if (!BPF_CORE_READ(msg, msg_name))
		return 0;
	family = BPF_CORE_READ(sock, sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	return relay_check();
}

/*
 * A login program replaced by rename (how package managers update) stays a
 * login program: the new inode gets the old one's entry. If it cannot, the
 * rename is refused rather than leave the new file unguarded.
 */
static int follow(struct dentry *from, struct dentry *over)
{
	struct inode *moved = BPF_CORE_READ(from, d_inode);
	struct inode *replaced = BPF_CORE_READ(over, d_inode);
	struct login_program_key old_key, new_key;
	struct settings s;
	__u32 flags;

	if (!moved || !replaced)
		return 0;
	read_settings(&s);
	inode_key(replaced, &old_key);
	flags = program_flags(&s, &old_key);
	if (!flags)
		return 0;
	inode_key(moved, &new_key);
	if (program_flags(&s, &new_key) == flags)
		return 0;
	if (bpf_map_update_elem(&login_programs, &new_key, &flags, BPF_ANY))
		return -ENOSPC;
	count(LOGIN_GUARD_STAT_PROGRAMS_FOLLOWED);
	return 0;
}

SEC("lsm/inode_rename")
int BPF_PROG(login_guard_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, int ret)
{
	if (ret)
		return ret;
	return follow(old_dentry, new_dentry);
}

/*
 * After lock, no new fd to the maps that only the guard's own programs may
 * write: a BPF program loaded by root could otherwise clear a task's
 * decision. Their fds were all closed when the lock was taken.
 */
SEC("lsm/bpf_map")
int BPF_PROG(login_guard_map_fd, struct bpf_map *map, fmode_t fmode, int ret)
{
	struct login_guard_lock *lock;
	__u32 key = 0, id;

	if (ret)
		return ret;
	lock = bpf_map_lookup_elem(&guard_lock, &key);
	if (!lock || !lock->locked)
		return 0;
	id = BPF_CORE_READ(map, id);
	if (id && (id == lock->sealed_map_ids[0] || id == lock->sealed_map_ids[1]))
		return -EPERM;
	return 0;
}

/*
 * After lock, no new BPF program of a kind that can change what the guard
 * sees or decides: tracing (fentry/fexit/fmod_ret, which can rewrite argv
 * with bpf_probe_write_user or skip a security hook), kprobes, tracepoints,
 * perf events, LSM programs and extensions. Programs for cgroups, sockets
 * and networking (what systemd and firewalls load) are not affected.
 * And no link is detached or given another program: the module holds the
 * outbound policy's cgroup links, but a held link can still be emptied by
 * BPF_LINK_DETACH or BPF_LINK_UPDATE, and the fd a command names cannot be
 * resolved here without a race, so both commands are refused for every
 * link (systemd releases its links by closing them, which stays possible).
 */
SEC("lsm/bpf")
int BPF_PROG(login_guard_bpf_load, int cmd, union bpf_attr *attr)
{
	struct login_guard_lock *lock;
	__u32 key = 0, type;

	/* Not the previous verdict: its position differs between kernels. */
	if (cmd != BPF_PROG_LOAD && cmd != BPF_LINK_DETACH && cmd != BPF_LINK_UPDATE)
		return 0;
	lock = bpf_map_lookup_elem(&guard_lock, &key);
	if (!lock || !lock->locked)
		return 0;
	if (cmd != BPF_PROG_LOAD)
		return -EPERM;
	type = BPF_CORE_READ(attr, prog_type);
	switch (type) {
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_LSM:
	case BPF_PROG_TYPE_EXT:
		return -EPERM;
	default:
		return 0;
	}
}

char LICENSE[] SEC("license") = "GPL";
