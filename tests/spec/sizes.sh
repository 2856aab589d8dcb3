#!/bin/bash
# SPDX-License-Identifier: MIT
# sizes.sh — the tools' SIZE options follow the one rule a spec's sizes follow: every line
# of sizes.table given to lgcheck --mem (through lgt_opt_size, as lggen's and lglaunch's
# sizes are) gives the table's value, or exit 2 and the one message naming the text.
# test_spec gives the same lines to a spec's "mem".
# usage: sizes.sh LGGEN LGCHECK TABLE WORKDIR
set -u
LGGEN=$1 LGCHECK=$2 TABLE=$3 W=$4
rm -rf "$W" && mkdir -p "$W" || exit 2
. "$(dirname "$0")/../lib.sh"

SPEC=$(dirname "$0")/../../samples/vectors/lguest-3.19.8-c-block-rng-32M.json
"$LGGEN" "$SPEC" --page -o "$W/page.bin" || exit 2
rows=0
while IFS= read -r line; do
	case $line in '#'* | *'|'*'|'*) continue ;; esac
	in=${line%|*} want=${line##*|}
	rows=$((rows + 1))
	"$LGCHECK" --base 0x2000000 --mem "$in" --layout "$W/page.bin" >"$W/out" 2>"$W/err"
	rc=$?
	if [ "$want" = bad ]; then
		msg="lgcheck: --mem '$in': expected a number such as 0x2000000 or 32M"
		[ "$rc" = 2 ] && [ "$(cat "$W/err")" = "$msg" ] && ok ||
			bad "--mem '$in': exit $rc, $(head -c 300 "$W/err"); expected exit 2 and '$msg'"
	else
		got=$(sed -n 's/.*, RAM ends at \(0x[0-9a-f]*\)$/\1/p' "$W/out")
		[ "$rc" -le 1 ] && [ "$got" = "$want" ] && ok ||
			bad "--mem '$in': exit $rc, RAM ends at '$got'; expected $want $(head -c 300 "$W/err")"
	fi
done <"$TABLE"
[ "$rows" -ge 30 ] && ok || bad "only $rows rows in $TABLE"
finish
