#!/bin/bash
# SPDX-License-Identifier: MIT
# schema.sh — schemas/layout.schema.json and the C loader agree on every sample:
#   samples/*.json, samples/vectors/*.json   valid for the schema, loaded by lggen (exit 0)
#   samples/broken/*.json                    invalid for the schema, refused by lggen (exit 1)
#   samples/broken-layout/*.json             valid for the schema (JSON Schema cannot see
#                                            duplicate keys, page fit or the named checks),
#                                            refused by lggen (exit 1)
# and every spec lggen --decode writes is valid for the schema.
# The validator is JSON::Validator from Debian's libjson-validator-perl (Perl, no Python).
# Debian 12 has no 2020-12 validator outside Python, so its Draft 2019-09 class is used: the
# schema keeps to keywords that mean the same in 2019-09 and 2020-12.  Known quirk of
# JSON::Validator 5.14: multipleOf misses quotients with a 0 after the decimal point
# (1000000/4096 = 244.140625 passes), so the broken sample uses 2099200 (512.5 pages).
# usage: schema.sh SCHEMA SAMPLES_DIR LGGEN WORKDIR     (exit 77: validator not installed)
set -u
SCHEMA=$1 SAMPLES=$2 LGGEN=$3 W=$4
if ! perl -MJSON::Validator::Schema::Draft201909 -MMojo::JSON -e 1 2>/dev/null; then
	echo "SKIP: JSON::Validator is not installed (apt-get install libjson-validator-perl)"
	exit 77
fi
rm -rf "$W" && mkdir -p "$W" || exit 2
. "$(dirname "$0")/../lib.sh"

# One validator process for every file (each start costs a quarter second).
verdicts() { perl "$(dirname "$0")/../validate-schema.pl" "$SCHEMA" "$@" >"$W/verdicts"; }
verdict() { grep -F "$1: " "$W/verdicts" | head -n 1 | sed "s|^$1: ||"; }
loader() { "$LGGEN" "$1" -o "$W/out.bin" 2>"$W/err"; echo $?; }

verdicts "$SAMPLES"/*.json "$SAMPLES"/vectors/*.json "$SAMPLES"/broken/*.json "$SAMPLES"/broken-layout/*.json
for f in "$SAMPLES"/*.json "$SAMPLES"/vectors/*.json; do
	v=$(verdict "$f")
	[ "$v" = valid ] && ok || bad "$f: schema says $v"
	rc=$(loader "$f")
	[ "$rc" = 0 ] && ok || bad "$f: lggen exit $rc: $(cat "$W/err")"
done
for f in "$SAMPLES"/broken/*.json; do
	v=$(verdict "$f")
	[[ $v == invalid* ]] && ok || bad "$f: the schema accepts it"
	rc=$(loader "$f")
	[ "$rc" = 1 ] && ok || bad "$f: lggen exit $rc"
done
for f in "$SAMPLES"/broken-layout/*.json; do
	v=$(verdict "$f")
	[ "$v" = valid ] && ok || bad "$f: schema says $v (expected beyond the schema)"
	rc=$(loader "$f")
	[ "$rc" = 1 ] && ok || bad "$f: lggen exit $rc"
done
# What lggen --decode writes is a valid spec.
mkdir -p "$W/decoded"
for f in "$SAMPLES"/vectors/*.json "$SAMPLES"/full-layout.json "$SAMPLES"/era-*.json; do
	n=$(basename "$f" .json)
	"$LGGEN" "$f" --area -o "$W/$n.bin" && "$LGGEN" --decode "$W/$n.bin" -o "$W/decoded/$n.json" || bad "$n: lggen"
done
verdicts "$W"/decoded/*.json
for f in "$W"/decoded/*.json; do
	n=$(basename "$f" .json)
	v=$(verdict "$f")
	[ "$v" = valid ] && ok || bad "$n: decoded spec: schema says $v"
done
finish
