/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between login_guard.bpf.c and its userspace loader and tests. */
#ifndef _IOTGUARD_LOGIN_GUARD_H
#define _IOTGUARD_LOGIN_GUARD_H

#define LOGIN_GUARD_MAX_DENIED_UIDS 1024
#define LOGIN_GUARD_MAX_PROGRAMS 64
/* Login programs' inodes: never pruned until reboot (updates add more). */
#define LOGIN_GUARD_MAX_PROGRAM_INODES 1024
#define LOGIN_GUARD_MAX_CONSOLES 16
#define LOGIN_GUARD_COMM_LEN 16
#define LOGIN_GUARD_EVENTS_BYTES (64 * 1024)
/*
 * How far the guard follows a multi-call binary's argv ("busybox busybox
 * su"), and the longest argument it reads; beyond either it fails closed
 * (the process counts as a login program).
 */
#define LOGIN_GUARD_MAX_ARGV_DEPTH 8
#define LOGIN_GUARD_ARG_SCAN 256

/* Where the agent pins the guard: the links, and the maps by their names. */
#define LOGIN_GUARD_PIN_DIR "/sys/fs/bpf/iotguard"
#define LOGIN_GUARD_LINK_PIN LOGIN_GUARD_PIN_DIR "/login_guard_setuid"
#define LOGIN_GUARD_EXEC_LINK_PIN LOGIN_GUARD_PIN_DIR "/login_guard_exec"
#define LOGIN_GUARD_DENIED_PIN LOGIN_GUARD_PIN_DIR "/denied_uids"
#define LOGIN_GUARD_STATS_PIN LOGIN_GUARD_PIN_DIR "/stats"
#define LOGIN_GUARD_CONFIG_PIN LOGIN_GUARD_PIN_DIR "/guard_config"
#define LOGIN_GUARD_PROGRAMS_PIN LOGIN_GUARD_PIN_DIR "/login_programs"
#define LOGIN_GUARD_COMMS_PIN LOGIN_GUARD_PIN_DIR "/login_comms"
#define LOGIN_GUARD_CONSOLES_PIN LOGIN_GUARD_PIN_DIR "/console_ttys"
#define LOGIN_GUARD_EVENTS_PIN LOGIN_GUARD_PIN_DIR "/events"
#define LOGIN_GUARD_TASKS_PIN LOGIN_GUARD_PIN_DIR "/task_login"
#define LOGIN_GUARD_LOCK_PIN LOGIN_GUARD_PIN_DIR "/guard_lock"
#define LOGIN_GUARD_DENIED_LOCKED_PIN LOGIN_GUARD_PIN_DIR "/denied_locked"
#define LOGIN_GUARD_PROGRAMS_LOCKED_PIN LOGIN_GUARD_PIN_DIR "/programs_locked"
#define LOGIN_GUARD_SCRATCH_PIN LOGIN_GUARD_PIN_DIR "/arg_scratch"

/*
 * The single entry of the config map. All zero is the safe default: not
 * audited yet, so every account counts as flagged, and refusals enforced.
 */
struct login_guard_config {
	__u32 audit_only;	/* count and report denials but allow them */
	__u32 audited;		/* denied_uids holds an audit's verdict */
	__u32 flagged;		/* denied_uids is not empty: no session relays */
};

/*
 * The guard's settings at `iotguardctl lock`, in a map that is frozen right
 * after (BPF_MAP_FREEZE: no syscall can change it again, root included) and
 * that programs may only read (BPF_F_RDONLY_PROG). Until reboot the guard
 * never enforces less than this: guard_config may only strengthen it.
 * denied_locked and programs_locked, frozen at the same time, keep the
 * flagged uids and login programs of that moment; login_comms,
 * console_ttys, the per-task decisions (task_login), the argv scratch space
 * and the counters are frozen as they are (programs still write the last
 * three; no syscall can).
 */
struct login_guard_lock {
	__u32 locked;
	__u32 audit_only;
	__u32 audited;
	__u32 flagged;
	/*
	 * Maps the guard's programs write and nothing bounds (task_login,
	 * arg_scratch): after lock no new fd to them is handed out, so no
	 * other BPF program can be loaded against them.
	 */
	__u32 sealed_map_ids[2];
};

/*
 * What the guard decided about a task when it last exec'd a login
 * program's executable (task storage, copied to children on fork).
 */
enum login_task_flags {
	/* runs a login program (by executable and argv) */
	LOGIN_TASK_LOGIN = 1 << 0,
	/* serves one connection: a login program's child, or socket on stdin */
	LOGIN_TASK_SESSION = 1 << 1,
	/* a flagged login program exec'ing a multi-call binary: judged on argv */
	LOGIN_TASK_EXEC_PENDING = 1 << 2,
	/* the login program was started by root (real uid 0 at its exec) */
	LOGIN_TASK_ROOT_STARTED = 1 << 3,
};

struct login_task {
	__u32 flags;		/* enum login_task_flags */
	__u32 pending_uid;	/* the flagged account, for EXEC_PENDING */
};

/*
 * A login program is identified by its executable (device and inode), not
 * by its name. A multi-call binary such as busybox is one executable for
 * every applet: for it only the applets named in login_comms count, judged
 * from argv the way the binary picks its applet (see login_guard_decide.bpf.h).
 */
struct login_program_key {
	__u64 dev;		/* the kernel's encoding: major << 20 | minor */
	__u64 ino;
};

enum login_program_flags {
	LOGIN_PROGRAM_WHOLE = 1 << 0,		/* every invocation */
	LOGIN_PROGRAM_MULTI_CALL = 1 << 1,	/* only applets in login_comms */
	/* with MULTI_CALL, like dropbearmulti: argv[1] when argv[0] is none of its own */
	LOGIN_PROGRAM_ARGV1 = 1 << 2,
};

struct login_comm_key {
	char comm[LOGIN_GUARD_COMM_LEN];
};

enum login_guard_reason {
	LOGIN_GUARD_REASON_SETUID = 1,	/* setuid family into a flagged account */
	LOGIN_GUARD_REASON_EXEC,	/* running as a flagged account, execs a non-login program */
	LOGIN_GUARD_REASON_RELAY,	/* a session connects or listens while accounts are flagged */
};

struct login_guard_event {
	__u32 pid;
	__u32 uid;		/* the flagged account (RELAY: the task's uid) */
	__u32 reason;		/* enum login_guard_reason */
	__u32 allowed;		/* audit mode: reported, not refused */
	__u64 exe_dev;
	__u64 exe_ino;
	char comm[LOGIN_GUARD_COMM_LEN];
};

/* Index of each counter in the per-CPU stats array. */
enum login_guard_stat {
	LOGIN_GUARD_STAT_SETUID_SEEN,
	LOGIN_GUARD_STAT_SETUID_DENIED,
	LOGIN_GUARD_STAT_EXEC_DENIED,
	LOGIN_GUARD_STAT_EVENTS_LOST,
	LOGIN_GUARD_STAT_RELAY_DENIED,
	LOGIN_GUARD_STAT_PROGRAMS_FOLLOWED,
	__LOGIN_GUARD_STAT_MAX
};

#endif /* _IOTGUARD_LOGIN_GUARD_H */
