# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench's summary of the login guard's and the network gate's
# rounds (with bench-lib.awk), part= "setuid" or "gate":
#   setuid ROUND DETACHED_NS DETACHED_LOGIN_NS ATTACHED_NS ATTACHED_LOGIN_NS RUNTIME_NS RUNTIME_LOGIN_NS
#   gate ROUND UNLOADED_CONNECT_NS UNLOADED_MIBS_7070 UNLOADED_MIBS_2323 LOADED_CONNECT_NS LOADED_MIBS_7070 LOADED_MIBS_2323
# Each round's ratio pairs the two sides measured next to each other.
# Writes JSON to json=; clock= says what a guest nanosecond is.

function med(arr, key) { return summarise(arr, key) ? S_MED : 0 }

# One line of the summary: a ratio's figure, or a time's median [min..max].
function row(text, arr, key, ns) {
	if (!summarise(arr, key))
		return
	if (ns)
		printf "    %-48s %.0f ns [%.0f..%.0f]\n", text, S_MED, S_MIN, S_MAX
	else
		printf "    %-48s %s\n", text, figure()
}

# n rows of the summary, and their JSON object jname (ns: times, not ratios).
function figures(jname, n, text, name, arr, key, ns,   i) {
	for (i = 1; i <= n; i++)
		row(text[i], arr, key[i], ns)
	printf "%s  \"%s\": {", (SECTIONS++ ? ",\n" : ""), jname > json
	JSON_FIRST = 0
	for (i = 1; i <= n; i++)
		if (ns)
			ns_json(name[i], arr, key[i])
		else
			json_figure(name[i], arr, key[i])
	printf "\n  }" > json
}

function ns_json(name, arr, key) {
	if (!summarise(arr, key))
		return
	printf "%s\n    \"%s\": {\"median\": %.1f, \"min\": %.1f, \"max\": %.1f}", \
		(JSON_FIRST++ ? "," : ""), name, S_MED, S_MIN, S_MAX > json
}

part == "setuid" && $1 == "setuid" && NF == 8 && $3 > 0 && $4 > 0 {
	r = $2
	ratio["plain", r] = $5 / $3
	ratio["login", r] = $6 / $4
	base["plain", r] = $3
	base["login", r] = $4
	rt["plain", r] = $7
	rt["login", r] = $8
	n++
}
part == "gate" && $1 == "gate" && NF == 8 && $3 > 0 && $4 > 0 && $5 > 0 {
	r = $2
	ratio["connect", r] = $6 / $3
	ratio["mibs7070", r] = $7 / $4
	ratio["mibs2323", r] = $8 / $5
	base["connect", r] = $3
	base["mibs7070", r] = $4
	base["mibs2323", r] = $5
	n++
}
END {
	if (!n) { print "  no results: see the console log"; exit 1 }
	printf "{\n  \"kernel\": \"%s\",\n  \"rounds\": %d,\n  \"clock\": \"%s\",\n", kernel, n, clock > json
	if (part == "setuid") {
		printf "  detached (the baseline, median, %s): %.0f ns a call, %.0f ns from a " \
			"login program\n", clock, med(base, "plain"), med(base, "login")
		print "  attached against detached: median [min..max] ratio"
		split("caller is not a login program|caller is a login program", text, "|")
		split("not_login_program login_program", name, " ")
		split("plain login", key, " ")
		figures("setuid_ratio", 2, text, name, ratio, key, 0)
		print "  the guard's setuid program's own time per run (bpf_stats): median [min..max]"
		figures("program_runtime_ns", 2, text, name, rt, key, 1)
		printf "\n}\n" > json
		exit 0
	}
	printf "  unloaded (the baseline, median, %s): connect+close %.0f ns, %.1f MiB/s " \
		"streamed\n", clock, med(base, "connect"), med(base, "mibs7070")
	print "  loaded against unloaded: median [min..max] ratio"
	split("connect+close cost, port 7070 (not a login port)|throughput, port 7070 (not a login " \
	      "port)|throughput, port 2323 (login port, established)", text, "|")
	split("connect_cost_7070 throughput_7070 throughput_2323", name, " ")
	split("connect mibs7070 mibs2323", key, " ")
	figures("loaded_ratio", 3, text, name, ratio, key, 0)
	printf "\n}\n" > json
}
