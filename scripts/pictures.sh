#!/usr/bin/env bash
# The pictures the docs show (docs/pictures/*.svg), drawn by the built vgpu-probe from the real firmware
# and the bundled plans (docs/pictures.md says what each shows).
#
# usage: scripts/pictures.sh            regenerate docs/pictures/
#        scripts/pictures.sh --check    draw them into a scratch folder and fail, naming the file, when a
#                                       committed picture is missing, extra or differs (scripts/test.sh)
# Environment: VGPUKIT_FIRMWARE_ROOT (default <repo>/.firmware), VGPUKIT_PROBE (default: the debug build).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
firmware=${VGPUKIT_FIRMWARE_ROOT:-$repo/.firmware}
probe=${VGPUKIT_PROBE:-$(swift build --show-bin-path)/vgpu-probe}
committed=docs/pictures
out=$committed
if [ "${1:-}" = --check ]; then
    out=$(mktemp -d)
    trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

# draw NAME ARGS...: one picture; each line here is a worked example of a doc.
draw() {
    local name=$1
    shift
    "$probe" "$@" --firmware-root "$firmware" --format svg > "$out/$name.svg" \
        || { echo "pictures: $name.svg: vgpu-probe $* failed (exit $?)" >&2; exit 1; }
}
# docs/boot-planning.md: the booter path, bare metal against vGPU mode, and what 570 changes.
draw ad102-48g-bare-metal-and-vgpu plan --chip ad102 --fb-size 48G --compare
draw ad102-48g-vgpu-535-and-570 plan --chip ad102 --fb-size 48G --vgpu --compare --release 535.113.01 --release 570.144
# docs/boot-planning.md: the FSP path's worked example.
draw gb202-96g-vgpu plan --chip gb202 --fb-size 96G --vgpu
# docs/vgpu-lifecycle.md: the bundled plans.
draw l40s-fill-and-refill simulate --plan docs/plans/l40s-fill-and-refill.json --each-step
draw l40s-failures-and-unwinding simulate --plan docs/plans/failures-and-unwinding.json --board L40S

[ "$out" = "$committed" ] && { echo "pictures: $(ls "$out"/*.svg | wc -l) drawn in $committed"; exit 0; }
stale=0
for name in $( (ls "$out"; ls "$committed") | grep '\.svg$' | sort -u); do
    if ! cmp -s "$out/$name" "$committed/$name"; then
        echo "pictures: $committed/$name is not what scripts/pictures.sh draws now (missing, extra or changed): run it and commit"
        stale=1
    fi
done
[ "$stale" -eq 0 ] && echo "pictures: $(ls "$out"/*.svg | wc -l) in $committed are current"
exit "$stale"
