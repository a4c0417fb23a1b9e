/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of login_guard.bpf.c's object (included first): the maps its
 * programs share, pinned by name under /sys/fs/bpf/iotguard
 * (login_guard.h says what each holds), and the events ring.
 */
#ifndef IOTGUARD_LOGIN_GUARD_MAPS_BPF_H
#define IOTGUARD_LOGIN_GUARD_MAPS_BPF_H

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

#endif /* IOTGUARD_LOGIN_GUARD_MAPS_BPF_H */
