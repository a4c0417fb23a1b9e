# SPDX-License-Identifier: GPL-2.0
#
# What every bench summary shares (awk -f scripts/bench-lib.awk -f ...):
# a figure measured in each of `rounds` rounds, arr[key, round], is
# summarised as median [min..max]; where that spread is wider than the
# effect (max - min > |median - 1|, for a ratio) the figure is "within
# noise". json_figure() writes one to the file json=.

function sort(a, n,   i, j, t) {
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
}
# The ratios of key's rounds into S_MED, S_MIN, S_MAX, S_LIST; the count.
function summarise(arr, key,   r, n, v) {
	n = 0
	S_LIST = ""
	for (r = 1; r <= rounds; r++)
		if ((key, r) in arr) {
			v[++n] = arr[key, r]
			S_LIST = S_LIST (n > 1 ? ", " : "") sprintf("%.4f", arr[key, r])
		}
	if (!n)
		return 0
	sort(v, n)
	S_MED = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	S_MIN = v[1]
	S_MAX = v[n]
	return n
}
function abs(x) { return x < 0 ? -x : x }
function noisy() { return S_MAX - S_MIN > abs(S_MED - 1) }
function figure() {
	return noisy() ? sprintf("within noise (%.2f..%.2f)", S_MIN, S_MAX) : \
		sprintf("%.3f [%.3f..%.3f]", S_MED, S_MIN, S_MAX)
}
function json_figure(name, arr, key,   n) {
	n = summarise(arr, key)
	if (!n)
		return
	printf "%s\n    \"%s\": {\"median\": %.4f, \"min\": %.4f, \"max\": %.4f, ", \
		(JSON_FIRST++ ? "," : ""), name, S_MED, S_MIN, S_MAX > json
	printf "\"within_noise\": %s, \"rounds\": [%s]}", noisy() ? "true" : "false", S_LIST > json
}
