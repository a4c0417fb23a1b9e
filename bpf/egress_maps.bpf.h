/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Part of egress.bpf.c's object (included first): the maps its programs
 * share, pinned by name under /sys/fs/bpf/iotguard (egress.h says what
 * each holds), and the events rings.
 */
#ifndef IOTGUARD_EGRESS_MAPS_BPF_H
#define IOTGUARD_EGRESS_MAPS_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, EGRESS_MAX_PREFIXES);
	__type(key, struct egress_key4);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, EGRESS_MAX_PREFIXES);
	__type(key, struct egress_key6);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_v6 SEC(".maps");

/*
 * Whole addresses, looked up before the tries (egress.h). Like the tries:
 * a BPF map is declared whole, each on its own.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EGRESS_MAX_PREFIXES);
	__type(key, struct egress_key4);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_h4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EGRESS_MAX_PREFIXES);
	__type(key, struct egress_key6);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_h6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EGRESS_MAX_SERVICE_CGROUPS);
	__type(key, struct egress_service_key);
	__type(value, struct egress_service_value);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct egress_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct egress_active);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_active SEC(".maps");

/*
 * The policy at `iotguardctl lock`: copies frozen right after (no syscall
 * can change them again) that programs may only read. Until reboot every
 * decision must pass both the live policy and this floor. The same shapes
 * as the live maps above: a BPF map is declared whole, each on its own.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, EGRESS_MAX_PREFIXES / 2);
	__type(key, struct egress_key4);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_v4_floor SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, EGRESS_MAX_PREFIXES / 2);
	__type(key, struct egress_key6);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_v6_floor SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EGRESS_MAX_PREFIXES / 2);
	__type(key, struct egress_key4);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_h4_floor SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EGRESS_MAX_PREFIXES / 2);
	__type(key, struct egress_key6);
	__type(value, struct egress_set);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_h6_floor SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, EGRESS_MAX_SERVICE_CGROUPS / 2);
	__type(key, struct egress_service_key);
	__type(value, struct egress_service_value);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_services_floor SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct egress_lock);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_lock SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, __EGRESS_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, EGRESS_EVENTS_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, EGRESS_EVENTS_BYTES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} egress_watch SEC(".maps");

#endif /* IOTGUARD_EGRESS_MAPS_BPF_H */
