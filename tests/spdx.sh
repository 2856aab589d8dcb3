#!/usr/bin/env bash
# spdx.sh [--add] — every source file git tracks carries "SPDX-License-Identifier: MIT" in
# its first lines (after a #! line).  Without --add: list the files that lack it, exit 1 if
# any.  With --add: put it there, in the file's own comment syntax.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
add=0
[ "${1:-}" = --add ] && add=1
missing=0
while IFS= read -r -d '' f; do
	case $f in
	*.c | *.h | *.S | *.def | *.ld) style=c ;;
	*.sh | *.bash | *.pl | *.cmake | *.in | CMakeLists.txt | */CMakeLists.txt | debian/rules | .ci/run) style=hash ;;
	*.1) style=roff ;;
	*) continue ;;
	esac
	head -3 "$root/$f" | grep -q 'SPDX-License-Identifier: MIT' && continue
	if [ $add -eq 0 ]; then
		echo "missing SPDX-License-Identifier: $f"
		missing=1
		continue
	fi
	case $style in
	c) line='/* SPDX-License-Identifier: MIT */' ;;
	hash) line='# SPDX-License-Identifier: MIT' ;;
	roff) line='.\" SPDX-License-Identifier: MIT' ;;
	esac
	tmp=$(mktemp)
	if head -1 "$root/$f" | grep -q '^#!'; then
		{ head -1 "$root/$f"; echo "$line"; tail -n +2 "$root/$f"; } >"$tmp"
	else
		{ echo "$line"; cat "$root/$f"; } >"$tmp"
	fi
	cat "$tmp" >"$root/$f"
	rm -f "$tmp"
done < <(cd "$root" && git ls-files -z)
exit $missing
