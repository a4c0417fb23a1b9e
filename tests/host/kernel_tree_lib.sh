# SPDX-License-Identifier: GPL-2.0
#
# Debian's linux-source-6.1 unpacked and prepared once for the host tests
# that need a kernel tree: x86_64_defconfig with what the module needs and
# CONFIG_IPV6 off, modules_prepare done (about three minutes on two cores),
# kept in build/kernel-noipv6. Source it after tap_lib.sh; it sets $tree.

source_tar=/usr/src/linux-source-6.1.tar.xz
tree=$top/build/kernel-noipv6

# kernel_tree_skip_unless_ready: end the test as skipped if the source or
# the tools to prepare it are missing.
kernel_tree_skip_unless_ready() {
	local need
	for need in "$source_tar" flex bison; do
		if [ ! -e "$need" ] && ! command -v "$need" >/dev/null 2>&1; then
			echo "TAP version 13"
			echo "1..0 # SKIP $need is missing (scripts/deps installs it)"
			exit 0
		fi
	done
}

# kernel_tree_prepare LOG: prepare the tree unless it is. Prepared in a
# temporary directory and renamed: an interrupted run leaves no
# half-prepared tree that a later run would trust.
kernel_tree_prepare() {
	local tmp
	[ -f "$tree/scripts/mod/modpost" ] && return 0
	tmp=$(mktemp -d "$top/build/kernel-noipv6.XXXXXX") || return 1
	{
		tar -xJf "$source_tar" -C "$tmp" --strip-components=1 &&
		make -s -C "$tmp" x86_64_defconfig &&
		"$tmp/scripts/config" --file "$tmp/.config" -d IPV6 -e NETFILTER \
			-m NF_REJECT_IPV4 -e MODULES -e MODULE_UNLOAD -e SYSFS -e BPF_SYSCALL &&
		make -s -C "$tmp" olddefconfig &&
		make -s -C "$tmp" -j"$(nproc)" modules_prepare &&
		rm -rf "$tree" && mv "$tmp" "$tree"
	} > "$1" 2>&1 && return 0
	rm -rf "$tmp"
	return 1
}
