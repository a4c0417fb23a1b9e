/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between login_guard.bpf.c and its userspace loader and tests. */
#ifndef _IOTGUARD_LOGIN_GUARD_H
#define _IOTGUARD_LOGIN_GUARD_H

#define LOGIN_GUARD_MAX_DENIED_UIDS 1024
#define LOGIN_GUARD_MAX_PROGRAMS 64
#define LOGIN_GUARD_MAX_CONSOLES 16
#define LOGIN_GUARD_COMM_LEN 16
#define LOGIN_GUARD_EVENTS_BYTES (64 * 1024)

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

/*
 * The single entry of the config map. All zero is the safe default: not
 * audited yet, so every account counts as flagged, and refusals enforced.
 */
struct login_guard_config {
	__u32 audit_only;	/* count and report denials but allow them */
	__u32 audited;		/* denied_uids holds an audit's verdict */
};

/*
 * A login program is identified by its executable (device and inode), not
 * by its name. A multi-call binary such as busybox is one executable for
 * every applet: for it only the applets named in login_comms count.
 */
struct login_program_key {
	__u64 dev;		/* the kernel's encoding: major << 20 | minor */
	__u64 ino;
};

enum login_program_flags {
	LOGIN_PROGRAM_WHOLE = 1 << 0,		/* every invocation */
	LOGIN_PROGRAM_MULTI_CALL = 1 << 1,	/* only applets in login_comms */
};

struct login_comm_key {
	char comm[LOGIN_GUARD_COMM_LEN];
};

enum login_guard_reason {
	LOGIN_GUARD_REASON_SETUID = 1,	/* setuid family into a flagged account */
	LOGIN_GUARD_REASON_EXEC,	/* running as a flagged account, execs a non-login program */
};

struct login_guard_event {
	__u32 pid;
	__u32 uid;		/* the flagged account */
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
	__LOGIN_GUARD_STAT_MAX
};

#endif /* _IOTGUARD_LOGIN_GUARD_H */
