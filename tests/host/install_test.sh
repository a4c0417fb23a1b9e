#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The packaging contract: install-agent, install-bpf and install-module each
# install their own files into DESTDIR, alone, and `install` is the three;
# on a built tree none of them rebuilds anything (a Yocto or Buildroot
# install step runs after its own compile step). PREFIX, SYSCONFDIR,
# LOCALSTATEDIR and RUNSTATEDIR reach the programs and the installed
# scripts, units and man pages, and the default build keeps /usr, /etc,
# /var and /run. TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/host/tap_lib.sh"
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
release=$("$top/scripts/kernel-release" 6.1)

# What each target must put in DESTDIR (PREFIX=/usr, SYSCONFDIR=/etc).
agent_files="usr/sbin/iotguardd usr/bin/iotguardctl etc/iotguard/iotguard.conf
etc/init.d/S20iotguard-module etc/init.d/S30iotguardd
usr/lib/systemd/system/iotguardd.service usr/lib/systemd/system/iotguard-lock.service
usr/lib/modules-load.d/iotguard.conf usr/share/man/man8/iotguardd.8
usr/share/man/man8/iotguardctl.8 usr/share/man/man5/iotguard.conf.5"
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

tap_plan 12
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

# iotguard's own paths as the sources name them: only in a default install.
# Preceded by anything but a path character, so /opt/x/etc/iotguard is not one.
default_paths='(^|[^[:alnum:]_./-])(/etc/iotguard|/var/lib/iotguard|/run/iotguard|/usr/s?bin/iotguard)'

# The default build: the compiled-in paths and the installed text as in the sources.
out=""
strings "$top/build/iotguardctl" | grep -qE '(^|[^[:alnum:]_./-])/etc/iotguard/iotguard.conf' ||
	out="iotguardctl lacks /etc/iotguard/iotguard.conf"
for f in etc/init.d/S30iotguardd etc/init.d/S20iotguard-module etc/iotguard/iotguard.conf \
	usr/lib/systemd/system/iotguardd.service usr/share/man/man8/iotguardd.8; do
	src=$(case $f in
		etc/init.d/*) echo "$top/scripts/init.d/${f##*/}" ;;
		etc/iotguard/*) echo "$top/policy/${f##*/}" ;;
		*/systemd/*) echo "$top/scripts/systemd/${f##*/}" ;;
		*/man8/*) echo "$top/man/${f##*/}" ;;
	esac)
	cmp -s "$src" "$dest/install-agent/$f" || out="$out $f differs from $src"
done
tap_result "$([ -z "$out" ]; echo $?)" install.default_paths_unchanged "$out"

# Another PREFIX, built into a build directory of its own (O=) so that this
# tree's build stays as it is; the BPF skeletons are copied, not rebuilt.
custom=$dest/custom
mkdir -p "$custom/build"
cp -a "$top/build/bpf" "$custom/build/"
gen_before=$(stat -c %Y "$top/build/gen/install_dirs.h")
make -s -j2 -C "$top" install-agent O="$custom/build" DESTDIR="$custom/root" PREFIX=/opt/x \
	SYSCONFDIR=/opt/x/etc LOCALSTATEDIR=/opt/x/var RUNSTATEDIR=/opt/x/run \
	KERNEL_SRC=/nonexistent > "$custom/log" 2>&1
tap_result $? install.custom_prefix_builds_and_installs "$(tail -5 "$custom/log")"
root=$custom/root/opt/x

# The programs: the new paths, and none of the defaults.
out=""
for want in /opt/x/etc/iotguard/iotguard.conf /opt/x/etc/iotguard/credentials \
	/opt/x/var/lib/iotguard/provisioned /opt/x/var/lib/iotguard/support-period.json \
	/opt/x/run/iotguard/status.json /opt/x/run/iotguard/ready; do
	strings "$root/sbin/iotguardd" | grep -qF -- "$want" || out="$out iotguardd lacks $want;"
done
strings "$root/bin/iotguardctl" | grep -qF /opt/x/etc/iotguard/iotguard.conf ||
	out="$out iotguardctl lacks /opt/x/etc/iotguard/iotguard.conf;"
for bin in "$root/sbin/iotguardd" "$root/bin/iotguardctl"; do
	found=$(strings "$bin" | grep -E "$default_paths" | head -3)
	[ -z "$found" ] || out="$out ${bin##*/} still has: $found;"
done
tap_result "$([ -z "$out" ]; echo $?)" install.custom_prefix_in_the_programs "$out"

# The scripts, units, policy and man pages: the new paths, and none of the defaults.
out=""
grep -qx 'DAEMON=/opt/x/sbin/iotguardd' "$root/etc/init.d/S30iotguardd" &&
	grep -qx 'READY=/opt/x/run/iotguard/ready' "$root/etc/init.d/S30iotguardd" &&
	grep -qx 'ExecStart=/opt/x/sbin/iotguardd' "$root/lib/systemd/system/iotguardd.service" &&
	grep -qx 'ExecStart=/opt/x/bin/iotguardctl lock' \
		"$root/lib/systemd/system/iotguard-lock.service" &&
	grep -q '^ *deny_lists = "/opt/x/etc/iotguard/credentials";' "$root/etc/iotguard/iotguard.conf" &&
	[ -s "$root/share/man/man5/iotguard.conf.5" ] || out="a substituted path is missing;"
found=$(grep -rEn "$default_paths" "$root/etc" "$root/lib" "$root/share" | head -5)
tap_result "$([ -z "$out" ] && [ -z "$found" ]; echo $?)" install.custom_prefix_in_the_scripts \
	"$out $found"
gen_after=$(stat -c %Y "$top/build/gen/install_dirs.h")
[ "$gen_before" = "$gen_after" ]
tap_result $? install.custom_prefix_leaves_this_build_alone
tap_exit
