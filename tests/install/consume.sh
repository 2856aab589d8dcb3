#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# consume.sh PREFIX WORKDIR — build tests/install/consumer.c against an installed lgkit
# twice (CMake find_package, then pkg-config) and run both.
set -euo pipefail
prefix=$1 work=$2 here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
cmake -S "$here" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/consumer"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig"
cc -o "$work/pc-consumer" "$here/consumer.c" $(pkg-config --cflags --libs lgkit)
LD_LIBRARY_PATH=$(pkg-config --variable=libdir lgkit) "$work/pc-consumer"
# The static archive, with every dependency pkg-config --static names.
cc -static-libgcc -o "$work/pc-static-consumer" "$here/consumer.c" $(pkg-config --cflags lgkit) \
	"$(pkg-config --variable=libdir lgkit)/liblgkit.a" $(pkg-config --static --libs-only-l lgkit | sed 's/-llgkit //')
"$work/pc-static-consumer"
