#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The derived-password construction is published (README, and
# scripts/derive-password-reference in Python's standard library) so that a
# factory can print labels with standard tools. iotguardctl must agree with
# the reference on many inputs, and both must give the published vectors:
# a label already printed stays valid. TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
ctl=$top/build/iotguardctl
ref=$top/scripts/derive-password-reference
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
. "$top/tests/host/tap_lib.sh"

secret() {	# FILE CONTENT-COMMAND...
	local file=$1
	shift
	"$@" > "$file"
	chmod 600 "$file"
}

tap_plan 3

# The README's vectors: secret, device id, account, password.
secret "$dir/ascii" printf '%s' 0123456789abcdef0123456789abcdef
secret "$dir/zeros" head -c 64 /dev/zero
vectors=(
	"ascii|52:54:00:12:34:56|root|rwsxm-3zh85-wfh4e-pn7x8"
	"ascii|52:54:00:12:34:57|root|nuzmx-zs2ax-qrn3v-xy3bj"
	"zeros|SN-0001|admin|s247p-66yxc-qvtzy-rkmz8"
)
bad=0
for v in "${vectors[@]}"; do
	IFS='|' read -r file id account want <<< "$v"
	for tool in ctl ref; do
		if [ "$tool" = ctl ]; then
			got=$("$ctl" derive-password --secret "$dir/$file" --device-id "$id" \
				--account "$account" 2>&1)
		else
			got=$("$ref" "$dir/$file" "$id" "$account" 2>&1)
		fi
		if [ "$got" != "$want" ]; then
			echo "# $tool, secret $file, id $id, account $account: '$got', want '$want'"
			bad=1
		fi
	done
done
tap_result "$bad" derive_reference.published_vectors_hold

# Many inputs: random secrets of every allowed size class, ids up to the
# longest a device id may be, and accounts with non-ASCII names.
bad=0
for i in $(seq 1 40); do
	size=$((32 + (i * 97) % 4064))
	secret "$dir/s$i" head -c "$size" /dev/urandom
	id=$(head -c $((1 + (i * 37) % 200)) /dev/urandom | base64 -w0 | tr -d '=+/' | head -c 250)
	[ -n "$id" ] || id=x
	account=$(printf 'user%d' "$i")
	[ $((i % 5)) = 0 ] && account="pålle$i"
	a=$("$ctl" derive-password --secret "$dir/s$i" --device-id "$id" --account "$account" 2>&1)
	b=$("$ref" "$dir/s$i" "$id" "$account" 2>&1)
	if [ "$a" != "$b" ] || ! [[ $a =~ ^[2-9a-hjkmnp-z]{5}(-[2-9a-hjkmnp-z]{5}){3}$ ]]; then
		echo "# secret of $size bytes, id '$id', account '$account': iotguardctl '$a', reference '$b'"
		bad=1
	fi
done
tap_result "$bad" derive_reference.iotguardctl_agrees_with_the_reference_on_40_random_inputs

# A different secret, id or account gives a different password.
a=$("$ref" "$dir/ascii" 52:54:00:12:34:56 root)
b=$("$ref" "$dir/ascii" 52:54:00:12:34:56 admin)
c=$("$ref" "$dir/zeros" 52:54:00:12:34:56 root)
[ "$a" != "$b" ] && [ "$a" != "$c" ] && [ "$b" != "$c" ]
tap_result $? derive_reference.each_input_changes_the_password
tap_exit
