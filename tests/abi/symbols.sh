#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# symbols.sh LIBLGKIT_SO CC INCLUDE_DIR — liblgkit.so exports exactly the functions the
# public headers declare, each under the version node LGKIT_0.1, and nothing internal.
set -u
lib=$1 cc=$2 inc=$3
here=$(cd "$(dirname "$0")/../.." && pwd)
declared=$(bash "$here/cmake/public_symbols.sh" "$cc" "$inc")
dyn=$(nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }')
exported=$(printf '%s\n' "$dyn" | sed 's/@.*//' | sort -u)
fails=0
if [ -z "$declared" ]; then
	echo "FAIL: no declared functions found in $inc"
	fails=1
fi
missing=$(comm -23 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))
extra=$(comm -13 <(printf '%s\n' "$declared") <(printf '%s\n' "$exported"))
if [ -n "$missing" ]; then
	echo "FAIL: declared in a public header but not exported (missing from the version script or never defined):"
	printf '  %s\n' $missing
	fails=1
fi
if [ -n "$extra" ]; then
	echo "FAIL: exported but declared in no public header:"
	printf '  %s\n' $extra
	fails=1
fi
unversioned=$(printf '%s\n' "$dyn" | grep -v '@@LGKIT_0\.1$' || true)
if [ -n "$unversioned" ]; then
	echo "FAIL: exported without the version node LGKIT_0.1:"
	printf '  %s\n' $unversioned
	fails=1
fi
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = liblgkit.so.0 ] || { echo "FAIL: SONAME $soname, expected liblgkit.so.0"; fails=1; }
[ $fails -eq 0 ] && echo "PASS: $(printf '%s\n' "$exported" | wc -l) functions exported, all declared, all LGKIT_0.1"
exit $fails
