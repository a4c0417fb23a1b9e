#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs each libFuzzer target of build/fuzz/ (tests/fuzz/NAME_fuzz.c) from its
# seed corpus, tests/fuzz/corpus/NAME/: for FUZZ_SECONDS (10) each in `make
# check`, or for FUZZ_RUNS inputs (`make fuzz`). A target passes when it
# ends without a crash, a sanitizer report, a leak or a timeout; the input
# that failed is kept in build/fuzz/artifacts/ and named in the output:
# add it to the corpus, then fix. What a run learns goes to a scratch
# corpus, never into the tree. TAP output.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/host/tap_lib.sh"
fuzz=$top/build/fuzz
targets=("$fuzz"/*_fuzz)
if [ ! -x "${targets[0]}" ]; then
	tap_plan 1
	tap_result 1 fuzz_targets_built "no targets in $fuzz: make host-tests builds them"
	tap_exit
fi
tap_plan "${#targets[@]}"
mkdir -p "$fuzz/artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch" /dev/shm/iotguard-fuzz-*' EXIT

for target in "${targets[@]}"; do
	name=$(basename "$target" _fuzz)
	seeds=$top/tests/fuzz/corpus/$name
	if [ -n "${FUZZ_RUNS:-}" ]; then
		limit=(-runs="$FUZZ_RUNS")
	else
		limit=(-max_total_time="${FUZZ_SECONDS:-10}")
	fi
	# Seeds the tree has elsewhere already: read there, never copied.
	extra=()
	case $name in
	mud) extra=("$top/tests/host/mud") ;;
	policy) mkdir -p "$scratch/seed-policy" && cp "$top/policy/iotguard.conf" "$scratch/seed-policy/" &&
		extra=("$scratch/seed-policy") ;;
	esac
	mkdir -p "$scratch/$name"
	log=$scratch/$name.log
	# -timeout: one input taking 10 s is a hang; -rss_limit_mb: a leak.
	LSAN_OPTIONS=suppressions=$top/tests/fuzz/lsan.supp "$target" "${limit[@]}" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
		-artifact_prefix="$fuzz/artifacts/$name-" "$scratch/$name" "$seeds" "${extra[@]}" \
		> "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ "$rc" = 0 ] && [ -d "$seeds" ]; then
		tap_result 0 "$name: ${runs:-?} inputs"
	else
		tap_result 1 "$name" "$(grep -E 'ERROR|SUMMARY|artifact|Test unit written|^#' "$log" | tail -15)"
	fi
done
tap_exit
