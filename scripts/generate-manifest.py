#!/usr/bin/env python3
"""Writes Sources/VGPU<Architecture>/firmware-manifests/<architecture>.json from the real firmware files.

Sizes, SHA-256 digests and `.fwversion` are read from the files under the firmware root (the one
scripts/setup.sh fills), so the manifest records what Debian actually ships. Re-run it only when
adding a release or chip, then review the diff.

usage: scripts/generate-manifest.py ada [--firmware-root DIR]
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys

# The four files of a chip in the linux-firmware layout.
LINUX_FIRMWARE_FILES = [
    ("gsp", "nvidia/{chip}/gsp/gsp-{v}.bin"),
    ("bootloader", "nvidia/{chip}/gsp/bootloader-{v}.bin"),
    ("booter_load", "nvidia/{chip}/gsp/booter_load-{v}.bin"),
    ("booter_unload", "nvidia/{chip}/gsp/booter_unload-{v}.bin"),
]

# Files a chip needs on top of the four, from 570 on: AD10x's FB scrubber (run before booter_load
# when the heap outgrows the pre-scrubbed top of FB) and the falcon generic bootloader that TU10x,
# TU11x and GA100 use to load their SEC2 ucode.
SCRUBBER = [("scrubber", "nvidia/{chip}/gsp/scrubber-{v}.bin")]
GEN_BOOTLOADER = [("gen_bootloader", "nvidia/{chip}/gsp/gen_bootloader-{v}.bin")]

# Hopper and Blackwell boot through the FSP: the GSP image (one file for every chip from GA102 on), the
# GSP-FMC image the FSP verifies, and the RISC-V bootloader; no booters. NVIDIA's extraction script makes
# them from 580 on; the 570.144 files are in the package's 570.144 set.
FSP_FILES = [
    ("gsp", "nvidia/{chip}/gsp/gsp-{v}.bin"),
    ("bootloader", "nvidia/{chip}/gsp/bootloader-{v}.bin"),
    ("fmc", "nvidia/{chip}/gsp/fmc-{v}.bin"),
]

# The package both linux-firmware releases are taken from (scripts/setup.sh); the 535.113.01 files in it
# are byte for byte those of bookworm-backports' 20250410-2~bpo12+1.
GRAPHICS = {"package": "firmware-nvidia-graphics", "suite": "trixie-backports"}

# What each architecture needs. The chip list and signature family are facts of the architecture;
# the paths follow the two published layouts (GSP-FACTS.md section 2).
ARCHITECTURES = {
    "ada": {
        "chips": ["ad102", "ad103", "ad104", "ad106", "ad107"],
        "family": {"*": "ad10x"},
        "releases": [
            {"version": "535.113.01", "layout": "linux-firmware", **GRAPHICS, "files": LINUX_FIRMWARE_FILES},
            {"version": "570.144", "layout": "linux-firmware", **GRAPHICS, "files": LINUX_FIRMWARE_FILES + SCRUBBER},
            {
                # NVIDIA's driver layout ships only the GSP image; the bootloader and booters are
                # built into NVIDIA's kernel module, so they are not files here.
                "version": "535.261.03",
                "layout": "nvidia-driver",
                "package": "firmware-nvidia-gsp",
                "suite": "bookworm",
                "files": [("gsp", "nvidia/{v}/gsp_ga10x.bin")],
            },
        ],
    },
    "turing": {
        "chips": ["tu102", "tu104", "tu106", "tu116", "tu117"],
        # One image (the TU10x-family LIBOS2 image that GA100 also boots), two signature families.
        "family": {"tu116": "tu11x", "tu117": "tu11x", "*": "tu10x"},
        "releases": [
            {"version": "535.113.01", "layout": "linux-firmware", **GRAPHICS, "files": LINUX_FIRMWARE_FILES},
            {"version": "570.144", "layout": "linux-firmware", **GRAPHICS, "files": LINUX_FIRMWARE_FILES + GEN_BOOTLOADER},
            {"version": "535.261.03", "layout": "nvidia-driver", "package": "firmware-nvidia-gsp", "suite": "bookworm",
             "files": [("gsp", "nvidia/{v}/gsp_{image}.bin")]},
        ],
    },
    "hopper": {
        "chips": ["gh100"],
        "family": {"*": "gh100"},
        "releases": [{"version": "570.144", "layout": "linux-firmware", **GRAPHICS, "files": FSP_FILES}],
    },
    "blackwell": {
        "chips": ["gb100", "gb102", "gb202", "gb203", "gb205", "gb206", "gb207"],
        # One GSP image; the signature by family: GB10x (data center) and GB20x.
        "family": {"gb100": "gb10x", "gb102": "gb10x", "*": "gb20x"},
        "releases": [{"version": "570.144", "layout": "linux-firmware", **GRAPHICS, "files": FSP_FILES}],
    },
    "ampere": {
        "chips": ["ga100", "ga102", "ga103", "ga104", "ga106", "ga107"],
        # GA100 boots the TU10x-family (LIBOS2) image with its own signature; GA10x the GA102 image.
        "family": {"ga100": "ga100", "*": "ga10x"},
        "releases": [
            {"version": "535.113.01", "layout": "linux-firmware", **GRAPHICS, "files": LINUX_FIRMWARE_FILES},
            {"version": "570.144", "layout": "linux-firmware", **GRAPHICS, "files": LINUX_FIRMWARE_FILES,
             "extra": {"ga100": GEN_BOOTLOADER}},
            {
                "version": "535.261.03",
                "layout": "nvidia-driver",
                "package": "firmware-nvidia-gsp",
                "suite": "bookworm",
                "files": [("gsp", "nvidia/{v}/gsp_{image}.bin")],
            },
        ],
    },
}


def fwversion(path):
    out = subprocess.run(["readelf", "-x", ".fwversion", "-W", path], capture_output=True, text=True, check=True).stdout
    raw = bytearray()
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0].startswith("0x"):
            for word in parts[1:5]:
                if all(c in "0123456789abcdef" for c in word):
                    raw += bytes.fromhex(word)
    return raw.split(b"\0")[0].decode("ascii")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("architecture", choices=sorted(ARCHITECTURES))
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--firmware-root", default=os.environ.get("VGPUKIT_FIRMWARE_ROOT", os.path.join(repo, ".firmware")))
    args = ap.parse_args()
    arch = ARCHITECTURES[args.architecture]
    stamp = dict(line.strip().split("=", 1) for line in open(os.path.join(args.firmware_root, ".fetched")) if "=" in line)
    releases = []
    for rel in arch["releases"]:
        chips = []
        for chip in arch["chips"]:
            files = []
            for role, pattern in rel["files"] + rel.get("extra", {}).get(chip, []):
                family = arch["family"].get(chip, arch["family"]["*"])
                image = "tu10x" if family in ("ga100", "tu10x", "tu11x") else "ga10x"
                rel_path = pattern.format(chip=chip, v=rel["version"], image=image)
                path = os.path.join(args.firmware_root, rel_path)
                data = open(path, "rb").read()
                entry = {"role": role, "path": rel_path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                if role == "gsp":
                    entry["fwversion"] = fwversion(path)
                    entry["signatureSection"] = ".fwsignature_" + family
                files.append(entry)
            chips.append({"chip": chip, "files": files})
        releases.append({
            "version": rel["version"],
            "layout": rel["layout"],
            "source": {"package": rel["package"], "version": stamp[rel["package"]], "suite": rel["suite"], "component": "non-free-firmware"},
            "chips": chips,
        })
    manifest = {"schemaVersion": 1, "architecture": args.architecture, "releases": releases}
    # A generation's manifest lives in its module's folder (docs/adding-a-generation.md).
    module = "VGPU" + args.architecture[0].upper() + args.architecture[1:]
    out = os.path.join(repo, "Sources", module, "firmware-manifests", args.architecture + ".json")
    with open(out, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(out, file=sys.stderr)


if __name__ == "__main__":
    main()
