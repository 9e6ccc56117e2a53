#!/usr/bin/env bash
# Benchmark: discovery only (`vgpu-probe --json --no-firmware`) against
# `lspci -A linux-sysfs -O sysfs.path=DIR -n -vvv` on generated hosts of 256, 1,024 and 4,096 PCI
# functions (scripts/fixtures/make_hosts.py --scale). Targets (issue 3): ratio <= 1.0 at 1,024
# functions, and time growing linearly with the count (per-function time at 4,096 within 1.5x of 256).
# lspci reads every attribute of every function; the probe reads what it reports (NVIDIA's physical
# functions in full, their VFs' ids and links, other vendors' functions as far as the vendor id:
# SysfsScanner.Depth), so the ratio compares the two tools' jobs, not the same reads.
#
# usage: benchmarks/discovery.sh [RUNS]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
runs=${1:-9}
bin=$(bash scripts/build-static.sh --copy-to benchmarks/out/bin)   # fully static, copied as to a GPU host
mkdir -p benchmarks/out
results=${VGPUKIT_RESULTS:-benchmarks/out/results.jsonl}
status=0
for n in 256 1024 4096; do
    tree="benchmarks/out/host-$n"
    [ -d "$tree" ] || python3 scripts/fixtures/make_hosts.py --scale "$n" --out "$tree" >&2
    target=()
    [ "$n" = 1024 ] && target=(--max-ratio 1.0)
    python3 benchmarks/harness.py --name "discovery $n functions vs lspci -n -vvv" --runs "$runs" \
        --ours "$bin --sysfs-root $tree --no-firmware --json" \
        --peer "lspci -A linux-sysfs -O sysfs.path=$tree/bus/pci -n -vvv" \
        "${target[@]}" --max-rss-mib 32 --results "$results" || status=1
done
python3 - <<'PY' || status=1
import json
rows = [json.loads(l) for l in open(__import__("os").environ.get("VGPUKIT_RESULTS", "benchmarks/out/results.jsonl")) if l.startswith('{"name": "discovery')]
last = {}
for r in rows:
    last[int(r["name"].split()[1])] = r["ours_ms"]
per = {n: last[n] / n for n in sorted(last)}
print("discovery per function: " + ", ".join(f"{n}: {per[n] * 1000:.1f} us" for n in per))
ratio = per[4096] / per[256]
print(f"linearity: per-function time at 4096 / at 256 = {ratio:.2f} (target <= 1.5)")
raise SystemExit(0 if ratio <= 1.5 else 1)
PY
exit $status
