#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel coding style for kmod/ and bpf/: checkpatch.pl from linux-source
# (extracted by scripts/deps) must find no error or warning (but the VOLATILE
# warning in BPF programs, below). One TAP line a
# file; also checks that every source file starts with an SPDX line.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
checkpatch=$top/build/kselftest/scripts/checkpatch.pl
cd "$top"
files=(kmod/*.c kmod/*.h kmod/uapi/*.h bpf/*.c bpf/*.h)
sources=(Kbuild Makefile kmod/*.[ch] kmod/uapi/*.h bpf/*.[ch] agent/*/*.[ch] tests/*.[ch] bench/*.c
	tests/Makefile tests/host/*.c tests/host/*.sh tests/host/*.py scripts/* scripts/init.d/* scripts/image/*
	scripts/systemd/* scripts/modules-load.d/* man/* VERSION policy/*.conf .ci/run)
. "$top/tests/host/tap_lib.sh"
tap_plan $((${#files[@]} + 1))
for f in "${files[@]}"; do
	# In BPF programs "const volatile" is libbpf's idiom for a value the
	# loader sets before the load and the kernel then keeps read-only.
	ignore=()
	case $f in bpf/*.bpf.c) ignore=(--ignore VOLATILE) ;; esac
	out=$(perl "$checkpatch" --no-tree --quiet --show-types "${ignore[@]}" -f "$f" 2>&1)
	tap_result "$([ $? = 0 ] && [ -z "$out" ]; echo $?)" "checkpatch.$f" "$out"
done
missing=""
for f in "${sources[@]}"; do
	[ -f "$f" ] || continue
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier' || missing="$missing $f"
done
tap_result "$([ -z "$missing" ]; echo $?)" spdx_line_in_every_source_file \
	"no SPDX line in:$missing"
tap_exit
