#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A kernel without BPF LSM (booted with an lsm= list that leaves bpf out):
# the device must say so loudly, in the agent's log and in `iotguardctl
# status`, never silently; and the kernel module still boots closed.
# Needs its own boot, hence a host-side test. TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=${1:-6.1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/overlay/usr/share/iotguard-test"
cat > "$work/overlay/usr/share/iotguard-test/degraded.sh" <<'GUEST'
n=0
check() {
	n=$((n + 1))
	if eval "$2"; then echo "ok $n degraded.$1"; else echo "not ok $n degraded.$1"; fi
}
status=$(iotguardctl status)
echo "TAP version 13"
echo "1..4"
check bpf_lsm_really_absent '! grep -q bpf /sys/kernel/security/lsm'
check status_says_degraded 'echo "$status" | grep -q "login guard (BPF):  DEGRADED: BPF LSM is not active"'
check agent_logged_degraded 'grep -q "DEGRADED: BPF LSM is not active" /var/log/messages'
check module_still_enforces '[ "$(cat /sys/kernel/iotguard/mode)" = enforce ]'
echo "$status" | sed 's/^/# /'
GUEST
"$top/scripts/vm" --kernel "$kernel" --no-build --overlay "$work/overlay" --log "$work/console.log" \
	--append "lsm=lockdown,capability,yama" -- sh /usr/share/iotguard-test/degraded.sh > /dev/null 2>&1
grep -E '^(not )?ok |^TAP|^1\.\.|^# ' "$work/console.log"
