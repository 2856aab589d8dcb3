#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# replay.sh REPLAY INPUT TMPDIR — the replay driver's -t RUNS (bench/fuzz/inputs.sh): one
# timing line per input, its path, then the count; nothing of the sort without -t; a RUNS
# that is not a count of 1 or more is refused with exit 2 before any input runs.
set -u
REPLAY=$1 INPUT=$2 T=$3
rm -rf "$T" && mkdir -p "$T"
. "$(dirname "$0")/../lib.sh"

run "$REPLAY" -t 3 "$INPUT"
expect_rc 0 timed
[ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ] && ok || bad "timed: expected 2 lines, got: $out"
head -1 <<<"$out" | grep -qxE "[0-9]+\.[0-9] $INPUT" && ok || bad "timed: no '<us> $INPUT' line"
expect_line timed "replay: 1 inputs"

run "$REPLAY" "$INPUT"
expect_rc 0 plain
[ "$out" = "replay: 1 inputs" ] && ok || bad "plain: expected only the count, got: $out"

for r in 0 -1 x 3x ''; do
	run "$REPLAY" -t "$r" "$INPUT"
	expect_rc 2 "-t '$r'"
	expect_err "-t '$r'" "replay: -t '$r': expected a number of runs, 1 or more"
	expect_one_err_line "-t '$r'"
	[ -z "$out" ] && ok || bad "-t '$r': ran inputs: $out"
done
finish
