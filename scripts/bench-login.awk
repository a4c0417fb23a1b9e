# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench's summary of the login guard's and the network gate's
# rounds (with bench-lib.awk), part= "setuid" or "gate":
#   setuid ROUND DETACHED_NS DETACHED_LOGIN_NS ATTACHED_NS ATTACHED_LOGIN_NS RUNTIME_NS RUNTIME_LOGIN_NS
#   gate ROUND UNLOADED_CONNECT_NS UNLOADED_MIBS_7070 UNLOADED_MIBS_2323 LOADED_CONNECT_NS LOADED_MIBS_7070 LOADED_MIBS_2323
# Each round's ratio pairs the two sides measured next to each other.
# Writes JSON to json=; clock= says what a guest nanosecond is.

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
		summarise(base, "plain")
		printf "  detached (the baseline, median, %s): %.0f ns a call", clock, S_MED
		summarise(base, "login")
		printf ", %.0f ns from a login program\n", S_MED
		print "  attached against detached: median [min..max] ratio"
		summarise(ratio, "plain")
		printf "    %-40s %s\n", "caller is not a login program", figure()
		summarise(ratio, "login")
		printf "    %-40s %s\n", "caller is a login program", figure()
		print "  the guard's setuid program's own time per run (bpf_stats): median [min..max]"
		if (summarise(rt, "plain"))
			printf "    %-40s %.0f ns [%.0f..%.0f]\n", "caller is not a login program", S_MED, S_MIN, S_MAX
		if (summarise(rt, "login"))
			printf "    %-40s %.0f ns [%.0f..%.0f]\n", "caller is a login program", S_MED, S_MIN, S_MAX
		printf "  \"setuid_ratio\": {" > json
		JSON_FIRST = 0
		json_figure("not_login_program", ratio, "plain")
		json_figure("login_program", ratio, "login")
		printf "\n  },\n  \"program_runtime_ns\": {" > json
		JSON_FIRST = 0
		ns_json("not_login_program", rt, "plain")
		ns_json("login_program", rt, "login")
		printf "\n  }\n}\n" > json
		exit 0
	}
	summarise(base, "connect")
	printf "  unloaded (the baseline, median, %s): connect+close %.0f ns", clock, S_MED
	summarise(base, "mibs7070")
	printf ", %.1f MiB/s streamed\n", S_MED
	print "  loaded against unloaded: median [min..max] ratio"
	summarise(ratio, "connect")
	printf "    %-48s %s\n", "connect+close cost, port 7070 (not a login port)", figure()
	summarise(ratio, "mibs7070")
	printf "    %-48s %s\n", "throughput, port 7070 (not a login port)", figure()
	summarise(ratio, "mibs2323")
	printf "    %-48s %s\n", "throughput, port 2323 (login port, established)", figure()
	printf "  \"loaded_ratio\": {" > json
	JSON_FIRST = 0
	json_figure("connect_cost_7070", ratio, "connect")
	json_figure("throughput_7070", ratio, "mibs7070")
	json_figure("throughput_2323", ratio, "mibs2323")
	printf "\n  }\n}\n" > json
}
