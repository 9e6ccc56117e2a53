#!/usr/bin/env python3
"""Writes test vectors derived from NVIDIA's own driver sources: Tests/Fixtures/nvidia-vectors.json.

usage: nvidia_vectors.py --ogkm REPO [--firmware-root DIR] [--out FILE]

REPO is a git repository (bare or not) of NVIDIA/open-gpu-kernel-modules holding the tags below. CI cannot
reach it, so the output is committed; run this again when a tag or a rule is added.

Nothing here comes from VGPUKit's Swift code:
- struct offsets and sizes come from compiling NVIDIA's headers (gsp_fw_wpr_meta.h, the GSP_VF_INFO block of
  gsp_static_config.h) with the C compiler and printing offsetof/sizeof;
- heap constants come from compiling gsp_fw_heap.h (with an empty rmconfig.h: the shipped, non-BULLSEYE
  branch) and printing its macros;
- per-chip HAL values (FRTS size, pre-scrubbed size, scrubber ucode, min/max heap) are NVIDIA's generated
  NVOC bindings, recorded below with the tag, file and line of each, and every cited line is checked
  against the repository when this script runs (a citation that no longer matches stops it);
- the heap and layout rules are transcribed statement by statement from _kgspCalculateFwHeapSize,
  kgspGetFwHeapSize and kgspCalculateFbLayout_TU102, each with its line;
- image and bootloader sizes are read from the real firmware files (readelf for .fwimage, the bin header's
  data_size for the bootloader).
"""
import argparse, json, os, re, struct, subprocess, sys, tempfile

TAGS = ["535.113.01", "545.29.06", "550.163.01", "570.144", "580.142"]
GSP = "src/nvidia/src/kernel/gpu/gsp"
META_H = "src/nvidia/arch/nvalloc/common/inc/gsp/gsp_fw_wpr_meta.h"
HEAP_H = "src/nvidia/inc/kernel/gpu/gsp/gsp_fw_heap.h"
STATIC_H = "src/nvidia/inc/kernel/gpu/gsp/gsp_static_config.h"
GEN_C = "src/nvidia/generated/g_kernel_gsp_nvoc.c"
GEN_H = "src/nvidia/generated/g_kernel_gsp_nvoc.h"
MiB, GiB = 1 << 20, 1 << 30

repo = None
_files = {}


def show(tag, path):
    key = (tag, path)
    if key not in _files:
        _files[key] = subprocess.run(["git", "-C", repo, "show", f"{tag}:{path}"], check=True, capture_output=True, text=True).stdout
    return _files[key]


def cite(tag, path, line, fragment):
    """Checks that line `line` of `path` at `tag` contains `fragment` (spaces ignored); returns the citation."""
    lines = show(tag, path).split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if re.sub(r"\s+", "", fragment) not in re.sub(r"\s+", "", text):
        sys.exit(f"citation does not match: {tag} {path}:{line} should contain {fragment!r}, has {text.strip()!r}")
    return f"{tag} {path}:{line}"


def compile_and_run(source, headers):
    with tempfile.TemporaryDirectory() as d:
        for name, text in headers.items():
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        with open(os.path.join(d, "main.c"), "w") as f:
            f.write(source)
        subprocess.run(["cc", "-std=gnu11", "-I", d, "-o", os.path.join(d, "main"), os.path.join(d, "main.c")], check=True)
        return subprocess.run([os.path.join(d, "main")], check=True, capture_output=True, text=True).stdout


NVTYPES = """#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
typedef uint8_t NvU8; typedef uint16_t NvU16; typedef uint32_t NvU32; typedef uint64_t NvU64; typedef NvU8 NvBool;
#define NVBIT(b) (1U << (b))
"""


def struct_fields(text, name):
    """The member names of `typedef struct ... } name;` in `text`, anonymous unions flattened."""
    m = re.search(r"typedef\s+struct\s*\w*\s*\{(.*?)\}\s*" + name + r"\s*;", text, re.S)
    body = re.sub(r"//[^\n]*|/\*.*?\*/", "", m.group(1), flags=re.S)
    return re.findall(r"\b(?:NvU8|NvU16|NvU32|NvU64|NvBool)\s+(\w+)\s*(?:\[\s*\d+\s*\])?\s*;", body), m.group(0)


def struct_offsets(tag):
    meta_text = show(tag, META_H)
    fields, _ = struct_fields(meta_text, "GspFwWprMeta")
    fields = [f for f in fields if not f.startswith(("padding", "unused", "partitionRpcPadding", "lsUcodeVersionPadding"))]
    prints = "".join(f'printf("{f} %zu\\n", offsetof(GspFwWprMeta, {f}));\n' for f in fields)
    out = compile_and_run(NVTYPES + '#include "meta.h"\nint main(void) {\n' + prints + 'printf("sizeof %zu\\n", sizeof(GspFwWprMeta));\nreturn 0; }\n',
                          {"meta.h": meta_text})
    meta = {k: int(v) for k, v in (line.split() for line in out.split("\n") if line)}
    vf_fields, vf_block = struct_fields(show(tag, STATIC_H), "GSP_VF_INFO")
    prints = "".join(f'printf("{f} %zu\\n", offsetof(GSP_VF_INFO, {f}));\n' for f in vf_fields)
    out = compile_and_run(NVTYPES + vf_block + '\nint main(void) {\n' + prints + 'printf("sizeof %zu\\n", sizeof(GSP_VF_INFO));\nreturn 0; }\n', {})
    vf = {k: int(v) for k, v in (line.split() for line in out.split("\n") if line)}
    return {"GspFwWprMeta": meta, "GSP_VF_INFO": vf, "source": f"{tag} {META_H}, {STATIC_H} (compiled with cc)"}


HEAP_MACROS = ["GSP_FW_HEAP_PARAM_OS_SIZE_LIBOS2", "GSP_FW_HEAP_PARAM_OS_SIZE_LIBOS3", "GSP_FW_HEAP_PARAM_OS_SIZE_LIBOS3_BAREMETAL",
               "GSP_FW_HEAP_PARAM_OS_SIZE_LIBOS3_VGPU", "GSP_FW_HEAP_PARAM_BASE_RM_SIZE_TU10X", "GSP_FW_HEAP_PARAM_BASE_RM_SIZE_GH100",
               "GSP_FW_HEAP_PARAM_SIZE_PER_GB_FB", "GSP_FW_HEAP_PARAM_SIZE_PER_GB", "GSP_FW_HEAP_PARAM_CLIENT_ALLOC_SIZE",
               "GSP_FW_HEAP_SIZE_VGPU_DEFAULT", "GSP_FW_HEAP_SIZE_VGPU_48VMS",
               "GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS2_MIN_MB", "GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS2_MAX_MB",
               "GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_BAREMETAL_MIN_MB", "GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_BAREMETAL_MAX_MB",
               "GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_VGPU_MIN_MB", "GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_VGPU_MAX_MB"]


def heap_macros(tag):
    prints = "".join(f'#ifdef {m}\nprintf("{m} %llu\\n", (unsigned long long)({m}));\n#endif\n' for m in HEAP_MACROS)
    out = compile_and_run(NVTYPES + '#include "gsp_fw_heap.h"\nint main(void) {\n' + prints + "return 0; }\n",
                          {"gsp_fw_heap.h": show(tag, HEAP_H), "rmconfig.h": "#define RMCFG_FEATURE_GSPRM_BULLSEYE 0\n"})
    return {k: int(v) for k, v in (line.split() for line in out.split("\n") if line)}


# The per-chip HAL bindings of the generated NVOC code, with the line of each (checked by `cite`).
# 535.113.01: FRTS 0 on GA100|GH100; pre-scrubbed unlimited on GA100|GH100 (256 MiB elsewhere); scrubber
# ucode on AD10x only; LIBOS2 (TU1xx|GA100) heap min 64 / max 256, LIBOS3 84/276 (549/1024 with vGPU).
def hal_citations():
    c = {}
    c["frts-ga100"] = [cite("535.113.01", GEN_C, 565, "0x10000400UL) )) /* ChipHal: GA100 | GH100 */"),
                       cite("535.113.01", GEN_C, 567, "kgspGetFrtsSize_4a4dee"),
                       cite("535.113.01", GEN_H, 822, "return 0;"),
                       cite("570.144", GEN_C, 988, "0x00000400UL) )) /* ChipHal: GA100 */"),
                       cite("535.113.01", f"{GSP}/arch/turing/kernel_gsp_frts_tu102.c", 55, "WPR_SIZE_1MB_IN_4K")]
    c["prescrubbed"] = [cite("535.113.01", GEN_H, 830, "return 256 * 1024 * 1024;"),
                        cite("535.113.01", GEN_H, 834, "return (+18446744073709551615ULL);"),
                        cite("535.113.01", GEN_C, 575, "/* ChipHal: GA100 | GH100 */")]
    c["scrubber-ucode"] = [cite("535.113.01", GEN_C, 285, "/* ChipHal: AD102 | AD103 | AD104 | AD106 | AD107 */"),
                           cite("570.144", GEN_C, 386, "/* ChipHal: AD102 | AD103 | AD104 | AD106 | AD107 */")]
    c["heap-formula"] = [cite("535.113.01", f"{GSP}/kernel_gsp.c", 3714, "if (pGpu->bVgpuGspPluginOffloadEnabled)"),
                         cite("535.113.01", f"{GSP}/kernel_gsp.c", 3715, "return GSP_FW_HEAP_SIZE_VGPU_DEFAULT;"),
                         cite("535.113.01", f"{GSP}/kernel_gsp.c", 3726, "NV_ALIGN_UP64(fbSize, 1 << 30) >> 30"),
                         cite("535.113.01", f"{GSP}/kernel_gsp.c", 3737, "NV_ALIGN_UP(GSP_FW_HEAP_PARAM_SIZE_PER_GB_FB * fbSizeGB, 1 << 20)"),
                         cite("535.113.01", f"{GSP}/kernel_gsp.c", 3742, "heapSize = NV_MAX(heapSize, (NvU64)minGspFwHeapSizeMB << 20);"),
                         cite("535.113.01", f"{GSP}/kernel_gsp.c", 3745, "heapSize = NV_MIN(heapSize, (NvU64)maxGspFwHeapSizeMB << 20);"),
                         cite("535.113.01", f"{GSP}/kernel_gsp.c", 3780, "if (!pKernelGsp->bScrubberUcodeSupported && (posteriorFbSize != 0))"),
                         cite("535.113.01", f"{GSP}/kernel_gsp.c", 3784, "maxScrubbedHeapSizeMB = (NvU32)((prescrubbedSize - posteriorFbSize) >> 20);"),
                         cite("570.144", f"{GSP}/kernel_gsp.c", 5104, "prescrubbedSize - (anteriorFbSize + posteriorFbSize)")]
    c["layout-535"] = [cite("535.113.01", f"{GSP}/arch/turing/kernel_gsp_tu102.c", n, f) for n, f in [
        (548, "pWprMeta->vgaWorkspaceOffset = (pWprMeta->fbSize - DRF_SIZE(NV_PRAMIN));"),
        (562, "pWprMeta->gspFwWprEnd = NV_ALIGN_DOWN64(vbiosReservedOffset, 0x20000);"),
        (565, "pWprMeta->frtsOffset = pWprMeta->gspFwWprEnd - pWprMeta->frtsSize;"),
        (569, "pWprMeta->bootBinOffset = NV_ALIGN_DOWN64(pWprMeta->frtsOffset - pWprMeta->sizeOfBootloader, 0x1000);"),
        (578, "pWprMeta->gspFwOffset = NV_ALIGN_DOWN64(pWprMeta->bootBinOffset - pWprMeta->sizeOfRadix3Elf, 0x10000);"),
        (580, "kgspGetFwHeapSize(pGpu, pKernelGsp, pWprMeta->fbSize - pWprMeta->gspFwOffset);"),
        (583, "pWprMeta->gspFwHeapOffset = NV_ALIGN_DOWN64(pWprMeta->gspFwOffset - wprHeapSize, 0x100000);"),
        (584, "pWprMeta->gspFwHeapSize = NV_ALIGN_DOWN64(pWprMeta->gspFwOffset - pWprMeta->gspFwHeapOffset, 0x100000);"),
        (587, "pWprMeta->gspFwHeapVfPartitionCount = pGpu->bVgpuGspPluginOffloadEnabled ? MAX_PARTITIONS_WITH_GFID : 0;"),
        (594, "pWprMeta->gspFwWprStart = NV_ALIGN_DOWN64(pWprMeta->gspFwHeapOffset - sizeof *pWprMeta, 0x100000);"),
        (598, "pWprMeta->nonWprHeapOffset = NV_ALIGN_DOWN64(pWprMeta->gspFwWprStart - pWprMeta->nonWprHeapSize, 0x100000);"),
        (600, "pWprMeta->gspFwRsvdStart = pWprMeta->nonWprHeapOffset;")]]
    c["scrubber-rule"] = [cite("535.113.01", f"{GSP}/kernel_gsp.c", 2465, "NvU64 neededSize = pKernelGsp->pWprMeta->fbSize - pKernelGsp->pWprMeta->gspFwRsvdStart;"),
                          cite("535.113.01", f"{GSP}/kernel_gsp.c", 2468, "if (neededSize > prescrubbedSize)"),
                          cite("570.144", f"{GSP}/kernel_gsp.c", 3340, "if (neededSize > prescrubbedSize)")]
    c["partitions"] = [cite("535.113.01", "src/nvidia/interface/nv_sriov_defines.h", 93, "MAX_PARTITIONS_WITH_GFID"),
                       cite("580.142", "src/nvidia/interface/nv_sriov_defines.h", 99, "MAX_PARTITIONS_WITH_GFID")]
    return c


# Per chip: family, FRTS in NVIDIA's driver, pre-scrubbed top of FB (None: unlimited), scrubber ucode.
CHIPS = {
    "GA100": ("LIBOS2", 0, None, False),
    **{c: ("LIBOS3", MiB, 256 * MiB, False) for c in ["GA102", "GA103", "GA104", "GA106", "GA107"]},
    **{c: ("LIBOS3", MiB, 256 * MiB, True) for c in ["AD102", "AD103", "AD104", "AD106", "AD107"]},
}


def align_down(v, a):
    return v // a * a


def align_up(v, a):
    return (v + a - 1) // a * a


def release_constants(tag, macros):
    """The heap numbers of one tag and family, from its compiled macros."""
    per_gb = macros.get("GSP_FW_HEAP_PARAM_SIZE_PER_GB_FB", macros.get("GSP_FW_HEAP_PARAM_SIZE_PER_GB"))
    libos3 = macros.get("GSP_FW_HEAP_PARAM_OS_SIZE_LIBOS3", macros.get("GSP_FW_HEAP_PARAM_OS_SIZE_LIBOS3_BAREMETAL"))
    return {
        "LIBOS2": dict(carveout=macros["GSP_FW_HEAP_PARAM_OS_SIZE_LIBOS2"], base=macros["GSP_FW_HEAP_PARAM_BASE_RM_SIZE_TU10X"],
                       perGB=per_gb, client=macros["GSP_FW_HEAP_PARAM_CLIENT_ALLOC_SIZE"],
                       min=macros["GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS2_MIN_MB"] * MiB, max=macros["GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS2_MAX_MB"] * MiB,
                       vgpuDefault=macros["GSP_FW_HEAP_SIZE_VGPU_DEFAULT"],
                       vgpuOverride=[macros["GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS2_MIN_MB"] * MiB, macros["GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS2_MAX_MB"] * MiB]),
        "LIBOS3": dict(carveout=libos3, base=macros["GSP_FW_HEAP_PARAM_BASE_RM_SIZE_TU10X"], perGB=per_gb,
                       client=macros["GSP_FW_HEAP_PARAM_CLIENT_ALLOC_SIZE"],
                       min=macros["GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_BAREMETAL_MIN_MB"] * MiB,
                       max=macros["GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_BAREMETAL_MAX_MB"] * MiB,
                       vgpuDefault=macros["GSP_FW_HEAP_SIZE_VGPU_DEFAULT"],
                       vgpuOverride=[macros["GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_VGPU_MIN_MB"] * MiB, macros["GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_VGPU_MAX_MB"] * MiB]),
    }


def heap_size(k, fb, vgpu, max_scrubbed_mb):
    """_kgspCalculateFwHeapSize (535 kernel_gsp.c:3705-3747; 570 :5020-5066), no registry override."""
    if vgpu:
        return k["vgpuDefault"]                                    # 3714-3715
    fb_gb = align_up(fb, GiB) >> 30                                # 3726
    heap = k["carveout"] + k["base"] + align_up(k["perGB"] * fb_gb, MiB) + align_up(k["client"], MiB)   # 3735-3738
    heap = max(heap, k["min"])                                     # 3742
    return min(heap, max_scrubbed_mb << 20)                        # 3745


def layout(tag, chip, fb, image, bootloader, vgpu, k, driver):
    """kgspCalculateFbLayout_TU102 (535 kernel_gsp_tu102.c:526-634; 570 :672-830), no display, no MMU lock."""
    family, nvidia_frts, prescrubbed, scrubber = CHIPS[chip]
    m = {"fbSize": fb}
    m["vgaWorkspaceOffset"] = fb - MiB                             # 548: no display -> fb - DRF_SIZE(NV_PRAMIN)
    m["vgaWorkspaceSize"] = fb - m["vgaWorkspaceOffset"]
    m["gspFwWprEnd"] = align_down(m["vgaWorkspaceOffset"], 0x20000)  # 562 (570: minus a WPR end margin of 0 on a normal boot)
    m["frtsSize"] = nvidia_frts if driver == "nvidia" else MiB     # kgspGetFrtsSize; nouveau tu102_gsp_oneinit: 1 MiB always
    m["frtsOffset"] = m["gspFwWprEnd"] - m["frtsSize"]
    m["sizeOfBootloader"] = bootloader
    m["bootBinOffset"] = align_down(m["frtsOffset"] - bootloader, 0x1000)
    m["sizeOfRadix3Elf"] = image
    m["gspFwOffset"] = align_down(m["bootBinOffset"] - image, 0x10000)
    new = tag.split(".")[0] >= "570"
    non_wpr = MiB                                                  # kgspGetNonWprHeapSize on TU1xx..AD10x
    max_scrubbed_mb = 0xFFFFFFFF                                   # NV_U32_MAX
    if not scrubber and prescrubbed is not None:
        posterior = fb - m["gspFwOffset"]
        if new:                                                    # 570 tu102.c:754-759, kernel_gsp.c:5104
            posterior = align_up(posterior, MiB) + align_up(256, MiB) + align_up(non_wpr, MiB)
        max_scrubbed_mb = (prescrubbed - posterior) >> 20
    heap = heap_size(k, fb, vgpu, max_scrubbed_mb)
    m["gspFwHeapOffset"] = align_down(m["gspFwOffset"] - heap, MiB)
    m["gspFwHeapSize"] = align_down(m["gspFwOffset"] - m["gspFwHeapOffset"], MiB)
    m["gspFwHeapVfPartitionCount"] = (48 if tag.startswith("580") else 32) if vgpu else 0
    m["gspFwWprStart"] = m["gspFwHeapOffset"] - MiB if new else align_down(m["gspFwHeapOffset"] - 256, MiB)
    m["nonWprHeapSize"] = non_wpr
    m["nonWprHeapOffset"] = m["gspFwWprStart"] - non_wpr if new else align_down(m["gspFwWprStart"] - non_wpr, MiB)
    m["gspFwRsvdStart"] = m["nonWprHeapOffset"]
    needs_scrubber = prescrubbed is not None and fb - m["gspFwRsvdStart"] > prescrubbed   # kernel_gsp.c:2465-2468
    return m, needs_scrubber and scrubber


def firmware_sizes(root, chip):
    """(.fwimage size, bootloader data_size) of the chip's 535.113.01 files."""
    base = os.path.join(root, "nvidia", chip.lower(), "gsp")
    out = subprocess.run(["readelf", "-S", "-W", os.path.join(base, "gsp-535.113.01.bin")], check=True, capture_output=True, text=True).stdout
    # "  [ 1] .fwimage  PROGBITS  <addr> <offset> <size> ...": the fields after the bracket.
    image = next(int(m.group(5), 16) for m in (re.search(r"\]\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", l) for l in out.split("\n"))
                 if m and m.group(1) == ".fwimage")
    with open(os.path.join(base, "bootloader-535.113.01.bin"), "rb") as f:
        header = f.read(24)
    magic, _, _, _, _, data_size = struct.unpack("<6I", header)
    assert magic == 0x10de, "bootloader header magic"
    return image, data_size


def main():
    global repo
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ogkm", required=True, help="git repository of NVIDIA/open-gpu-kernel-modules with the tags")
    ap.add_argument("--firmware-root", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".firmware"))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "Fixtures", "nvidia-vectors.json"))
    args = ap.parse_args()
    repo = args.ogkm
    doc = {"generator": "scripts/nvidia_vectors.py", "tags": TAGS, "citations": hal_citations(), "structs": {}, "heap": [], "layouts": []}
    fb_sizes = [16, 24, 48, 80, 96, 141]
    for tag in TAGS:
        doc["structs"][tag] = struct_offsets(tag)
        macros = heap_macros(tag)
        for family, k in release_constants(tag, macros).items():
            entry = {"tag": tag, "family": family, "source": f"{tag} {HEAP_H} (compiled)", "constants": k, "bareMetal": {}}
            for gib in fb_sizes:
                entry["bareMetal"][str(gib)] = heap_size(k, gib * GiB, False, 0xFFFFFFFF)
            doc["heap"].append(entry)
    # Layouts need the image and bootloader sizes: the releases whose files setup.sh fetches.
    tag = "535.113.01"
    k = release_constants(tag, heap_macros(tag))
    for chip in CHIPS:
        image, bootloader = firmware_sizes(args.firmware_root, chip)
        family = CHIPS[chip][0]
        for gib in fb_sizes:
            for vgpu in (False, True):
                for driver in (["nvidia", "nouveau"] if chip == "GA100" else ["nvidia"]):
                    meta, scrub = layout(tag, chip, gib * GiB, image, bootloader, vgpu, k[family], driver)
                    doc["layouts"].append({"tag": tag, "chip": chip, "fbGiB": gib, "vgpu": vgpu, "driver": driver,
                                           "imageSize": image, "bootloaderSize": bootloader, "requiresScrubber": scrub, "meta": meta})
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(doc['heap'])} heap entries, {len(doc['layouts'])} layouts, structs at {len(TAGS)} tags -> {args.out}")


if __name__ == "__main__":
    main()
