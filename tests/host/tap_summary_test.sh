#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check` is only as good as its count: feed scripts/tap-summary crafted
# TAP (host tests' own, and guest console logs with kselftest's nested TAP)
# and check that what is missing, cut off or crashed counts as failed, never
# as fewer passes; and that scripts/run-host-test keeps a failing exit status
# for it. Boots nothing. TAP output. Usage: tap_summary_test.sh [KERNEL]
# (KERNEL is ignored: scripts/check passes one to every runner self-test).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
summary=$top/scripts/tap-summary
run_host_test=$top/scripts/run-host-test
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failed=0

# Pass or fail one check; on failure, show tap-summary's notes on why.
result() {
	local what=$1 got=$2 want=$3
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n tap_summary.$what"
	else
		echo "# expected \"$want\", got \"$got\""
		sed 's/^/# /' "$work/notes"
		echo "not ok $n tap_summary.$what"
		failed=1
	fi
}

# expect WHAT "PASSED FAILED SKIPPED" LOG...: tap-summary's count over LOGs.
expect() {
	local what=$1 want=$2
	shift 2
	result "$what" "$("$summary" "$@" 2> "$work/notes")" "$want"
}

# log NAME: stdin, with \r kept, becomes $work/NAME.
log() {
	cat > "$work/$1"
}

# fake NAME: stdin becomes the body of an executable bash script $work/NAME,
# a stand-in for a host test program.
fake() {
	{
		echo '#!/bin/bash'
		cat
	} > "$work/$1"
	chmod +x "$work/$1"
}

# expect_run WHAT STATUS "PASSED FAILED SKIPPED" FAKE: run FAKE as
# scripts/check does, then check its status and the count over its log.
expect_run() {
	local what=$1 want_status=$2 want=$3 test=$4 status
	"$run_host_test" "$work/$test.tap" "$work/$test" > "$work/out" 2>&1
	status=$?
	result "$what" "status $status, counted $("$summary" "$work/$test.tap" 2> "$work/notes")" \
		"status $want_status, counted $want"
}

echo "TAP version 13"
echo "1..24"

# ---- a host test's own TAP, at top level ----
log all_pass.tap <<'EOF'
TAP version 13
1..3
# Starting 3 tests from 1 test cases.
#  RUN           global.a ...
#            OK  global.a
ok 1 global.a
ok 2 global.b
ok 3
# PASSED: 3 / 3 tests passed.
EOF
expect all_pass "3 0 0" "$work/all_pass.tap"

log not_ok.tap <<'EOF'
TAP version 13
1..3
ok 1 global.a
not ok 2 global.b
ok 3 global.c
EOF
expect not_ok_fails "2 1 0" "$work/not_ok.tap"

log skip.tap <<'EOF'
TAP version 13
1..3
ok 1 global.a
ok 2 global.b # SKIP no BPF LSM
ok 3 global.c
EOF
expect skip_is_skipped "2 0 1" "$work/skip.tap"

log short.tap <<'EOF'
TAP version 13
1..3
ok 1 global.a
ok 2 global.b
EOF
expect missing_result_fails "2 1 0" "$work/short.tap"

log no_plan.tap <<'EOF'
ok 1 global.a
ok 2 global.b
EOF
expect results_without_a_plan_fail_once "2 1 0" "$work/no_plan.tap"

log extra.tap <<'EOF'
1..2
ok 1 global.a
ok 2 global.b
ok 3 global.c
EOF
expect more_results_than_planned_fail_once "3 1 0" "$work/extra.tap"

log no_tap.tap <<'EOF'
==4242==ERROR: AddressSanitizer: heap-use-after-free on address 0x602000000010
EOF
: > "$work/empty.tap"
expect log_without_tap_fails "0 1 0" "$work/no_tap.tap"
expect empty_log_fails "0 1 0" "$work/empty.tap"
expect no_input_fails "0 1 0" < /dev/null

# A failing test's diagnostics may quote another run's TAP behind "# ":
# outside a kselftest program, that is no result.
log quoted.tap <<'EOF'
1..1
# ok 1 first_boot.kernel_state_is_provisioned
# not ok 2 first_boot.password_delivered_to_a_root_only_file
ok 1 vm_runner.command_success_is_passed_back
EOF
expect quoted_tap_is_no_result "1 0 0" "$work/quoted.tap"

printf 'TAP version 13\r\n1..3\r\nok 1 a\r\nnot ok 2 b\r\nok 3 c # SKIP\r\n' > "$work/crlf.tap"
expect crlf_line_endings "1 1 1" "$work/crlf.tap"

expect logs_add_up "9 3 1" "$work/all_pass.tap" "$work/not_ok.tap" "$work/skip.tap" \
	"$work/short.tap" "$work/empty.tap"

# ---- guest console logs: kselftest's runner nests each program's TAP ----
log guest_ok.log <<'EOF'
[    1.234567] iotguard: loaded
TAP version 13
1..3
# selftests: iotguard: genl_test
# TAP version 13
# 1..2
# # Starting 2 tests from 1 test cases.
# ok 1 genl.a
# ok 2 genl.b # SKIP no netlink
# # Totals: pass:1 fail:0 xfail:0 xpass:0 skip:1 error:0
ok 1 selftests: iotguard: genl_test
# selftests: iotguard: guard_test
# TAP version 13
# 1..2
# ok 1 guard.a
# not ok 2 guard.b
not ok 2 selftests: iotguard: guard_test # exit=1
# selftests: iotguard: script_test
ok 3 selftests: iotguard: script_test
iotguard-vm: exit status 0
EOF
expect guest_log_counts_nested_cases "3 1 1" "$work/guest_ok.log"

# The guest was killed by its timeout in guard_test's third case: the rest of
# guard_test and the program never reached count as failures.
log guest_cut.log <<'EOF'
TAP version 13
1..3
# selftests: iotguard: genl_test
# TAP version 13
# 1..2
# ok 1 genl.a
# ok 2 genl.b
ok 1 selftests: iotguard: genl_test
# selftests: iotguard: guard_test
# TAP version 13
# 1..5
# ok 1 guard.a
# ok 2 guard.b
# #  RUN           guard.c ...
EOF
expect guest_cut_off_mid_program "4 4 0" "$work/guest_cut.log"

log guest_timeout.log <<'EOF'
TAP version 13
1..2
# selftests: iotguard: gate_test
# TAP version 13
# 1..4
# ok 1 gate.a
# ok 2 gate.b
#
not ok 1 selftests: iotguard: gate_test # TIMEOUT 600 seconds
# selftests: iotguard: module_test
# TAP version 13
# 1..1
# ok 1 module.a
#
not ok 2 selftests: iotguard: module_test # TIMEOUT 600 seconds
EOF
expect kselftest_timeout_fails "3 3 0" "$work/guest_timeout.log"

# A program whose cases all passed but which then failed (a crash at exit, a
# leak) counts one failure; one whose case failed, no more than that case.
log guest_crash.log <<'EOF'
TAP version 13
1..2
# selftests: iotguard: store_test
# TAP version 13
# 1..2
# ok 1 store.a
# ok 2 store.b
not ok 1 selftests: iotguard: store_test # exit=139
# selftests: iotguard: cred_test
# TAP version 13
# 1..2
# ok 1 cred.a
# not ok 2 cred.b
not ok 2 selftests: iotguard: cred_test # exit=1
EOF
expect not_ok_program_without_nested_failure "3 2 0" "$work/guest_crash.log"

log guest_no_plan.log <<'EOF'
TAP version 13
1..1
# selftests: iotguard: agent_test
# ok 1 agent.a
ok 1 selftests: iotguard: agent_test
EOF
expect nested_results_without_a_plan_fail_once "1 1 0" "$work/guest_no_plan.log"

printf '%s\r\n' 'TAP version 13' '1..1' '# selftests: iotguard: genl_test' '# TAP version 13' \
	'# 1..2' '# ok 1 genl.a' '# not ok 2 genl.b' 'not ok 1 selftests: iotguard: genl_test' \
	> "$work/guest_crlf.log"
expect guest_log_with_crlf "1 1 0" "$work/guest_crlf.log"

# ---- scripts/run-host-test: how scripts/check runs a host test ----
fake exits_1 <<'EOF'
printf '1..1\nok 1 global.a\n'
exit 1
EOF
expect_run exit_status_fails_despite_good_tap 1 "1 1 0" exits_1

fake killed <<'EOF'
printf '1..1\nok 1 global.a\n'
kill -KILL $$
EOF
expect_run killed_by_a_signal_fails 137 "1 1 0" killed

fake asan <<'EOF'
printf '1..2\nok 1 global.a\n'
echo "==4242==ERROR: AddressSanitizer: heap-buffer-overflow" >&2
exit 1
EOF
expect_run crash_mid_run_fails_once_per_missing_case 1 "1 1 0" asan

fake silent <<'EOF'
exit 0
EOF
expect_run test_without_tap_fails 0 "0 1 0" silent

fake honest <<'EOF'
printf '1..2\nok 1 global.a\nnot ok 2 global.b\n'
exit 1
EOF
expect_run failing_case_and_status_fail_once 1 "1 1 0" honest

fake passes <<'EOF'
printf '1..2\nok 1 global.a\nok 2 global.b # SKIP\n'
EOF
expect_run passing_test_passes 0 "1 0 1" passes

exit "$failed"
