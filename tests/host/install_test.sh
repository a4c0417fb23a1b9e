#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The packaging contract: install-agent, install-bpf and install-module each
# install their own files into DESTDIR, alone, and `install` is the three;
# on a built tree none of them rebuilds anything (a Yocto or Buildroot
# install step runs after its own compile step). TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/host/tap_lib.sh"
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
release=$("$top/scripts/kernel-release" 6.1)

# What each target must put in DESTDIR (PREFIX=/usr, SYSCONFDIR=/etc).
agent_files="usr/sbin/iotguardd usr/bin/iotguardctl etc/iotguard/iotguard.conf
etc/init.d/S20iotguard-module etc/init.d/S30iotguardd"
bpf_files="usr/lib/iotguard/bpf/login_guard.o"

# What make would run for a target on this tree: only install commands.
builds() {
	make -s -n -C "$top" "$1" DESTDIR="$dest/$1" 2>&1 |
		grep -E '(^|[ /])(gcc|cc|clang|ar|bpftool) ' | head -3
}

# A userspace package has no kernel tree: KERNEL_SRC points nowhere.
installed() {	# TARGET FILES: every file there, nothing of the other targets
	local target=$1 files=$2 missing="" f
	make -s -C "$top" "$target" DESTDIR="$dest/$target" KERNEL_SRC=/nonexistent \
		> "$dest/$target.log" 2>&1 ||
		missing="make $target failed: $(tail -3 "$dest/$target.log")"
	for f in $files; do
		[ -e "$dest/$target/$f" ] || missing="$missing $f"
	done
	echo "$missing"
}

tap_plan 7
out=$(builds install)
tap_result "$([ -z "$out" ]; echo $?)" install.builds_nothing_on_a_built_tree "$out"

missing=$(installed install-agent "$agent_files")
tap_result "$([ -z "$missing" ]; echo $?)" install.agent_alone_without_a_kernel_tree "missing:$missing"
[ ! -e "$dest/install-agent/usr/lib/iotguard" ] && [ ! -e "$dest/install-agent/lib/modules" ]
tap_result $? install.agent_installs_no_bpf_object_or_module

missing=$(installed install-bpf "$bpf_files")
tap_result "$([ -z "$missing" ]; echo $?)" install.bpf_alone_without_a_kernel_tree "missing:$missing"

# The module lands where Kbuild's modules_install puts external modules
# (extra/ or updates/, by kernel version): either one counts.
make -s -C "$top" install-module DESTDIR="$dest/module" > "$dest/module.log" 2>&1
found=$(find "$dest/module" -name iotguard.ko | head -1)
tap_result "$([ -n "$found" ]; echo $?)" install.module_alone "$(tail -3 "$dest/module.log")"

perms=$(stat -c '%a %n' "$dest/install-agent/usr/sbin/iotguardd" \
	"$dest/install-agent/usr/bin/iotguardctl" "$dest/install-agent/etc/iotguard/iotguard.conf")
[ "$(echo "$perms" | cut -d' ' -f1 | tr '\n' ' ')" = "755 755 644 " ]
tap_result $? install.modes "$perms"

before=$(stat -c %Y "$top/build/iotguardd" "$top/build/iotguardctl" "$top/build/bpf/login_guard.o")
make -s -C "$top" install DESTDIR="$dest/all" > "$dest/all.log" 2>&1
after=$(stat -c %Y "$top/build/iotguardd" "$top/build/iotguardctl" "$top/build/bpf/login_guard.o")
[ "$before" = "$after" ] && [ -e "$dest/all/usr/sbin/iotguardd" ] &&
	[ -e "$dest/all/usr/lib/iotguard/bpf/login_guard.o" ] &&
	[ -n "$(find "$dest/all/lib/modules" -name iotguard.ko)" ]
tap_result $? install.all_three_without_rebuilding "$(tail -3 "$dest/all.log")"
tap_exit
