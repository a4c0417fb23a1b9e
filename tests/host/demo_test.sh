#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo` is the main job: run its story and check the outcomes it
# shows. TAP output. Usage: demo_test.sh [KERNEL]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=${1:-6.1}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if [ -n "${DEMO_OUTPUT:-}" ]; then
	# Re-check a saved run: DEMO_OUTPUT=FILE (its status is taken as 0).
	cp "$DEMO_OUTPUT" "$out"
	status=0
else
	"$top/scripts/demo" --kernel "$kernel" --no-build > "$out" 2>&1
	status=$?
fi
n=0
failed=0
check() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n demo.$1"
	else
		echo "not ok $n demo.$1 # expected $3, got $2"
		failed=1
	fi
}
lines() { grep -cE "$1" "$out"; }
echo "TAP version 13"
echo "1..23"
check runs_to_the_end "$status" 0
check audit_flags_the_vendor_default "$(lines 'known default  <-- FLAGGED')" 1
# The bot's first round (before provisioning): every connection reset.
check mirai_bot_reset_while_default "$(grep -E '^  (telnet|ssh) +61 pairs tried:' "$out" | head -2 |
	grep -cE '0 logged in, 0 refused by login, 61 reset by the device')" 2
# The bot's connections meet the throttle (a bucket of `burst` tokens, one
# more every `interval`) before anything else. In any attack the throttle lets
# through at least nothing and at most the burst plus the tokens refilled while
# the attack lasted, so each count is bounded by the attack's duration, never
# fixed: a slower or busier machine attacks for longer. The device prints its
# burst and interval, and how long each attack took by /proc/uptime (10 ms
# ticks: up to 10 ms longer than shown).
burst=$(sed -n 's/^  throttle: *\([0-9]*\) new connections at once.*/\1/p' "$out" | head -1)
interval_ds=$(sed -n 's/^  throttle: .*then one every \([0-9]*\)\.\([0-9]\) s.*/\1\2/p' "$out" | head -1)
# Per round r (1: locked, 2: open): duration, the bot's tallies (which come
# before "took"), and the gate's counters (after it).
round=1
declare -A r
while IFS= read -r line; do
	if [[ $line =~ ^\ \ the\ attack\ took\ ([0-9]+)\.([0-9][0-9])\ s$ ]]; then
		r[elapsed_cs$round]=$((10#${BASH_REMATCH[1]}${BASH_REMATCH[2]}))
		round=$((round + 1))
	elif [[ $line =~ ^\ \ (telnet|ssh)\ +([0-9]+)\ pairs\ tried:\ ([0-9]+)\ logged\ in,\ ([0-9]+)\ refused\ by\ login,\ ([0-9]+)\ reset\ by\ the\ device,\ ([0-9]+)\ broken$ ]]; then
		r[tried$round]=$(( ${r[tried$round]:-0} + BASH_REMATCH[2] ))
		r[logged_in$round]=$(( ${r[logged_in$round]:-0} + BASH_REMATCH[3] ))
		# Past the throttle: refused by login, or broken by a slow login.
		r[passed$round]=$(( ${r[passed$round]:-0} + BASH_REMATCH[4] + BASH_REMATCH[6] ))
		r[reset$round]=$(( ${r[reset$round]:-0} + BASH_REMATCH[5] ))
	elif [[ $line =~ ^\ \ (lockout|throttle)_refused\ +([0-9]+)$ ]] && [ "$round" -gt 1 ]; then
		r[${BASH_REMATCH[1]}$((round - 1))]=${BASH_REMATCH[2]}
	fi
done < "$out"
# The most tokens the bot can have taken in round r.
most() {
	local e=${r[elapsed_cs$1]:-}
	[ -n "$burst" ] && [ -n "$interval_ds" ] && [ -n "$e" ] || { echo -1; return; }
	echo $(( burst + (e + 1) * 10 / (10#$interval_ds * 100) ))
}
most1=$(most 1)
most2=$(most 2)
for k in "${!r[@]}"; do printf '%s=%s\n' "$k" "${r[$k]}"; done | sort | tr '\n' ' ' |
	sed "s/^/# burst=${burst:-?} interval=${interval_ds:-?}00ms most1=$most1 most2=$most2 /; s/ *$/\n/"
# Round 1, locked: the throttle passed a full bucket to the lockout (a new
# source starts with the burst), plus what refilled; it refused every other.
# The lockout counts no more once the device is provisioned.
in_bounds=no
if [ -n "${r[lockout1]:-}" ] && [ "${r[lockout1]}" = "${r[lockout2]:-}" ] &&
	[ "${r[lockout1]}" -ge "${burst:-1}" ] && [ "${r[lockout1]}" -le "$most1" ]; then
	in_bounds=yes
fi
check lockout_took_the_burst "$in_bounds" yes
check throttle_took_the_rest "$(( ${r[lockout1]:-0} + ${r[throttle1]:-0} ))" "${r[tried1]:--1}"
check default_refused_on_the_device "$(lines '^  (pty|su) +root / admin: refused')" 3
check own_password_works_on_every_path "$(lines '^  (pty|su|telnet|ssh) +root / [a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{5}: logged in')" 4
# Round 2, open: no more reached a login than the throttle's budget for the
# attack's duration, none logged in, and every other connection was reset.
in_bounds=no
if [ "${r[tried2]:-0}" -gt 0 ] && [ "${r[logged_in2]}" = 0 ] &&
	[ "${r[passed2]}" -le "$most2" ] && [ $(( r[passed2] + r[reset2] )) = "${r[tried2]}" ]; then
	in_bounds=yes
fi
check bot_still_throttled_once_open "$in_bounds" yes
check security_txt_printed "$(lines '^Contact: mailto:security@example.com$')" 1
check report_fails_only_the_password_rows_before "$(lines '^  fail  ')" 2
check the_failing_rows_are_the_password_rows "$(lines '^  fail  (PSTI Sch.1 §1|ETSI 5.1-1) ')" 2
check report_passes_every_row_after "$(lines '^All requirements pass\.$')" 1
check nothing_logged_in_with_a_default "$(lines 'root / admin: logged in|[1-9][0-9]* logged in,')" 0
# The outbound scene. Its sections, each up to the next heading.
section() { awk -v h="$1" '/== / { on = index($0, h) > 0; next } on' "$out"; }
check outbound_policy_in_force "$(lines '^  outbound policy in force: enforced, default deny, 1 rule\(s\)')" 1
check explain_denies_c2_and_victim_allows_cloud "$(lines '^  ((tcp to 10\.99\.0\.4|udp to 10\.99\.0\.5) port 8883: denied by the default|tcp to 10\.99\.0\.3 port 8883: allowed by rule 1 )')" 3
check c2_refused "$(lines '^  connect to 10\.99\.0\.4 port 8883: refused \(Operation not permitted\)$')" 1
check raw_and_packet_sockets_refused "$(lines '^  (raw IP|packet) socket \([^)]*\): refused \(Operation not permitted\)$')" 2
# Every datagram refused at sendto(), none sent (the test's N is the demo's).
flood=$(sed -nE 's/^  UDP flood of ([0-9]+) datagrams to 10\.99\.0\.5 port 8883: ([0-9]+) refused \(Operation not permitted\), ([0-9]+) sent$/\1 \2 \3/p' \
	"$out")
read -r flood_n flood_refused flood_sent <<< "${flood:-0 -1 -1}"
check flood_all_refused_none_sent "$([ "$flood_n" -gt 0 ] && [ "$flood_refused" = "$flood_n" ] &&
	[ "$flood_sent" = 0 ] && echo yes)" yes
check nothing_reached_c2_or_victim "$(lines '^  10\.99\.0\.[45] port 8883: 0 TCP connections, 0 UDP datagrams arrived$')" 2
# The listener counted: the one connection the policy allows arrived.
check cloud_connected_and_arrived "$(lines '^  (connect to 10\.99\.0\.3 port 8883: connected|10\.99\.0\.3 port 8883: 1 TCP connections, 0 UDP datagrams arrived)$')" 2
# iotguardctl events --count 5: the malware's first five refusals, in order.
events_in_order=yes
n_event=0
for want in 'tcp to 10\.99\.0\.4 port 8883: pid [0-9]+ \(malware\)' \
	    'a raw IP socket .*: pid [0-9]+ \(malware\)' 'a packet socket .*: pid [0-9]+ \(malware\)' \
	    'udp to 10\.99\.0\.5 port 8883: pid [0-9]+ \(malware\)' \
	    'udp to 10\.99\.0\.5 port 8883: pid [0-9]+ \(malware\)'; do
	n_event=$((n_event + 1))
	section 'The first refusals, live' | sed -n "${n_event}p" |
		grep -qE "^  outbound: refused $want" || events_in_order=no
done
check events_show_the_malware "$events_in_order" yes
# The agent's log names the malware for each kind of refusal.
logged=$(section 'What iotguardd logged (at most 20' |
	grep -oE '^  outbound: refused (tcp to 10\.99\.0\.4|a raw IP socket|a packet socket|udp to 10\.99\.0\.5).*\(malware\)' |
	sed -E 's/^  outbound: refused (tcp|a raw IP|a packet|udp).*/\1/' | sort -u | wc -l)
check log_names_the_malware_each_way "$logged" 4
# The agent logs refusals through a token bucket: 20 at once, 5 more a
# second. In the X s the demo measured (by /proc/uptime, up to 10 ms short)
# it logged at least the four kinds above and at most 20 + 5 * X lines.
rate=$(sed -nE 's/^  ([0-9]+) lines about the malware in ([0-9]+)\.([0-9]{2}) s$/\1 \2\3/p' "$out")
read -r rate_lines rate_cs <<< "${rate:-0 0}"
echo "# the agent logged $rate_lines lines about the malware in ${rate_cs}0 ms"
check log_rate_limited "$([ "$rate_lines" -ge 4 ] &&
	[ "$rate_lines" -le $(( 20 + 5 * (10#$rate_cs + 1) / 100 )) ] && echo yes)" yes
[ "$failed" = 0 ] || sed 's/^/# /' "$out"
exit "$failed"
