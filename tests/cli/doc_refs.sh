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
while IFS=: read -r f line ref; do
	[ "$f" = tests/cli/doc_refs.sh ] && continue
	case $f in *.1) ref=${ref#f[BIRP]} ;; esac # a roff font change: \fIdocs/x.md
	case $ref in
	/* | *'$'* | *'}'* | http* | *://*) continue ;;
	esac
	refs=$((refs + 1))
	[ -e "$ref" ] || [ -e "$(dirname "$f")/$ref" ] && continue
	[[ $ref != */* && -e docs/$ref ]] && continue
	echo "FAIL: $f:$line names $ref, which is not in the repository"
	fails=$((fails + 1))
done < <(grep -HnoE '[A-Za-z0-9_.${}/-]*[A-Za-z0-9_-]+\.md\b' $files)
while IFS=: read -r f line _; do
	[ "$f" = tests/cli/doc_refs.sh ] && continue
	echo "FAIL: $f:$line cites ../shared/docs, outside the repository"
	fails=$((fails + 1))
done < <(grep -Hn 'shared/docs' $files)
while IFS=: read -r f line _; do
	case $f in README.md | docs/*.md) continue ;; esac
	echo "FAIL: $f:$line names ../shared/ (only README.md and docs/*.md may, for the vectors)"
	fails=$((fails + 1))
done < <(grep -Hn '\.\./shared/' $(printf '%s\n' $files | grep '\.md$'))
[ "$refs" -gt 10 ] || { echo "FAIL: only $refs document references found: is $root the tree?"; fails=$((fails + 1)); }
[ $fails -eq 0 ] && echo "PASS: $refs document references, all in the repository"
exit $((fails > 0))
