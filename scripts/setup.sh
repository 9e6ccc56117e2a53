#!/usr/bin/env bash
# Prepares a fresh Debian bookworm machine for VGPUKit:
#   1. installs the build, test and benchmark dependencies from Debian (libelf-dev, zlib1g-dev, pkg-config, pciutils,
#      pci.ids, openssl, hyperfine, binutils, GNU time for the benchmarks' peak RSS, libxml2-utils, chromium
#      and fonts-dejavu-core for the picture tests (xmllint, a headless render), and python3-jsonschema
#      unless a python3 already has jsonschema);
#   2. fetches NVIDIA's GSP firmware from Debian's non-free-firmware component into .firmware/
#      (firmware-nvidia-graphics from trixie-backports, 20260916-1~bpo13+1 or a newer revision, falling
#       back to sid: nvidia/<chip>/gsp/*-535.113.01.bin and *-570.144.bin, tu102 to gb207;
#       firmware-nvidia-gsp from bookworm: nvidia/535.261.03/gsp_*.bin). The manifests pin each file's
#      size and SHA-256, not a package version, so any revision that still ships these files will do.
#   3. fetches the fleet tests' tools and a current pci.ids into .data/ the same way: promtool
#      (prometheus, bookworm), prometheus-node-exporter (bookworm) and pci.ids (trixie, 2025 or newer,
#      which names L40S, L20, H200, B200 and RTX PRO 6000; bookworm's 2023 file does not).
#
# The firmware is fetched with a private apt configuration (its own sources list, lists and cache
# under .firmware/.apt), so the host's /etc/apt is never changed. apt verifies the packages against
# the Debian archive keyring as usual. Run again to re-use what is already there.
#
# Environment: VGPUKIT_FIRMWARE_ROOT  where to put the firmware (default: <repo>/.firmware)
#              VGPUKIT_DATA_DIR      where to put the tools and pci.ids (default: <repo>/.data)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
root=${VGPUKIT_FIRMWARE_ROOT:-$repo/.firmware}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

say() { printf '[setup] %s\n' "$*" >&2; }

# 1. Build and test dependencies.
need=()
for pkg in libelf-dev zlib1g-dev pkg-config pciutils pci.ids openssl hyperfine binutils time libxml2-utils chromium fonts-dejavu-core; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The JSON Schema validator the tests use (schemas/, scripts/validate_json.py): any python3 that has
# it will do; otherwise Debian's.
if ! python3 -c 'import jsonschema' 2>/dev/null && ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
    say "installing python3-jsonschema"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-jsonschema >/dev/null
fi
command -v swift >/dev/null || { say "swift is not on PATH (this project needs Swift 6)"; exit 1; }

# Debian packages fetched under a private apt configuration in DIR/.apt (its own sources list, lists and
# cache; the host's apt is never touched) and unpacked into DIR/.apt/unpack; apt verifies them against
# the archive keyring as for any install. DIR/.fetched records each package's version.
#   fetch_debs DIR "SOURCES LINES" DOWNLOAD-COMMAND...   (the download command runs in the .deb directory)
fetch_debs() {
    local dir=$1 sources=$2
    shift 2
    local apt_dir="$dir/.apt"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
    printf '%s\n' "$sources" > "$apt_dir/sources.list"
    apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
              -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root")
    apt-get "${apt_opts[@]}" -qq update
    rm -f "$apt_dir/debs"/*.deb
    (cd "$apt_dir/debs" && "$@")
    unpack="$apt_dir/unpack"
    rm -rf "$unpack" && mkdir -p "$unpack"
    for deb in "$apt_dir/debs"/*.deb; do dpkg-deb -x "$deb" "$unpack"; done
    for deb in "$apt_dir/debs"/*.deb; do dpkg-deb -f "$deb" Package Version | sed 's/^[^:]*: //' | paste -sd=; done > "$dir/.fetched"
    rm -f "$apt_dir/debs"/*.deb
}
download() { apt-get "${apt_opts[@]}" -qq download "$@"; }

# 2. Real GSP firmware from Debian's non-free-firmware component.
download_firmware() {
    download firmware-nvidia-gsp/bookworm \
        && { download firmware-nvidia-graphics/trixie-backports 2>/dev/null || download firmware-nvidia-graphics/sid; }
}
if [ -f "$root/.fetched" ] && [ -e "$root/nvidia/ad102/gsp/gsp-535.113.01.bin" ] && [ -e "$root/nvidia/ad102/gsp/gsp-570.144.bin" ] \
   && [ -e "$root/nvidia/535.261.03/gsp_ga10x.bin" ]; then
    say "firmware already in $root ($(tr '\n' ' ' < "$root/.fetched"))"
else
    say "fetching firmware-nvidia-graphics (trixie-backports, else sid) and firmware-nvidia-gsp (bookworm)"
    fetch_debs "$root" "deb http://deb.debian.org/debian bookworm non-free-firmware
deb http://deb.debian.org/debian trixie-backports non-free-firmware
deb http://deb.debian.org/debian sid non-free-firmware" \
        download_firmware
    # bookworm's packages install under /lib/firmware, trixie's (merged /usr) under /usr/lib/firmware.
    rm -rf "$root/nvidia" && mkdir -p "$root/nvidia"
    for dir in "$unpack/lib/firmware/nvidia" "$unpack/usr/lib/firmware/nvidia"; do
        [ -d "$dir" ] && cp -a "$dir/." "$root/nvidia/"
    done
    rm -rf "$unpack"
    say "firmware in $root: $(tr '\n' ';' < "$root/.fetched")"
fi

# 3. Tools and data the fleet and naming tests use, never installed on the host: the binaries run from
#    .data/bin, pci.ids is read from .data/pci.ids.
data=${VGPUKIT_DATA_DIR:-$repo/.data}
if [ -x "$data/bin/promtool" ] && [ -x "$data/bin/prometheus-node-exporter" ] && [ -s "$data/pci.ids" ]; then
    say "tools and pci.ids already in $data"
else
    say "fetching prometheus, prometheus-node-exporter (bookworm) and pci.ids (trixie) into $data"
    fetch_debs "$data" "deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian trixie main" \
        download prometheus/bookworm prometheus-node-exporter/bookworm pci.ids/trixie
    mkdir -p "$data/bin"
    cp "$unpack/usr/bin/promtool" "$unpack/usr/bin/prometheus-node-exporter" "$data/bin/"
    cp "$unpack/usr/share/misc/pci.ids" "$data/pci.ids"
    rm -rf "$unpack"
    say "in $data: $(tr '\n' ';' < "$data/.fetched")"
fi
echo "$root"
