#!/usr/bin/env bash
# Fuzzes every parser with libFuzzer (swiftc -sanitize=fuzzer,address) for a bounded time each, from seed
# corpora taken from real inputs, and prints executions per target. Exit 1 on any crash, leak or hang;
# crashers land in .build-fuzz/artifacts/ and replay with `swift run vgpu-fuzz TARGET FILE`.
#
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (targets: elf bin config sysfs manifest meta probe)
#        VGPUKIT_FUZZ_RUNS=N also stops each target after N executions
#        VGPUKIT_FUZZ_SEED=N runs with libFuzzer's -seed=N (each target's line names the seed it ran with)
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(elf bin config sysfs manifest meta probe)
root=${VGPUKIT_FIRMWARE_ROOT:-$repo/.firmware}
out=.build-fuzz
# lld, not the system's gold: gold stops with an internal error (dwarf_reader.cc) linking the build
# plugin's tool with these flags.
flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library -Xswiftc -use-ld=lld)
swift build -c release --product vgpu-fuzz --scratch-path "$out" "${flags[@]}" >&2 || exit 2
bin=$(swift build -c release --scratch-path "$out" --show-bin-path "${flags[@]}")/vgpu-fuzz
mkdir -p "$out/artifacts"

# Seeds from real inputs (small ones; the 38 MB GSP image is rebuilt small with the same section scheme).
seeds=$out/seeds
rm -rf "$seeds" && mkdir -p "$seeds"/{elf,bin,config,sysfs,manifest,meta,probe}
python3 scripts/fuzz_seeds.py "$seeds" "$root"

status=0
summary=()
for t in "${targets[@]}"; do
    corpus=$out/corpus/$t
    mkdir -p "$corpus"
    log=$out/fuzz-$t.log
    runs=()
    [ -n "${VGPUKIT_FUZZ_RUNS:-}" ] && runs=(-runs="$VGPUKIT_FUZZ_RUNS")
    [ -n "${VGPUKIT_FUZZ_SEED:-}" ] && runs+=(-seed="$VGPUKIT_FUZZ_SEED")
    # The whole-probe target leaves libFuzzer's malloc and free counts unequal after most inputs, so its
    # per-input leak check would run every time (52 instead of ~1,000 executions a second, measured);
    # leaks on that path are LeakSanitizer's job in the suite's ASan run (scripts/test.sh).
    leaks=1
    [ "$t" = probe ] && leaks=0
    VGPUKIT_FUZZ_TARGET=$t ASAN_OPTIONS=detect_leaks=$leaks "$bin" -max_total_time="$seconds" "${runs[@]}" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" "$corpus" "$seeds/$t" > "$log" 2>&1
    rc=$?
    executed=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    crashes=$(ls "$out/artifacts" 2>/dev/null | grep -c "^$t-" || true)
    # libFuzzer picks a random seed; naming it lets a failure seen once (in CI) be run again with -seed=N.
    seed=$(grep -o 'Seed: [0-9]*' "$log" | head -1 | grep -o '[0-9]*$' || echo "?")
    line="fuzz $t: ${executed:-0} executions (limit ${seconds}s${VGPUKIT_FUZZ_RUNS:+ or $VGPUKIT_FUZZ_RUNS runs}, seed ${seed:-?}), exit $rc, $crashes artifact(s)"
    echo "$line"
    summary+=("$line")
    [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] || { status=1; tail -30 "$log"; }
done
printf '%s\n' "${summary[@]}" > "$out/summary.txt"
exit $status
