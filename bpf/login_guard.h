/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between login_guard.bpf.c and its userspace loader and tests. */
#ifndef _IOTGUARD_LOGIN_GUARD_H
#define _IOTGUARD_LOGIN_GUARD_H

#define LOGIN_GUARD_MAX_DENIED_UIDS 1024

/* Where the agent pins the guard: the link, and the maps by their names. */
#define LOGIN_GUARD_PIN_DIR "/sys/fs/bpf/iotguard"
#define LOGIN_GUARD_LINK_PIN LOGIN_GUARD_PIN_DIR "/login_guard_setuid"
#define LOGIN_GUARD_DENIED_PIN LOGIN_GUARD_PIN_DIR "/denied_uids"
#define LOGIN_GUARD_STATS_PIN LOGIN_GUARD_PIN_DIR "/stats"
#define LOGIN_GUARD_CONFIG_PIN LOGIN_GUARD_PIN_DIR "/guard_config"

/* The single entry of the config map. All zero is the safe default. */
struct login_guard_config {
	__u32 audit_only;	/* count denials but allow them */
};

/* Index of each counter in the per-CPU stats array. */
enum login_guard_stat {
	LOGIN_GUARD_STAT_SETUID_SEEN,
	LOGIN_GUARD_STAT_SETUID_DENIED,
	__LOGIN_GUARD_STAT_MAX
};

#endif /* _IOTGUARD_LOGIN_GUARD_H */
