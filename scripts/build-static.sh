#!/usr/bin/env bash
# Builds vgpu-probe as one fully static executable and prints its path.
#
# Everything is linked in: the Swift runtime, FoundationEssentials, swift-crypto, libelf, zlib and
# glibc. This is the binary to copy to a GPU host (it needs no Swift toolchain and no libelf there) and
# the one the benchmarks time: with no dynamic loader and no shared libraries to map, every start is
# ~3-4 ms shorter than with --static-swift-stdlib alone (docs/performance.md).
#
# The link warns that glibc's name-service functions (getpwuid, behind FoundationEssentials' home
# directory lookup) would load shared NSS modules at run time; vgpu-probe only reaches them when $HOME
# is unset, and then falls back gracefully if they are missing.
#
# usage: scripts/build-static.sh            (output under .build-static/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# libelf's static dependencies (zlib) come from its pkg-config file, as the dynamic link's do.
link=()
for lib in $(pkg-config --libs --static libelf); do link+=(-Xlinker "$lib"); done
flags=(-c release --static-swift-stdlib -Xswiftc -static-executable "${link[@]}" --scratch-path .build-static)
swift build --product vgpu-probe "${flags[@]}" >&2
echo "$(swift build "${flags[@]}" --show-bin-path)/vgpu-probe"
