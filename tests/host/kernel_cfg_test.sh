#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel/iotguard.cfg is enough: merged into x86_64_defconfig of Debian's
# linux-source-6.1 (as merge_config.sh and Yocto's fragments do: appended,
# then olddefconfig), every value it sets is still set afterwards (none was
# dropped for a missing dependency), and `iotguardctl doctor --config` finds
# every guarantee ok in the result. The kernel tree is kernel_tree_lib.sh's.
# TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/host/tap_lib.sh"
. "$top/tests/host/kernel_tree_lib.sh"
kernel_tree_skip_unless_ready
fragment=$top/kernel/iotguard.cfg
tap_plan 3

log=$(mktemp "$top/build/kernel-cfg-log.XXXXXX")
merged=$(mktemp "$top/build/kernel-cfg-merged.XXXXXX")
trap 'rm -f "$log" "$merged" "$merged.old"' EXIT

kernel_tree_prepare "$log"
cat "$tree/arch/x86/configs/x86_64_defconfig" "$fragment" > "$merged"
# KCONFIG_CONFIG: conf reads and writes this file, not the tree's .config.
make -s -C "$tree" KCONFIG_CONFIG="$merged" olddefconfig >> "$log" 2>&1
tap_result $? fragment_merges "$(tail -20 "$log")"

lost=""
while read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$merged" || lost="$lost
$line (now: $(grep -E "^(# )?${line%%=*}[= ]" "$merged"))" ;;
	"# CONFIG_"*" is not set")
		opt=${line#"# "}
		opt=${opt%% *}
		grep -qE "^$opt=" "$merged" && lost="$lost
$line (now: $(grep -E "^$opt=" "$merged"))" ;;
	esac
done < "$fragment"
tap_result "$([ -z "$lost" ]; echo $?)" every_value_of_the_fragment_stays \
	"olddefconfig changed:$lost"

out=$("$top/build/iotguardctl" doctor --config "$merged" 2>&1)
rc=$?
oks=$(printf '%s\n' "$out" | grep -cE '^(login guard|network gate|outbound policy|lock): ok$')
tap_result "$([ "$rc" = 0 ] && [ "$oks" = 4 ]; echo $?)" doctor_finds_all_ok \
	"exit $rc, $oks of 4 ok:
$out"
tap_exit
