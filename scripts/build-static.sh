#!/usr/bin/env bash
# Builds vgpu-probe (or the named products, e.g. gsp-elf) as fully static executables and prints the
# path of each, one per line, in the order asked.
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
# usage: scripts/build-static.sh [--copy-to DIR] [PRODUCT...]
#   PRODUCT     default vgpu-probe; output under .build-static/
#   --copy-to   copy each binary into DIR and print the copies' paths: what the benchmarks time. A file
#               the linker has just written starts 0.3-0.5 ms slower on the VM we measure on until its
#               pages are evicted and read back (perf stat, same bytes: 1.36-1.45 ms at the link output,
#               0.82-1.14 ms as a copy, equal after drop_caches); a copy is how a binary reaches a host.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# libelf's static dependencies (zlib) come from its pkg-config file, as the dynamic link's do.
link=()
for lib in $(pkg-config --libs --static libelf); do link+=(-Xlinker "$lib"); done
flags=(-c release --static-swift-stdlib -Xswiftc -static-executable "${link[@]}" --scratch-path .build-static)
copy_to=""
if [ "${1:-}" = --copy-to ]; then copy_to=${2:?--copy-to needs a directory}; shift 2; fi
products=("${@:-vgpu-probe}")
for product in "${products[@]}"; do swift build --product "$product" "${flags[@]}" >&2; done
dir=$(swift build "${flags[@]}" --show-bin-path)
for product in "${products[@]}"; do
    if [ -n "$copy_to" ]; then
        mkdir -p "$copy_to"
        rm -f "$copy_to/$product"
        cp "$dir/$product" "$copy_to/$product"
        echo "$(cd "$copy_to" && pwd)/$product"
    else
        echo "$dir/$product"
    fi
done
