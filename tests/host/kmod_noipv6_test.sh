#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module builds for a kernel without IPv6: every IPv6 use in kmod/ is
# under IS_ENABLED(CONFIG_IPV6) or IS_ENABLED(CONFIG_NF_REJECT_IPV6). The
# kernel is Debian's linux-source-6.1, x86_64_defconfig with what the module
# needs and CONFIG_IPV6 off, prepared once (modules_prepare, about three
# minutes on two cores) and kept in build/kernel-noipv6; the module then
# builds in about a minute. modules_prepare builds no vmlinux, so modpost
# cannot refuse an unresolved symbol: each symbol iotguard.ko imports is
# looked up where net/ipv6 exports it, and one exported only by code built
# with CONFIG_IPV6 (outside net/ipv6's obj-y) fails the test. TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/host/tap_lib.sh"
. "$top/tests/host/kernel_tree_lib.sh"
kernel_tree_skip_unless_ready
tap_plan 4

log=$(mktemp "$top/build/kmod-noipv6-log.XXXXXX")
work=$(mktemp -d "$top/build/kmod-noipv6-src.XXXXXX")
trap 'rm -rf "$work" "$log"' EXIT

kernel_tree_prepare "$log"
ok=1
grep -q '^# CONFIG_IPV6 is not set' "$tree/.config" 2>/dev/null &&
	grep -q '^CONFIG_NETFILTER=y' "$tree/.config" &&
	grep -Eq '^CONFIG_NF_REJECT_IPV4=[ym]' "$tree/.config" && ok=0
tap_result "$ok" kernel_tree_has_no_ipv6 "$(tail -20 "$log")"

mkdir -p "$work/kmod/uapi"
cp "$top/Kbuild" "$work/" && cp "$top"/kmod/*.[ch] "$work/kmod/" &&
	cp "$top"/kmod/uapi/*.h "$work/kmod/uapi/"
make -C "$tree" M="$work" modules > "$log" 2>&1
ok=$?
[ -f "$work/iotguard.ko" ] || ok=1
tap_result "$ok" module_builds_without_ipv6 "$(grep -E 'error|Error' "$log" | head -20)"

# net/ipv6's objects that are built whatever CONFIG_IPV6 says.
always=$(sed -n 's/^obj-y[[:space:]]*+=//p' "$tree/net/ipv6/Makefile" | tr ' ' '\n' |
	sed -n 's/\.o$//p')

# The symbols a module imports that only a kernel with IPv6 exports.
ipv6_only_imports() {
	local sym file
	for sym in $(nm -u "$1" | awk '{ print $2 }'); do
		for file in $(grep -rlE "EXPORT_SYMBOL(_GPL)?\($sym\)" "$tree/net/ipv6"); do
			[ "$(dirname "$file")" = "$tree/net/ipv6" ] &&
				printf '%s\n' "$always" | grep -qx "$(basename "$file" .c)" ||
				printf ' %s(%s)' "$sym" "${file#"$tree"/}"
		done
	done
}

found=$([ -f "$work/iotguard.ko" ] && ipv6_only_imports "$work/iotguard.ko")
tap_result "$([ -f "$work/iotguard.ko" ] && [ -z "$found" ]; echo $?)" \
	no_symbol_from_ipv6_only_code "iotguard.ko imports:$found"

# The check above can fail: with the IPv6 reset forced on, the module imports
# nf_send_reset6, which only CONFIG_NF_REJECT_IPV6 builds.
sed -i 's/IS_ENABLED(CONFIG_NF_REJECT_IPV6)/1/' "$work/kmod/gate.c"
rm -f "$work/iotguard.ko"
make -C "$tree" M="$work" modules > "$log" 2>&1
found=$([ -f "$work/iotguard.ko" ] && ipv6_only_imports "$work/iotguard.ko")
tap_result "$(printf '%s' "$found" | grep -q 'nf_send_reset6(net/ipv6/netfilter/'; echo $?)" \
	unguarded_ipv6_reset_is_detected "found:$found; $(tail -5 "$log")"
tap_exit
