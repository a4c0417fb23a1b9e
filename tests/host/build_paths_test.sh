#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# No installed file names the build tree (Yocto's buildpaths QA check
# fails a package that does): the programs, and the BPF objects, whose BTF
# names their sources and is embedded in iotguardd by the skeleton. The
# build maps the tree to "." (-ffile-prefix-map). TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
files=("$top/build/iotguardd" "$top/build/iotguardctl")
for f in "$top"/build/bpf/*.o; do
	case "$f" in *.bpf.o) ;; *) files+=("$f") ;; esac
done
. "$top/tests/host/tap_lib.sh"
tap_plan "${#files[@]}"
for f in "${files[@]}"; do
	name=no_build_path_in.${f#"$top"/}
	if [ ! -f "$f" ]; then
		tap_result 1 "$name" "${f#"$top"/} is not built: run make first"
	else
		hits=$(strings -a "$f" | grep -F "$top" | head -3)
		tap_result "$([ -z "$hits" ]; echo $?)" "$name" "$hits"
	fi
done
tap_exit
