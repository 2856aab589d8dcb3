#!/bin/bash
# SPDX-License-Identifier: MIT
# ring_corpus_cli.sh LGCHECK TEST_RING_CORPUS TMPDIR — the ring corpus through lgcheck:
# each case is a sparse raw memory image (zero page with an e820 entry, page, rings);
# the clean one gives exit 0 and no findings, each mangled one exactly its check, at its
# path, with the exit code its severity implies.
set -u
LGCHECK=$1 GEN=$2 T=$3
. "$(dirname "$0")/../lib.sh"
rm -rf "$T" && mkdir -p "$T"
"$GEN" "$T" 2>/dev/null >/dev/null || { echo "corpus generator failed"; exit 1; }

while read -r name check path code opts; do
	# shellcheck disable=SC2086
	run "$LGCHECK" --format json $opts "$T/$name.bin"
	expect_rc "$code" "$name"
	expect_out "$name" '"found_by":	"zero page e820 entry"'
	if [ "$check" = "-" ]; then
		checks=$((checks + 1))
		[ -z "$(json_checks)" ] || fail "$name" "clean rings gave findings: $(json_checks)"
		expect_out "$name" '"rings_checked":	2'
	else
		checks=$((checks + 1))
		[ "$(json_checks)" = "$check" ] || fail "$name" "fired '$(json_checks)', expected '$check'"
		expect_out "$name" "\"path\":	\"$path\""
		# Text: one finding line naming the check.
		# shellcheck disable=SC2086
		run "$LGCHECK" -q $opts "$T/$name.bin"
		expect_rc "$code" "$name (text)"
		expect_out "$name (text)" "($check): device[0] (block) vq[0]: "
		checks=$((checks + 1))
		[ "$(grep -c . <<<"$out")" -eq 1 ] || fail "$name (text)" "expected one line"
	fi
done <"$T/manifest"

# Every ring check can be silenced: the clean exit comes back.
run "$LGCHECK" -q -W no-head_range "$T/head_range.bin"
expect_rc 0 "head_range off"
run "$LGCHECK" -q -E used_len "$T/used_len.bin"
expect_rc 1 "used_len as an error"
run "$LGCHECK" -q -W buf_into_rings "$T/buf_into_rings.bin"
expect_rc 0 "buf_into_rings as a warning"
expect_out "buf_into_rings as a warning" "warning (buf_into_rings)"
# A readable buffer over a ring is a warning by default; -E makes every such finding an error.
run "$LGCHECK" -q "$T/buf_into_rings_readable.bin"
expect_rc 0 "readable buffer over a ring"
expect_out "readable buffer over a ring" "warning (buf_into_rings)"
run "$LGCHECK" -q -E buf_into_rings "$T/buf_into_rings_readable.bin"
expect_rc 1 "readable buffer over a ring, -E"
expect_out "readable buffer over a ring, -E" "error (buf_into_rings)"
# --scan: progress on stderr only when stderr is a terminal.
run "$LGCHECK" --scan "$T/clean.bin"
expect_rc 0 "scan"
expect_out "scan" "scan: 1 plausible descriptor page"
checks=$((checks + 1))
[ -z "$err" ] || fail "scan" "progress written to a stderr that is not a terminal"
if command -v script >/dev/null; then
	tty_out=$(script -qec "$LGCHECK --scan $T/clean.bin >/dev/null" /dev/null 2>&1)
	checks=$((checks + 1))
	grep -qF "scanning 100%" <<<"$tty_out" || fail "scan progress" "no progress on a terminal"
fi
rm -rf "$T"
finish ring_corpus_cli
