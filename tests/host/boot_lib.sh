# SPDX-License-Identifier: GPL-2.0
#
# Shared by the host tests that need a boot of their own (an overlay, a
# kernel argument). Source it from a *_test.sh:
#   boot_init NAME [KERNEL]   sets top, kernel, work, overlay, log (the console
#                             log); cleans up on exit
#   guest_script              reads the guest's test body on stdin; inside it,
#                             `check WHAT EXPR` prints one TAP line
#   boot_run [VM OPTION...]   boots, runs the body, prints its TAP
boot_init() {
	suite=$1
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	kernel=${2:-6.1}
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	overlay=$work/overlay
	log=$work/console.log
	mkdir -p "$overlay/usr/share/iotguard-test"
}

guest_script() {
	{
		printf 'n=0\ncheck() {\n\tn=$((n + 1))\n'
		printf '\tif eval "$2"; then echo "ok $n %s.$1"; else echo "not ok $n %s.$1"; fi\n}\n' \
			"$suite" "$suite"
		cat
	} > "$overlay/usr/share/iotguard-test/$suite.sh"
}

boot_run() {
	"$top/scripts/vm" --kernel "$kernel" --no-build --overlay "$overlay" --log "$log" "$@" \
		-- sh "/usr/share/iotguard-test/$suite.sh" > /dev/null 2>&1
	grep -E '^(not )?ok |^TAP|^1\.\.' "$log"
}
