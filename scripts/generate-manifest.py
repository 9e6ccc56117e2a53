#!/usr/bin/env python3
"""Fills in a generation's firmware manifest (Sources/VGPU<Gen>/firmware-manifests/<gen>.json) from the
real firmware files.

The manifest in the generation's folder is its own recipe: its releases, chips, file roles, paths and
GSP signature sections are written by hand (they are facts of the architecture and of the two published
layouts, GSP-FACTS.md section 2); this script reads each file under the firmware root (the one
scripts/setup.sh fills) and writes its size, SHA-256 and, for the GSP image, `.fwversion`, plus the
Debian package version it came from. So no table outside the generation's folder names its chips or
files. Re-run it when the firmware packages change, or after adding a release, then review the diff.

usage:
  scripts/generate-manifest.py ada [--firmware-root DIR]
      refresh every release of Sources/VGPUAda/firmware-manifests/ada.json from the files
  scripts/generate-manifest.py ada --add-release 580.65.06 --from 570.144 [--package P --suite S]
      add a release laid out like an existing one (its version replaced in every path), then refresh;
      files the new release does not ship are left out and named; add any it ships besides by hand

A file listed in the manifest that is missing under the firmware root is an error naming the manifest,
the field and the path.
"""
import argparse
import copy
import hashlib
import json
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fwversion(path, name, field):
    """The GSP image's `.fwversion` string, as readelf dumps it."""
    run = subprocess.run(["readelf", "-x", ".fwversion", "-W", path], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("%s: %s: readelf cannot dump .fwversion of %s: %s" % (name, field, path, run.stderr.strip()))
    out = run.stdout
    raw = bytearray()
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0].startswith("0x"):
            for word in parts[1:5]:
                if all(c in "0123456789abcdef" for c in word):
                    raw += bytes.fromhex(word)
    return raw.split(b"\0")[0].decode("ascii")


def manifest_path(generation):
    """Where a generation's manifest lives: its module's folder (docs/adding-a-generation.md)."""
    module = "VGPU" + generation[0].upper() + generation[1:]
    return os.path.join(REPO, "Sources", module, "firmware-manifests", generation + ".json")


def add_release(manifest, name, new, old, package, suite):
    """A copy of release `old` as `new`: the version replaced in every path, digests left to the refresh."""
    releases = manifest["releases"]
    if any(r["version"] == new for r in releases):
        sys.exit("%s: releases: %s is already listed" % (name, new))
    like = next((r for r in releases if r["version"] == old), None)
    if like is None:
        sys.exit("%s: releases: no release %s to copy (listed: %s)" % (name, old, ", ".join(r["version"] for r in releases)))
    release = copy.deepcopy(like)
    release["version"] = new
    if package:
        release["source"]["package"] = package
    if suite:
        release["source"]["suite"] = suite
    for chip in release["chips"]:
        for f in chip["files"]:
            f["path"] = f["path"].replace(old, new)
            for key in ("size", "sha256", "fwversion"):
                f.pop(key, None)
    releases.append(release)


def refresh(manifest, name, root, stamp, added=None):
    """Size, SHA-256 and `.fwversion` of every listed file, and the package version, from the firmware root.

    A file missing under the root is an error, except in the release being added (`added`): it copied
    its files from another release, and the new one may ship fewer, so those entries are dropped and
    named on standard error for review.
    """
    for i, release in enumerate(manifest.get("releases", [])):
        for key in ("version", "layout", "source", "chips"):
            if key not in release:
                sys.exit("%s: releases[%d].%s: is missing" % (name, i, key))
        source = release["source"]
        package = source.get("package")
        if package not in stamp:
            sys.exit("%s: releases[%d].source.package: %s was not fetched into %s (run scripts/setup.sh)" % (name, i, package, root))
        # The four fields in the order every manifest has them; the component is always non-free-firmware.
        release["source"] = {"package": package, "version": stamp[package], "suite": source.get("suite"),
                             "component": source.get("component", "non-free-firmware")}
        if release["source"]["suite"] is None:
            sys.exit("%s: releases[%d].source.suite: is missing" % (name, i))
        for j, chip in enumerate(release["chips"]):
            kept = []
            for k, f in enumerate(chip["files"]):
                field = "releases[%d].chips[%d].files[%d].path" % (i, j, k)
                if "role" not in f or "path" not in f:
                    sys.exit("%s: releases[%d].chips[%d].files[%d]: needs a role and a path" % (name, i, j, k))
                path = os.path.join(root, f["path"])
                try:
                    data = open(path, "rb").read()
                except OSError as e:
                    if release["version"] == added:
                        print("%s: %s: %s is not in the firmware root (%s): left out of %s, review" % (name, field, f["path"], e.strerror, added), file=sys.stderr)
                        continue
                    sys.exit("%s: %s: %s (%s)" % (name, field, f["path"], e.strerror))
                # Key order as the manifests have always had it: role, path, size, sha256, then the
                # GSP image's fwversion and signatureSection.
                entry = {"role": f["role"], "path": f["path"], "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                if f["role"] == "gsp":
                    entry["fwversion"] = fwversion(path, name, field)
                    if "signatureSection" not in f:
                        sys.exit("%s: %s: the GSP image needs its signatureSection (.fwsignature_<family>)" % (name, field[:-len(".path")]))
                    entry["signatureSection"] = f["signatureSection"]
                kept.append(entry)
            chip["files"] = kept
        if release["version"] == added and not any(chip["files"] for chip in release["chips"]):
            sys.exit("%s: releases[%d]: no file of %s is in %s (fetch it first)" % (name, i, added, root))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("generation", help="lower-case generation name: ada, ampere, turing, hopper, blackwell, ...")
    ap.add_argument("--firmware-root", default=os.environ.get("VGPUKIT_FIRMWARE_ROOT", os.path.join(REPO, ".firmware")))
    ap.add_argument("--add-release", metavar="VERSION", help="add this release, laid out like --from")
    ap.add_argument("--from", dest="like", metavar="VERSION", help="the existing release the new one copies")
    ap.add_argument("--package", help="with --add-release: the Debian package it comes from (default: --from's)")
    ap.add_argument("--suite", help="with --add-release: the suite it comes from (default: --from's)")
    args = ap.parse_args()
    if bool(args.add_release) != bool(args.like):
        ap.error("--add-release and --from go together")
    if (args.package or args.suite) and not args.add_release:
        ap.error("--package and --suite apply to the release --add-release adds")
    out = manifest_path(args.generation)
    name = os.path.relpath(out, REPO)
    try:
        manifest = json.load(open(out))
    except OSError as e:
        sys.exit("%s: %s (scaffold the generation with the new-generation plugin first)" % (name, e.strerror))
    except ValueError as e:
        sys.exit("%s: $: not JSON: %s" % (name, e))
    if manifest.get("architecture") != args.generation:
        sys.exit("%s: architecture: is %r, expected %r" % (name, manifest.get("architecture"), args.generation))
    fetched = os.path.join(args.firmware_root, ".fetched")
    try:
        stamp = dict(line.strip().split("=", 1) for line in open(fetched) if "=" in line)
    except OSError as e:
        sys.exit("%s: %s (run scripts/setup.sh, or pass --firmware-root)" % (fetched, e.strerror))
    if args.add_release:
        add_release(manifest, name, args.add_release, args.like, args.package, args.suite)
    refresh(manifest, name, args.firmware_root, stamp, added=args.add_release)
    with open(out, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    print(out, file=sys.stderr)


if __name__ == "__main__":
    main()
