#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/fuzz/inputs.sh [RUNS] [TARGET...] — where each target's committed corpus spends its
# time: every input run RUNS times (default 20) by the target's replay driver in the fuzz
# build (ASan+UBSan, as the fuzzer runs it, without libFuzzer), then per target the median
# and slowest input's microseconds, the mean, and the share of a pass over the corpus that
# its slowest 1% and 10% of inputs take.  A corpus whose time sits in a few slow inputs is
# what -entropic_scale_per_exec_time is for (tests/fuzz/targets.sh, fuzz_flags).
# With LGKIT_BENCH_LIST=N it also lists the N slowest inputs of each target.
# Uses the fuzz build in LGKIT_BUILD_ROOT/fuzz (default build/fuzz), made when absent.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/fuzz/targets.sh"
fuzz_args 20 "$@"
runs=$seconds # fuzz_args reads the first argument as a count of seconds

[ -x "$out/tests/fuzz/replay_decode" ] || fuzz_build "$root" "$out"
printf '%-8s %7s %10s %10s %10s %9s %9s\n' target inputs 'median us' 'max us' 'mean us' \
	'slow 1%' 'slow 10%'
for name in $targets; do
	times=$("$out/tests/fuzz/replay_$name" -t "$runs" "$root/tests/fuzz/corpus/$name" |
		grep -v '^replay:' | sort -g)
	awk -v name="$name" '{ t[NR] = $1; s += $1 }
	END {
		n = NR; top1 = 0; top10 = 0
		for (i = n; i > n - n / 100 && i >= 1; i--) top1 += t[i]
		for (i = n; i > n - n / 10 && i >= 1; i--) top10 += t[i]
		printf "%-8s %7d %10.1f %10.1f %10.1f %8.0f%% %8.0f%%\n", name, n,
			t[int((n + 1) / 2)], t[n], s / n, 100 * top1 / s, 100 * top10 / s
	}' <<<"$times"
	if [ "${LGKIT_BENCH_LIST:-0}" -gt 0 ]; then
		tail -n "$LGKIT_BENCH_LIST" <<<"$times" | sort -gr | sed 's/^/    /'
	fi
done
echo "each input run $runs times; us: microseconds per run under ASan+UBSan"
