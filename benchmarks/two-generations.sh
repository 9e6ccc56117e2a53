#!/usr/bin/env bash
# Builds vgpu-probe with only two generations (Ada, Ampere) in a copy of the package, the peer of the
# start-up benchmark (run.sh): the same binary but for the modules it carries. The copy keeps its own
# scratch directory (a copied one is refused: its module cache records the original path), so the first
# run builds everything once (about 10 minutes on 2 cores); later runs only what changed. Prints the
# path of the copied binary.
#
# usage: benchmarks/two-generations.sh
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$repo/benchmarks/out/two-generations
mkdir -p "$work"
# Tracked and untracked-but-not-ignored files, as a clone of the working tree would have them.
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) | (cd "$repo" && xargs -0 cp -P --parents -t "$work" 2>/dev/null || true)
python3 - "$work/Package.swift" <<'PY'
import re, sys
p = open(sys.argv[1]).read()
p, n = re.subn(r"let generations = \[\n(?:\s+\"\w+\",\n)+\]", 'let generations = [\n    "Ada",\n    "Ampere",\n]', p, count=1)
assert n == 1, "Package.swift has no generations list"
open(sys.argv[1], "w").write(p)
PY
(cd "$work" && bash scripts/build-static.sh --copy-to "$repo/benchmarks/out/bin-two-generations" vgpu-probe)
