#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A device whose policy file is broken at boot must stay closed: iotguardd
# refuses the file and exits, and the login guard, given the default login
# programs and no audit, treats every account as flagged. The console stays
# the owner's way in. Needs its own boot, hence a host-side test. TAP output.
set -u
. "$(dirname "$0")/boot_lib.sh"
boot_init bad_policy "${1:-6.1}"
mkdir -p "$overlay/etc/iotguard"
printf 'version = 1;\nmode = "enforce";\nmode = "off";\n' > "$overlay/etc/iotguard/iotguard.conf"
printf 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\ntester:%s:19000:0:99999:7:::\n' \
	"$(perl -e 'print crypt("Zq8-unique-pass", q($6$unique$))')" > "$overlay/etc/shadow"
chmod 600 "$overlay/etc/shadow"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\ntester:x:1000:1000::/tmp:/bin/sh\n' \
	> "$overlay/etc/passwd"
guest_script <<'GUEST'
client=/usr/lib/iotguard/selftests/iotguard/login_client
echo "TAP version 13"
echo "1..5"
check agent_refused_the_file 'grep -q "iotguard.conf:3: duplicate setting name" /var/log/messages'
check module_stays_closed '[ "$(cat /sys/kernel/iotguard/cred_state)" = unknown ] && [ "$(cat /sys/kernel/iotguard/mode)" = enforce ]'
# Even a unique password is refused remotely: nothing has been audited.
check ssh_refused_without_an_audit '! $client ssh tester Zq8-unique-pass >/dev/null'
check login_refused_without_an_audit '! $client pty tester Zq8-unique-pass >/dev/null'
# The console, though, is the owner's way in (su from the console session).
check console_still_works 'su tester -c true'
GUEST
boot_run
