#!/usr/bin/env bash
# Runs the new-generation plugin in a temporary copy of the package, applies the Package.swift lines it
# prints, and builds the new module: proof that the scaffold compiles. Leaves the real package untouched.
#
# usage: scripts/check-new-generation.sh [NAME] [CHIPS]     (default: Hopper gh100=0x180)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
name=${1:-Hopper}
chips=${2:-gh100=0x180}
work=$(mktemp -d "${TMPDIR:-/tmp}/vgpukit-newgen.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Tracked and untracked-but-not-ignored files: what a clone of the working tree would have.
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) | (cd "$repo" && xargs -0 cp -P --parents -t "$work")
cd "$work"
swift package --allow-writing-to-package-directory new-generation --name "$name" --chips "$chips" > plugin.out
cat plugin.out
python3 - "$name" <<'PY'
import re, sys
name = sys.argv[1]
out = open("plugin.out").read()
target = re.search(r'^\s*(\.target\(name: "VGPU%s".*\),)\s*$' % name, out, re.M).group(1)
test = re.search(r'^\s*(\.testTarget\(name: "VGPU%sTests".*\),)\s*$' % name, out, re.M).group(1)
p = open("Package.swift").read()
p = p.replace("let architectureTargets: [Target] = [", "let architectureTargets: [Target] = [\n    " + target, 1)
p = p.replace("let testTargets: [Target] = [", "let testTargets: [Target] = [\n    " + test, 1)
open("Package.swift", "w").write(p)
PY
swift build --target "VGPU$name" 2>&1 | tail -3
echo "new-generation: VGPU$name scaffold builds"
