#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# meta-iotguard without Poky (not downloadable here): the layer's files
# checked as BitBake would read them (tests/host/yocto/layer.py); the exact
# command lines of module.bbclass's do_compile and do_install, with the
# recipe's MAKE_TARGETS, run against the Debian headers and the installed
# tree searched for the build path; iotguard-audit.bbclass's function run
# on an image. TAP output.
# Usage: yocto_test.sh [KERNEL_SERIES]   (default 6.1)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/host/tap_lib.sh"
. "$top/tests/host/image_build_lib.sh"
layer=$top/meta-iotguard
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 "$top/tests/host/yocto/layer.py" "$layer" > "$work/layer.out" 2>&1
checks=$(grep -c '^\(not \)\?ok ' "$work/layer.out")
tap_plan $((checks + 6))
while read -r line; do
	case "$line" in
	"ok "*) tap_result 0 "${line#ok }" ;;
	"not ok "*)
		rest=${line#not ok }
		tap_result 1 "${rest%%: *}" "${rest#*: }"
		;;
	esac
done < "$work/layer.out"
[ "$checks" -gt 0 ] || tap_result 1 layer.checks_ran "$(cat "$work/layer.out")"

# recipe_var RECIPE VAR: the value a plain assignment gives VAR.
recipe_var() { sed -n "s/^$2 *?*= *\"\(.*\)\"/\1/p" "$1" | tail -1; }
module_recipe=$layer/recipes-kernel/iotguard-module/iotguard-module.bb
targets=$(recipe_var "$module_recipe" MAKE_TARGETS)
install_target=$(recipe_var "$module_recipe" MODULES_INSTALL_TARGET)
grep -q '^inherit .*\bmodule\b' "$module_recipe" && [ "$targets" = modules ] &&
	[ "$install_target" = modules_install ] &&
	grep -q 'KERNEL_MODULE_AUTOLOAD += "iotguard"' "$module_recipe"
tap_result $? yocto.module_recipe_is_the_module_class "targets '$targets', install '$install_target'"

# module.bbclass's do_compile and do_install as they run (oe_runmake is
# make with EXTRA_OEMAKE, "KERNEL_SRC=${STAGING_KERNEL_DIR}"; module-base
# exports ARCH, CROSS_COMPILE and KBUILD_OUTPUT), the Debian headers as
# both STAGING_KERNEL_DIR and STAGING_KERNEL_BUILDDIR, in a copy of the
# tree at a path of its own.
series=${1:-6.1}
if ! release=$("$top/scripts/kernel-release" "$series" 2>&1); then
	tap_result 1 yocto.module_class_builds_against_debian_headers "$release"
	tap_result 1 yocto.installed_module_names_no_build_path "$release"
else
	kdir=/lib/modules/$release/build
	src=$work/src
	dest=$work/image
	mkdir -p "$src"
	cp -a "$top/Makefile" "$top/Kbuild" "$top/kmod" "$top/scripts" "$src/"
	(
		cd "$src" || exit 1
		unset CFLAGS CPPFLAGS CXXFLAGS LDFLAGS
		export ARCH=x86 CROSS_COMPILE= KBUILD_OUTPUT=$kdir KERNEL_VERSION=$release
		make -j2 KERNEL_SRC="$kdir" KERNEL_PATH="$kdir" KERNEL_VERSION="$release" \
			CC=gcc LD=ld AR=ar OBJCOPY=objcopy STRIP=strip O="$kdir" \
			KBUILD_EXTRA_SYMBOLS= $targets &&
		make KERNEL_SRC="$kdir" DEPMOD=echo MODLIB="$dest/lib/modules/$release" \
			INSTALL_FW_PATH="$dest/lib/firmware" CC=gcc LD=ld OBJCOPY=objcopy STRIP=strip \
			O="$kdir" KBUILD_EXTRA_SYMBOLS= "$install_target"
	) > "$work/module.log" 2>&1
	module_results yocto "$dest" "$src" "$work/module.log"
fi

# iotguard-audit.bbclass's function, as do_rootfs runs it (BitBake's
# variables expanded, bbfatal failing), with iotguard-native's two tools on
# PATH: a clean image gets SUPPORT_END, an empty root password fails.
class=$layer/classes/iotguard-audit.bbclass
grep -q '^ROOTFS_POSTPROCESS_COMMAND += "iotguard_audit_rootfs"' "$class" &&
	grep -q 'iotguard-native:do_populate_sysroot' "$class"
tap_result $? yocto.audit_class_runs_after_rootfs_with_the_native_tools

image=$work/rootfs
native=$work/native
mkdir -p "$native"
ln -s "$top/build/iotguardctl" "$native/iotguardctl"
ln -s "$top/scripts/os-release-support-end" "$native/iotguard-os-release-support-end"
image_root "$top" "$image" "$work/image.log"
{
	echo 'bbfatal() { echo "ERROR: $*"; exit 1; }'
	sed -n '/^iotguard_audit_rootfs() {/,/^}/p' "$class" |
		sed -e "s|\${IMAGE_ROOTFS}|$image|g" -e 's|\${sysconfdir}|/etc|g' \
			-e "s|\${STAGING_BINDIR_NATIVE}|$native|g"
	echo iotguard_audit_rootfs
} > "$work/rootfs.sh"
mkdir -p "$image/usr/lib"
printf 'ID=poky\n' > "$image/usr/lib/os-release"
ln -s ../usr/lib/os-release "$image/etc/os-release"
PATH=$native:$PATH sh -e "$work/rootfs.sh" >> "$work/image.log" 2>&1 &&
	grep -q '^SUPPORT_END=[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]$' "$image/usr/lib/os-release"
tap_result $? yocto.audit_class_passes_a_clean_image_and_sets_support_end \
	"$(tail -5 "$work/image.log"; cat "$image/usr/lib/os-release")"
printf 'root::19000:0:99999:7:::\n' > "$image/etc/shadow"
PATH=$native:$PATH sh -e "$work/rootfs.sh" > "$work/fail.log" 2>&1
[ $? -ne 0 ] && grep -q 'ERROR: iotguardctl audit' "$work/fail.log" &&
	grep -q 'empty or known-default password' "$work/fail.log"
tap_result $? yocto.audit_class_fails_an_empty_root_password "$(cat "$work/fail.log")"
tap_exit
