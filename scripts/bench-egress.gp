# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench-egress's plot: each cost as a ratio to nothing attached
# (median, bars from the fastest to the slowest round) against the rule
# count. gnuplot -e "dat='...'; png='...'" scripts/bench-egress.gp
set terminal pngcairo size 900,560 font ",10"
set output png
set title "Outbound policy: cost against rule count (ratio to nothing attached, same boot)"
set xlabel "rules (destinations)"
set ylabel "cost / cost with nothing attached"
set xtics ("0" 0, "10" 1, "1,000" 2, "10,000" 3)
set xrange [-0.4:3.6]
set yrange [0:*]
set key top left
set grid ytics
plot 1 with lines dashtype 2 linecolor "gray" title "nothing attached", \
	dat index 0 using 1:2:3:4 with yerrorlines linewidth 2 title "egress programs: UDP connect()", \
	dat index 1 using 1:2:3:4 with yerrorlines linewidth 2 title "egress programs: new UDP flow", \
	dat index 2 using 1:2:3:4 with yerrorlines linewidth 2 \
		title "iptables OUTPUT (linear): new UDP flow", \
	dat index 3 using 1:2:3:4 with yerrorlines linewidth 2 title "nftables set: new UDP flow"
