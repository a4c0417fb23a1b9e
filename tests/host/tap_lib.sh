# SPDX-License-Identifier: GPL-2.0
#
# TAP for the host shell tests: source it, call tap_plan N, then one
# tap_result per check. tap_exit ends the test with status 1 if any failed.

tap_n=0
tap_failed=0

tap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

# tap_result STATUS NAME [DIAGNOSTIC]: STATUS 0 passes; a failure shows the
# diagnostic (any number of lines) as TAP comments before its line.
tap_result() {
	local status=$1 name=$2 diag=${3:-}
	tap_n=$((tap_n + 1))
	if [ "$status" = 0 ]; then
		echo "ok $tap_n $name"
	else
		[ -z "$diag" ] || printf '%s\n' "$diag" | sed 's/^/# /'
		echo "not ok $tap_n $name"
		tap_failed=1
	fi
}

tap_exit() {
	exit "$tap_failed"
}
