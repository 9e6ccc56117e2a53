#!/usr/bin/env bash
# The project's test command (README, .ci/run):
#   1. swift test                                   the suite, keeping every JSON document its runs print
#      scripts/validate_json.py                     ... and validating them all against schemas/
#   2. swift test --sanitize=address                the suite again under AddressSanitizer + LeakSanitizer
#   3. swift test --sanitize=thread --filter ...   the concurrent suites (device core, vGPU manager, firmware hashing, rendering ahead) under ThreadSanitizer
#   4. scripts/fuzz.sh                              every fuzz target for a short bounded time
#   5. scripts/pictures.sh --check                  the docs' pictures are what the code draws now
#   6. scripts/install.sh PREFIX                    the static binary, man page and completions installed;
#                                                   man -l renders the page, bash loads the completions
# Ends with one line 'tests: N passed, N failed'. Environment: VGPUKIT_FUZZ_SECONDS (default 20).
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
log=$(mktemp)
documents=$(mktemp -d)
trap 'rm -rf "$log" "$documents"' EXIT

VGPUKIT_JSON_CAPTURE=$documents swift test 2>&1 | tee "$log"
suite=${PIPESTATUS[0]}
summary=$(grep -E 'Test run with [0-9]+ tests?' "$log" | tail -1)
passed=$(sed -nE 's/.*Test run with ([0-9]+) tests?.* passed.*/\1/p' <<< "$summary")
failed=0
[ "$suite" -eq 0 ] || failed=1

echo "== every JSON document the suite printed, against schemas/"
python=python3
python3 -c 'import jsonschema' 2>/dev/null || python=/usr/bin/python3
"$python" scripts/validate_json.py "$documents"
schemas=$?
[ "$schemas" -eq 0 ] || failed=$((failed + 1))

echo "== the suite under AddressSanitizer (suppressions: .asan-suppressions, .lsan-suppressions)"
ASAN_OPTIONS=suppressions=$repo/.asan-suppressions LSAN_OPTIONS=suppressions=$repo/.lsan-suppressions \
    swift test --sanitize=address --scratch-path .build-asan 2>&1 | grep -E 'Test run with|✘|ERROR: (Address|Leak)Sanitizer|SUMMARY' 
asan=${PIPESTATUS[0]}
[ "$asan" -eq 0 ] || failed=$((failed + 1))

echo "== the concurrent suites (life cycle, firmware hashing, the digest cache, rendering ahead) under ThreadSanitizer"
swift test --sanitize=thread --scratch-path .build-tsan --filter 'DeviceCoreTests|VGPUManagerTests|FileDigestTests|FirmwareVerifierTests|RenderAheadTests|DigestCacheTests' 2>&1 \
    | grep -E 'Test run with|✘|WARNING: ThreadSanitizer|SUMMARY'
tsan=${PIPESTATUS[0]}
[ "$tsan" -eq 0 ] || failed=$((failed + 1))

echo "== fuzzing, ${VGPUKIT_FUZZ_SECONDS:-20}s per target"
bash scripts/fuzz.sh "${VGPUKIT_FUZZ_SECONDS:-20}"
fuzz=$?
[ "$fuzz" -eq 0 ] || failed=$((failed + 1))

echo "== the docs' pictures (docs/pictures/*.svg) are current"
bash scripts/pictures.sh --check
pictures=$?
[ "$pictures" -eq 0 ] || failed=$((failed + 1))

echo "== install: static binary, man page, completions"
prefix=$(mktemp -d)
install=0
if bash scripts/install.sh "$prefix" > /dev/null; then
    page=$(MANWIDTH=100 man -l "$prefix/share/man/man1/vgpu-probe.1" 2> /dev/null) || install=1
    for command in probe firmware plan types simulate snapshot export; do
        grep -qE "^ +$command( +[A-Z]|$)" <<< "$page" || { echo "man page: no section for $command"; install=1; }
    done
    bash -c 'source "$1/share/bash-completion/completions/vgpu-probe" && complete -p vgpu-probe > /dev/null \
             && COMP_WORDS=(vgpu-probe "") COMP_CWORD=1 COMP_LINE="vgpu-probe " COMP_POINT=11 && _vgpu-probe \
             && [[ " ${COMPREPLY[*]} " == *" export "* ]]' _ "$prefix" || { echo "bash completion does not load or complete"; install=1; }
    "$prefix/bin/vgpu-probe" --version | head -1
else
    install=1
fi
rm -rf "$prefix"
[ "$install" -eq 0 ] && echo "install: binary, man page and completions work" || failed=$((failed + 1))

echo "suite exit $suite, schemas exit $schemas, address sanitizer exit $asan, thread sanitizer exit $tsan, fuzzing exit $fuzz, pictures exit $pictures, install exit $install"
echo "tests: ${passed:-0} passed, $failed failed"
[ "$failed" -eq 0 ]
