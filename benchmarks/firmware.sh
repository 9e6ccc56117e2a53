#!/usr/bin/env bash
# Benchmark: `vgpu-probe firmware --chip ad102` (digest verification of all four files, parsing them)
# against `openssl dgst -sha256` on the 38 MB GSP image alone: the floor, since the image must be
# hashed once. Targets (issue 2): ratio <= 1.2, peak RSS < 40 MiB.
#
# usage: benchmarks/firmware.sh [RUNS]      (firmware root: $VGPUKIT_FIRMWARE_ROOT or .firmware)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
root=${VGPUKIT_FIRMWARE_ROOT:-$repo/.firmware}
runs=${1:-15}
bin=$(bash scripts/build-static.sh --copy-to benchmarks/out/bin)   # fully static, copied as to a GPU host
image="$root/nvidia/ad102/gsp/gsp-535.113.01.bin"
[ -e "$image" ] || { echo "no firmware at $root: run scripts/setup.sh" >&2; exit 2; }
mkdir -p benchmarks/out
python3 benchmarks/harness.py --name "firmware --chip ad102 vs openssl dgst -sha256" --runs "$runs" \
    --ours "$bin firmware --chip ad102 --firmware-root $root" \
    --peer "openssl dgst -sha256 $image" \
    --max-ratio 1.2 --max-rss-mib 40 --results benchmarks/out/results.jsonl
