# SPDX-License-Identifier: GPL-2.0
#
# What buildroot_test.sh and yocto_test.sh both check of an image build:
# source it after tap_lib.sh.

# module_results PREFIX DIR SRC LOG: two results, the module installed
# under DIR, and no file under DIR naming SRC (the tree it was built in;
# Yocto's buildpaths check). LOG: the build's, shown on failure.
module_results() {
	local prefix=$1 dir=$2 src=$3 log=$4 ko leaks
	ko=$(find "$dir" -name iotguard.ko 2>/dev/null)
	tap_result "$([ -n "$ko" ]; echo $?)" "$prefix.module_builds_against_debian_headers" \
		"$(tail -5 "$log")"
	leaks=$(grep -rlF "$src" "$dir")
	tap_result "$([ -n "$ko" ] && [ -z "$leaks" ]; echo $?)" \
		"$prefix.installed_module_names_no_build_path" "${leaks:-no module}"
}

# image_root TOP DIR LOG: an image at DIR as install-agent makes it (on a
# built tree), with root's password locked. LOG gets make's output.
image_root() {
	local top=$1 dir=$2 log=$3
	mkdir -p "$dir/etc"
	make -s -C "$top" install-agent DESTDIR="$dir" KERNEL_SRC=/nonexistent >> "$log" 2>&1
	printf 'root:x:0:0:root:/root:/bin/sh\n' > "$dir/etc/passwd"
	printf 'root:!:19000:0:99999:7:::\n' > "$dir/etc/shadow"
}
