#!/usr/bin/env python3
"""Prints, per chip, the first NVIDIA driver release that knows it: the first tag of
NVIDIA/open-gpu-kernel-modules whose generated HAL sources name the chip (g_chips2halspec_nvoc.h for
chips with a display; the g_bindata_kgspGetBinArchive*_<chip>.c GSP images for GA100, GH100, GB10x).
The generation modules' firstDriverRelease(for:) tables are transcribed from this output.

    python3 scripts/driver_support.py /path/to/open-gpu-kernel-modules.git [CHIP ...]
"""
import re
import subprocess
import sys

CHIPS = ["TU102", "TU104", "TU106", "TU116", "TU117", "GA100", "GA102", "GA103", "GA104", "GA106", "GA107",
         "AD102", "AD103", "AD104", "AD106", "AD107", "GH100", "GB100", "GB102", "GB202", "GB203", "GB205",
         "GB206", "GB207"]


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True).stdout


def main():
    repo, chips = sys.argv[1], sys.argv[2:] or CHIPS
    tags = sorted(git(repo, "tag").split(), key=lambda t: tuple(int(x) for x in re.findall(r"\d+", t)))
    first = {}
    for tag in tags:
        halspec = git(repo, "show", tag + ":src/nvidia/generated/g_chips2halspec_nvoc.h")
        generated = git(repo, "ls-tree", "--name-only", tag, "src/nvidia/generated/")
        for chip in chips:
            if chip in first:
                continue
            if re.search(r"\b%s\b" % chip, halspec) or re.search(r"g_bindata_kgspGetBinArchive\w*_%s\.c" % chip, generated):
                first[chip] = tag
    print("oldest tag: %s" % tags[0])
    for chip in chips:
        print("%-6s %s" % (chip, first.get(chip, "not named")))


if __name__ == "__main__":
    main()
