#!/usr/bin/env python3
"""Writes the named bad-input corpus, Tests/Corpus/: each case a file (or a one-device sysfs tree) built from
real or faithfully built inputs, with its expected typed error in Tests/Corpus/cases.json. Cases derived
from NVIDIA's firmware are stored as recipes (base file + byte edits), never as firmware bytes. The
CorpusTests suite runs every case. Deterministic: re-running reproduces the directory byte for byte.

usage: scripts/make_corpus.py [--firmware-root DIR]
"""
import argparse, json, os, shutil, struct, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gsp_elf import gsp_elf, layout  # noqa: E402

repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--firmware-root", default=os.environ.get("VGPUKIT_FIRMWARE_ROOT", os.path.join(repo, ".firmware")))
args = ap.parse_args()
out = os.path.join(repo, "Tests", "Corpus")
shutil.rmtree(out, ignore_errors=True)
cases = []


def case(name, parser, data, field, kind=None, contains=None, note=""):
    rel = os.path.join(parser, name)
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    cases.append({k: v for k, v in dict(name=name, parser=parser, file=rel, field=field, kind=kind, contains=contains, note=note).items() if v})


def recipe(name, parser, base, field, kind, edits=(), truncate=None):
    """A case derived from a real firmware file, stored as edits (firmware itself is never committed):
    the test reads `base` from the firmware root, applies each (offset, width, value), then truncates."""
    cases.append({k: v for k, v in dict(name=name, parser=parser, base=base, edits=[[o, w, v] for o, w, v in edits],
                                        truncate=truncate, field=field, kind=kind).items() if v is not None})


def patched(data, *edits):
    b = bytearray(data)
    for offset, fmt, value in edits:
        struct.pack_into(fmt, b, offset, value)
    return bytes(b)


# --- GSP ELF images (built with the real image's section scheme) -----------------------------------
elf = gsp_elf()
shoff, count = layout(elf)
sh = lambda i, o: shoff + 64 * i + o  # offset of a field of section header i
case("empty", "gsp-elf", b"", "e_ident", "truncated")
case("ident-only", "gsp-elf", elf[:10], "e_ident", "truncated")
case("header-cut-at-40", "gsp-elf", elf[:40], "Elf64_Ehdr", "truncated")
case("bad-magic", "gsp-elf", b"\x7fELX" + elf[4:], "e_ident", "notELF")
case("elfclass32", "gsp-elf", patched(elf, (4, "<B", 1)), "e_ident[EI_CLASS]", "wrongClass")
case("big-endian", "gsp-elf", patched(elf, (5, "<B", 2)), "e_ident[EI_DATA]", "wrongDataEncoding")
case("machine-x86-64", "gsp-elf", patched(elf, (18, "<H", 62)), "e_machine", "wrongMachine")
case("fwimage-past-end", "gsp-elf", patched(elf, (sh(1, 32), "<Q", 1 << 30)), "section[1].sh_offset", "outOfBounds")
case("offset-overflow", "gsp-elf", patched(elf, (sh(2, 24), "<Q", (1 << 64) - 5)), "section[2].sh_offset", "outOfBounds")
case("name-out-of-range", "gsp-elf", patched(elf, (sh(2, 0), "<I", 0x7fff0000)), "section[2].sh_name", "nameOutOfRange")
case("shstrndx-out-of-range", "gsp-elf", patched(elf, (62, "<H", 200)), "e_shstrndx", "outOfBounds")
case("section-table-cut", "gsp-elf", elf[:sh(3, 10)], "e_shoff", "outOfBounds")
case("no-fwimage", "gsp-elf", gsp_elf(omit=(b".fwimage",)), ".fwimage", "missingSection")
case("no-fwversion", "gsp-elf", gsp_elf(omit=(b".fwversion",)), ".fwversion", "missingSection")
case("duplicate-fwimage", "gsp-elf", gsp_elf(extra=((b".fwimage", b"x"),)), ".fwimage", "invalidValue")
case("unprintable-version", "gsp-elf", gsp_elf(version=b"5\x013\0"), ".fwversion", "invalidValue")
case("oversized-version", "gsp-elf", gsp_elf(version=b"1" * 4096), ".fwversion", "invalidValue")
case("shentsize-32", "gsp-elf", patched(elf, (58, "<H", 32)), "e_shentsize", "invalidValue")

# --- bin containers: the real AD102 bootloader and booter_load, corrupted -------------------------
fw = lambda rel: open(os.path.join(args.firmware_root, rel), "rb").read()
BL, BT = "nvidia/ad102/gsp/bootloader-535.113.01.bin", "nvidia/ad102/gsp/booter_load-535.113.01.bin"
bl, bt = fw(BL), fw(BT)
recipe("empty", "bootloader", BL, "bin_hdr.bin_magic", "truncated", truncate=0)
recipe("header-cut-at-10", "bootloader", BL, "bin_hdr.bin_size", "truncated", truncate=10)
recipe("bad-magic", "bootloader", BL, "bin_hdr.bin_magic", "badMagic", [(0, 4, 0x1002)])
recipe("bin-ver-2", "bootloader", BL, "bin_hdr.bin_ver", "unsupportedVersion", [(4, 4, 2)])
recipe("data-past-end", "bootloader", BL, "bin_hdr.data_offset", "outOfBounds", [(20, 4, 0x100000)])
recipe("header-offset-past-end", "bootloader", BL, "bin_hdr.header_offset", "outOfBounds", [(12, 4, 0xfffffff0)])
recipe("header-inside-bin-header", "bootloader", BL, "bin_hdr.header_offset", "invalidValue", [(12, 4, 4)])
recipe("monitor-code-outside-payload", "bootloader", BL, "RM_RISCV_UCODE_DESC.monitorCodeOffset", "outOfBounds", [(0x18 + 4 * 12, 4, 0x7ff0)])
recipe("cut-in-half", "bootloader", BL, "bin_hdr.data_offset", "outOfBounds", truncate=len(bl) // 2)
hs = 0x18
word = lambda i: struct.unpack_from("<I", bt, hs + 4 * i)[0]
outside = len(bt) - 2
for i, name, field in [(2, "patch-loc-outside", "patch_loc"), (3, "patch-sig-outside", "patch_sig"), (6, "num-sig-outside", "num_sig"),
                       (0, "sig-prod-outside", "sig_prod_offset"), (4, "meta-outside", "meta_data_offset"), (7, "load-header-outside", "header_offset")]:
    recipe(name, "booter", BT, "hs_header_v2." + field, "outOfBounds", [(hs + 4 * i, 4, outside)])
recipe("num-sig-zero", "booter", BT, "hs_header_v2.num_sig", "invalidValue", [(word(6), 4, 0)])
recipe("patch-sig-beyond-count", "booter", BT, "hs_header_v2.patch_sig", "invalidValue", [(word(3), 4, 7)])
recipe("huge-num-apps", "booter", BT, "hs_load_header_v2.num_apps", "invalidValue", [(word(7) + 16, 4, 0xffffffff)])
recipe("app-outside-payload", "booter", BT, "hs_load_header_v2.app[0].offset", "outOfBounds", [(word(7) + 24, 4, 0x1000000)])

# --- manifests and catalogues: the real files, edited -------------------------------------------
ada = open(os.path.join(repo, "Sources", "VGPUAda", "firmware-manifests", "ada.json")).read()
l40s = open(os.path.join(repo, "Sources", "VGPUAda", "vgpu-types", "l40s.json")).read()
sha = json.loads(ada)["releases"][0]["chips"][0]["files"][0]["sha256"]
gsp = json.loads(ada)["releases"][0]["chips"][0]["files"][0]["path"]
boot = json.loads(ada)["releases"][0]["chips"][0]["files"][1]["path"]
case("not-json", "manifest", b"{\"schemaVersion\": ", "$")
case("sha256-upper-case", "manifest", ada.replace(sha, sha.upper(), 1).encode(), "releases[0].chips[0].files[0].sha256")
case("dotdot-path", "manifest", ada.replace(gsp, "../../etc/" + gsp, 1).encode(), "releases[0].chips[0].files[0].path")
case("absolute-path", "manifest", ada.replace(boot, "/lib/firmware/" + boot, 1).encode(), "releases[0].chips[0].files[1].path")
case("schema-2", "manifest", ada.replace('"schemaVersion": 1', '"schemaVersion": 2', 1).encode(), "schemaVersion")
case("role-missing", "manifest", ada.replace('"role": "gsp",', "", 1).encode(), "releases[0].chips[0].files[0].role")
case("too-many-instances", "catalogue", l40s.replace('"maxInstances": 32', '"maxInstances": 64', 1).encode(), "types[0].maxInstances")
case("bad-series", "catalogue", l40s.replace('"series": "B"', '"series": "X"', 1).encode(), "types[0].series")
l40 = open(os.path.join(repo, "Sources", "VGPUAda", "vgpu-types", "l40.json")).read()
# L40 has no maxVFs, so only the product bounds maxInstances: it must be computed without trapping.
case("instances-times-size-overflows", "catalogue", l40.replace('"maxInstances": 32', '"maxInstances": 9223372036854775807', 1).encode(), "types[0].maxInstances")
case("assumed-unknown-field", "catalogue", l40s.replace('"assumed": [\n        "heads"', '"assumed": [\n        "colour"', 1).encode(), "types[2].assumed")
case("driver-release-not-a-release", "catalogue", l40s.replace('"driverRelease": "550.54.16"', '"driverRelease": "latest"', 1).encode(), "driverRelease")

# --- config space (problems are reported, never thrown) -------------------------------------------
def config(size=4096):
    b = bytearray(size)
    struct.pack_into("<HHHH", b, 0, 0x10de, 0x26b5, 0, 0x0010)
    b[0x0a], b[0x0b] = 0x02, 0x03
    return b
loop = config(); loop[0x34] = 0x40; loop[0x40:0x42] = bytes([1, 0x50]); loop[0x50:0x52] = bytes([5, 0x40])
case("capability-loop", "config", bytes(loop), "config", contains="loops")
ext = config(); struct.pack_into("<I", ext, 0x100, 0x0001_0001 | 0x100 << 20)
case("extended-capability-loop", "config", bytes(ext), "config", contains="loops")
low = config(); low[0x34] = 0x20
case("capability-pointer-in-header", "config", bytes(low), "config", contains="outside")
case("all-ones", "config", b"\xff" * 4096, "config", contains="all ones")
cut = config(0x120); struct.pack_into("<I", cut, 0x100, 0x0001_0010)
case("sriov-capability-cut", "config", bytes(cut), "config", contains="SR-IOV capability")

# --- fmc: GH100's GSP-FMC (ELF32: hash, signature, publickey, image), one field broken ----------------
FMC = "nvidia/gh100/gsp/fmc-570.144.bin"
fmc = open(os.path.join(args.firmware_root, FMC), "rb").read()
fmc_shoff, = struct.unpack_from("<I", fmc, 0x20)
fmc_shnum, fmc_shstrndx = struct.unpack_from("<HH", fmc, 0x30)
fmc_names = struct.unpack_from("<10I", fmc, fmc_shoff + fmc_shstrndx * 40)[4]
def fmc_section(name):
    """(index, header offset, name offset in the file) of a named FMC section."""
    for i in range(fmc_shnum):
        h = fmc_shoff + i * 40
        at = fmc_names + struct.unpack_from("<I", fmc, h)[0]
        if fmc[at:fmc.index(b"\0", at)] == name.encode():
            return i, h, at
    raise SystemExit("no section %s in %s" % (name, FMC))
recipe("fmc-header-cut", "fmc", FMC, "Elf32_Ehdr", "truncated", truncate=40)
recipe("fmc-elf64-class", "fmc", FMC, "e_ident[EI_CLASS]", "wrongClass", [(4, 1, 2)])
recipe("fmc-big-endian", "fmc", FMC, "e_ident[EI_DATA]", "wrongDataEncoding", [(5, 1, 2)])
recipe("fmc-risc-v-machine", "fmc", FMC, "e_machine", "wrongMachine", [(0x12, 2, 243)])
i, h, at = fmc_section("hash")
recipe("fmc-hash-renamed", "fmc", FMC, "hash", "missingSection", [(at, 4, struct.unpack("<I", b"hasX")[0])])
recipe("fmc-hash-47-bytes", "fmc", FMC, "hash", "invalidValue", [(h + 20, 4, 47)])
i, h, at = fmc_section("signature")
recipe("fmc-signature-empty", "fmc", FMC, "signature", "invalidValue", [(h + 20, 4, 0)])
recipe("fmc-signature-over-384", "fmc", FMC, "signature", "invalidValue", [(h + 20, 4, 385)])
i, h, at = fmc_section("image")
recipe("fmc-image-past-the-end", "fmc", FMC, "section[%d].sh_offset" % i, "outOfBounds", [(h + 16, 4, 0xfffff000)])
recipe("fmc-image-cut", "fmc", FMC, "section[%d].sh_offset" % i, "outOfBounds", truncate=len(fmc) - 100)
recipe("fmc-section-table-off-the-end", "fmc", FMC, "e_shoff", "outOfBounds", [(0x20, 4, len(fmc) - 8)])

# --- sysfs: one-device trees copied from the L40 fixture, one file broken --------------------------
src = os.path.join(repo, "Tests", "Fixtures", "hosts", "l40-two-gpus", "bus", "pci", "devices", "0000:c1:00.0")
def sysfs(name, file, data, field, contains, link=None):
    dev = os.path.join(out, "sysfs", name, "bus", "pci", "devices", "0000:c1:00.0")
    os.makedirs(dev)
    for f in ["vendor", "device", "class", "subsystem_vendor", "subsystem_device", "revision", "config", "resource",
              "sriov_totalvfs", "sriov_numvfs", "sriov_offset", "sriov_stride", "sriov_vf_device", "numa_node"]:
        shutil.copyfile(os.path.join(src, f), os.path.join(dev, f))
    os.makedirs(os.path.dirname(os.path.join(dev, file)), exist_ok=True)
    if link is not None:
        os.remove(os.path.join(dev, file)) if os.path.lexists(os.path.join(dev, file)) else None
        os.symlink(link, os.path.join(dev, file))
    else:
        with open(os.path.join(dev, file), "wb") as f:
            f.write(data)
    cases.append(dict(name=name, parser="sysfs", file=os.path.join("sysfs", name), field=field, contains=contains))
sysfs("vendor-not-hex", "vendor", b"0xzz10\n", "vendor", "is not")
sysfs("device-empty", "device", b"", "device", "empty")
sysfs("config-empty", "config", b"", "config", "0 bytes")
sysfs("resource-garbage", "resource", b"0x1 0x2\nnot a line\n", "resource", "is not")
sysfs("numvfs-not-decimal", "sriov_numvfs", b"many\n", "sriov_numvfs", "not a decimal")
sysfs("creatable-types-garbage", "nvidia/creatable_vgpu_types", b"ID : vGPU Name\nabc : x\n", "nvidia/creatable_vgpu_types", "is not")
# Hostile files (git keeps links, not FIFOs or devices: those are made by HostileTreeTests).
sysfs("resource-whole-address-space", "resource", b"0x0000000000000000 0xffffffffffffffff 0x0000000000040200\n", "resource", "is not")
sysfs("config-linked-to-tty", "config", None, "config", "resolves outside", link="/dev/tty")
sysfs("types-linked-out-of-the-root", "nvidia/creatable_vgpu_types", None, "nvidia/creatable_vgpu_types", "resolves outside", link="/etc/passwd")
sysfs("revision-linked-up-and-out", "revision", None, "revision", "resolves outside", link="../../../../../../../etc/hostname")

with open(os.path.join(out, "cases.json"), "w") as f:
    json.dump(cases, f, indent=1)
    f.write("\n")
print("%d cases in %s" % (len(cases), out))
