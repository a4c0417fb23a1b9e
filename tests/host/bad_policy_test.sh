#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A device whose policy file is broken at boot must stay closed: iotguardd
# refuses the file and exits, and the login guard, given the default login
# programs and no audit, treats every account as flagged. The console stays
# the owner's way in. Needs its own boot, hence a host-side test. TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=${1:-6.1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/overlay/etc/iotguard" "$work/overlay/usr/share/iotguard-test"
printf 'version = 1;\nmode = "enforce";\nmode = "off";\n' > "$work/overlay/etc/iotguard/iotguard.conf"
printf 'root:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\ntester:%s:19000:0:99999:7:::\n' \
	"$(perl -e 'print crypt("Zq8-unique-pass", q($6$unique$))')" > "$work/overlay/etc/shadow"
chmod 600 "$work/overlay/etc/shadow"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\ntester:x:1000:1000::/tmp:/bin/sh\n' \
	> "$work/overlay/etc/passwd"
cat > "$work/overlay/usr/share/iotguard-test/bad_policy.sh" <<'GUEST'
client=/usr/lib/iotguard/selftests/iotguard/login_client
n=0
check() {
	n=$((n + 1))
	if eval "$2"; then echo "ok $n bad_policy.$1"; else echo "not ok $n bad_policy.$1"; fi
}
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
"$top/scripts/vm" --kernel "$kernel" --no-build --overlay "$work/overlay" --log "$work/console.log" \
	-- sh /usr/share/iotguard-test/bad_policy.sh > /dev/null 2>&1
grep -E '^(not )?ok |^TAP|^1\.\.' "$work/console.log"
