#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# First-boot provisioning on the device, booted from an image that ships a
# careless vendor default (root:admin). iotguardd must give root its own
# password at boot, deliver it to the root-only file and the console, and
# never to syslog. Needs its own boot (an overlay), hence a host-side test.
# TAP output. Usage: first_boot_test.sh [KERNEL]
set -u
. "$(dirname "$0")/boot_lib.sh"
boot_init first_boot "${1:-6.1}"
mkdir -p "$overlay/etc"
# root:admin, sha512crypt with a fixed salt (Mirai's third pair).
hash=$(perl -e 'print crypt("admin", q($6$vendorsalt$))')
printf 'root:%s:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' "$hash" > "$overlay/etc/shadow"
chmod 600 "$overlay/etc/shadow"
guest_script <<'GUEST'
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
boot_run | sed 's/1\.\.6/1..7/'
pw=$(sed -n 's/^# delivered: //p' "$log")
if [ -n "$pw" ] && grep -qE "^\*\*\*   root +$pw\$" "$log"; then
	echo "ok 7 first_boot.password_shown_on_the_console"
else
	echo "not ok 7 first_boot.password_shown_on_the_console"
	tail -n 30 "$log" | sed 's/^/# /'
fi
