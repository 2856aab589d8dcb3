#!/bin/bash
# SPDX-License-Identifier: MIT
# merge.sh [SECONDS] [TARGET...] — run each libFuzzer target (default: all five) for SECONDS
# (default 300) from the committed corpus, then merge what the run found back into
# tests/fuzz/corpus/TARGET (libFuzzer -merge=1: the smallest set of inputs with the
# coverage of the old corpus and the new finds), so that the next run, in run-all.sh or
# here, starts where this one stopped.  Review and commit the change to tests/fuzz/corpus.
#
# Inputs with a name (page-all-ff.bin, regress-*.bin: hand-made seeds and regressions) are
# kept as they are; the inputs named by their SHA-1 (libFuzzer's names) are replaced by the
# merged set, the smallest first as long as the folder stays within 1 MiB (fuzz_trim in
# targets.sh).  Inputs that crash are left in the scratch folder, named on the output, and
# fail the script: fix the bug, add the input as a named regression, then merge again.
# Environment: LGKIT_BUILD_ROOT (default build/: the fuzz build is its fuzz/, made when
# absent, as run-all.sh makes it), LGKIT_VECTORS_DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/fuzz/targets.sh"
fuzz_args 300 "$@"

fuzz_build "$root" "$out"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/lgkit-fuzz-merge.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail=0
for name in $targets; do
	bin="$out/tests/fuzz/fuzz_$name"
	[ -x "$bin" ] || { echo "merge.sh: no target $name in $out" >&2; exit 2; }
	corpus="$root/tests/fuzz/corpus/$name"
	mkdir -p "$corpus"
	run="$scratch/$name/run" new="$scratch/$name/merged"
	mkdir -p "$new"
	fuzz_prepare "$root" "$name" "$run"
	ls "$run" | sort >"$scratch/$name/before"
	read -ra flags <<<"$(fuzz_flags "$name")"
	echo "fuzz_$name: ${seconds}s from $(wc -l <"$scratch/$name/before") inputs, ${flags[*]}"
	if ! (cd "$scratch/$name" && "$bin" -max_total_time="$seconds" "${flags[@]}" \
		-artifact_prefix="$scratch/$name/" -print_final_stats=1 "$run" \
		>"$scratch/$name/log" 2>&1); then
		tail -20 "$scratch/$name/log"
		trap - EXIT
		echo "merge.sh: fuzz_$name failed; its input and log are in $scratch/$name" >&2
		fail=1
		continue
	fi
	grep -E 'DONE|average_exec_per_sec' "$scratch/$name/log" | sed 's/^/  /'
	# The new finds only (not the vectors or seeds the run started from), merged with the
	# committed corpus into an empty folder.
	mkdir -p "$scratch/$name/found"
	comm -13 "$scratch/$name/before" <(ls "$run" | sort) | while read -r f; do
		cp "$run/$f" "$scratch/$name/found/"
	done
	(cd "$scratch/$name" && "$bin" -merge=1 "${flags[@]}" "$new" "$corpus" \
		"$scratch/$name/found" >"$scratch/$name/merge.log" 2>&1) ||
		{ tail -5 "$scratch/$name/merge.log"; exit 1; }
	# Named inputs stay; SHA-1-named ones are replaced by the merged set, less the inputs
	# that are a named one's bytes.
	find "$corpus" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9a-f]{40}' -delete
	named=$(for f in "$corpus"/*; do [ -f "$f" ] && sha1sum "$f" | cut -c1-40; done | sort)
	for f in "$new"/*; do
		[ -f "$f" ] || continue
		h=$(sha1sum "$f" | cut -c1-40)
		grep -qx "$h" <<<"$named" || cp "$f" "$corpus/$h"
	done
	fuzz_trim "$corpus" # within 1 MiB: the smallest finds
	echo "  tests/fuzz/corpus/$name: $(ls "$corpus" | wc -l) inputs, $(du -sh "$corpus" | cut -f1)"
done
exit $fail
