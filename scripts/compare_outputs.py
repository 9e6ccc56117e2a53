#!/usr/bin/env python3
"""Records what every vgpu-probe command prints, then compares another build's output with it byte
for byte: the safety net of a refactoring that must not change behaviour.

usage:
  compare_outputs.py record DIR [--binary PATH]     run every command line, keep stdout, stderr, status
  compare_outputs.py compare DIR [--binary PATH]    run them again, report every difference (exit 1)

The command lines are every subcommand on every fixture host (Tests/Fixtures/hosts; the probe also in
the fleet formats, prometheus and nfd), the firmware root
(.firmware, or $VGPUKIT_FIRMWARE_ROOT), every chip and board, both bundled plans, and error paths: about
1000 lines. Run from the repository root with the same firmware root for both; paths are relative.
`--version` (which names the commit) and `snapshot` (which writes files) are not among them, and
-v's debug log lines (timestamps, timings) are left out of the comparison.
"""
import json
import os
import re
import subprocess
import sys

HOSTS = "Tests/Fixtures/hosts"
CHIPS = ["ad102", "ad103", "ad104", "ad106", "ad107", "ga100", "ga102", "ga103", "ga104", "ga106", "ga107",
         "tu102", "tu104", "tu106", "tu116", "tu117", "gh100", "gb100", "gb102", "gb202", "gb203", "gb205", "gb206", "gb207"]
BOARDS = ["L20", "L4", "L40", "L40S", "RTX 6000 Ada", "A10", "A40", "T4", "H100 PCIe 80GB", "B200",
          "RTX PRO 6000 Blackwell Server Edition"]
PLANS = ["docs/plans/l40s-fill-and-refill.json", "docs/plans/failures-and-unwinding.json"]


def gpus(binary, host, fw):
    """The GPU addresses of a fixture host, from its own report."""
    r = subprocess.run([binary, "--sysfs-root", host, "--no-firmware", "-q"], capture_output=True, text=True)
    return [line.split()[0] for line in r.stdout.splitlines() if line.strip()]


def command_lines(binary, fw):
    lines = []
    hosts = sorted(os.listdir(HOSTS))
    for h in hosts:
        root = "%s/%s" % (HOSTS, h)
        for extra in [[], ["--json"], ["-q"], ["-v"], ["--no-firmware"], ["--no-firmware", "--json"],
                      ["--format", "prometheus"], ["--format", "nfd"]]:
            lines.append(["--sysfs-root", root, "--firmware-root", fw, "--no-cache"] + extra)
        for address in gpus(binary, root, fw):
            slot = ["-s", address, "--sysfs-root", root]
            lines.append(["--sysfs-root", root, "--firmware-root", fw, "--no-cache", "-s", address, "--json"])
            for mode in [[], ["--vgpu"], ["--vgpu", "--simulate", "--json"]]:
                lines.append(["plan", "--firmware-root", fw] + slot + mode)
            lines.append(["types"] + slot)
            lines.append(["types", "--json", "--place", "2x12Q,2x6Q"] + slot)
            for plan in PLANS:
                lines.append(["simulate", "--plan", plan, "--firmware-root", fw] + slot)
    lines += [["firmware", "--firmware-root", fw, "--no-cache"], ["firmware", "--firmware-root", fw, "--json", "--no-cache"],
              ["firmware", "--firmware-root", fw, "--no-digest"], ["firmware", "--firmware-root", fw, "--release", "535.261.03", "--no-cache"]]
    for chip in CHIPS:
        lines.append(["firmware", "--firmware-root", fw, "--chip", chip, "--json", "--no-cache"])
        for size in ["16G", "48G", "80G"]:
            for mode in [[], ["--vgpu"], ["--vgpu", "--driver", "nouveau"], ["--driver", "nova-core"]]:
                lines.append(["plan", "--chip", chip, "--fb-size", size, "--firmware-root", fw] + mode)
        lines.append(["plan", "--chip", chip, "--fb-size", "48G", "--vgpu", "--simulate", "--json", "--firmware-root", fw])
        lines.append(["plan", "--chip", chip, "--fb-size", "24G", "--release", "535.261.03", "--firmware-root", fw])
        lines.append(["plan", "--chip", chip, "--fb-size", "48G", "--release", "570.144", "--vgpu", "--firmware-root", fw])
        for compare in [["--compare"], ["--compare", "--vgpu", "--release", "535.113.01", "--release", "570.144"]]:
            lines.append(["plan", "--chip", chip, "--fb-size", "48G", "--firmware-root", fw] + compare)
            lines.append(["plan", "--chip", chip, "--fb-size", "48G", "--firmware-root", fw, "--format", "svg"] + compare)
    for gsp in ["ad102", "ga102", "tu102"]:
        lines.append(["firmware", "--elf", "%s/nvidia/%s/gsp/gsp-535.113.01.bin" % (fw, gsp)])
    for board in BOARDS:
        lines += [["types", "--board", board], ["types", "--board", board, "--json"], ["types", "--board", board, "--place", "4x12Q,2x6Q"],
                  ["types", "--board", board, "--place", "4x12Q,2x6Q", "--mixed-sizes", "--vmmu-segment", "512"]]
        for plan in PLANS:
            lines.append(["simulate", "--plan", plan, "--board", board, "--firmware-root", fw])
            lines.append(["simulate", "--plan", plan, "--board", board, "--firmware-root", fw, "--json"])
            lines.append(["simulate", "--plan", plan, "--board", board, "--firmware-root", fw, "--each-step", "--format", "svg"])
    lines += [["--sysfs-root", "/nonexistent"], ["--sysfs-root", "/nonexistent", "--json"], ["firmwre"], ["help", "plan"],
              ["plan", "--chip", "zz", "--fb-size", "1G"], ["plan", "--chip", "ad102", "--fb-size", "1M", "--firmware-root", fw],
              ["types", "--board", "A100"], ["-s", "41:20.0"], ["firmware", "--firmware-root", "/nonexistent"],
              ["--help"], ["plan", "--help"], ["types", "--help"], ["simulate", "--help"], ["firmware", "--help"], ["snapshot", "--help"]]
    return lines


# -v's debug lines say how the run went (timestamps, which path parsed the command line, whether the
# report was rendered ahead): the process's diary, not its output. Warnings and errors are compared.
DEBUG_LINE = re.compile(rb"^\d{4}-\d\d-\d\dT\S+ debug .*\n", re.M)


def run(binary, line):
    env = dict(os.environ, COLUMNS="100")
    r = subprocess.run([binary] + line, capture_output=True, env=env, timeout=120)
    return r.stdout, DEBUG_LINE.sub(b"", r.stderr), r.returncode


def main(argv):
    if len(argv) < 3 or argv[1] not in ("record", "compare"):
        print(__doc__.strip(), file=sys.stderr)
        return 64
    mode, directory = argv[1], argv[2]
    binary = argv[argv.index("--binary") + 1] if "--binary" in argv else ".build/debug/vgpu-probe"
    fw = os.environ.get("VGPUKIT_FIRMWARE_ROOT", ".firmware")
    if mode == "record":
        lines = command_lines(binary, fw)
        os.makedirs(directory, exist_ok=False)
        with open(os.path.join(directory, "lines.json"), "w") as f:
            json.dump(lines, f, indent=0)
    else:
        with open(os.path.join(directory, "lines.json")) as f:
            lines = json.load(f)
    differences = 0
    for n, line in enumerate(lines):
        out, err, rc = run(binary, line)
        got = {"out": out, "err": err, "rc": str(rc).encode()}
        for kind, data in got.items():
            path = os.path.join(directory, "%04d.%s" % (n, kind))
            if mode == "record":
                with open(path, "wb") as f:
                    f.write(data)
            else:
                with open(path, "rb") as f:
                    before = f.read()
                if before != data:
                    differences += 1
                    print("differs (%s): vgpu-probe %s" % (kind, " ".join(line)))
    print("compare_outputs: %s %d command lines%s" % ("recorded" if mode == "record" else "compared", len(lines),
                                                      "" if mode == "record" else ", %d difference(s)" % differences))
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
