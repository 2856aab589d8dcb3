# SPDX-License-Identifier: MIT
# bash completion for lgkit's tools: lgcheck, lggen and lglaunch.
# Installed as one file per command name (symlinks) where bash-completion looks for them.

# Check names for -W/-E, from the installed lgcheck (its one check table).
_lgkit_checks()
{
	local tool=$1
	command -v "$tool" >/dev/null 2>&1 || return
	"$tool" --list-checks 2>/dev/null | awk '{ print $1 }'
}

_lgkit_W()
{
	local tool=$1 cur=$2 names
	names=$(_lgkit_checks "$tool")
	if [[ $cur == no-* ]]; then
		COMPREPLY=($(compgen -P no- -W "$names" -- "${cur#no-}"))
	else
		COMPREPLY=($(compgen -W "$names" -- "$cur"))
		[[ no- == "$cur"* ]] && COMPREPLY+=(no-)
	fi
}

_lgcheck()
{
	local cur prev
	_init_completion || return
	case $prev in
	--format) COMPREPLY=($(compgen -W 'text json sarif' -- "$cur")); return ;;
	--color | --colour) COMPREPLY=($(compgen -W 'auto always never' -- "$cur")); return ;;
	--era) COMPREPLY=($(compgen -W 'e0 e1 e2' -- "$cur")); return ;;
	-W) _lgkit_W lgcheck "$cur"; return ;;
	-E) COMPREPLY=($(compgen -W "$(_lgkit_checks lgcheck)" -- "$cur")); return ;;
	--base | --page-addr | --mem | --pfn-limit) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--base --raw --page-addr --scan --era --mem --pfn-limit --format
			--layout --quiet --list-checks --color --help --version -W -E -q -h -V' -- "$cur"))
		return
	fi
	_filedir
}

_lggen()
{
	local cur prev
	_init_completion || return
	case $prev in
	-o | --output) _filedir; return ;;
	--decode) _filedir; return ;;
	--color | --colour) COMPREPLY=($(compgen -W 'auto always never' -- "$cur")); return ;;
	-W) _lgkit_W lggen "$cur"; return ;;
	-E) COMPREPLY=($(compgen -W "$(_lgkit_checks lggen)" -- "$cur")); return ;;
	--era) COMPREPLY=($(compgen -W 'e0 e1 e2' -- "$cur")); return ;;
	--cmdline | --mem | --base | --page-addr | --guest-base | --start | --pgdir | --eventfd) return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--output --page --area --image --lhreq --cmdline --mem --force
			--quiet --color --decode --era --base --page-addr --raw --guest-base --start
			--pgdir --eventfd --help --version -o -W -E -q -h -V' -- "$cur"))
		return
	fi
	_filedir json
}

_lglaunch()
{
	local cur prev
	_init_completion -n = || return
	case $prev in
	--accel) COMPREPLY=($(compgen -W 'auto kvm emu' -- "$cur")); return ;;
	--spec) _filedir json; return ;;
	--dump) _filedir; return ;;
	--net) COMPREPLY=($(compgen -W 'tap: socket:' -- "$cur")); compopt -o nospace; return ;;
	-m | --mem | --num | --timeout) return ;;
	esac
	if [[ $cur == --block=* ]]; then
		cur=${cur#--block=}
		_filedir
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W '--accel --mem --block= --rng --net --spec --num --dump
			--timeout --verbose --help --version -m -v -h -V' -- "$cur"))
		[[ ${COMPREPLY[*]} == --block= ]] && compopt -o nospace
		return
	fi
	_filedir
}

complete -F _lgcheck lgcheck
complete -F _lggen lggen
complete -F _lglaunch lglaunch
