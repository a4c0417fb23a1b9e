#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# buildroot/, the BR2_EXTERNAL tree, without Buildroot (not downloadable
# here): its .mk files read by Buildroot's infrastructure reduced to a stub
# (tests/host/buildroot/stub.mk), each step's commands checked; the kernel
# fixups applied to a .config; kernel-module's own command lines run against
# the Debian headers, the installed tree searched for the build path; the
# Config.in files under kconfiglib; post-build.sh on an image. TAP output.
# Usage: buildroot_test.sh [KERNEL_SERIES]   (default 6.1)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/host/tap_lib.sh"
. "$top/tests/host/image_build_lib.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stub=$top/tests/host/buildroot/stub.mk
build=$work/build
target=$work/target
linux=$work/linux
mkdir -p "$linux" "$target"

# br TARGET... [VAR=VALUE...]: the stub, Buildroot's directories set.
br() {
	make -s -f "$stub" EXTERNAL="$top/buildroot" BUILD_DIR="$build" TARGET_DIR="$target" \
		LINUX_DIR="$linux" "$@"
}
# has TEXT STRING...: TEXT holds every STRING.
has() {
	local text=$1 s
	shift
	for s in "$@"; do
		grep -qF -- "$s" <<< "$text" || { echo "missing: $s"; return 1; }
	done
}
var() { grep "^$1=" <<< "$show" | cut -d= -f2-; }

tap_plan 17

show=$(br show 2>&1)
tap_result $? buildroot.mk_files_parse "$show"

# Every package depended on is one Buildroot declares (the stub lists them)
# or one this tree declares; Buildroot stops on any other.
unknown=""
for dep in $(var IOTGUARD_DEPENDENCIES) $(var HOST_IOTGUARD_DEPENDENCIES); do
	grep -qw -- "$dep" <<< "$(var PACKAGES_ALL)" || unknown="$unknown $dep"
done
tap_result "$([ -z "$unknown" ]; echo $?)" buildroot.dependencies_are_declared_packages \
	"unknown:$unknown"

deps=" $(var IOTGUARD_DEPENDENCIES) "
out=$(for d in libbpf libnl libconfig json-c libxcrypt nettle c-ares host-clang host-bpftool \
	linux host-iotguard; do [[ $deps == *" $d "* ]] || echo "missing: $d"; done)
tap_result "$([ -z "$out" ]; echo $?)" buildroot.dependencies "$out"

[ "$(var IOTGUARD_SITE_METHOD)" = local ] && [ -e "$(var IOTGUARD_SITE)/Kbuild" ] &&
	[ -e "$(var IOTGUARD_SITE)/$(var IOTGUARD_LICENSE_FILES)" ] &&
	grep -qw BPF <<< "$(var LLVM_TARGETS_TO_BUILD)"
tap_result $? buildroot.site_is_this_tree_and_llvm_has_bpf "$show"

cmds=$(br -n "$build/iotguard/build" 2>&1)
has "$cmds" "make -C $build/iotguard " "KERNEL_SRC=$linux " "VMLINUX_BTF=$linux/vmlinux " \
	"ARCH=x86_64" "CLANG=/br/host/bin/clang" "BPFTOOL=/br/host/sbin/bpftool" \
	"LIBBPF_INCLUDE=/br/staging/usr/include" " bpf agent" \
	"make -C $linux " "M=$build/iotguard/. modules" > "$work/out" 2>&1
tap_result $? buildroot.build_commands "$(cat "$work/out"; echo "$cmds")"

cmds=$(br -n "$build/iotguard/install-target" 2>&1)
has "$cmds" "DESTDIR=$target install-agent install-bpf" "PREFIX=/usr" "SYSCONFDIR=/etc" \
	"INSTALL_MOD_PATH=$target" "M=$build/iotguard/. modules_install" > "$work/out" 2>&1 &&
	! grep -q 'rm -f.*init.d' <<< "$cmds"
tap_result $? buildroot.install_commands_sysv_keeps_init_scripts "$(cat "$work/out"; echo "$cmds")"

cmds=$(br -n "$build/iotguard/install-target" INIT=systemd 2>&1)
has "$cmds" "DESTDIR=$target install-agent install-bpf" \
	"rm -f $target/etc/init.d/S20iotguard-module $target/etc/init.d/S30iotguardd" > "$work/out" 2>&1
tap_result $? buildroot.install_under_systemd_drops_sysv_scripts "$(cat "$work/out"; echo "$cmds")"

cmds=$(br -n "$build/host-iotguard/build" "$build/host-iotguard/install-host" 2>&1)
has "$cmds" "make -C $build/host-iotguard " "$build/host-iotguard/build/iotguardctl" \
	"LIBBPF_INCLUDE=/br/host/include" "VMLINUX_BTF=$linux/vmlinux" \
	"install -D -m 0755 $build/host-iotguard/build/iotguardctl /br/host/bin/iotguardctl" \
	> "$work/out" 2>&1 && ! grep -q CROSS_COMPILE=. <<< "$cmds"
tap_result $? buildroot.host_iotguardctl_for_the_post_build_audit "$(cat "$work/out"; echo "$cmds")"

# The fixups on a kernel configured without what iotguard needs, twice (a
# reconfigured kernel gets them again): every option of kernel/iotguard.cfg
# as it says, the board's LSM order kept with bpf added once.
cat > "$linux/.config" <<'CFG'
CONFIG_MODULES=y
CONFIG_MODULE_FORCE_UNLOAD=y
# CONFIG_BPF_LSM is not set
# CONFIG_IPV6 is not set
CONFIG_LSM="landlock,lockdown,yama,apparmor"
CFG
br linux-fixups > "$work/fixups.log" 2>&1 && br linux-fixups >> "$work/fixups.log" 2>&1
tap_result $? buildroot.fixups_run "$(cat "$work/fixups.log")"

lsm=$(grep '^CONFIG_LSM=' "$linux/.config")
[ "$lsm" = 'CONFIG_LSM="landlock,lockdown,yama,apparmor,bpf"' ] &&
	[ "$(grep -c '^CONFIG_LSM=' "$linux/.config")" = 1 ]
tap_result $? buildroot.fixups_add_bpf_to_the_boards_lsm_list "$lsm"

# (want, have) for each option: y needs y, m needs m or y, "is not set" needs
# neither, a string needs that string (CONFIG_LSM: bpf in the list).
fragment=$top/kernel/iotguard.cfg
if [ ! -f "$fragment" ]; then
	tap_result 0 "buildroot.fixups_give_every_option_of_kernel_iotguard_cfg # SKIP no kernel/iotguard.cfg"
else
	bad=$(awk 'NR == FNR { if (/^CONFIG_/) { split($0, kv, "="); have[kv[1]] = substr($0, length(kv[1]) + 2) }
		next }
		/^CONFIG_/ { split($0, kv, "="); want = substr($0, length(kv[1]) + 2); h = have[kv[1]]
			if (kv[1] == "CONFIG_LSM") { if (h !~ /[",]bpf[",]/) print kv[1] " has no bpf: " h }
			else if (want == "m" ? (h != "m" && h != "y") : h != want) print kv[1] ": want " want ", have " h }
		/^# CONFIG_.* is not set/ { if ($2 in have && have[$2] ~ /^[ym]$/) print $2 " is set" }' \
		"$linux/.config" "$fragment")
	tap_result "$([ -z "$bad" ]; echo $?)" buildroot.fixups_give_every_option_of_kernel_iotguard_cfg \
		"$bad"
fi
grep -qx '# CONFIG_MODULE_FORCE_UNLOAD is not set' "$linux/.config" &&
	grep -qx 'CONFIG_BPF_LSM=y' "$linux/.config" && grep -qx 'CONFIG_IPV6=y' "$linux/.config"
tap_result $? buildroot.fixups_replace_the_boards_contrary_choices "$(cat "$linux/.config")"

# kernel-module's two command lines, against the Debian headers, in a copy
# of the tree where Buildroot would have it; nothing installed may name it.
series=${1:-6.1}
if ! release=$("$top/scripts/kernel-release" "$series" 2>&1); then
	tap_result 1 buildroot.module_builds_against_debian_headers "$release"
	tap_result 1 buildroot.installed_module_names_no_build_path "$release"
else
	mkdir -p "$build/iotguard"
	cp -a "$top/Makefile" "$top/Kbuild" "$top/kmod" "$top/scripts" "$build/iotguard/"
	br "$build/iotguard/module" LINUX_DIR="/lib/modules/$release/build" > "$work/module.log" 2>&1
	module_results buildroot "$target" "$build/iotguard" "$work/module.log"
fi

BR2_EXTERNAL_IOTGUARD_PATH=$top/buildroot /usr/bin/python3 "$top/tests/host/buildroot/kconfig.py" \
	"$top/tests/host/buildroot/Config.in" > "$work/kconfig.out" 2>&1
bad=$(grep -v '^ok ' "$work/kconfig.out")
tap_result "$([ -z "$bad" ]; echo $?)" buildroot.config_in_under_kconfiglib "$bad"

# post-build.sh on an image made by install-agent, with this tree's
# iotguardctl as host-iotguard's: a locked root passes and gets
# SUPPORT_END; an empty root password fails the build.
image=$work/image
host=$work/host
mkdir -p "$host/bin"
ln -s "$top/build/iotguardctl" "$host/bin/iotguardctl"
image_root "$top" "$image" "$work/image.log"
printf 'NAME=Device\n' > "$image/etc/os-release"
HOST_DIR=$host "$top/buildroot/board/iotguard/post-build.sh" "$image" >> "$work/image.log" 2>&1 &&
	grep -q '^SUPPORT_END=[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]$' "$image/etc/os-release"
tap_result $? buildroot.post_build_passes_a_clean_image_and_sets_support_end \
	"$(tail -5 "$work/image.log"; cat "$image/etc/os-release")"
printf 'root::19000:0:99999:7:::\n' > "$image/etc/shadow"
HOST_DIR=$host "$top/buildroot/board/iotguard/post-build.sh" "$image" > "$work/post.log" 2>&1
# Failed, and for that reason (not a missing iotguardctl).
[ $? -ne 0 ] && grep -q 'empty or known-default password' "$work/post.log"
tap_result $? buildroot.post_build_fails_an_empty_root_password \
	"$(cat "$work/post.log")"
tap_exit
