#!/usr/bin/env bash
# Proves that a GPU generation is one folder: runs the new-generation plugin in a clean copy of the
# package, adds the one line it prints to Package.swift's `generations`, builds, runs the new module's
# conformance suite (a scaffold fails it: its TODOs, listed), and prints every path changed outside
# Sources/VGPU<Name>/ and Tests/VGPU<Name>Tests/. Passes when the build succeeds and that list is
# exactly Package.swift, with one line added. Leaves the real package untouched.
#
# usage: scripts/check-new-generation.sh [NAME] [CHIPS]     (default: Example ex100=0x3f0, a generation that
# does not exist, so the scaffold never meets a real one)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
name=${1:-Example}
chips=${2:-ex100=0x3f0}
work=$(mktemp -d "${TMPDIR:-/tmp}/vgpukit-newgen.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Tracked and untracked-but-not-ignored files: what a clone of the working tree would have.
(cd "$repo" && git ls-files -z --cached --others --exclude-standard) | (cd "$repo" && xargs -0 cp -P --parents -t "$work" 2>/dev/null || true)
cd "$work"
git init -q && git add -A && git -c user.name=check -c user.email=check@localhost commit -qm before
swift package --allow-writing-to-package-directory new-generation --name "$name" --chips "$chips" > plugin.out
cat plugin.out
line=$(grep -E '^\s+"'"$name"'",\s*$' plugin.out | head -1)
[ -n "$line" ] || { echo "new-generation: the plugin printed no generations line" >&2; exit 1; }
python3 - "$line" <<'PY'
import sys
p = open("Package.swift").read()
anchor = "let generations = [\n"
assert anchor in p, "Package.swift has no generations list"
p = p.replace(anchor, anchor + sys.argv[1].rstrip() + "\n", 1)
open("Package.swift", "w").write(p)
PY
rm plugin.out
swift build --target "VGPU$name" 2>&1 | tail -3
swift build --target VGPUProbe 2>&1 | tail -1
echo "== conformance of the scaffold (its TODOs)"
swift test --filter "VGPU${name}Tests" > "$work.test" 2>&1 || true
grep -oE '\[[a-z0-9]+\] [a-z-]+: .*' "$work.test" | sort -u | head -20 | sed 's/^/  /' || true
grep -E 'Test run with|error:' "$work.test" | tail -3
rm -f "$work.test"
echo "== paths changed outside Sources/VGPU$name/ and Tests/VGPU${name}Tests/"
git add -A
outside=$(git diff --cached --name-only | grep -vE "^(Sources/VGPU$name|Tests/VGPU${name}Tests)/" || true)
echo "${outside:-(none)}"
added=$(git diff --cached --numstat -- Package.swift | awk '{print $1 "+" $2 "-"}')
echo "Package.swift: $added"
if [ "$outside" = "Package.swift" ] && [ "$added" = "1+0-" ]; then
    echo "new-generation: VGPU$name builds; outside its two folders only Package.swift changed, by one line"
else
    echo "new-generation: FAILED: more than Package.swift's one line changed outside the generation's folders" >&2
    exit 1
fi
