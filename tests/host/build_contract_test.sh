#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The build contract for an integrator's kernel: KERNEL_SRC names the
# target, VMLINUX_BTF defaults to its vmlinux or the build stops with one line
# naming the variable, and no Debian test kernel is looked up unless it is the
# target. Runs `make -n` (nothing is built) with fake kernel trees. TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/host/tap_lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A fresh build folder: vmlinux.h is never there yet, so the BPF build needs
# its BTF input. Make's -n still expands recipes, where the check sits.
mk() {
	make -n -B -C "$top" --no-print-directory "$@" 2>&1
}
# A configured kernel tree, as far as `make -n` sees one: Kbuild's targets.
fake=$tmp/kernel
mkdir -p "$fake"
printf 'modules modules_install clean:\n\t@:\n' > "$fake/Makefile"

tap_plan 6

out=$(mk KERNEL_SRC="$fake" "$top/build/bpf/vmlinux.h")
lines=$(printf '%s\n' "$out" | grep -c .)
printf '%s\n' "$out" | grep -q "VMLINUX_BTF=$fake/vmlinux does not exist: set VMLINUX_BTF"
tap_result "$([ $? = 0 ] && [ "$lines" = 1 ]; echo $?)" \
	contract.missing_vmlinux_is_one_line_naming_VMLINUX_BTF "$out"

: > "$fake/vmlinux"
out=$(mk KERNEL_SRC="$fake" "$top/build/bpf/vmlinux.h")
printf '%s\n' "$out" | grep -q "btf dump file $fake/vmlinux format c"
tap_result $? contract.vmlinux_btf_defaults_to_KERNEL_SRC_vmlinux "$out"

out=$(mk KERNEL_SRC="$fake" VMLINUX_BTF=/sys/kernel/btf/vmlinux "$top/build/bpf/vmlinux.h")
printf '%s\n' "$out" | grep -q "btf dump file /sys/kernel/btf/vmlinux format c"
tap_result $? contract.vmlinux_btf_given_wins "$out"

out=$(mk KERNEL_SRC="$fake" modules)
printf '%s\n' "$out" | grep -q -- "-C $fake M=$top .*modules$"
tap_result $? contract.modules_build_against_KERNEL_SRC "$out"

# On a machine without the Debian test kernels (an integrator's), nothing
# that does not build against one asks for one: a stand-in for
# scripts/kernel-release records each lookup and finds nothing.
cat > "$tmp/kernel-release" <<STUB
#!/bin/sh
echo "\$*" >> "$tmp/lookups"
exit 1
STUB
chmod +x "$tmp/kernel-release"
for goal in help "KERNEL_SRC=$fake all" "KERNEL_SRC=$fake install" clean; do
	# shellcheck disable=SC2086
	mk KERNEL_RELEASE="$tmp/kernel-release" $goal > "$tmp/out" ||
		echo "make $goal failed: $(tail -2 "$tmp/out")" >> "$tmp/lookups"
	grep -i 'kernel-release\|no Debian' "$tmp/out" >> "$tmp/lookups"
done
lookups=$(cat "$tmp/lookups" 2>/dev/null)
tap_result "$([ -z "$lookups" ]; echo $?)" contract.no_test_kernel_lookup_unless_it_is_the_target \
	"$lookups"

# The stand-in is consulted when the test kernel is the target, and its
# absence is one line naming what to set.
out=$(mk KERNEL_RELEASE="$tmp/kernel-release" modules)
printf '%s\n' "$out" | grep -q 'no Debian 6.1 test kernel.*set KERNEL_SRC'
tap_result $? contract.default_target_is_the_test_kernel "$out"
tap_exit
