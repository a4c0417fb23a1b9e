#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The agent's interfaces to the system around it, as installed by
# `make install-agent`: the man pages render without a groff warning and
# name every command and option of the tools' --help (so they cannot go
# stale); both tools print the version; the systemd units pass
# `systemd-analyze verify` (skipped, with the reason, where systemd is not
# installed); the init scripts carry LSB headers; check-policy --release
# refuses the shipped example and passes a product's policy;
# os-release-support-end reads the policy with the agent's parser. TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/host/tap_lib.sh"
ctl=$top/build/iotguardctl
daemon=$top/build/iotguardd
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

tap_skip() {	# NAME REASON
	tap_n=$((tap_n + 1))
	echo "ok $tap_n $1 # SKIP $2"
}

tap_plan 12
make -s -C "$top" install-agent DESTDIR="$dir/root" > "$dir/install.log" 2>&1
tap_result $? services.install_agent "$(tail -5 "$dir/install.log")"
man=$dir/root/usr/share/man

# groff -ww: every warning; a page that renders with one fails.
out=""
for page in "$man/man8/iotguardd.8" "$man/man8/iotguardctl.8" "$man/man5/iotguard.conf.5"; do
	[ -s "$page" ] || { out="$out$page: missing"$'\n'; continue; }
	warn=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww "$page" 2>&1 >/dev/null)
	[ -z "$warn" ] || out="$out$page: $warn"$'\n'
done
tap_result "$([ -z "$out" ]; echo $?)" services.man_pages_render_without_warnings "$out"

# Each command of iotguardctl --help starts a line in the page as \fBname\fR,
# and each --option of the help is there as \-\-option (roff's hyphens).
roff() {
	printf '%s' "$1" | sed 's/-/\\-/g'
}
missing=""
help=$("$ctl" --help)
for cmd in $(printf '%s\n' "$help" | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p'); do
	pat="\\fB$(roff "$cmd")\\fR"
	cut -c "1-${#pat}" "$man/man8/iotguardctl.8" | grep -qxF -- "$pat" || missing="$missing $cmd"
done
for opt in $(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -qF -- "$(roff "$opt")" "$man/man8/iotguardctl.8" || missing="$missing $opt"
done
tap_result "$([ -z "$missing" ]; echo $?)" services.iotguardctl_page_has_every_command \
	"iotguardctl.8 lacks:$missing"
[ "$(printf '%s\n' "$help" | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p' | wc -l)" -ge 14 ]
tap_result $? services.help_lists_the_commands_the_page_is_checked_against

missing=""
for opt in $("$daemon" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	grep -qF -- "$(roff "$opt")" "$man/man8/iotguardd.8" || missing="$missing $opt"
done
tap_result "$([ -z "$missing" ]; echo $?)" services.iotguardd_page_has_every_option \
	"iotguardd.8 lacks:$missing"

# The version: one place (git describe, else VERSION), the same in both tools.
v1=$("$ctl" --version) v2=$("$daemon" --version) v3=$("$daemon" -V)
want=$(grep -v "^#" "$top/VERSION")
case "$v1" in
"iotguardctl "[0-9]*) ok=0 ;;
*) ok=1 ;;
esac
[ "$ok" = 0 ] && [ "${v1#iotguardctl }" = "${v2#iotguardd }" ] && [ "$v2" = "$v3" ] &&
	{ [ "${v1#iotguardctl }" = "$want" ] ||
	  git -C "$top" describe --tags >/dev/null 2>&1; } &&
	! printf '%s' "$v1" | grep -q /
tap_result $? services.version_from_one_place "$v1 / $v2 / $v3 (VERSION $want)"

# systemd-analyze verify resolves ExecStart and Documentation=man: on this
# machine, so the installed units are checked with their paths pointed into
# DESTDIR, and man reads the installed pages.
units=$dir/root/usr/lib/systemd/system
if ! command -v systemd-analyze >/dev/null; then
	tap_skip services.units_verify "systemd-analyze is not installed on this host"
else
	mkdir "$dir/units"
	for u in "$units"/iotguardd.service "$units"/iotguard-lock.service; do
		sed "s|=/usr/|=$dir/root/usr/|" "$u" > "$dir/units/${u##*/}"
	done
	out=$(MANPATH=$man SYSTEMD_LOG_LEVEL=notice \
		systemd-analyze verify "$dir"/units/*.service 2>&1)
	tap_result "$([ $? = 0 ] && [ -z "$out" ]; echo $?)" services.units_verify "$out"
fi
grep -qx 'Type=notify' "$units/iotguardd.service" &&
	grep -qx 'ExecStart=/usr/bin/iotguardctl lock' "$units/iotguard-lock.service" &&
	grep -qx iotguard "$dir/root/usr/lib/modules-load.d/iotguard.conf"
tap_result $? services.units_and_modules_load_installed

out=""
for s in "$dir"/root/etc/init.d/*; do
	sed -n '/^### BEGIN INIT INFO$/,/^### END INIT INFO$/p' "$s" |
		grep -Eq '^# Provides: +[a-z]' || out="$out ${s##*/}"
done
tap_result "$([ -z "$out" ]; echo $?)" services.init_scripts_have_lsb_headers "no header:$out"

# The shipped example fails --release with file:line; a product's passes.
out=$("$ctl" check-policy --release "$top/policy/iotguard.conf" 2>&1)
status=$?
[ "$status" = 1 ] &&
	printf '%s\n' "$out" | grep -Eq "^$top/policy/iotguard.conf:[0-9]+: disclosure.contact .*example.com"
tap_result $? services.release_check_refuses_the_shipped_example "status $status: $out"
sed -e 's/example\.com/vendor.co.uk/g' -e 's/Example Devices Ltd/Vendor Ltd/' \
	"$top/policy/iotguard.conf" > "$dir/product.conf"
out=$("$ctl" check-policy --release "$dir/product.conf" 2>&1)
tap_result $? services.release_check_passes_a_product_policy "$out"

# Through the agent's parser: a file the agent refuses gives no SUPPORT_END,
# though its updates_until line alone would have satisfied a sed.
printf 'version = 1;\nsupport = { updates_until = "2031-06-30"; };\nbogus = 1;\n' > "$dir/bad.conf"
IOTGUARDCTL=$ctl "$top/scripts/os-release-support-end" "$dir/img" --policy "$dir/bad.conf" \
	> "$dir/bad.log" 2>&1
bad=$?
IOTGUARDCTL=$ctl "$top/scripts/os-release-support-end" "$dir/img" --policy "$dir/product.conf" \
	> "$dir/good.log" 2>&1
[ "$bad" = 1 ] && grep -q "bad.conf:3: unknown setting 'bogus'" "$dir/bad.log" &&
	[ "$(cat "$dir/img/etc/os-release")" = "SUPPORT_END=2031-01-01" ]
tap_result $? services.support_end_script_uses_the_parser \
	"$(cat "$dir/bad.log" "$dir/good.log" "$dir/img/etc/os-release" 2>&1)"
tap_exit
