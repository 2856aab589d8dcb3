#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# public_symbols.sh CC INCLUDE_DIR — the functions the public headers declare, one a line:
# every extern function prototype in lgkit/*.h after preprocessing (static inline helpers
# and function-pointer types are not symbols).  The version script and the symbol test
# are both made from this list, so the public headers are the one place the ABI is named.
set -euo pipefail
cc=$1 inc=$2
for h in "$inc"/lgkit/*.h; do
	echo "#include \"lgkit/$(basename "$h")\""
done | "$cc" -E -P -I "$inc" -x c - |
	tr '\n' ' ' | sed 's/[;{}]/&\n/g' |
	awk '
	# Only statements at brace depth 0: not struct members, not inline function bodies.
	{
		end = substr($0, length($0), 1)
		d = depth
		if (end == "{") depth++
		if (end == "}") depth--
		if (d != 0 || end != ";" || $0 ~ /^[ \t]*(typedef|static)/) next

		# A prototype: NAME ( ... ) ; with NAME not a function-pointer declarator.
		if (match($0, /[A-Za-z_][A-Za-z0-9_]*[ \t]*\(/)) {
			name = substr($0, RSTART, RLENGTH)
			sub(/[ \t]*\($/, "", name)
			before = substr($0, 1, RSTART - 1)
			if (before !~ /\([ \t]*\*?[ \t]*$/ && $0 ~ /\)[ \t]*(__attribute__.*)?;[ \t]*$/ &&
			    name !~ /^(__attribute__|sizeof)$/)
				print name
		}
	}' | sort -u
