#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# reports.sh — issue 10 items 3 and 5: lgcheck FILE... (each file alone, a total, the worst
# exit status, one unreadable file does not stop the others) and reports that survive
# failure (JSON "error", SARIF executionSuccessful false with a notification), SARIF
# addresses, file offsets, percent-encoded URIs and rule help, every report validated
# against its schema (SARIF: the official 2.1.0 schema, tests/dumps/sarif-schema-2.1.0.json).
# usage: reports.sh LGCHECK MKPAGE REPORT_SCHEMA SARIF_SCHEMA TMPDIR
set -u
LGCHECK=$1 MKPAGE=$2 RSCHEMA=$3 SSCHEMA=$4 T=$5
rm -rf "$T" && mkdir -p "$T"
. "$(dirname "$0")/../lib.sh"
VALIDATE="$(dirname "$0")/../validate-schema.pl"

"$MKPAGE" area "$T/clean.bin" || exit 2
cp "$T/clean.bin" "$T/pow2.bin"
poke "$T/pow2.bin" 0x2c 2c01 # device[1] (block) vq[0] num 300
head -c 4096 /dev/zero >"$T/zero.bin"
pow2_line="$T/pow2.bin:0x400002c: error (vq_num_pow2): device[1] (block) vq[0]: num 300 is not a power of two"

# --- item 3: many files.  Each is checked as if alone; a total after them.
run "$LGCHECK" "$T/clean.bin" "$T/pow2.bin"
expect_rc 1 many-worst-1
expect_line many-clean "$T/clean.bin: 0 errors, 0 warnings, 0 notes"
expect_line many-pow2 "$pow2_line"
expect_line many-pow2 "$T/pow2.bin: 1 error, 0 warnings, 0 notes"
expect_line many-total "total (2 files): 1 error, 0 warnings, 0 notes"
checks=$((checks + 1))
[ "$(printf '%s\n' "$out" | tail -1)" = "total (2 files): 1 error, 0 warnings, 0 notes" ] ||
	fail many-total-last "the total is not the last line"

# One unreadable file does not stop the others; the worst status (2) wins.
run "$LGCHECK" "$T/missing.bin" "$T/pow2.bin" "$T/zero.bin" "$T/clean.bin"
expect_rc 2 many-worst-2
expect_err many-missing "lgcheck: $T/missing.bin: cannot open: No such file or directory"
expect_err many-zero "lgcheck: $T/zero.bin: cannot locate the descriptor page"
expect_line many-after-missing "$pow2_line"
expect_line many-after-zero "$T/clean.bin: 0 errors, 0 warnings, 0 notes"
expect_line many-total-2 "total (4 files, 2 could not be checked): 1 error, 0 warnings, 0 notes"
checks=$((checks + 1))
[ "$(printf '%s\n' "$err" | grep -c .)" -eq 2 ] || fail many-stderr "expected one line per failed file"

# One file: no total (the output of one FILE is unchanged).
run "$LGCHECK" "$T/clean.bin"
expect_rc 0 one-file
expect_no_out one-file "total"
# -q: findings only, no summaries and no total.
run "$LGCHECK" -q "$T/clean.bin" "$T/pow2.bin"
expect_rc 1 many-quiet
checks=$((checks + 1))
[ "$out" = "$pow2_line" ] || fail many-quiet "expected the one finding only"
run "$LGCHECK" "$T/clean.bin" "$T/clean.bin"
expect_rc 0 many-clean-0

# --- JSON: one object for one FILE, an array for several, "error" for a failure.
run "$LGCHECK" --format json "$T/clean.bin" "$T/missing.bin" "$T/pow2.bin"
expect_rc 2 json-many
printf '%s\n' "$out" >"$T/many.json"
checks=$((checks + 1))
perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
	exit !(ref $j eq "ARRAY" && @$j == 3 && $j->[0]{summary}{errors} == 0
		&& $j->[1]{error}{message} =~ /missing\.bin: cannot open: No such file or directory$/
		&& !exists $j->[1]{page} && $j->[2]{findings}[0]{check} eq "vq_num_pow2")' <"$T/many.json" ||
	fail json-many "expected [report, {file, error}, report with vq_num_pow2]"
run "$LGCHECK" --format json "$T/zero.bin"
expect_rc 2 json-fail
printf '%s\n' "$out" >"$T/fail.json"
expect_out json-fail "\"file\":"$'\t'"\"$T/zero.bin\""
expect_out json-fail "\"message\":"$'\t'"\"$T/zero.bin: cannot locate the descriptor page: "
run "$LGCHECK" --format json --scan "$T/zero.bin"
expect_rc 2 json-scan-fail
printf '%s\n' "$out" >"$T/scanfail.json"
expect_out json-scan-fail "scan found no plausible descriptor page"
run "$LGCHECK" --format json "$T/pow2.bin"
expect_rc 1 json-one
printf '%s\n' "$out" >"$T/one.json"
checks=$((checks + 1))
[ "${out:0:1}" = "{" ] || fail json-one "one FILE: the report object alone"

# --- SARIF: one run, results from every artifact; a failure is a notification.
name="$T/a b%#é.bin"
cp "$T/pow2.bin" "$name"
run "$LGCHECK" --format sarif "$T/clean.bin" "$name" "$T/missing.bin"
expect_rc 2 sarif-many
printf '%s\n' "$out" >"$T/many.sarif"
expect_out sarif-uri "\"uri\":"$'\t'"\"$T/a%20b%25%23%C3%A9.bin\""
expect_out sarif-failed "\"executionSuccessful\":"$'\t'"false"
expect_out sarif-exit "\"exitCode\":"$'\t'"2"
expect_out sarif-note "$T/missing.bin: cannot open: No such file or directory"
expect_out sarif-addr "\"absoluteAddress\":"$'\t'"$((0x400002c))"
expect_out sarif-offset "\"byteOffset\":"$'\t'"44"
expect_out sarif-length "\"byteLength\":"$'\t'"2"
expect_out sarif-help "\"helpUri\":"$'\t'"\"file://"
expect_out sarif-help "/checks.md#vq_num_pow2\""
expect_out sarif-full "\"text\":"$'\t'"\"Fires when the ring size is not a power of two. Section B (virtqueue configuration and placement); default severity error"
checks=$((checks + 1))
perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>); my $r = $j->{runs};
	my @res = @{$r->[0]{results}}; my $inv = $r->[0]{invocations}[0];
	exit !(@$r == 1 && @res == 1 && $res[0]{locations}[0]{physicalLocation}{artifactLocation}{index} == 1
		&& @{$r->[0]{artifacts}} == 3 && @{$inv->{toolExecutionNotifications}} == 1
		&& $inv->{toolExecutionNotifications}[0]{level} eq "error")' <"$T/many.sarif" ||
	fail sarif-shape "expected one run, 3 artifacts, 1 result (artifact 1), 1 error notification"
run "$LGCHECK" --format sarif "$T/pow2.bin"
expect_rc 1 sarif-ok
printf '%s\n' "$out" >"$T/ok.sarif"
expect_out sarif-ok "\"executionSuccessful\":"$'\t'"true"
# A core has no raw file offsets: the address only.
run "$LGCHECK" --format sarif "$T/zero.bin"
expect_rc 2 sarif-fail
printf '%s\n' "$out" >"$T/fail.sarif"

# Every report is valid for its schema.
checks=$((checks + 1))
v=$(perl "$VALIDATE" "$RSCHEMA" "$T"/*.json 2>&1)
[ "$(grep -c ': valid$' <<<"$v")" -eq 4 ] || fail json-schema "$v"
checks=$((checks + 1))
v=$(perl "$VALIDATE" "$SSCHEMA" "$T"/*.sarif 2>&1)
[ "$(grep -c ': valid$' <<<"$v")" -eq 3 ] || fail sarif-schema "$v"
# The validator does reject what is not SARIF (a string where a boolean goes).
sed 's/"executionSuccessful":\tfalse/"executionSuccessful":\t"no"/' "$T/fail.sarif" >"$T/bad.sarif"
checks=$((checks + 1))
grep -q ': invalid: /runs/0/invocations/0/executionSuccessful' <<<"$(perl "$VALIDATE" "$SSCHEMA" "$T/bad.sarif")" ||
	fail sarif-schema-rejects "the validator accepted a broken SARIF"
finish reports.sh
