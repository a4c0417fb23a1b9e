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
echo "TAP version 13"
echo "1..${#files[@]}"
n=0
failed=0
for f in "${files[@]}"; do
	n=$((n + 1))
	name=${f#"$top"/}
	if [ ! -f "$f" ]; then
		echo "# $name is not built: run make first"
		echo "not ok $n no_build_path_in.$name"
		failed=1
	elif hits=$(strings -a "$f" | grep -F "$top" | head -3) && [ -n "$hits" ]; then
		printf '%s\n' "$hits" | sed 's/^/# /'
		echo "not ok $n no_build_path_in.$name"
		failed=1
	else
		echo "ok $n no_build_path_in.$name"
	fi
done
exit "$failed"
