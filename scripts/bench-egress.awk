# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-egress's summary of the guest's lines
#   pair ROUND CONFIG NONE_CONNECT_NS NONE_FLOW_NS WITH_CONNECT_NS WITH_FLOW_NS RUNTIME_NS|-
#   answer ROUND NONE_EXCHANGE_NS WITH_EXCHANGE_NS ACCEPTED_RUN_NS CLIENT_RUN_NS
# Every figure is a ratio per round (the configuration against nothing
# attached, measured next to it), summarised by bench-lib.awk. Writes JSON
# to json= and the plot's data to dat=; clock= says what a guest nanosecond
# is.

function label(c,   n, what) {
	n = c
	sub(/^[a-z]*-/, "", n)
	if (n >= 1000)
		n = sprintf("%d,%03d", n / 1000, n % 1000)
	sub(/-.*/, "", c)
	what = "rules"
	if (c == "egressnet") {
		c = "egress"
		what = "/24 networks"
	}
	return sprintf("%s, %s %s", c, n, what)
}
function goal(text, status, detail) {
	printf "    %-60s %s (%s)\n", text, status, detail
	GOALS = GOALS (GOALS == "" ? "" : ",") \
		sprintf("\n    {\"goal\": \"%s\", \"status\": \"%s\", \"detail\": \"%s\"}", \
			text, status, detail)
}

$1 == "pair" && NF == 8 && $4 > 0 && $5 > 0 {
	r = $2; c = $3
	seen[c] = 1
	conn[c, r] = $6 / $4
	flow[c, r] = $7 / $5
	base_c[++nb] = $4
	base_f[nb] = $5
	if ($8 != "-")
		rt[c, r] = $8
}
$1 == "answer" && NF == 6 && $3 > 0 && $6 > 0 {
	r = $2
	ans["x", r] = $4 / $3
	ans["rt", r] = $5 / $6
	ans["client", r] = $6
	ans["accepted", r] = $5
}
END {
	# Host addresses (the hash), then as many /24 networks (the trie).
	n_eg = split("egress-0 egress-10 egress-1000 egress-10000 egressnet-10000", eg, " ")
	split("iptables-1000 iptables-10000 nft-1000 nft-10000", nf, " ")
	if (!nb) { print "  no results: see the console log"; exit 1 }
	sort(base_c, nb); sort(base_f, nb)
	printf "  nothing attached (the baseline, median, %s): connect() %.0f ns, " \
		"new flow %.0f ns\n", clock, \
		base_c[int((nb + 1) / 2)], base_f[int((nb + 1) / 2)]
	print "  connect() to an allowed address, against no program: median [min..max] ratio"
	for (i = 1; i <= n_eg; i++)
		if (summarise(conn, eg[i]))
			printf "    %-36s %s\n", label(eg[i]), figure()
	# The scale: each rule count against 0 rules, paired per round.
	for (r = 1; r <= rounds; r++)
		for (i = 2; i <= n_eg; i++)
			if ((eg[i], r) in conn && ("egress-0", r) in conn)
				scale[eg[i], r] = conn[eg[i], r] / conn["egress-0", r]
	print "  connect() to an allowed address, against the same program with 0 rules"
	for (i = 2; i <= n_eg; i++)
		if (summarise(scale, eg[i]))
			printf "    %-36s %s\n", label(eg[i]), figure()
	print "  new UDP flow (socket, connect, one datagram, close), against nothing attached"
	for (i = 1; i <= n_eg; i++)
		if (summarise(flow, eg[i]))
			printf "    %-36s %s\n", label(eg[i]), figure()
	for (i = 1; i <= 4; i++)
		if (summarise(flow, nf[i]))
			printf "    %-36s %s\n", label(nf[i]), figure()
	# The program's own time per run, against its time with 0 rules (same round).
	for (r = 1; r <= rounds; r++)
		for (i = 1; i <= n_eg; i++)
			if ((eg[i], r) in rt && ("egress-0", r) in rt && rt["egress-0", r] > 0) {
				rtr[eg[i], r] = rt[eg[i], r] / rt["egress-0", r]
				rtabs[eg[i], r] = rt[eg[i], r]
			}
	if (summarise(rtabs, "egress-0"))
		printf "  egress_connect4's own time per run (bpf_stats), against 0 rules " \
			"(%.0f ns, %s)\n", S_MED, clock
	for (i = 2; i <= n_eg; i++)
		if (summarise(rtr, eg[i]))
			printf "    %-36s %s\n", label(eg[i]), figure()

	# An accepted connection's answers: the exemption's checks on each segment.
	if (summarise(ans, "x"))
		printf "  TCP exchange on an accepted connection (8 one-byte answers, a byte back),\n" \
			"  against nothing attached\n    %-36s %s\n", "egress", figure()
	if (summarise(ans, "client"))
		printf "  egress_packet's own time per segment (bpf_stats), against a client " \
			"connection's (%.0f ns, %s)\n", S_MED, clock
	if (summarise(ans, "rt"))
		printf "    %-36s %s\n", "an accepted connection's", figure()

	print "  goals"
	if (summarise(scale, "egress-10000"))
		goal("10,000 rules at <= 1.05x of 0 rules (connect)", \
		     S_MAX <= 1.05 ? "met" : S_MIN > 1.05 ? "not met" : "within noise", \
		     sprintf("%.3f [%.3f..%.3f]", S_MED, S_MIN, S_MAX))
	# Paired per round: the egress flow ratio over the nftables one.
	for (r = 1; r <= rounds; r++)
		if (("egress-10000", r) in flow && ("nft-10000", r) in flow)
			q["q", r] = flow["egress-10000", r] / flow["nft-10000", r]
	if (summarise(q, "q"))
		goal("10,000 rules within the noise of an nftables set (flow)", \
		     S_MED <= 1 || noisy() ? "met" : "not met", \
		     sprintf("egress/nft %.3f [%.3f..%.3f]", S_MED, S_MIN, S_MAX))
	# Cheaper by the cost each adds to a flow, egress's taken at its worst round.
	n = 0
	for (r = 1; r <= rounds; r++)
		if (("egress-10000", r) in flow && ("iptables-10000", r) in flow) {
			oe[++n] = flow["egress-10000", r] - 1
			oi[n] = flow["iptables-10000", r] - 1
		}
	if (n) {
		sort(oe, n); sort(oi, n)
		worst = oe[n] > 0 ? oe[n] : 0
		goal("at least 3x cheaper than linear iptables (added cost, flow)", \
		     oi[1] >= 3 * worst ? "met" : oi[n] < 3 * oe[1] ? "not met" : "within noise", \
		     sprintf("egress adds %+.1f%%..%+.1f%%, iptables %+.1f%%..%+.1f%%", \
			     100 * oe[1], 100 * oe[n], 100 * oi[1], 100 * oi[n]))
	}

	printf "{\n  \"kernel\": \"%s\",\n  \"rounds\": %d,\n  \"connect_ratio\": {", kernel, rounds > json
	JSON_FIRST = 0
	for (i = 1; i <= n_eg; i++) json_figure(eg[i], conn, eg[i])
	printf "\n  },\n  \"connect_ratio_to_0_rules\": {" > json
	JSON_FIRST = 0
	for (i = 2; i <= n_eg; i++) json_figure(eg[i], scale, eg[i])
	printf "\n  },\n  \"flow_ratio\": {" > json
	JSON_FIRST = 0
	for (i = 1; i <= n_eg; i++) json_figure(eg[i], flow, eg[i])
	for (i = 1; i <= 4; i++) json_figure(nf[i], flow, nf[i])
	printf "\n  },\n  \"connect4_runtime_ratio_to_0_rules\": {" > json
	JSON_FIRST = 0
	for (i = 2; i <= n_eg; i++) json_figure(eg[i], rtr, eg[i])
	printf "\n  },\n  \"answer\": {" > json
	JSON_FIRST = 0
	json_figure("exchange_ratio", ans, "x")
	json_figure("packet_runtime_ratio_to_client", ans, "rt")
	json_figure("packet_runtime_ns_client", ans, "client")
	json_figure("packet_runtime_ns_accepted", ans, "accepted")
	printf "\n  },\n  \"goals\": [%s\n  ]\n}\n", GOALS > json

	# The plot: one block per series, x at 0, 1, 2, 3 for 0, 10, 1,000, 10,000 rules.
	for (i = 1; i <= 4; i++)
		if (summarise(conn, eg[i]))
			printf "%d %.4f %.4f %.4f\n", i - 1, S_MED, S_MIN, S_MAX > dat
	printf "\n\n" > dat
	for (i = 1; i <= 4; i++)
		if (summarise(flow, eg[i]))
			printf "%.2f %.4f %.4f %.4f\n", i - 1 + 0.05, S_MED, S_MIN, S_MAX > dat
	for (s = 0; s < 2; s++) {
		printf "\n\n" > dat
		for (i = 1; i <= 2; i++)
			if (summarise(flow, nf[2 * s + i]))
				printf "%.2f %.4f %.4f %.4f\n", i + 1 + 0.1 * (s + 1), S_MED, S_MIN, S_MAX > dat
	}
}
