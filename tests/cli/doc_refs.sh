#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# doc_refs.sh SOURCE_DIR — every document a comment or a doc names (a *.md path) exists in
# the repository: at the path given, from the repository's root, beside the file that
# names it, or (a bare name, as the README and the man pages give installed docs) in docs/.  Paths of installed files (/usr/…, ${…}) are not documents of the tree.  The
# shared notes outside the repository (../shared/docs) are never cited; ../shared/vectors
# may be named in README.md and docs/*.md only (the tests read the vectors from there).
set -u
root=$1
cd "$root" || exit 1
fails=0 refs=0
files=$(find README.md CMakeLists.txt lib tools tests docs samples bench schemas cmake debian \
	-type f \( -name '*.[chS]' -o -name '*.def' -o -name '*.sh' -o -name '*.md' -o -name '*.1' \
	-o -name '*.json' -o -name '*.txt' -o -name '*.cmake' -o -name '*.in' -o -name '*.bash' \
	-o -name '*.pl' -o -name control -o -name rules \) -not -path '*/build/*' 2>/dev/null | sort)
for f in $files; do
	[ "$f" = tests/cli/doc_refs.sh ] && continue
	dir=$(dirname "$f")
	while IFS=: read -r line ref; do
		[ -n "$ref" ] || continue
		case $ref in
		/* | *'$'* | *'}'* | http* | *://*) continue ;;
		esac
		refs=$((refs + 1))
		[ -e "$ref" ] || [ -e "$dir/$ref" ] && continue
		[[ $ref != */* && -e docs/$ref ]] && continue
		echo "FAIL: $f:$line names $ref, which is not in the repository"
		fails=$((fails + 1))
	done < <(sed 's/\\f[BIRP]//g' "$f" | grep -noE '[A-Za-z0-9_.${}/-]*[A-Za-z0-9_-]+\.md\b')
	if grep -n 'shared/docs' "$f" >/dev/null; then
		echo "FAIL: $f:$(grep -n 'shared/docs' "$f" | head -1 | cut -d: -f1) cites ../shared/docs, outside the repository"
		fails=$((fails + 1))
	fi
	case $f in
	README.md | docs/*.md) ;;
	*.md)
		if grep -q '\.\./shared/' "$f"; then
			echo "FAIL: $f names ../shared/ (only README.md and docs/*.md may, for the vectors)"
			fails=$((fails + 1))
		fi
		;;
	esac
done
[ "$refs" -gt 10 ] || { echo "FAIL: only $refs document references found: is $root the tree?"; fails=$((fails + 1)); }
[ $fails -eq 0 ] && echo "PASS: $refs document references, all in the repository"
exit $((fails > 0))
