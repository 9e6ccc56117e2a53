#!/usr/bin/env bash
# One entry point for every benchmark (issue 9): builds the release binary (static Swift runtime, as
# shipped to GPU hosts), then times it against its peers on the same inputs, medians of several runs,
# and prints each ratio and peak RSS; figures go to benchmarks/out/results.jsonl.
#
#   full probe with firmware verification, 8-GPU host   vs  openssl dgst -sha256 on the files it hashes
#   full probe of an Ada + Hopper + Blackwell host      vs  openssl dgst -sha256 on the distinct files
#   start-up (--version) with five generations          vs  the same binary built with two
#   the same probe repeated with a warm digest cache    vs  openssl dgst -sha256
#   discovery over 256 / 1,024 / 4,096 functions        vs  lspci -A linux-sysfs -n -vvv   (discovery.sh)
#   firmware open and section listing (gsp-elf)         vs  readelf -S -W
#   the same through vgpu-probe firmware --elf          vs  readelf -S -W   (for information, no target)
#
# usage: benchmarks/run.sh [RUNS]
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
runs=${1:-30}
root=${VGPUKIT_FIRMWARE_ROOT:-$repo/.firmware}
image="$root/nvidia/ga102/gsp/gsp-535.113.01.bin"
[ -e "$image" ] || { echo "no firmware at $root: run scripts/setup.sh" >&2; exit 2; }
# What the full probe of the benchmark host must hash: the image nvidia 535.261.03 loads (six GPUs) and
# the 570.144 files nouveau loads for AD102 (two GPUs; the 63 MB image, bootloader, booters, scrubber).
hashed=("$root/nvidia/535.261.03/gsp_ga10x.bin" "$root"/nvidia/ad102/gsp/{gsp,bootloader,booter_load,booter_unload,scrubber}-570.144.bin)
# fully static, and timed as copies, as they reach a GPU host (scripts/build-static.sh says why)
bins=$(bash scripts/build-static.sh --copy-to benchmarks/out/bin vgpu-probe gsp-elf) || exit 2
bin=$(sed -n 1p <<< "$bins")
gsp_elf=$(sed -n 2p <<< "$bins")
mkdir -p benchmarks/out
results=benchmarks/out/results.jsonl
: > "$results"
host=benchmarks/out/eight-gpus
rm -rf "$host" && python3 scripts/fixtures/make_hosts.py --bench-host eight-gpus --out "$host" >&2   # always current
status=0
h() { python3 benchmarks/harness.py --runs "$runs" --results "$results" "$@" || status=1; }

h --name "full probe, 8 GPUs, firmware verified (no cache) vs openssl" \
  --ours "$bin --sysfs-root $host --firmware-root $root --json --no-cache" \
  --peer "openssl dgst -sha256 ${hashed[*]}" --max-ratio 1.15 --max-rss-mib 32

export VGPUKIT_CACHE_DIR=$repo/benchmarks/out/cache
rm -rf "$VGPUKIT_CACHE_DIR"
"$bin" --sysfs-root "$host" --firmware-root "$root" --json > /dev/null   # fills the cache
h --name "repeated probe, 8 GPUs, digest cache warm vs openssl" \
  --ours "$bin --sysfs-root $host --firmware-root $root --json" \
  --peer "openssl dgst -sha256 ${hashed[*]}" --max-ratio 0.5 --max-rss-mib 32

# Ada, Hopper and Blackwell in one run, bound to nova-core: the 570.144 files each GPU loads, hashed
# once each (every chip's gsp-570.144.bin is the same image), and the FMC images' SHA-384 besides.
generations=Tests/Fixtures/hosts/generations
distinct=("$root"/nvidia/ga102/gsp/gsp-570.144.bin "$root"/nvidia/ad102/gsp/{bootloader,booter_load,booter_unload,scrubber}-570.144.bin
          "$root"/nvidia/{gh100,gb202}/gsp/{bootloader,fmc}-570.144.bin)
h --name "full probe, Ada + Hopper + Blackwell, firmware verified (no cache) vs openssl" \
  --ours "$bin --sysfs-root $generations --firmware-root $root --json --no-cache" \
  --peer "openssl dgst -sha256 ${distinct[*]}" --max-ratio 1.15 --max-rss-mib 32

# Start-up with all five generations against the same binary built with two (Ada, Ampere): a probe of
# an Ada host without firmware (parse, load the modules, scan, judge, print: 7 ms). --version (1 ms, for
# information) swings by +-10 % between rounds on this VM, more than the difference it would measure.
two=$(bash benchmarks/two-generations.sh) || exit 2
h --name "start-up, five generations vs two (probe, no firmware)" --runs $((runs * 3)) \
  --ours "$bin --sysfs-root Tests/Fixtures/hosts/l40s-in-use --no-firmware --json" \
  --peer "$two --sysfs-root Tests/Fixtures/hosts/l40s-in-use --no-firmware --json" --max-ratio 1.05
h --name "start-up, five generations vs two (--version, for information)" --runs $((runs * 10)) \
  --ours "$bin --version" --peer "$two --version"

# A millisecond each: ten times the runs, so the medians settle.
h --name "firmware open and section listing (gsp-elf) vs readelf -S -W" --runs $((runs * 10)) \
  --ours "$gsp_elf $image" --peer "readelf -S -W $image" --max-ratio 1.0 --max-rss-mib 32
# The same lines through vgpu-probe, which pays swift-argument-parser's start-up first: no target,
# printed so the cost of that start-up stays visible (docs/performance.md).
h --name "vgpu-probe firmware --elf (for information) vs readelf -S -W" --runs $((runs * 10)) \
  --ours "$bin firmware --elf $image" --peer "readelf -S -W $image"

bash benchmarks/discovery.sh 9 || status=1
cat benchmarks/out/results.jsonl >> /dev/null
echo "results: $results"
exit $status
