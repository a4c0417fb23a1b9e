#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The QEMU runner must fail when the device does: these prove that a guest
# test run can fail at all. TAP output. Usage: vm_runner_test.sh [KERNEL]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=${1:-6.1}
vm=("$top/scripts/vm" --kernel "$kernel" --no-build)
log=$(mktemp)
trap 'rm -f "$log" "$log.stderr" "$log.early-boot"' EXIT
n=0
failed=0

expect_status() {
	local want=$1 what=$2
	shift 2
	"${vm[@]}" --log "$log" "$@" > /dev/null 2>&1
	local got=$?
	n=$((n + 1))
	if [ "$got" -eq "$want" ]; then
		echo "ok $n vm_runner.$what"
	else
		echo "# expected status $want, got $got; console log follows"
		sed 's/^/# /' "$log" | tail -n 20
		echo "not ok $n vm_runner.$what"
		failed=1
	fi
}

echo "TAP version 13"
echo "1..8"
expect_status 0 command_success_is_passed_back -- true
expect_status 7 command_status_is_passed_back -- sh -c 'exit 7'
expect_status 125 kernel_panic_fails_the_run -- sh -c 'echo c > /proc/sysrq-trigger; sleep 60'
expect_status 124 hang_fails_within_the_timeout --timeout 30 -- sleep 600
expect_status 0 overlay_files_reach_the_device --overlay "$top/tests/host/overlay" -- \
	sh -c 'test "$(cat /etc/iotguard-overlay-probe)" = "from the overlay"'
# A kernel that dies before userspace (here: no init to run) is booted
# exactly once more, and the run still fails.
"${vm[@]}" --log "$log" --append "rdinit=/no-such-init init=/no-such-init" -- true \
	> /dev/null 2> "$log.stderr"
got=$?
retries=$(grep -c 'booting once more' "$log.stderr")
n=$((n + 1))
if [ "$got" -eq 125 ] && [ "$retries" -eq 1 ] && [ -s "$log.early-boot" ]; then
	echo "ok $n vm_runner.early_crash_is_booted_once_more_and_still_fails"
else
	echo "# status $got (want 125), $retries retries (want 1); runner said:"
	sed 's/^/# /' "$log.stderr"
	echo "not ok $n vm_runner.early_crash_is_booted_once_more_and_still_fails"
	failed=1
fi
rm -f "$log.stderr" "$log.early-boot"

# A kernel that stalls before userspace (here: waiting forever for a root
# device that does not exist) is stopped by the boot watchdog, booted exactly
# once more, and the run fails long before the command's timeout.
IOTGUARD_VM_BOOT_TIMEOUT=20 "${vm[@]}" --log "$log" --timeout 600 \
	--append "rdinit=/no-such-init root=/dev/vdz rootwait" -- true \
	> /dev/null 2> "$log.stderr"
got=$?
retries=$(grep -c 'hung for 20 s before userspace started.*booting once more' "$log.stderr")
n=$((n + 1))
# A quiet kernel that stalls may have printed nothing: the first log is
# kept, if empty.
if [ "$got" -eq 125 ] && [ "$retries" -eq 1 ] && [ -e "$log.early-boot" ] &&
   grep -q 'before userspace started, twice' "$log.stderr"; then
	echo "ok $n vm_runner.early_hang_is_booted_once_more_and_still_fails"
else
	echo "# status $got (want 125), $retries retries (want 1); runner said:"
	sed 's/^/# /' "$log.stderr"
	echo "not ok $n vm_runner.early_hang_is_booted_once_more_and_still_fails"
	failed=1
fi
rm -f "$log.stderr" "$log.early-boot"

# --forward: the host reaches a listener on the device through user-net.
port=$((20000 + RANDOM % 20000))
(
	for _ in $(seq 120); do
		reply=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && cat <&3" 2>/dev/null)
		[ "$reply" = "hello from the device" ] && exit 0
		sleep 1
	done
) &
client=$!
expect_status 0 forward_reaches_the_device --timeout 180 --forward "tcp:$port:8080" -- \
	sh -c 'echo "hello from the device" | nc -l -p 8080'
if ! wait "$client"; then
	echo "# the host never read the device's greeting on port $port"
	failed=1
fi
exit "$failed"
