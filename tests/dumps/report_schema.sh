#!/bin/bash
# SPDX-License-Identifier: MIT
# report_schema.sh LGCHECK MKCORE CORPUS_GEN SCHEMA TMPDIR — every kind of lgcheck JSON report
# this suite produces is valid for schemas/lgcheck-report.schema.json, and each SARIF report for
# the official SARIF 2.1.0 schema (sarif-schema-2.1.0.json, from npm @microsoft/jest-sarif,
# MIT): clean and mangled
# rings (ring state, outstanding chains, faults), ELF and kdump cores, --scan candidates.
# The validator is JSON::Validator (Debian's libjson-validator-perl, Draft 2019-09 class, as
# tests/spec/schema.sh uses it).  Exit 77 when it is not installed.
set -u
LGCHECK=$1 MKCORE=$2 GEN=$3 SCHEMA=$4 T=$5
if ! perl -MJSON::Validator::Schema::Draft201909 -MMojo::JSON -e 1 2>/dev/null; then
	echo "SKIP: JSON::Validator is not installed (apt-get install libjson-validator-perl)"
	exit 77
fi
rm -rf "$T" && mkdir -p "$T" || exit 2
"$GEN" "$T" >/dev/null 2>&1 || { echo "ring corpus generator failed"; exit 1; }
n=0
report() { # NAME ARGS...: its JSON report and its SARIF report
	local name=$1
	shift
	"$LGCHECK" --format json "$@" >"$T/$name.json" 2>/dev/null
	"$LGCHECK" --format sarif "$@" >"$T/$name.sarif" 2>/dev/null
	n=$((n + 1))
}
for f in "$T"/*.bin; do
	b=$(basename "$f" .bin)
	report "ring-$b" "$f"
done
report scan "$T/clean.bin" --scan
for k in elf64 elf32 kdump-flat; do
	"$MKCORE" "$k" "$T/$k.core" "$T/clean.bin" && report "$k" "$T/$k.core" --scan
done
out=$(perl "$(dirname "$0")/../validate-schema.pl" "$SCHEMA" "$T"/*.json;
	perl "$(dirname "$0")/../validate-schema.pl" "$(dirname "$0")/sarif-schema-2.1.0.json" "$T"/*.sarif)
bad=$(grep -c ': invalid' <<<"$out")
grep ': invalid' <<<"$out"
rm -rf "$T"
echo "report_schema: $n JSON and $n SARIF reports, $bad invalid"
[ "$(grep -c ": valid$" <<<"$out")" -eq $((2 * n)) ] || { echo "expected $((2 * n)) valid reports"; exit 1; }
[ "$bad" -eq 0 ] && [ "$n" -gt 20 ]
