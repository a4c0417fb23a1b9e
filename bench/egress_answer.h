/* SPDX-License-Identifier: GPL-2.0 */
/* egress_bench's established TCP figures (egress_answer.c); each prints its result. */
#ifndef IOTGUARD_BENCH_EGRESS_ANSWER_H
#define IOTGUARD_BENCH_EGRESS_ANSWER_H

#include <linux/types.h>

/* ns per exchange (8 one-byte sends, the peer's answer) on an accepted connection: the fastest of short bursts. */
int answer_cost(long count);
/* egress_packet's own ns per run (bpf_stats): on an accepted connection's segments, then on a client's. */
int answer_runtime(long count);
/* The program behind the pinned link of the egress program name; exits if none. */
int linked_prog(const char *name);
/* Its bpf_stats: total ns run and runs. */
void prog_stats(int prog, __u64 *ns, __u64 *cnt);

#endif
