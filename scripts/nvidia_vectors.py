#!/usr/bin/env python3
"""Writes test vectors derived from NVIDIA's own driver sources: Tests/Fixtures/nvidia-vectors.json.

usage: nvidia_vectors.py --ogkm REPO [--firmware-root DIR] [--out FILE]

REPO is a git repository (bare or not) of NVIDIA/open-gpu-kernel-modules holding the tags below. CI cannot
reach it, so the output is committed; run this again when a tag or a rule is added. DIR holds linux-firmware's
nvidia/<chip>/gsp/*-535.113.01.bin and *-570.144.bin.

Nothing here comes from VGPUKit's Swift code:
- struct offsets and sizes come from compiling NVIDIA's headers (gsp_fw_wpr_meta.h, the GSP_VF_INFO block of
  gsp_static_config.h) with the C compiler and printing offsetof/sizeof;
- `systemInfo` (per tag: sizeof(GspSystemInfo) and the offset of its GSP_VF_INFO member) and `engineTypes`
  (per tag: every object-like NV2080_ENGINE_TYPE_* macro of class/cl2080_notification.h) come from compiling
  the tag's whole src/common + src/nvidia tree with the include paths and defines of its own
  src/nvidia/Makefile, nothing stubbed, and reading the values back from the object file;
- `bootload` (per tag) comes from the same whole-tree compile of ctrl/ctrl2080/ctrl2080vgpumgrinternal.h: for
  NV2080_CTRL_CMD_VGPU_MGR_INTERNAL_BOOTLOAD_GSP_VGPU_PLUGIN_TASK, ..._SHUTDOWN_GSP_VGPU_PLUGIN_TASK and
  ..._VGPU_PLUGIN_CLEANUP (each where the tag defines it): the command value, and of its params struct the
  sizeof, the members in declaration order (read from the header's text) with offsetof, sizeof and, for
  arrays, the element count; `macros` holds NV2080_GPU_MAX_ENGINES, NV2080_CTRL_MAX_VMMU_SEGMENTS and
  NV2080_ENGINE_TYPE_LAST as compiled. The script stops unless chidOffset has NV2080_GPU_MAX_ENGINES ==
  NV2080_ENGINE_TYPE_LAST entries (the same LAST as `engineTypes`), the guest FB lists
  NV2080_CTRL_MAX_VMMU_SEGMENTS, and the members lie in order without overlap inside sizeof. Its citations
  (the #define of each command and bound, each typedef's line, checked like the others) are kept in
  `bootload` itself, so the top-level `citations` stay as they were;
- heap constants come from compiling gsp_fw_heap.h (with an empty rmconfig.h: the shipped, non-BULLSEYE
  branch) and printing its macros;
- per-chip HAL values (layout function, FRTS size, pre-scrubbed size, scrubber ucode and SEC2's secure-scrub
  archive, non-WPR heap, min/max heap, heap carveout and base, 570's boost-clock flag) are read from NVIDIA's
  generated NVOC bindings at each layout tag: the binding chains of g_kernel_gsp_nvoc.c / g_kernel_sec2_nvoc.c
  are parsed and the inline bodies of g_kernel_gsp_nvoc.h evaluated; the script stops unless they agree with
  its chip table and the compiled macros (the lines read are listed under citations["hal-bindings"]); other
  cited lines are checked against the repository when this script runs (a citation that no longer matches
  stops it);
- the heap and layout rules are transcribed statement by statement from _kgspCalculateFwHeapSize,
  kgspGetFwHeapSize and kgspCalculateFbLayout_TU102, each with its line, for 535.113.01 and for 570.144 (where
  the pre-scrubbed cap also subtracts what lies below the heap, the heap-end size is rounded up to 1 MiB, the
  meta and non-WPR heap are placed without re-aligning, and GspFwWprMeta gains flags / pmuReservedSize);
- image and bootloader sizes are read from the real firmware files of the layout's release (readelf for
  .fwimage, the bin header's data_size for the bootloader).

`fspCot`, `fspBootParams`, `fspLayout` and `fspRegisters` (per tag 570.144 and 580.142) cover the FSP / GSP-FMC boot
path of GH100, GB100/GB102 (gb10x) and GB202/GB203/GB205/GB206/GB207 (gb20x), each with its own `citations`:
NVDM_PAYLOAD_COT and GSP_FMC_BOOT_PARAMS compiled from the tag's whole tree (sizeof, offsetof, sizeof and element
count per member, nested members as a.b); the NVDM types, MCTP header fields ([high, low] bits) and EMEM channel
compiled from fsp_nvdm_format.h / fsp_mctp_format.h / fsp_emem_channels.h; the per-chip COT version, signature and
key sizes, non-WPR heap, heap base / carveout / min / max, vGPU heap and partitions, PMU reservation, FB-end reserve
estimate and FSP extra reservation read from the NVOC bindings (g_kern_fsp_nvoc.c, g_kernel_gsp_nvoc.c,
g_kern_pmu_nvoc.c, g_mem_mgr_nvoc.c) and the inline or one-statement bodies they name; the COT's frtsVidmemOffset
on a normal boot evaluated from kfspPrepareBootCommands_GH100's rule (checked statement by statement); the FSP
boot-complete register from the dev_therm headers each chip's kfspWaitForSecureBoot file includes, and the GSP
falcon / RISC-V registers from kgspConfigureFalcon_GA102's bases plus the gh100 offsets.

`layouts`: TU102/TU104/TU106/TU116/TU117, GA100, GA102..GA107 and AD102..AD107 at 535.113.01 and 570.144, six
FB sizes, bare metal and vGPU, NVIDIA's rules (plus nouveau's for GA100, whose FRTS differs). The 570.144
entries of NVIDIA's driver also carry `metaTail` (flags and pmuReservedSize, GspFwWprMeta's 570 tail).
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
    **{c: ("LIBOS2", MiB, 256 * MiB, False) for c in ["TU102", "TU104", "TU106", "TU116", "TU117"]},
    **{c: ("LIBOS3", MiB, 256 * MiB, False) for c in ["GA102", "GA103", "GA104", "GA106", "GA107"]},
    **{c: ("LIBOS3", MiB, 256 * MiB, True) for c in ["AD102", "AD103", "AD104", "AD106", "AD107"]},
}


# ---------------------------------------------------------------------------------------------------------
# Per-chip HAL values read from the generated NVOC bindings themselves (not only cited): the binding block of
# a HAL function or field in g_*_nvoc.c is parsed (if / else if / else chains with their "ChipHal: ..." and
# "RmVariantHal: ..." comments, the physical-function variant taken), and an inline body in g_*_nvoc.h is
# evaluated. CHIPS and the compiled heap macros above must agree with what this finds, at every layout tag.
SEC2_C = "src/nvidia/generated/g_kernel_sec2_nvoc.c"
TURING = ["TU102", "TU104", "TU106", "TU116", "TU117"]


def hal_binding(tag, name, path=GEN_C, chips=None):
    """{chip: (right-hand side, 'tag path:line')} of the binding of `name` for every chip in `chips` (default: CHIPS;
    PF variant)."""
    lines = show(tag, path).split("\n")
    head = re.compile(r"^\s*// (?:Hal (?:function|field) -- " + name + r"|" + name + r" -- halified.*)\s*$")
    start = next(i for i, l in enumerate(lines) if head.match(l))
    universe = set(chips if chips is not None else CHIPS)
    frames, found = {}, {}                                 # indent -> [condition, taken so far]

    def condition(text):
        chips = re.search(r"/\* ChipHal: ([^*]*)\*/", text)
        variant = re.search(r"/\* RmVariantHal: ([^*]*)\*/", text)
        if chips:
            return {c.strip() for c in chips.group(1).split("|")} & universe
        if variant:
            return set() if variant.group(1).strip() == "VF" else set(universe)
        sys.exit(f"{tag} {path}:{i + 1}: a condition without a ChipHal/RmVariantHal comment: {text.strip()!r}")

    i = start
    while True:
        i += 1
        line = lines[i]
        if not line.strip():
            break
        indent, text = len(line) - len(line.lstrip()), line.strip()
        if text.startswith(("if (", "else if (")):
            while "*/" not in text:                         # a condition continued on the next lines
                i += 1
                text += " " + lines[i].strip()
        if text.startswith(("if (", "else if (", "else")):
            for k in [k for k in frames if k > indent]:
                del frames[k]
            if text.startswith("if ("):
                cond = condition(text)
                frames[indent] = [cond, set(cond)]
            elif text.startswith("else if ("):
                cond = condition(text) - frames[indent][1]
                frames[indent] = [cond, frames[indent][1] | cond]
            else:
                frames[indent] = [universe - frames[indent][1], set(universe)]
        elif text.startswith("pThis->"):
            cond = set(universe)
            for k, (c, _) in frames.items():
                if k < indent:
                    cond &= c
            rhs = re.match(r"pThis->[\w.]+\s*=\s*(.*);$", text).group(1).lstrip("&")
            for chip in cond:
                assert chip not in found, f"{tag} {name}: two bindings for {chip}"
                found[chip] = (rhs, f"{tag} {path}:{i + 1}")
    missing = universe - set(found)
    if missing:
        sys.exit(f"{tag} {path}: no binding of {name} for {sorted(missing)}")
    return found


def c_value(text, vgpu=False):
    """Evaluates the small C expressions of the NVOC inline bodies and field initialisers."""
    t = text.replace("pGpu->bVgpuGspPluginOffloadEnabled", "1" if vgpu else "0").replace("(NvBool)", "")
    t = t.replace("NV_TRUE", "1").replace("NV_FALSE", "0")
    t = re.sub(r"\b(0x[0-9a-fA-F]+|\d+)(?:ULL|UL|U|LL|L)\b", r"\1", t)
    m = re.fullmatch(r"\s*(.+?)\s*\?\s*(.+?)\s*:\s*(.+?)\s*", t)
    if m:
        return c_value(m.group(2) if c_value(m.group(1)) else m.group(3))
    if not re.fullmatch(r"[\s()0-9a-fA-Fx+\-*<>=!]+", t):
        sys.exit(f"cannot evaluate {text!r}")
    return int(eval(t))


def inline_body(tag, impl, path=GEN_H):
    """(return expression, 'tag path:line') of `static inline ... impl(...) { return ...; }`."""
    text = show(tag, path)
    m = re.search(r"static inline [\w ]+?\b" + impl + r"\([^)]*\)\s*\{\s*return\s+(.*?);\s*\}", text, re.S)
    if not m:
        sys.exit(f"{tag} {path}: no inline body for {impl}")
    return m.group(1), f"{tag} {path}:{text.count(chr(10), 0, m.start(1)) + 1}"


def chip_hal(tag, used):
    """Per chip: the HAL values the layout needs at `tag`, from the bindings; `used` collects the lines read."""
    frts_tu102 = [cite(tag, f"{GSP}/arch/turing/kernel_gsp_frts_tu102.c", 55, "WPR_SIZE_1MB_IN_4K;"),
                  cite(tag, f"{GSP}/arch/turing/kernel_gsp_frts_tu102.c", 56, "return sizeIn4k * 0x1000;")]
    addendum = "src/common/inc/swref/published/turing/tu102/dev_gc6_island_addendum.h"
    in4k = int(re.search(r"#define NV_PGC6_AON_FRTS_INPUT_WPR_SIZE_SECURE_SCRATCH_GROUP_03_0_WPR_SIZE_1MB_IN_4K\s+(0x[0-9a-fA-F]+)",
                         show(tag, addendum)).group(1), 16)
    frts_tu102.append(cite(tag, addendum, 29, "WPR_SIZE_1MB_IN_4K"))
    carveout_name = "kgspGetFwHeapParamOsCarveoutSize" if tag >= "570" else "fwHeapParamOsCarveoutSize"
    b = {n: hal_binding(tag, n) for n in ["kgspCalculateFbLayout", "kgspGetFrtsSize", "kgspGetPrescrubbedTopFbSize",
                                          "bScrubberUcodeSupported", "kgspGetNonWprHeapSize", "kgspGetMinWprHeapSizeMB",
                                          "kgspGetMaxWprHeapSizeMB", "fwHeapParamBaseSize", carveout_name]}
    b["securescrub"] = hal_binding(tag, "ksec2GetBinArchiveSecurescrubUcode", SEC2_C)
    if tag >= "570":
        b["boost"] = hal_binding(tag, "bBootGspRmWithBoostClocks")
    out = {}
    for chip in CHIPS:
        v = {}

        def value(key, vgpu=False):
            rhs, where = b[key][chip]
            used.add(where)
            if key in ("kgspCalculateFbLayout", "securescrub"):     # which implementation, by name
                return rhs
            if re.fullmatch(r"\w+_[0-9a-f]{6}", rhs):               # an inline body in the header
                expr, at = inline_body(tag, rhs)
                used.add(at)
                return c_value(expr, vgpu)
            if rhs == "kgspGetFrtsSize_TU102":
                used.update(frts_tu102)
                return in4k * 0x1000
            return c_value(rhs, vgpu)
        v["layoutFn"] = value("kgspCalculateFbLayout")
        v["frts"] = value("kgspGetFrtsSize")
        pre = value("kgspGetPrescrubbedTopFbSize")
        v["prescrubbed"] = None if pre == 0xFFFFFFFFFFFFFFFF else pre
        v["scrubber"] = bool(value("bScrubberUcodeSupported"))
        v["securescrub"] = value("securescrub")
        v["nonWpr"] = value("kgspGetNonWprHeapSize")
        v["min"], v["max"] = value("kgspGetMinWprHeapSizeMB") * MiB, value("kgspGetMaxWprHeapSizeMB") * MiB
        v["vgpuMin"], v["vgpuMax"] = value("kgspGetMinWprHeapSizeMB", True) * MiB, value("kgspGetMaxWprHeapSizeMB", True) * MiB
        v["base"], v["carveout"] = value("fwHeapParamBaseSize"), value(carveout_name)
        v["boost"] = bool(value("boost")) if "boost" in b else None
        out[chip] = v
    return out


def check_chip_hal(tag, hal, k):
    """Stops unless CHIPS, the compiled heap macros and the layout rules agree with NVIDIA's bindings at `tag`."""
    for chip, (family, frts, prescrubbed, scrubber) in CHIPS.items():
        h, c = hal[chip], k[CHIPS[chip][0]]
        expect = {"layoutFn": "kgspCalculateFbLayout_TU102", "frts": frts, "prescrubbed": prescrubbed, "scrubber": scrubber,
                  "nonWpr": MiB, "min": c["min"], "max": c["max"], "base": c["base"], "carveout": c["carveout"]}
        if family == "LIBOS3":
            expect.update(vgpuMin=c["vgpuOverride"][0], vgpuMax=c["vgpuOverride"][1])
        for key, want in expect.items():
            if h[key] != want:
                sys.exit(f"{tag} {chip}: NVIDIA's binding gives {key} = {h[key]!r}, the script assumes {want!r}")
        # The scrubber ucode is only supported where SEC2 has the secure-scrub archive (80f438: NULL).
        if h["scrubber"] != h["securescrub"].endswith("_AD10X"):
            sys.exit(f"{tag} {chip}: bScrubberUcodeSupported and the SEC2 secure-scrub archive disagree")


# ---------------------------------------------------------------------------------------------------------
# Whole-tree compiles (GspSystemInfo, NV2080_ENGINE_TYPE_*): the tag's src/common and src/nvidia are unpacked
# and compiled with the include paths and defines of that tag's own src/nvidia/Makefile (the unconditional
# `CFLAGS +=` lines; nothing stubbed). Values are read back from a data section of the object file, so nothing
# is linked or run against the freestanding RM headers.
_trees = {}


def tag_tree(tag, workdir):
    if tag not in _trees:
        d = os.path.join(workdir, tag)
        os.makedirs(d)
        archive = subprocess.run(["git", "-C", repo, "archive", tag, "src/common", "src/nvidia"], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", d], input=archive, check=True)
        _trees[tag] = d
    return _trees[tag]


def makefile_flags(tag):
    """-include / -I / -D of the unconditional `CFLAGS +=` lines of src/nvidia/Makefile (paths relative to src/nvidia)."""
    import shlex
    flags, depth = [], 0
    for line in show(tag, "src/nvidia/Makefile").split("\n"):
        if re.match(r"\s*if(n?eq|n?def)\b", line):
            depth += 1
        elif re.match(r"\s*endif\b", line):
            depth -= 1
        elif depth == 0 and line.startswith("CFLAGS += "):
            words = shlex.split(line[len("CFLAGS += "):].replace("$(SRC_COMMON)", "../common"))
            if words and (words[0] in ("-include", "-I") or words[0].startswith(("-I", "-D"))):
                flags += words
    return flags


def compiled_values(tag, workdir, source, exprs):
    """Compiles `source` (which sees the tag's RM headers) plus a table of `exprs`; returns their values."""
    tree = os.path.join(tag_tree(tag, workdir), "src", "nvidia")
    table = ",\n".join(f"(unsigned long long)({e})" for e in exprs)
    main = os.path.join(workdir, f"values-{tag}.c")
    with open(main, "w") as f:
        f.write(source + '\n__attribute__((section(".vgpukit_values"), used)) const unsigned long long vgpukit_values[] = {\n' + table + "\n};\n")
    obj, raw = main[:-2] + ".o", main[:-2] + ".bin"
    subprocess.run(["cc", "-std=gnu11", "-ffreestanding", "-fno-common", "-c", "-o", obj, main] + makefile_flags(tag), cwd=tree, check=True)
    subprocess.run(["objcopy", "-O", "binary", "--only-section=.vgpukit_values", obj, raw], check=True)
    with open(raw, "rb") as f:
        data = f.read()
    return list(struct.unpack(f"<{len(exprs)}Q", data[:8 * len(exprs)]))


def system_info(tag, workdir):
    """sizeof(GspSystemInfo) and the offset of its GSP_VF_INFO member, from gsp_static_config.h compiled whole
    with the tag's real include tree (no stubs, so every member type is NVIDIA's own; LP64 like GSP-RM's RISC-V)."""
    block = re.search(r"typedef struct GspSystemInfo\s*\{(.*?)\}\s*GspSystemInfo;", show(tag, STATIC_H), re.S).group(1)
    member = re.findall(r"\bGSP_VF_INFO\s+(\w+)\s*;", block)
    assert len(member) == 1, f"{tag}: GSP_VF_INFO members of GspSystemInfo: {member}"
    size, offset = compiled_values(tag, workdir, '#include "gpu/gsp/gsp_static_config.h"',
                                   ["sizeof(GspSystemInfo)", f"__builtin_offsetof(GspSystemInfo, {member[0]})"])
    return {"sizeof": size, member[0]: offset}


ENGINE_H = "src/common/sdk/nvidia/inc/class/cl2080_notification.h"


def engine_types(tag, workdir):
    """Every object-like NV2080_ENGINE_TYPE_* macro that cl2080_notification.h defines, evaluated by compiling it
    the way the SDK includes it (through class/cl2080.h, which includes nvtypes.h first)."""
    tree = os.path.join(tag_tree(tag, workdir), "src", "nvidia")
    pre = subprocess.run(["cc", "-E", "-dM", "-x", "c", "-"] + makefile_flags(tag), cwd=tree, check=True, capture_output=True, text=True,
                         input='#include "class/cl2080.h"\n').stdout
    names = sorted(set(re.findall(r"^#define (NV2080_ENGINE_TYPE_\w+) ", pre, re.M)))
    # The same names as the header's own text defines (function-like macros such as NV2080_ENGINE_TYPE_COPY(i) excluded).
    text_names = set(re.findall(r"^\s*#\s*define\s+(NV2080_ENGINE_TYPE_\w+)(?=\s)", show(tag, ENGINE_H), re.M))
    assert set(names) == text_names, f"{tag}: {sorted(set(names) ^ text_names)}"
    values = compiled_values(tag, workdir, '#include "class/cl2080.h"', names)
    return dict(zip(names, values))


VGPUMGR_H = "src/common/sdk/nvidia/inc/ctrl/ctrl2080/ctrl2080vgpumgrinternal.h"
# The GSP vGPU plugin task's controls: (key, command macro, params struct); each is taken where the tag defines it.
PLUGIN_TASK_CONTROLS = [
    ("bootload", "NV2080_CTRL_CMD_VGPU_MGR_INTERNAL_BOOTLOAD_GSP_VGPU_PLUGIN_TASK",
     "NV2080_CTRL_VGPU_MGR_INTERNAL_BOOTLOAD_GSP_VGPU_PLUGIN_TASK_PARAMS"),
    ("shutdown", "NV2080_CTRL_CMD_VGPU_MGR_INTERNAL_SHUTDOWN_GSP_VGPU_PLUGIN_TASK",
     "NV2080_CTRL_VGPU_MGR_INTERNAL_SHUTDOWN_GSP_VGPU_PLUGIN_TASK_PARAMS"),
    ("cleanup", "NV2080_CTRL_CMD_VGPU_MGR_INTERNAL_VGPU_PLUGIN_CLEANUP",
     "NV2080_CTRL_VGPU_MGR_INTERNAL_VGPU_PLUGIN_CLEANUP_PARAMS"),
]
# The array bounds of the bootload parameters, and the engine count NVIDIA says NV2080_GPU_MAX_ENGINES must match.
BOOTLOAD_MACROS = ["NV2080_GPU_MAX_ENGINES", "NV2080_CTRL_MAX_VMMU_SEGMENTS", "NV2080_ENGINE_TYPE_LAST"]


def line_of(tag, path, pattern):
    """'tag path:line' of the first line matching `pattern` (a regex), checked by `cite`."""
    lines = show(tag, path).split("\n")
    n = next(i + 1 for i, l in enumerate(lines) if re.search(pattern, l))
    return cite(tag, path, n, lines[n - 1].strip())


def ctrl_members(tag, params):
    """[(member, array bound or None)] of `typedef struct params { ... } params;` in ctrl2080vgpumgrinternal.h, in
    declaration order (NV_DECLARE_ALIGNED(type name, n) unwrapped); stops on a declaration it cannot read."""
    m = re.search(r"typedef\s+struct\s+" + params + r"\s*\{(.*?)\}\s*" + params + r"\s*;", show(tag, VGPUMGR_H), re.S)
    body = re.sub(r"//[^\n]*|/\*.*?\*/", "", m.group(1), flags=re.S)
    members = []
    for decl in (d.strip() for d in body.split(";")):
        if not decl:
            continue
        aligned = re.fullmatch(r"NV_DECLARE_ALIGNED\s*\((.*),\s*\d+\s*\)", decl, re.S)
        decl = aligned.group(1).strip() if aligned else decl
        d = re.fullmatch(r"(?:NvU8|NvU16|NvU32|NvU64|NvBool|NvS32|NvS64|NvHandle)\s+(\w+)\s*(?:\[\s*(\w+)\s*\])?", decl)
        if not d:
            sys.exit(f"{tag} {VGPUMGR_H}: cannot read the member declaration {decl!r} of {params}")
        members.append((d.group(1), d.group(2)))
    return members


def plugin_task_controls(tag, workdir):
    """The GSP vGPU plugin task's controls at `tag`: command numbers, and sizeof / offsetof / sizeof / element
    count of every member of their params, from ctrl2080vgpumgrinternal.h compiled with the tag's whole tree and
    Makefile flags (LP64 like GSP-RM's RISC-V; NV_DECLARE_ALIGNED as nvtypes.h defines it)."""
    text = show(tag, VGPUMGR_H)
    present = [c for c in PLUGIN_TASK_CONTROLS if re.search(r"^#define " + c[1] + r"\s", text, re.M)]
    if not present or present[0][0] != "bootload":
        sys.exit(f"{tag} {VGPUMGR_H}: no {PLUGIN_TASK_CONTROLS[0][1]}")
    exprs, plan = list(BOOTLOAD_MACROS), []
    for key, command, params in present:
        members = ctrl_members(tag, params)
        plan.append((key, command, params, members))
        exprs += [command, f"sizeof({params})"]
        for name, bound in members:
            exprs += [f"__builtin_offsetof({params}, {name})", f"sizeof((({params} *)0)->{name})"]
            if bound:
                exprs.append(f"sizeof((({params} *)0)->{name}) / sizeof((({params} *)0)->{name}[0])")
    values = iter(compiled_values(tag, workdir, '#include "class/cl2080.h"\n#include "ctrl/ctrl2080/ctrl2080vgpumgrinternal.h"', exprs))
    macros = {m: next(values) for m in BOOTLOAD_MACROS}
    out = {"macros": macros, "citations": [line_of(tag, VGPUMGR_H, r"^#define " + m + r"\s") for m in BOOTLOAD_MACROS[:2]]
           + [line_of(tag, ENGINE_H, r"^\s*#\s*define\s+NV2080_ENGINE_TYPE_LAST\s"), f"{tag} src/nvidia/Makefile (CFLAGS)"]}
    for key, command, params, members in plan:
        entry = {"command": command, "value": next(values), "params": params, "sizeof": next(values),
                 "members": [name for name, _ in members], "offsets": {}, "sizes": {}, "counts": {},
                 "citations": [line_of(tag, VGPUMGR_H, r"^#define " + command + r"\s"),
                               line_of(tag, VGPUMGR_H, r"^typedef struct " + params + r"\s*\{")]}
        end = 0
        for name, bound in members:
            entry["offsets"][name], entry["sizes"][name] = next(values), next(values)
            if bound:
                entry["counts"][name] = next(values)
            if entry["offsets"][name] < end:                # declaration order, no overlap
                sys.exit(f"{tag} {params}: {name} at {entry['offsets'][name]} overlaps the member before it")
            end = entry["offsets"][name] + entry["sizes"][name]
        if end > entry["sizeof"]:
            sys.exit(f"{tag} {params}: members end at {end}, sizeof is {entry['sizeof']}")
        out[key] = entry
    b = out["bootload"]
    # chidOffset has one entry per NV2080 engine type ("Must match NV2080_ENGINE_TYPE_LAST from cl2080.h"), the
    # guest FB lists one per VMMU segment: stop if NVIDIA's headers ever disagree with that.
    if not b["counts"]["chidOffset"] == macros["NV2080_GPU_MAX_ENGINES"] == macros["NV2080_ENGINE_TYPE_LAST"]:
        sys.exit(f"{tag}: chidOffset has {b['counts']['chidOffset']} entries, NV2080_GPU_MAX_ENGINES {macros['NV2080_GPU_MAX_ENGINES']}, "
                 f"NV2080_ENGINE_TYPE_LAST {macros['NV2080_ENGINE_TYPE_LAST']}")
    for name in ("guestFbPhysAddrList", "guestFbLengthList"):
        if b["counts"][name] != macros["NV2080_CTRL_MAX_VMMU_SEGMENTS"]:
            sys.exit(f"{tag}: {name} has {b['counts'][name]} entries, NV2080_CTRL_MAX_VMMU_SEGMENTS {macros['NV2080_CTRL_MAX_VMMU_SEGMENTS']}")
    return out


def citations_570():
    """The 570.144 rules that differ from 535.113.01 (and those that stayed), line by line."""
    c = {}
    tu = f"{GSP}/arch/turing/kernel_gsp_tu102.c"
    c["layout-570"] = [cite("570.144", tu, n, f) for n, f in [
        (718, "pWprMeta->vgaWorkspaceOffset = (pWprMeta->fbSize - DRF_SIZE(NV_PRAMIN));"),
        (732, "pWprMeta->sizeOfRadix3Elf = pGspFw->imageSize;"),
        (735, "pWprMeta->gspFwWprEnd = NV_ALIGN_DOWN64(vbiosReservedOffset - kgspGetWprEndMargin(pGpu, pKernelGsp), 0x20000);"),
        (737, "pWprMeta->frtsSize = kgspGetFrtsSize(pGpu, pKernelGsp);"),
        (738, "pWprMeta->frtsOffset = pWprMeta->gspFwWprEnd - pWprMeta->frtsSize;"),
        (742, "pWprMeta->bootBinOffset = NV_ALIGN_DOWN64(pWprMeta->frtsOffset - pWprMeta->sizeOfBootloader, 0x1000);"),
        (748, "pWprMeta->gspFwOffset = NV_ALIGN_DOWN64(pWprMeta->bootBinOffset - pWprMeta->sizeOfRadix3Elf, 0x10000);"),
        (755, "const NvU64 nonWprHeapSize = NV_ALIGN_UP64(kgspGetNonWprHeapSize(pGpu, pKernelGsp), MB);"),
        (756, "const NvU64 wprMetaSize = NV_ALIGN_UP64(sizeof(*pWprMeta), MB);"),
        (757, "const NvU64 preWprHeapSize = wprMetaSize + nonWprHeapSize;"),
        (758, "const NvU64 postWprHeapSize = NV_ALIGN_UP64(pWprMeta->fbSize - pWprMeta->gspFwOffset, MB);"),
        (759, "const NvU64 wprHeapSize = kgspGetFwHeapSize(pGpu, pKernelGsp, preWprHeapSize, postWprHeapSize);"),
        (762, "pWprMeta->gspFwHeapOffset = NV_ALIGN_DOWN64(pWprMeta->gspFwOffset - wprHeapSize, MB);"),
        (763, "pWprMeta->gspFwHeapSize = NV_ALIGN_DOWN64(pWprMeta->gspFwOffset - pWprMeta->gspFwHeapOffset, MB);"),
        (766, "pWprMeta->gspFwHeapVfPartitionCount = pGpu->bVgpuGspPluginOffloadEnabled ? MAX_PARTITIONS_WITH_GFID : 0;"),
        (773, "pWprMeta->gspFwWprStart = pWprMeta->gspFwHeapOffset - wprMetaSize;"),
        (776, "pWprMeta->nonWprHeapSize = nonWprHeapSize;"),
        (777, "pWprMeta->nonWprHeapOffset = pWprMeta->gspFwWprStart - pWprMeta->nonWprHeapSize;"),
        (779, "pWprMeta->gspFwRsvdStart = pWprMeta->nonWprHeapOffset;")]] + [
        cite("570.144", "src/nvidia/interface/nv_sriov_defines.h", 93, "#define MAX_PARTITIONS_WITH_GFID  (32)")]
    # The WPR end margin is 0 on a normal boot: no RmGspWprEndMargin registry key (APPLY_ALWAYS) and no prior attempt.
    c["wpr-end-margin-570"] = [cite("570.144", f"{GSP}/kernel_gsp.c", 3200, "NV_REG_STR_RM_GSP_WPR_END_MARGIN, &pKernelGsp->wprEndMarginOverride"),
                               cite("570.144", f"{GSP}/kernel_gsp.c", 5180, "FLD_TEST_DRF(_REG, _RM_GSP_WPR_END_MARGIN, _APPLY, _ALWAYS"),
                               cite("570.144", f"{GSP}/kernel_gsp.c", 5181, "(pKernelGsp->bootAttempts > 0))"),
                               cite("570.144", f"{GSP}/kernel_gsp.c", 5190, "pWprMeta->flags &= ~GSP_FW_FLAGS_RECOVERY_MARGIN_PRESENT;"),
                               cite("570.144", f"{GSP}/kernel_gsp.c", 5191, "return 0;")]
    # flags: CLOCK_BOOST on TU1xx..AD10x unless the RmBootGspRmWithBoostClocks key disables it; pmuReservedSize is
    # only written by kgspCalculateFbLayout_GH100, the TU102 path leaves the zeroed allocation.
    c["meta-tail-570"] = [cite("570.144", GEN_C, 408, "/* ChipHal: TU102 | TU104 | TU106 | TU116 | TU117 | GA100 | GA102 | GA103 | GA104 | GA106 | GA107 | AD102 | AD103 | AD104 | AD106 | AD107 */"),
                          cite("570.144", GEN_C, 410, "pThis->bBootGspRmWithBoostClocks = NV_TRUE;"),
                          cite("570.144", tu, 810, "NV_REG_STR_RM_BOOT_GSPRM_WITH_BOOST_CLOCKS, &data) == NV_OK) &&"),
                          cite("570.144", tu, 821, "if (pKernelGsp->bBootGspRmWithBoostClocks)"),
                          cite("570.144", tu, 823, "pWprMeta->flags |= GSP_FW_FLAGS_CLOCK_BOOST;"),
                          cite("570.144", META_H, 236, "#define GSP_FW_FLAGS_CLOCK_BOOST                NVBIT(0)"),
                          cite("570.144", tu, 137, "portMemSet(pKernelGsp->pWprMeta, 0, sizeof(*pKernelGsp->pWprMeta));"),
                          cite("570.144", f"{GSP}/arch/hopper/kernel_gsp_gh100.c", 317, "pWprMeta->pmuReservedSize = kpmuReservedMemorySizeGet")]
    c["heap-formula-570"] = [cite("570.144", f"{GSP}/kernel_gsp.c", n, f) for n, f in [
        (5029, "if (pGpu->bVgpuGspPluginOffloadEnabled)"),
        (5030, "return GSP_FW_HEAP_SIZE_VGPU_DEFAULT;"),
        (5041, "NV_ALIGN_UP64(fbSize, 1 << 30) >> 30"),
        (5050, "NvU64 heapSize = kgspGetFwHeapParamOsCarveoutSize_HAL(pGpu, pKernelGsp) +"),
        (5051, "pKernelGsp->fwHeapParamBaseSize +"),
        (5052, "NV_ALIGN_UP(GSP_FW_HEAP_PARAM_SIZE_PER_GB_FB * fbSizeGB, 1 << 20) +"),
        (5053, "NV_ALIGN_UP(GSP_FW_HEAP_PARAM_CLIENT_ALLOC_SIZE, 1 << 20);"),
        (5057, "heapSize = NV_MAX(heapSize, (NvU64)minGspFwHeapSizeMB << 20);"),
        (5060, "heapSize = NV_MIN(heapSize, (NvU64)maxGspFwHeapSizeMB << 20);"),
        (5099, "if (!pKernelGsp->bScrubberUcodeSupported && ((anteriorFbSize != 0) || (posteriorFbSize != 0)))"),
        (5104, "const NvU64 maxScrubbedHeapSize = prescrubbedSize - (anteriorFbSize + posteriorFbSize);"),
        (5105, "maxScrubbedHeapSizeMB = (NvU32)(maxScrubbedHeapSize >> 20);"),
        (5110, "if (pKernelGsp->heapSizeMBOverride != NV_REG_STR_GSP_FIRMWARE_HEAP_SIZE_MB_DEFAULT)"),
        (3204, "pKernelGsp->heapSizeMBOverride = 0;")]] + [
        cite("570.144", "src/nvidia/interface/nvrm_registry.h", 2224, "#define NV_REG_STR_GSP_FIRMWARE_HEAP_SIZE_MB_DEFAULT  0")]
    c["scrubber-rule-570"] = [cite("570.144", f"{GSP}/kernel_gsp.c", 3335, "NvU64 neededSize = pKernelGsp->pWprMeta->fbSize - pKernelGsp->pWprMeta->gspFwRsvdStart;"),
                              cite("570.144", f"{GSP}/kernel_gsp.c", 3340, "if (neededSize > prescrubbedSize)"),
                              cite("570.144", f"{GSP}/kernel_gsp.c", 3483, "_kgspPrepareScrubberImageIfNeeded(pGpu, pKernelGsp)"),
                              cite("570.144", f"{GSP}/kernel_gsp_booter.c", 487, "NV_ASSERT_OR_RETURN(pBinArchive != NULL, NV_ERR_NOT_SUPPORTED);")]
    return c


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


def firmware_sizes(root, chip, release="535.113.01"):
    """(.fwimage size, bootloader data_size) of the chip's files of `release` (linux-firmware names)."""
    base = os.path.join(root, "nvidia", chip.lower(), "gsp")
    out = subprocess.run(["readelf", "-S", "-W", os.path.join(base, f"gsp-{release}.bin")], check=True, capture_output=True, text=True).stdout
    # "  [ 1] .fwimage  PROGBITS  <addr> <offset> <size> ...": the fields after the bracket.
    image = next(int(m.group(5), 16) for m in (re.search(r"\]\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)", l) for l in out.split("\n"))
                 if m and m.group(1) == ".fwimage")
    with open(os.path.join(base, f"bootloader-{release}.bin"), "rb") as f:
        header = f.read(24)
    magic, _, _, _, _, data_size = struct.unpack("<6I", header)
    assert magic == 0x10de, "bootloader header magic"
    return image, data_size


# ---------------------------------------------------------------------------------------------------------
# The FSP (GSP-FMC) boot path of GH100, GB10x and GB20x at 570.144 and 580.142: the COT message, the GSP-FMC
# boot parameters, the sizes Kernel-RM hands the FSP, and the registers it polls. Struct layouts, macros and
# register addresses are compiled from the tag's whole tree (compiled_values, the tag's Makefile flags); per-chip
# values are read from the generated NVOC bindings (hal_binding over FSP_CHIPS) and the inline bodies or the
# one-statement function bodies they name. Every line read is kept in the entry's `citations`.
FSP_TAGS = ["570.144", "580.142"]
FSP_FAMILIES = {"gh100": ["GH100"], "gb10x": ["GB100", "GB102"], "gb20x": ["GB202", "GB203", "GB205", "GB206", "GB207"]}
FSP_CHIPS = [c for chips in FSP_FAMILIES.values() for c in chips]
COT_H = "src/nvidia/inc/kernel/gpu/fsp/kern_fsp_cot_payload.h"
FSP_GEN_C, FSP_GEN_H = "src/nvidia/generated/g_kern_fsp_nvoc.c", "src/nvidia/generated/g_kern_fsp_nvoc.h"
PMU_GEN_C, PMU_GEN_H = "src/nvidia/generated/g_kern_pmu_nvoc.c", "src/nvidia/generated/g_kern_pmu_nvoc.h"
MEM_GEN_C = "src/nvidia/generated/g_mem_mgr_nvoc.c"
MCTP_H = "src/nvidia/arch/nvalloc/common/inc/fsp/fsp_mctp_format.h"
NVDM_H = "src/nvidia/arch/nvalloc/common/inc/fsp/fsp_nvdm_format.h"
EMEM_H = "src/nvidia/arch/nvalloc/common/inc/fsp/fsp_emem_channels.h"
GSPIFPUB_H = "src/nvidia/arch/nvalloc/common/inc/gsp/gspifpub.h"
SRIOV_H = "src/nvidia/interface/nv_sriov_defines.h"
PUBLISHED = "src/common/inc/swref/published"


def strip_comments(text):
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)


def typedef_members(text, name):
    """[(type, member, array bound or None)] of `typedef struct [tag] { ... } name;` in `text`, in order."""
    m = re.search(r"typedef\s+struct\s*\w*\s*\{([^{}]*)\}\s*" + name + r"\s*;", text, re.S)
    if not m:
        sys.exit(f"no typedef struct {name}")
    out = []
    for decl in (d.strip() for d in strip_comments(m.group(1)).split(";")):
        if decl:
            d = re.fullmatch(r"(\w+)\s+(\w+)\s*(?:\[\s*(\w+)\s*\])?", decl)
            if not d:
                sys.exit(f"cannot read the member declaration {decl!r} of {name}")
            out.append(d.groups())
    return out


def struct_layout(tag, workdir, include, text, name, prefix=""):
    """sizeof, and offsetof / sizeof / element count of every member (nested typedef'd structs of `text` flattened
    as a.b), of `name` compiled with the tag's whole tree after `include`."""
    fields = []

    def walk(struct, path):
        for typ, member, bound in typedef_members(text, struct):
            fields.append((path + member, bound))
            if re.search(r"typedef\s+struct\s*\w*\s*\{[^{}]*\}\s*" + typ + r"\s*;", text):
                walk(typ, path + member + ".")
    walk(name, "")
    exprs = [f"sizeof({name})"]
    for f, bound in fields:
        exprs += [f"__builtin_offsetof({name}, {f})", f"sizeof((({name} *)0)->{f})"]
        if bound:
            exprs.append(f"sizeof((({name} *)0)->{f}) / sizeof((({name} *)0)->{f}[0])")
    values = iter(compiled_values(tag, workdir, include, exprs))
    out = {"sizeof": next(values), "members": [f for f, _ in fields], "offsets": {}, "sizes": {}, "counts": {}}
    for f, bound in fields:
        out["offsets"][f], out["sizes"][f] = next(values), next(values)
        if bound:
            out["counts"][f] = next(values)
    # The members lie in order, inside sizeof (nested members inside their parent).
    for f in out["members"]:
        parent = f.rsplit(".", 1)[0] if "." in f else None
        lo, hi = (out["offsets"][parent], out["offsets"][parent] + out["sizes"][parent]) if parent else (0, out["sizeof"])
        if not lo <= out["offsets"][f] <= out["offsets"][f] + out["sizes"][f] <= hi:
            sys.exit(f"{tag} {name}.{f} lies outside its parent")
    return out


def typedef_citation(tag, path, name):
    return line_of(tag, path, r"\}\s*" + name + r"\s*;")


def macro_citation(tag, path, name):
    return line_of(tag, path, r"^\s*#\s*define\s+" + name + r"(?=\s|$)")


def definition(tag, function):
    """(path, 1-based line, body text) of the C definition of `function` (its name alone at the start of a line,
    or after the return type on the same line) under src/nvidia/src at `tag`."""
    out = subprocess.run(["git", "-C", repo, "grep", "-n", "-E", r"^(\w+\s+)?" + function + r"\s*(\(|$)", tag, "--", "src/nvidia/src"],
                         capture_output=True, text=True).stdout.strip().split("\n")
    hits = [l.split(":", 3) for l in out if l]
    if len(hits) != 1:
        sys.exit(f"{tag}: {len(hits)} definitions of {function}")
    _, path, line, _ = hits[0]
    lines = show(tag, path).split("\n")
    start = int(line) - 1
    open_ = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("{") or lines[i].rstrip().endswith("{"))
    close = next(i for i in range(open_ + 1, len(lines)) if lines[i].startswith("}"))
    return path, int(line), "\n".join(lines[open_:close + 1])


def body_value(tag, function, pattern):
    """The C expression that `pattern` (one group) finds in the comment-stripped body of `function`; its citation."""
    path, line, body = definition(tag, function)
    m = re.search(pattern, strip_comments(body), re.S)
    if not m:
        sys.exit(f"{tag} {path}:{line}: {function} does not have the form {pattern!r}")
    expr = m.group(1).strip()
    return expr, line_of(tag, path, re.escape(expr.split("\n")[0].strip()))


def eval_c(exprs, prelude=""):
    """Values of constant C expressions (host cc)."""
    body = "".join(f'printf("%llu\\n", (unsigned long long)({e}));\n' for e in exprs)
    out = compile_and_run(NVTYPES + prelude + "\nint main(void) {\n" + body + "return 0; }\n", {})
    return [int(v) for v in out.split()]


def macro_text(tag, path, name):
    """The #define line(s) of `name` in `path` (continuations joined)."""
    m = re.search(r"^\s*#\s*define\s+" + name + r"\b(?:[^\n]*\\\n)*[^\n]*", show(tag, path), re.M)
    if not m:
        sys.exit(f"{tag} {path}: no #define {name}")
    return m.group(0)


def hal_value(tag, binding, chip, cites, gen_h, vgpu=False):
    """The value a chip's HAL binding gives: a constant field initialiser or an inline body of `gen_h`."""
    rhs, where = binding[chip]
    cites.add(where)
    if re.fullmatch(r"\w+_[0-9a-f]{6}", rhs):
        expr, at = inline_body(tag, rhs, gen_h)
        cites.add(at)
        return c_value(expr, vgpu)
    return c_value(rhs, vgpu)


def fsp_cot(tag, workdir):
    """NVDM_PAYLOAD_COT's layout, the per-chip COT HAL fields, and the NVDM / MCTP constants at `tag`."""
    cites = {typedef_citation(tag, COT_H, "NVDM_PAYLOAD_COT"), line_of(tag, COT_H, r"^#pragma pack\(1\)")}
    out = {"NVDM_PAYLOAD_COT": struct_layout(tag, workdir, '#include "nvtypes.h"\n#include "gpu/fsp/kern_fsp_cot_payload.h"',
                                             show(tag, COT_H), "NVDM_PAYLOAD_COT")}
    out["NVDM_PAYLOAD_COT"]["source"] = f"{tag} {COT_H} (compiled with the tag's src/nvidia/Makefile flags)"
    chips = {}
    for field in ["cotPayloadVersion", "cotPayloadSignatureSize", "cotPayloadPublicKeySize"]:
        b = hal_binding(tag, field, FSP_GEN_C, FSP_CHIPS)
        for chip in FSP_CHIPS:
            chips.setdefault(chip, {})[field] = hal_value(tag, b, chip, cites, FSP_GEN_H)
    out["chips"] = chips
    # Whatever the chip says must fit the payload's arrays (kern_fsp_gh100.c asserts the same).
    cot = out["NVDM_PAYLOAD_COT"]["sizes"]
    for chip, v in chips.items():
        if v["cotPayloadSignatureSize"] > cot["signature"] or v["cotPayloadPublicKeySize"] > cot["publicKey"]:
            sys.exit(f"{tag} {chip}: the COT signature / key does not fit NVDM_PAYLOAD_COT")
    nvdm = sorted(set(re.findall(r"^\s*#\s*define\s+(NVDM_TYPE_\w+)\s", show(tag, NVDM_H), re.M)))
    fields = [n for n in re.findall(r"^\s*#\s*define\s+(MCTP_(?:MSG_)?HEADER_\w+)\s+\d+\s*:\s*\d+", show(tag, MCTP_H), re.M)]
    consts = ["MCTP_MSG_HEADER_TYPE_VENDOR_PCI", "MCTP_MSG_HEADER_VENDOR_ID_NV", "FSP_EMEM_CHANNEL_RM", "FSP_EMEM_CHANNEL_RM_SIZE"]
    exprs = nvdm + consts + [e for f in fields for e in (f"(1 ? {f})", f"(0 ? {f})")] + ["sizeof(MCTP_HEADER)"]
    values = iter(compiled_values(tag, workdir, '#include "nvtypes.h"\n#include "fsp/fsp_nvdm_format.h"\n#include "fsp/fsp_mctp_format.h"\n'
                                  '#include "fsp/fsp_emem_channels.h"\n#include "gpu/fsp/kern_fsp_cot_payload.h"', exprs))
    out["nvdmTypes"] = {n: next(values) for n in nvdm}
    out["constants"] = {n: next(values) for n in consts}
    out["mctpFields"] = {f: [next(values), next(values)] for f in fields}     # [high bit, low bit]
    out["constants"]["sizeof(MCTP_HEADER)"] = next(values)
    for n in nvdm:
        cites.add(macro_citation(tag, NVDM_H, n))
    for n in fields + consts[:2]:
        cites.add(macro_citation(tag, MCTP_H, n))
    for n in consts[2:]:
        cites.add(macro_citation(tag, EMEM_H, n))
    # The packet's two header DWORDs (kern_fsp.c HEADER_DWORD_MCTP / _NVDM).
    kern_fsp = "src/nvidia/src/kernel/gpu/fsp/kern_fsp.c"
    for n in ["HEADER_DWORD_MCTP", "HEADER_DWORD_NVDM", "HEADER_DWORD_MAX"]:
        out["constants"][n] = int(re.search(r"#define " + n + r"\s+(\d+)", show(tag, kern_fsp)).group(1))
        cites.add(macro_citation(tag, kern_fsp, n))
    out["citations"] = sorted(cites)
    return out


def fsp_boot_params(tag, workdir):
    """GSP_FMC_BOOT_PARAMS (gspifpub.h) with its nested structs, and GSP_DMA_TARGET's values, at `tag`."""
    text = show(tag, GSPIFPUB_H)
    out = struct_layout(tag, workdir, '#include "gsp/gspifpub.h"', text, "GSP_FMC_BOOT_PARAMS")
    targets = re.findall(r"\b(GSP_DMA_TARGET_\w+)\s*,", re.search(r"typedef enum \{(.*?)\}\s*GSP_DMA_TARGET;", text, re.S).group(1))
    out["GSP_DMA_TARGET"] = dict(zip(targets, compiled_values(tag, workdir, '#include "gsp/gspifpub.h"', targets)))
    out["source"] = f"{tag} {GSPIFPUB_H} (compiled with the tag's src/nvidia/Makefile flags)"
    out["citations"] = sorted({typedef_citation(tag, GSPIFPUB_H, n) for n in
                               ["GSP_FMC_BOOT_PARAMS", "GSP_ACR_BOOT_GSP_RM_PARAMS", "GSP_RM_PARAMS", "GSP_SPDM_PARAMS"]}
                              | {line_of(tag, GSPIFPUB_H, r"\}\s*GSP_DMA_TARGET\s*;")})
    return out


def fsp_layout(tag, workdir):
    """Per chip family: the sizes Kernel-RM puts in GspFwWprMeta and the COT on the FSP path, and the heap constants."""
    cites = set()
    gsp = {n: hal_binding(tag, n, GEN_C, FSP_CHIPS) for n in
           ["kgspGetNonWprHeapSize", "kgspGetFrtsSize", "kgspGetMinWprHeapSizeMB", "kgspGetMaxWprHeapSizeMB",
            "fwHeapParamBaseSize", "kgspGetFwHeapParamOsCarveoutSize", "kgspPopulateWprMeta" if tag >= "580" else "kgspCalculateFbLayout"]}
    if tag >= "580":
        gsp["kgspVgpuFwHeapSize"] = hal_binding(tag, "kgspVgpuFwHeapSize", GEN_C, FSP_CHIPS)
        gsp["kgspVgpuNumVgpuPartitions"] = hal_binding(tag, "kgspVgpuNumVgpuPartitions", GEN_C, FSP_CHIPS)
    selfinit = hal_binding(tag, "kpmuGetIsSelfInit", PMU_GEN_C, FSP_CHIPS)
    fbend = hal_binding(tag, "memmgrGetFBEndReserveSizeEstimate", MEM_GEN_C, FSP_CHIPS)
    extra = hal_binding(tag, "kfspGetExtraReservedMemorySize", FSP_GEN_C, FSP_CHIPS)
    # PMU reserved memory: kpmuReservedMemorySizeGet_IMPL = ALIGN_UP(backing + surfaces + misc, alignment), each part
    # non-zero only where kpmuGetIsSelfInit.
    pmu_c = "src/nvidia/src/kernel/gpu/pmu/kern_pmu.c"
    part = r"if\s*\(\s*kpmuGetIsSelfInit\(pKernelPmu\)\s*\)\s*\{\s*return\s+(.+?);\s*\}\s*return\s+0U;"
    backing, c1 = body_value(tag, "kpmuReservedMemoryBackingStoreSizeGet_IMPL", part)
    surfaces, c2 = body_value(tag, "kpmuReservedMemorySurfacesSizeGet_IMPL", part)
    misc, c3 = body_value(tag, "kpmuReservedMemoryMiscSizeGet_IMPL", part)
    total, c4 = body_value(tag, "kpmuReservedMemorySizeGet_IMPL", r"return\s+(NV_ALIGN_UP64\(.*?\));")
    want = ("NV_ALIGN_UP64(kpmuReservedMemoryBackingStoreSizeGet(pKernelPmu)+kpmuReservedMemorySurfacesSizeGet(pKernelPmu)+"
            "kpmuReservedMemoryMiscSizeGet(pKernelPmu),KPMU_RESERVED_MEMORY_ALIGNMENT)")
    if re.sub(r"\s+", "", total) != want:
        sys.exit(f"{tag} {c4}: kpmuReservedMemorySizeGet_IMPL changed: {total!r}")
    cites |= {c1, c2, c3, c4, macro_citation(tag, PMU_GEN_H, "PMU_RESERVED_MEMORY_SURFACES_SIZE"),
              macro_citation(tag, PMU_GEN_H, "KPMU_RESERVED_MEMORY_ALIGNMENT")}
    prelude = macro_text(tag, PMU_GEN_H, "PMU_RESERVED_MEMORY_SURFACES_SIZE") + "\n" + macro_text(tag, PMU_GEN_H, "KPMU_RESERVED_MEMORY_ALIGNMENT") + "\n"
    backing, surfaces, misc, align = eval_c([backing, surfaces, misc, "KPMU_RESERVED_MEMORY_ALIGNMENT"], prelude)
    # FRTS: kgspGetFrtsSize_TU102 (meta) and the COT's frtsSize (kern_fsp_gh100.c, from the Hopper addendum).
    frts_c = f"{GSP}/arch/turing/kernel_gsp_frts_tu102.c"
    tu_addendum = f"{PUBLISHED}/turing/tu102/dev_gc6_island_addendum.h"
    gh_addendum = f"{PUBLISHED}/hopper/gh100/dev_gc6_island_addendum.h"
    in4k = "NV_PGC6_AON_FRTS_INPUT_WPR_SIZE_SECURE_SCRATCH_GROUP_03_0_WPR_SIZE_1MB_IN_4K"
    frts_meta = eval_c([in4k + " * 0x1000"], macro_text(tag, tu_addendum, in4k))[0]
    cot_expr, c5 = body_value(tag, "kfspPrepareBootCommands_GH100", r"\bfrtsSize\s*=\s*(" + in4k + r"\s*<<\s*12)\s*;")
    frts_cot = eval_c([cot_expr], macro_text(tag, gh_addendum, in4k))[0]
    cites |= {line_of(tag, frts_c, "WPR_SIZE_1MB_IN_4K;"), line_of(tag, frts_c, r"return sizeIn4k \* 0x1000;"),
              macro_citation(tag, tu_addendum, in4k), macro_citation(tag, gh_addendum, in4k), c5}
    # The FRTS offset from the end of FB sent in the COT (kfspPrepareBootCommands_GH100, normal boot: no WPR end margin).
    fsp_c, _, body = definition(tag, "kfspPrepareBootCommands_GH100")
    rule = [r"NvU64 frtsOffsetFromEnd =\s*memmgrGetFBEndReserveSizeEstimate_HAL\(",
            r"if \(kpmuReservedMemorySizeGet\(GPU_GET_KERNEL_PMU\(pGpu\)\) != 0U\)",
            r"frtsOffsetFromEnd \+= kfspGetExtraReservedMemorySize_HAL\(pGpu, pKernelFsp\) \+",
            r"frtsOffsetFromEnd = NV_ALIGN_UP\(frtsOffsetFromEnd, (0x200000U)\);",
            r"frtsOffsetFromEnd \+= NV_ALIGN_UP64\(kgspGetWprEndMargin\(pGpu, pKernelGsp\), 0x200000U\);",
            r"pKernelFsp->pCotPayload->frtsVidmemOffset = frtsOffsetFromEnd;"]
    for r in rule:
        if not re.search(r, body):
            sys.exit(f"{tag} {fsp_c}: kfspPrepareBootCommands_GH100 no longer has {r!r}")
        cites.add(line_of(tag, fsp_c, r.split(r"\s*")[0].split("(0x")[0] if "(0x" in r else r.split(r"\s*")[0]))
    frts_align = int(re.search(rule[3], body).group(1).rstrip("U"), 16)
    # The VGA workspace size the GH100 path writes.
    vga = {}
    heap_h = heap_macros(tag)
    heap_keys = ["GSP_FW_HEAP_PARAM_BASE_RM_SIZE_GH100", "GSP_FW_HEAP_PARAM_OS_SIZE_LIBOS3_BAREMETAL", "GSP_FW_HEAP_PARAM_OS_SIZE_LIBOS3_VGPU",
                 "GSP_FW_HEAP_PARAM_SIZE_PER_GB_FB", "GSP_FW_HEAP_PARAM_SIZE_PER_GB", "GSP_FW_HEAP_PARAM_CLIENT_ALLOC_SIZE",
                 "GSP_FW_HEAP_SIZE_VGPU_DEFAULT", "GSP_FW_HEAP_SIZE_VGPU_48VMS",
                 "GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_BAREMETAL_MIN_MB", "GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_BAREMETAL_MAX_MB",
                 "GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_VGPU_MIN_MB", "GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_VGPU_MAX_MB"]
    heap_consts = {k: heap_h[k] for k in heap_keys if k in heap_h}
    cites |= {macro_citation(tag, HEAP_H, k) for k in heap_consts}
    sriov = [n for n in ["MAX_PARTITIONS_WITH_GFID", "MAX_PARTITIONS_WITH_GFID_32VM"]
             if re.search(r"^\s*#\s*define\s+" + n + r"\b", show(tag, SRIOV_H), re.M)]
    heap_consts.update(zip(sriov, compiled_values(tag, workdir, '#include "nv_sriov_defines.h"', sriov)))
    cites |= {macro_citation(tag, SRIOV_H, n) for n in sriov}
    families = {}
    for family, chips in FSP_FAMILIES.items():
        per_chip = {}
        for chip in chips:
            v = {}
            fn, where = gsp["kgspPopulateWprMeta" if tag >= "580" else "kgspCalculateFbLayout"][chip]
            cites.add(where)
            v["layoutFn"] = fn
            if fn not in vga:
                expr, c = body_value(tag, fn, r"pWprMeta->vgaWorkspaceSize\s*=\s*(.+?);")
                vga[fn] = eval_c([expr])[0]
                cites.add(c)
            v["vgaWorkspaceSize"] = vga[fn]
            v["nonWprHeapSize"] = hal_value(tag, gsp["kgspGetNonWprHeapSize"], chip, cites, GEN_H)
            rhs, where = gsp["kgspGetFrtsSize"][chip]
            cites.add(where)
            if rhs != "kgspGetFrtsSize_TU102":
                sys.exit(f"{tag} {chip}: kgspGetFrtsSize is {rhs}")
            v["frtsSize"], v["cotFrtsSize"] = frts_meta, frts_cot
            v["fwHeapParamBaseSize"] = hal_value(tag, gsp["fwHeapParamBaseSize"], chip, cites, GEN_H)
            v["osCarveoutSize"] = {"bareMetal": hal_value(tag, gsp["kgspGetFwHeapParamOsCarveoutSize"], chip, cites, GEN_H),
                                   "vgpu": hal_value(tag, gsp["kgspGetFwHeapParamOsCarveoutSize"], chip, cites, GEN_H, True)}
            v["minWprHeapSizeMB"] = {"bareMetal": hal_value(tag, gsp["kgspGetMinWprHeapSizeMB"], chip, cites, GEN_H),
                                     "vgpu": hal_value(tag, gsp["kgspGetMinWprHeapSizeMB"], chip, cites, GEN_H, True)}
            v["maxWprHeapSizeMB"] = {"bareMetal": hal_value(tag, gsp["kgspGetMaxWprHeapSizeMB"], chip, cites, GEN_H),
                                     "vgpu": hal_value(tag, gsp["kgspGetMaxWprHeapSizeMB"], chip, cites, GEN_H, True)}
            if tag >= "580":
                rhs, where = gsp["kgspVgpuFwHeapSize"][chip]
                cites.add(where)
                if re.fullmatch(r"\w+_[0-9a-f]{6}", rhs):
                    v["vgpuFwHeapSize"] = {"default": hal_value(tag, gsp["kgspVgpuFwHeapSize"], chip, cites, GEN_H)}
                    v["vgpuPartitions"] = {"default": hal_value(tag, gsp["kgspVgpuNumVgpuPartitions"], chip, cites, GEN_H)}
                else:
                    # kgspVgpuFwHeapSize_GB202 / kgspVgpuNumVgpuPartitions_GB202: the 48-VM SKUs (a PCI table) get the
                    # 48-VM heap and MAX_PARTITIONS_WITH_GFID, the others the default heap and _32VM.
                    path, _, hb = definition(tag, rhs)
                    m = re.search(r"if\s*\(\s*_is48VmEnabled\(.*?\)\)\s*return\s+(\w+);\s*return\s+(\w+);", strip_comments(hb), re.S)
                    rhs_p, where_p = gsp["kgspVgpuNumVgpuPartitions"][chip]
                    cites.add(where_p)
                    _, _, pb = definition(tag, rhs_p)
                    mp = re.search(r"if\s*\(\s*_is48VmEnabled\(.*?\)\)\s*return\s+(\w+);\s*return\s+(\w+);", strip_comments(pb), re.S)
                    table = re.findall(r"PCI_TABLE_ENTRY\((0x[0-9A-Fa-f]+),\s*(0x[0-9A-Fa-f]+)\)",
                                       re.search(r"_is48VmEnabled\(NvU64[^)]*\)\s*\{(.*?)\n\}", show(tag, path), re.S).group(1))
                    if not (m and mp and table):
                        sys.exit(f"{tag} {path}: {rhs} has changed shape")
                    v["vgpuFwHeapSize"] = {"default": heap_consts[m.group(2)], "48vm": heap_consts[m.group(1)]}
                    v["vgpuPartitions"] = {"default": heap_consts[mp.group(2)], "48vm": heap_consts[mp.group(1)]}
                    v["vgpu48vmPciIds"] = [[int(a, 16), int(b, 16)] for a, b in table]
                    cites |= {line_of(tag, path, r"PCI_TABLE_ENTRY\(0x"), line_of(tag, path, r"return " + m.group(1) + ";"),
                              line_of(tag, path, r"return " + mp.group(1) + ";"), line_of(tag, path, r"#define PCI_TABLE_ENTRY")}
            else:
                # 570: _kgspCalculateFwHeapSize returns GSP_FW_HEAP_SIZE_VGPU_DEFAULT and the GH100 path writes
                # MAX_PARTITIONS_WITH_GFID (the lines below).
                v["vgpuFwHeapSize"] = {"default": heap_consts["GSP_FW_HEAP_SIZE_VGPU_DEFAULT"]}
                v["vgpuPartitions"] = {"default": heap_consts["MAX_PARTITIONS_WITH_GFID"]}
                cites |= {cite(tag, f"{GSP}/kernel_gsp.c", 5029, "if (pGpu->bVgpuGspPluginOffloadEnabled)"),
                          cite(tag, f"{GSP}/kernel_gsp.c", 5030, "return GSP_FW_HEAP_SIZE_VGPU_DEFAULT;"),
                          line_of(tag, f"{GSP}/arch/hopper/kernel_gsp_gh100.c", r"bVgpuGspPluginOffloadEnabled \? MAX_PARTITIONS_WITH_GFID : 0;")}
            on = bool(hal_value(tag, selfinit, chip, cites, PMU_GEN_H))
            parts = [backing, surfaces, misc] if on else [0, 0, 0]
            v["pmuReservedMemory"] = {"selfInit": on, "backingStore": parts[0], "surfaces": parts[1], "misc": parts[2],
                                      "alignment": align, "size": align_up(sum(parts), align)}
            fn, where = fbend[chip]
            cites.add(where)
            expr, c = body_value(tag, fn, r"const NvU32 ESTIMATED_RESERVE_FB\s*=\s*(.+?);\s*return ESTIMATED_RESERVE_FB;")
            cites.add(c)
            v["fbEndReserveSizeEstimate"] = eval_c([expr])[0]
            fn, where = extra[chip]
            cites.add(where)
            if re.fullmatch(r"\w+_[0-9a-f]{6}", fn):
                v["fspExtraReservedMemorySize"] = hal_value(tag, extra, chip, cites, FSP_GEN_H)
            else:
                expr, c = body_value(tag, fn, r"^\{\s*return\s+(.+?);\s*\}$")
                cites.add(c)
                v["fspExtraReservedMemorySize"] = eval_c([expr])[0]
            # frtsVidmemOffset on a normal boot (WPR end margin 0).
            off = v["fbEndReserveSizeEstimate"]
            if v["pmuReservedMemory"]["size"] != 0:
                off = align_up(off + v["fspExtraReservedMemorySize"] + v["pmuReservedMemory"]["size"], frts_align)
            v["cotFrtsVidmemOffset"] = off
            per_chip[chip] = v
        # Values every chip of the family shares sit on the family; the others under perChip (580's GB202 vGPU heap).
        first = per_chip[chips[0]]
        common = {k: x for k, x in first.items() if all(per_chip[c].get(k) == x for c in chips)}
        families[family] = dict(common, chips=chips)
        differ = {c: {k: x for k, x in v.items() if k not in common} for c, v in per_chip.items()}
        if any(differ.values()):
            families[family]["perChip"] = differ
    return {"families": families, "heapConstants": heap_consts, "citations": sorted(cites)}


def fsp_registers(tag, workdir):
    """The FSP boot-complete scratch register per family (the dev_therm headers that the chip's
    kfspWaitForSecureBoot implementation includes) and the GSP falcon / RISC-V registers of the GH100 path."""
    cites = set()
    wait = hal_binding(tag, "kfspWaitForSecureBoot", FSP_GEN_C, FSP_CHIPS)
    out = {"fspBootComplete": {}}
    names = ["NV_THERM_I2CS_SCRATCH_FSP_BOOT_COMPLETE", "NV_THERM_I2CS_SCRATCH_FSP_BOOT_COMPLETE_STATUS_SUCCESS",
             "NV_THERM_I2CS_SCRATCH_FSP_BOOT_COMPLETE_STATUS_FAILED"]
    for family, chips in FSP_FAMILIES.items():
        fns = {wait[c][0] for c in chips}
        cites |= {wait[c][1] for c in chips}
        if len(fns) != 1:
            sys.exit(f"{tag} {family}: several kfspWaitForSecureBoot implementations {fns}")
        path, _, _ = definition(tag, fns.pop())
        includes = re.findall(r'^#include "(published/[\w/]+/dev_therm(?:_addendum)?\.h)"', show(tag, path), re.M)
        if len(includes) != 2:
            sys.exit(f"{tag} {path}: dev_therm includes {includes}")
        cites |= {line_of(tag, path, re.escape(f'#include "{i}"')) for i in includes}
        src = "".join(f'#include "{i}"\n' for i in includes)
        exprs = names + ["(1 ? NV_THERM_I2CS_SCRATCH_FSP_BOOT_COMPLETE_STATUS)", "(0 ? NV_THERM_I2CS_SCRATCH_FSP_BOOT_COMPLETE_STATUS)"]
        v = compiled_values(tag, workdir, src, exprs)
        out["fspBootComplete"][family] = {"address": v[0], "success": v[1], "failed": v[2], "statusBits": [v[3], v[4]],
                                          "headers": includes, "chips": chips}
        for i in includes:
            for n in ["NV_THERM_I2CS_SCRATCH", "NV_THERM_I2CS_SCRATCH_FSP_BOOT_COMPLETE", names[1]]:
                if re.search(r"^\s*#\s*define\s+" + n + r"\s", show(tag, f"{PUBLISHED}/{i[len('published/'):]}"), re.M):
                    cites.add(macro_citation(tag, f"{PUBLISHED}/{i[len('published/'):]}", n))
    # GSP: the falcon base is DRF_BASE(NV_PGSP) and the RISC-V base NV_FALCON2_GSP_BASE (kgspConfigureFalcon_GA102,
    # which GH100..GB20x use); register offsets from the headers kernel_gsp_gh100.c includes.
    conf = hal_binding(tag, "kgspConfigureFalcon", GEN_C, FSP_CHIPS)
    if {conf[c][0] for c in FSP_CHIPS} != {"kgspConfigureFalcon_GA102"}:
        sys.exit(f"{tag}: kgspConfigureFalcon is not kgspConfigureFalcon_GA102 on {FSP_CHIPS}")
    cites |= {conf[c][1] for c in FSP_CHIPS}
    conf_path, _, conf_body = definition(tag, "kgspConfigureFalcon_GA102")
    for r in [r"falconConfig.registerBase\s*=\s*DRF_BASE\(NV_PGSP\);", r"falconConfig.riscvRegisterBase\s*=\s*NV_FALCON2_GSP_BASE;"]:
        if not re.search(r, conf_body):
            sys.exit(f"{tag} {conf_path}: kgspConfigureFalcon_GA102 does not have {r!r}")
        cites.add(line_of(tag, conf_path, r))
    conf_inc = re.findall(r'^#include "(published/[\w/]+/dev_(?:gsp|riscv_pri)\.h)"', show(tag, conf_path), re.M)
    base = compiled_values(tag, workdir, "".join(f'#include "{i}"\n' for i in conf_inc), ["(0 ? NV_PGSP)", "NV_FALCON2_GSP_BASE"])
    gh_c = f"{GSP}/arch/hopper/kernel_gsp_gh100.c"
    gh_inc = re.findall(r'^#include "(published/hopper/gh100/dev_(?:falcon_v4|gsp|riscv_pri)\.h)"', show(tag, gh_c), re.M)
    cites |= {line_of(tag, conf_path, re.escape(f'#include "{i}"')) for i in conf_inc}
    cites |= {line_of(tag, gh_c, re.escape(f'#include "{i}"')) for i in gh_inc}
    offs = ["NV_PFALCON_FALCON_HWCFG2", "NV_PFALCON_FALCON_MAILBOX0", "NV_PFALCON_FALCON_MAILBOX1", "NV_PFALCON_FALCON_OS",
            "NV_PRISCV_RISCV_CPUCTL", "(0 ? NV_PGSP)", "NV_PGSP_FALCON_MAILBOX0", "NV_PGSP_FALCON_MAILBOX1",
            "(1 ? NV_PFALCON_FALCON_HWCFG2_RISCV_BR_PRIV_LOCKDOWN)", "(0 ? NV_PFALCON_FALCON_HWCFG2_RISCV_BR_PRIV_LOCKDOWN)",
            "NV_PFALCON_FALCON_HWCFG2_RISCV_BR_PRIV_LOCKDOWN_UNLOCK",
            "(1 ? NV_PRISCV_RISCV_CPUCTL_ACTIVE_STAT)", "(0 ? NV_PRISCV_RISCV_CPUCTL_ACTIVE_STAT)", "NV_PRISCV_RISCV_CPUCTL_ACTIVE_STAT_ACTIVE"]
    v = dict(zip(offs, compiled_values(tag, workdir, "".join(f'#include "{i}"\n' for i in gh_inc), offs)))
    if v["(0 ? NV_PGSP)"] != base[0]:
        sys.exit(f"{tag}: NV_PGSP differs between {conf_inc} and {gh_inc}")
    falcon, riscv = base
    out["gsp"] = {"falconBase": falcon, "riscvBase": riscv,
                  "HWCFG2": falcon + v["NV_PFALCON_FALCON_HWCFG2"], "MAILBOX0": falcon + v["NV_PFALCON_FALCON_MAILBOX0"],
                  "MAILBOX1": falcon + v["NV_PFALCON_FALCON_MAILBOX1"], "OS": falcon + v["NV_PFALCON_FALCON_OS"],
                  "RISCV_CPUCTL": riscv + v["NV_PRISCV_RISCV_CPUCTL"],
                  "HWCFG2_RISCV_BR_PRIV_LOCKDOWN": [v["(1 ? NV_PFALCON_FALCON_HWCFG2_RISCV_BR_PRIV_LOCKDOWN)"],
                                                    v["(0 ? NV_PFALCON_FALCON_HWCFG2_RISCV_BR_PRIV_LOCKDOWN)"]],
                  "HWCFG2_RISCV_BR_PRIV_LOCKDOWN_UNLOCK": v["NV_PFALCON_FALCON_HWCFG2_RISCV_BR_PRIV_LOCKDOWN_UNLOCK"],
                  "RISCV_CPUCTL_ACTIVE_STAT": [v["(1 ? NV_PRISCV_RISCV_CPUCTL_ACTIVE_STAT)"], v["(0 ? NV_PRISCV_RISCV_CPUCTL_ACTIVE_STAT)"]],
                  "RISCV_CPUCTL_ACTIVE_STAT_ACTIVE": v["NV_PRISCV_RISCV_CPUCTL_ACTIVE_STAT_ACTIVE"],
                  "headers": sorted(set(conf_inc + gh_inc))}
    if (out["gsp"]["MAILBOX0"], out["gsp"]["MAILBOX1"]) != (v["NV_PGSP_FALCON_MAILBOX0"], v["NV_PGSP_FALCON_MAILBOX1"]):
        sys.exit(f"{tag}: NV_PGSP_FALCON_MAILBOX0/1 differ from DRF_BASE(NV_PGSP) + NV_PFALCON_FALCON_MAILBOX0/1")
    for i in gh_inc:
        p = f"{PUBLISHED}/{i[len('published/'):]}"
        for n in ["NV_PGSP", "NV_PGSP_FALCON_MAILBOX0", "NV_PGSP_FALCON_MAILBOX1", "NV_PFALCON_FALCON_HWCFG2", "NV_PFALCON_FALCON_MAILBOX0",
                  "NV_PFALCON_FALCON_MAILBOX1", "NV_PFALCON_FALCON_OS", "NV_PFALCON_FALCON_HWCFG2_RISCV_BR_PRIV_LOCKDOWN",
                  "NV_PRISCV_RISCV_CPUCTL", "NV_PRISCV_RISCV_CPUCTL_ACTIVE_STAT"]:
            if re.search(r"^\s*#\s*define\s+" + n + r"\s", show(tag, p), re.M):
                cites.add(macro_citation(tag, p, n))
    for i in conf_inc:
        p = f"{PUBLISHED}/{i[len('published/'):]}"
        for n in ["NV_PGSP", "NV_FALCON2_GSP_BASE"]:
            if re.search(r"^\s*#\s*define\s+" + n + r"\s", show(tag, p), re.M):
                cites.add(macro_citation(tag, p, n))
    out["citations"] = sorted(cites)
    return out


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
    # Layouts need the image and bootloader sizes: the releases whose files setup.sh fetches. The 535.113.01
    # entries of GA100, GA10x and AD10x come first (as they always have), then Turing at 535.113.01, then every
    # chip at 570.144 (whose firmware files are the 570.144 ones).
    used = set()
    boost_flag = int(compile_and_run(NVTYPES + '#include "meta.h"\nint main(void) { printf("%llu", (unsigned long long)GSP_FW_FLAGS_CLOCK_BOOST); return 0; }\n',
                                     {"meta.h": show("570.144", META_H)}))
    older = [c for c in CHIPS if c not in TURING]
    for tag, chips in [("535.113.01", older), ("535.113.01", TURING), ("570.144", TURING + older)]:
        k = release_constants(tag, heap_macros(tag))
        hal = chip_hal(tag, used)
        check_chip_hal(tag, hal, k)
        for chip in chips:
            image, bootloader = firmware_sizes(args.firmware_root, chip, tag)
            family = CHIPS[chip][0]
            for gib in fb_sizes:
                for vgpu in (False, True):
                    for driver in (["nvidia", "nouveau"] if chip == "GA100" else ["nvidia"]):
                        meta, scrub = layout(tag, chip, gib * GiB, image, bootloader, vgpu, k[family], driver)
                        entry = {"tag": tag, "chip": chip, "fbGiB": gib, "vgpu": vgpu, "driver": driver,
                                 "imageSize": image, "bootloaderSize": bootloader, "requiresScrubber": scrub, "meta": meta}
                        if tag >= "570" and driver == "nvidia":
                            # GspFwWprMeta's 570 tail (u8 flags at 0xf1, u32 pmuReservedSize at 0xf4), kept out of
                            # `meta` (whose values are the u64 fields and the VF partition count).
                            entry["metaTail"] = {"flags": boost_flag if hal[chip]["boost"] else 0, "pmuReservedSize": 0}
                        doc["layouts"].append(entry)
    doc["citations"]["hal-bindings"] = sorted(used)
    doc["citations"].update(citations_570())
    # GspSystemInfo and the engine-type numbers, per tag, from whole-tree compiles.
    doc["systemInfo"], doc["engineTypes"] = {}, {}
    with tempfile.TemporaryDirectory() as work:
        for tag in TAGS:
            doc["systemInfo"][tag] = system_info(tag, work)
            doc["engineTypes"][tag] = engine_types(tag, work)
        # The vGPU plugin task's controls, per tag, from the same trees (their citations stay in `bootload`).
        doc["bootload"] = {tag: plugin_task_controls(tag, work) for tag in TAGS}
        for tag in TAGS:
            if doc["bootload"][tag]["macros"]["NV2080_ENGINE_TYPE_LAST"] != doc["engineTypes"][tag]["NV2080_ENGINE_TYPE_LAST"]:
                sys.exit(f"{tag}: NV2080_ENGINE_TYPE_LAST differs between the two compiles")
        # The FSP boot path of GH100 / GB10x / GB20x, from the same trees.
        doc["fspCot"] = {tag: fsp_cot(tag, work) for tag in FSP_TAGS}
        doc["fspBootParams"] = {tag: fsp_boot_params(tag, work) for tag in FSP_TAGS}
        doc["fspLayout"] = {tag: fsp_layout(tag, work) for tag in FSP_TAGS}
        doc["fspRegisters"] = {tag: fsp_registers(tag, work) for tag in FSP_TAGS}
    doc["citations"]["systemInfo"] = [f"{tag} {STATIC_H}:{show(tag, STATIC_H).split(chr(10)).index('typedef struct GspSystemInfo') + 1}"
                                      for tag in TAGS] + [f"{tag} src/nvidia/Makefile (CFLAGS)" for tag in TAGS]
    doc["citations"]["engineTypes"] = [f"{tag} {ENGINE_H}" for tag in TAGS]
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(doc['heap'])} heap entries, {len(doc['layouts'])} layouts, structs, systemInfo, engineTypes and bootload at {len(TAGS)} tags -> {args.out}")


if __name__ == "__main__":
    main()
