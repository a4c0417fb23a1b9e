#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel coding style for kmod/ and bpf/: checkpatch.pl from linux-source
# (extracted by scripts/deps) must find no error or warning. One TAP line a
# file; also checks that every source file starts with an SPDX line.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
checkpatch=$top/build/kselftest/scripts/checkpatch.pl
cd "$top"
files=(kmod/*.c kmod/*.h kmod/uapi/*.h bpf/*.c bpf/*.h)
sources=(Kbuild Makefile kmod/*.[ch] kmod/uapi/*.h bpf/*.[ch] agent/*/*.[ch] tests/*.[ch] bench/*.c
	tests/Makefile tests/host/*.c tests/host/*.sh scripts/* scripts/init.d/* scripts/image/*
	policy/*.conf .ci/run)
echo "TAP version 13"
echo "1..$((${#files[@]} + 1))"
n=0
failed=0
for f in "${files[@]}"; do
	n=$((n + 1))
	if out=$(perl "$checkpatch" --no-tree --quiet --show-types -f "$f" 2>&1) && [ -z "$out" ]; then
		echo "ok $n checkpatch.$f"
	else
		printf '%s\n' "$out" | sed 's/^/# /'
		echo "not ok $n checkpatch.$f"
		failed=1
	fi
done
n=$((n + 1))
missing=""
for f in "${sources[@]}"; do
	[ -f "$f" ] || continue
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier' || missing="$missing $f"
done
if [ -z "$missing" ]; then
	echo "ok $n spdx_line_in_every_source_file"
else
	echo "# no SPDX line in:$missing"
	echo "not ok $n spdx_line_in_every_source_file"
	failed=1
fi
exit "$failed"
