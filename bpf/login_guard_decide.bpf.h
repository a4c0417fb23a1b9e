/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of login_guard.bpf.c's object (after the setuid and exec checks):
 * which tasks are login programs, decided once per exec when the new
 * image is committed, from its executable and, for a multi-call binary,
 * the applet its argv selects the way the binary selects it; and
 * inherited by children on fork.
 */
#ifndef IOTGUARD_LOGIN_GUARD_DECIDE_BPF_H
#define IOTGUARD_LOGIN_GUARD_DECIDE_BPF_H

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

#endif /* IOTGUARD_LOGIN_GUARD_DECIDE_BPF_H */
