#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# First-boot provisioning on the device, booted from an image that ships a
# careless vendor default (root:admin). iotguardd must give root its own
# password at boot, deliver it to the root-only file and the console, and
# never to syslog. Needs its own boot (an overlay), hence a host-side test.
# TAP output. Usage: first_boot_test.sh [KERNEL]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=${1:-6.1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/overlay/etc" "$work/overlay/usr/share/iotguard-test"
# root:admin, sha512crypt with a fixed salt (Mirai's third pair).
hash=$(perl -e 'print crypt("admin", q($6$vendorsalt$))')
printf 'root:%s:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' "$hash" > "$work/overlay/etc/shadow"
chmod 600 "$work/overlay/etc/shadow"
cat > "$work/overlay/usr/share/iotguard-test/first_boot.sh" <<'GUEST'
n=0
check() {
	n=$((n + 1))
	if eval "$2"; then echo "ok $n first_boot.$1"; else echo "not ok $n first_boot.$1"; fi
}
i=0
while [ "$(cat /sys/kernel/iotguard/cred_state)" != provisioned ] && [ $i -lt 200 ]; do
	sleep 0.1; i=$((i + 1))
done
f=/root/iotguard-initial-password
pw=$(sed -n 's/^root://p' $f 2>/dev/null)
verify=/usr/lib/iotguard/selftests/iotguard/verify_password
echo "TAP version 13"
echo "1..6"
check kernel_state_is_provisioned '[ "$(cat /sys/kernel/iotguard/cred_state)" = provisioned ]'
check password_delivered_to_a_root_only_file '[ "$(stat -c %a $f)" = 600 ] && [ -n "$pw" ]'
check store_takes_the_delivered_password '$verify root "$pw"'
check vendor_default_no_longer_works '$verify root admin; [ $? -eq 1 ]'
check password_never_in_syslog '! grep -qF "$pw" /var/log/messages'
check audit_now_passes 'iotguardctl audit >/dev/null'
echo "# delivered: $pw"
GUEST
log=$work/console.log
"$top/scripts/vm" --kernel "$kernel" --no-build --overlay "$work/overlay" --log "$log" \
	-- sh /usr/share/iotguard-test/first_boot.sh > /dev/null 2>&1
grep -E '^(not )?ok |^TAP|^1\.\.' "$log" | sed 's/1\.\.6/1..7/'
pw=$(sed -n 's/^# delivered: //p' "$log")
if [ -n "$pw" ] && grep -qE "^\*\*\*   root +$pw\$" "$log"; then
	echo "ok 7 first_boot.password_shown_on_the_console"
else
	echo "not ok 7 first_boot.password_shown_on_the_console"
	tail -n 30 "$log" | sed 's/^/# /'
fi
