#!/usr/bin/env python3
"""Writes seed corpora for scripts/fuzz.sh from real inputs: firmware containers, fixture sysfs files,
manifests and catalogues. usage: fuzz_seeds.py SEEDS_DIR FIRMWARE_ROOT"""
import glob, os, struct, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gsp_elf import gsp_elf  # noqa: E402

seeds, root = sys.argv[1], sys.argv[2]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def put(kind, name, data):
    with open(os.path.join(seeds, kind, name), "wb") as f:
        f.write(data)


put("elf", "gsp-ad10x", gsp_elf())
put("elf", "gsp-570", gsp_elf(b"570.144\0", (b"gh100",)))
# The GSP-FMC images of Hopper and Blackwell (ELF32 containers).
for chip in ("gh100", "gb100", "gb202"):
    path = os.path.join(root, "nvidia", chip, "gsp", "fmc-570.144.bin")
    if os.path.isfile(path):
        put("elf", "fmc-" + chip, open(path, "rb").read())
# Every small container of both releases: bootloaders, booters, the 570 scrubber and gen_bootloader.
for path in glob.glob(os.path.join(root, "nvidia", "*", "gsp", "*-535.113.01.bin")) + glob.glob(os.path.join(root, "nvidia", "*", "gsp", "*-570.144.bin")):
    if os.path.getsize(path) < 100_000 and not os.path.islink(path):
        chip = path.split(os.sep)[-3]
        put("bin", chip + "-" + os.path.basename(path), open(path, "rb").read())
for i, path in enumerate(sorted(glob.glob(os.path.join(repo, "Tests/Fixtures/hosts/*/bus/pci/devices/*/config")))[:24]):
    put("config", "config-%02d" % i, open(path, "rb").read())
files = ["vendor", "device", "class", "subsystem_vendor", "subsystem_device", "revision", "config", "resource",
         "sriov_totalvfs", "sriov_numvfs", "sriov_offset", "sriov_stride", "sriov_vf_device", "numa_node",
         "power/runtime_status", "current_link_speed", "current_link_width", "nvidia/creatable_vgpu_types"]
for i, dev in enumerate(sorted(glob.glob(os.path.join(repo, "Tests/Fixtures/hosts/*/bus/pci/devices/*")))[:16]):
    chunks = []
    for f in files:
        p = os.path.join(dev, f)
        chunks.append(open(p, "rb").read().replace(b"\0", b"") if os.path.isfile(p) and f != "config" else b"")
    put("sysfs", "device-%02d" % i, b"\0".join(chunks))
for path in glob.glob(os.path.join(repo, "Sources", "*", "firmware-manifests", "*.json")) + glob.glob(os.path.join(repo, "Sources", "*", "vgpu-types", "*.json")) + glob.glob(os.path.join(repo, "docs", "plans", "*.json")):
    put("manifest", os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path), open(path, "rb").read())
meta = bytearray(256)
struct.pack_into("<QQ", meta, 0, 0xdc3aae21371a60b3, 1)
put("meta", "meta", bytes(meta))
entry = bytearray(4096)
struct.pack_into("<III", entry, 4, 1, 0x1001, 0)
put("meta", "queue-entry", bytes(entry))
put("meta", "creatable", b"ID    : vGPU Name\n1145  : NVIDIA L40S-1B\n")

# The whole-probe target: an NVIDIA PF's files, its BAR0 registers and one VF's files, from each fixture
# host (FuzzTarget.probe gives the order).
pf_files = ["vendor", "device", "class", "subsystem_vendor", "subsystem_device", "revision", "config", "resource",
            "sriov_totalvfs", "sriov_numvfs", "sriov_offset", "sriov_stride", "sriov_vf_device", "numa_node",
            "power/runtime_status", "current_link_speed", "current_link_width", "iommu_group", "driver", "resource0"]
vf_files = ["vendor", "device", "class", "driver", "iommu_group", "nvidia/creatable_vgpu_types"]
for i, dev in enumerate(sorted(glob.glob(os.path.join(repo, "Tests/Fixtures/hosts/*/bus/pci/devices/*")))):
    vendor = os.path.join(dev, "vendor")
    if not os.path.isfile(vendor) or open(vendor).read().strip() != "0x10de" or os.path.islink(os.path.join(dev, "physfn")):
        continue
    vfs = sorted(glob.glob(os.path.join(dev, "virtfn*")))
    vf = os.path.realpath(vfs[0]) if vfs else None
    chunks = []
    for f in pf_files:
        p = os.path.join(dev, f)
        if f in ("driver", "iommu_group"):
            chunks.append(os.readlink(p).encode() if os.path.islink(p) else b"")
        elif f == "resource0":
            chunks.append(open(p, "rb").read(0xa04)[0:4] + open(p, "rb").read(0xa04)[0xa00:0xa04] if os.path.isfile(p) and os.path.getsize(p) >= 0xa04 else b"")
        else:
            chunks.append(open(p, "rb").read().replace(b"\0", b"") if os.path.isfile(p) and f != "config" else b"")
    for f in vf_files:
        p = os.path.join(vf, f) if vf else ""
        if f in ("driver", "iommu_group"):
            chunks.append(os.readlink(p).encode() if vf and os.path.islink(p) else b"")
        else:
            chunks.append(open(p, "rb").read().replace(b"\0", b"") if vf and os.path.isfile(p) else b"")
    put("probe", "host-%02d" % i, b"\0".join(chunks))
