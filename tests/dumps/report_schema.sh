#!/bin/bash
# SPDX-License-Identifier: MIT
# report_schema.sh LGCHECK MKCORE CORPUS_GEN SCHEMA TMPDIR — every kind of lgcheck JSON report
# this suite produces is valid for schemas/lgcheck-report.schema.json: clean and mangled
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
report() { # NAME ARGS...
	local name=$1
	shift
	"$LGCHECK" --format json "$@" >"$T/$name.json" 2>/dev/null
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
out=$(perl "$(dirname "$0")/../validate-schema.pl" "$SCHEMA" "$T"/*.json)
bad=$(grep -c ': invalid' <<<"$out")
grep ': invalid' <<<"$out"
rm -rf "$T"
echo "report_schema: $n reports, $bad invalid"
[ "$bad" -eq 0 ] && [ "$n" -gt 20 ]
