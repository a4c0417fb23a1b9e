#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A kernel without BPF LSM (booted with an lsm= list that leaves bpf out):
# the device must say so loudly, in the agent's log and in `iotguardctl
# status`, never silently; and the kernel module still boots closed.
# Needs its own boot, hence a host-side test. TAP output.
set -u
. "$(dirname "$0")/boot_lib.sh"
boot_init degraded "${1:-6.1}"
guest_script <<'GUEST'
status=$(iotguardctl status)
echo "TAP version 13"
echo "1..4"
check bpf_lsm_really_absent '! grep -q bpf /sys/kernel/security/lsm'
check status_says_degraded 'echo "$status" | grep -q "login guard (BPF):  DEGRADED: BPF LSM is not active"'
check agent_logged_degraded 'grep -q "DEGRADED: BPF LSM is not active" /var/log/messages'
check module_still_enforces '[ "$(cat /sys/kernel/iotguard/mode)" = enforce ]'
echo "$status" | sed 's/^/# /'
GUEST
boot_run --append "lsm=lockdown,capability,yama"
grep '^# ' "$log"
