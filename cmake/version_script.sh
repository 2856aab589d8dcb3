#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# version_script.sh CC INCLUDE_DIR OUT — liblgkit's linker version script: every function
# the public headers declare (public_symbols.sh) in the node LGKIT_0.1, all else local.
set -euo pipefail
here=$(dirname "$0")
syms=$(bash "$here/public_symbols.sh" "$1" "$2")
{
	echo "LGKIT_0.1 {"
	echo "  global:"
	for s in $syms; do
		echo "    $s;"
	done
	echo "  local: *;"
	echo "};"
} >"$3.tmp"
mv "$3.tmp" "$3"
