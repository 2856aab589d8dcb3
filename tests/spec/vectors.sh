#!/bin/bash
# SPDX-License-Identifier: MIT
# vectors.sh — lggen against the real Launcher's bytes.  For every vector configuration in
# the vectors folder:
#   1. the matching sample spec (samples/vectors/NAME.json) exists;
#   2. lggen --page and lggen --area from it write the vector's descriptor page and device
#      area byte for byte, except the uninitialised bytes the vectors' README lists (vcmp);
#      and exactly byte for byte where those happened to be zero (all but d-net-nomac);
#   3. page -> JSON -> page and area -> JSON -> area (lggen --decode, then lggen) give the
#      vector back byte for byte, and decoding that output gives the same JSON again.
# usage: vectors.sh LGGEN VCMP VECTORS_DIR SAMPLES_DIR WORKDIR      (exit 77: no vectors)
set -u
LGGEN=$1 VCMP=$2 VEC=$3 SAMPLES=$4 W=$5
if ! compgen -G "$VEC/*.descpage.bin" >/dev/null; then
	echo "SKIP: no real-Launcher vectors in $VEC (they live beside the checkout in ../shared)"
	exit 77
fi
rm -rf "$W" && mkdir -p "$W" || exit 2
. "$(dirname "$0")/../lib.sh"

nvec=0
for page in "$VEC"/*.descpage.bin; do
	name=$(basename "$page" .descpage.bin)
	area=$VEC/$name.devmem.bin
	spec=$SAMPLES/$name.json
	nvec=$((nvec + 1))
	if [ ! -f "$spec" ]; then
		bad "$name: no sample spec $spec"
		continue
	fi
	ok
	for kind in page area; do
		vec=$page
		[ $kind = area ] && vec=$area
		out=$W/$name.$kind.bin
		if "$LGGEN" "$spec" --$kind -o "$out"; then ok; else bad "$name: lggen --$kind exited $?"; continue; fi
		if "$VCMP" "$vec" "$out" >"$W/vcmp.out"; then ok; else bad "$name --$kind: $(cat "$W/vcmp.out")"; fi
		if [[ $name != *nomac* ]]; then
			if cmp -s "$vec" "$out"; then ok; else bad "$name --$kind: not byte-identical: $(cmp "$vec" "$out" 2>&1)"; fi
		fi
		# The vector back to JSON and to bytes again.
		json=$W/$name.$kind.json
		if "$LGGEN" --decode "$vec" -o "$json"; then ok; else bad "$name: lggen --decode $vec exited $?"; continue; fi
		again=$W/$name.$kind.again.bin
		if "$LGGEN" "$json" --$kind -o "$again"; then ok; else bad "$name: lggen $json --$kind exited $?"; continue; fi
		if cmp -s "$vec" "$again"; then ok; else bad "$name --$kind: $kind -> JSON -> $kind differs: $(cmp "$vec" "$again" 2>&1)"; fi
		if "$LGGEN" --decode "$again" -o "$json.2" && cmp -s "$json" "$json.2"; then ok; else bad "$name --$kind: JSON -> $kind -> JSON is not the same JSON"; fi
	done
done
# Every vector sample names a vector.
for spec in "$SAMPLES"/*.json; do
	name=$(basename "$spec" .json)
	if [ -f "$VEC/$name.descpage.bin" ]; then ok; else bad "$spec: no vector $name in $VEC"; fi
done
echo "vectors: $nvec configurations"
finish
