#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo` is the main job: run its story and check the outcomes it
# shows. TAP output. Usage: demo_test.sh [KERNEL]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=${1:-6.1}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$top/scripts/demo" --kernel "$kernel" --no-build > "$out" 2>&1
status=$?
n=0
failed=0
check() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n demo.$1"
	else
		echo "not ok $n demo.$1 # expected $3, got $2"
		failed=1
	fi
}
lines() { grep -cE "$1" "$out"; }
echo "TAP version 13"
echo "1..13"
check runs_to_the_end "$status" 0
check audit_flags_the_vendor_default "$(lines 'known default  <-- FLAGGED')" 1
# The bot's first round (before provisioning): every connection reset.
check mirai_bot_reset_while_default "$(grep -E '^  (telnet|ssh) +61 pairs tried:' "$out" | head -2 |
	grep -cE '0 logged in, 0 refused by login, 61 reset by the device')" 2
check lockout_took_the_burst "$(lines '^  lockout_refused +5$')" 2
check throttle_took_the_rest "$(lines '^  throttle_refused +117$')" 1
check default_refused_on_the_device "$(lines '^  (pty|su) +root / admin: refused')" 3
check own_password_works_on_every_path "$(lines '^  (pty|su|telnet|ssh) +root / [a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{5}: logged in')" 4
check bot_still_throttled_once_open "$(lines '^  (telnet|ssh) +61 pairs tried: 0 logged in, [0-9] refused by login, (5[2-9]|6[01]) reset by the device')" 4
check security_txt_printed "$(lines '^Contact: mailto:security@example.com$')" 1
check report_fails_only_the_password_rows_before "$(lines '^  fail  ')" 2
check the_failing_rows_are_the_password_rows "$(lines '^  fail  (PSTI Sch.1 §1|ETSI 5.1-1) ')" 2
check report_passes_every_row_after "$(lines '^All requirements pass\.$')" 1
check nothing_logged_in_with_a_default "$(lines 'root / admin: logged in|[1-9][0-9]* logged in,')" 0
[ "$failed" = 0 ] || sed 's/^/# /' "$out" | tail -n 40
exit "$failed"
