#!/usr/bin/env bash
# Installs vgpu-probe under PREFIX: the fully static binary (scripts/build-static.sh: it needs no Swift
# toolchain or libelf on the host), its man page and its bash, zsh and fish completions, the last two
# generated from the command definitions by swift-argument-parser's own tools (generate-manual, which
# reads `vgpu-probe --experimental-dump-help`, and --generate-completion-script).
#
#   PREFIX/bin/vgpu-probe
#   PREFIX/share/man/man1/vgpu-probe.1
#   PREFIX/share/bash-completion/completions/vgpu-probe
#   PREFIX/share/zsh/site-functions/_vgpu-probe
#   PREFIX/share/fish/vendor_completions.d/vgpu-probe.fish
#
# usage: scripts/install.sh [--binary FILE] PREFIX
#   --binary FILE   install FILE instead of building the static binary (a build of this checkout)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
binary=""
if [ "${1:-}" = --binary ]; then binary=${2:?--binary needs a file}; shift 2; fi
prefix=${1:?usage: scripts/install.sh [--binary FILE] PREFIX}
[ -n "$binary" ] || binary=$(bash scripts/build-static.sh)
swift build --product generate-manual >&2
generate_manual=$(swift build --show-bin-path)/generate-manual
# The manual's date is the commit's, so two installs of one checkout are identical.
date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)

install -D -m 0755 "$binary" "$prefix/bin/vgpu-probe"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$generate_manual" "$prefix/bin/vgpu-probe" --date "$date" --authors "VGPUKit" --output-directory "$work" >&2
install -D -m 0644 "$work/vgpu-probe.1" "$prefix/share/man/man1/vgpu-probe.1"
"$prefix/bin/vgpu-probe" --generate-completion-script bash > "$work/bash"
"$prefix/bin/vgpu-probe" --generate-completion-script zsh > "$work/zsh"
"$prefix/bin/vgpu-probe" --generate-completion-script fish > "$work/fish"
install -D -m 0644 "$work/bash" "$prefix/share/bash-completion/completions/vgpu-probe"
install -D -m 0644 "$work/zsh" "$prefix/share/zsh/site-functions/_vgpu-probe"
install -D -m 0644 "$work/fish" "$prefix/share/fish/vendor_completions.d/vgpu-probe.fish"
echo "installed under $prefix: bin/vgpu-probe, share/man/man1/vgpu-probe.1, bash, zsh and fish completions"
