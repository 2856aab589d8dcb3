#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# completion.sh COMPLETION_FILE BINDIR — the bash completion offers what the tools take:
# lglaunch's backends, lgcheck's formats and check names (from lgcheck --list-checks).
set -u
file=$1 bindir=$2
[ -f /usr/share/bash-completion/bash_completion ] || { echo "FAIL: bash-completion is not installed"; exit 1; }
fails=0
# complete LINE: the candidates for the last word of LINE, sorted, on one line.
complete_line() {
	PATH="$bindir:$PATH" bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$1"
		read -r -a COMP_WORDS <<<"$2"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$2 COMP_POINT=${#2}
		"$(complete -p "${COMP_WORDS[0]}" | sed "s/.*-F \([^ ]*\) .*/\1/")"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$file" "$1"
}
expect() { # LINE WANT
	got=$(complete_line "$1")
	if [ "$got" != "$2" ]; then
		echo "FAIL: '$1' completes to '$got', expected '$2'"
		fails=$((fails + 1))
	fi
}
expect "lglaunch --accel " "auto emu kvm "
expect "lglaunch --ac" "--accel "
expect "lgcheck --format " "json sarif text "
expect "lgcheck -W vq_num_p" "vq_num_pow2 "
expect "lgcheck -W no-vq_num_p" "no-vq_num_pow2 "
expect "lgcheck -E desc_num" "desc_num_vq "
expect "lggen --col" "--color "
[ $fails -eq 0 ] && echo "PASS: bash completion"
exit $((fails > 0))
