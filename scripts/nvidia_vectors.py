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


def hal_binding(tag, name, path=GEN_C):
    """{chip: (right-hand side, 'tag path:line')} of the binding of `name` for every chip in CHIPS (PF variant)."""
    lines = show(tag, path).split("\n")
    head = re.compile(r"^\s*// (?:Hal (?:function|field) -- " + name + r"|" + name + r" -- halified.*)\s*$")
    start = next(i for i, l in enumerate(lines) if head.match(l))
    universe = set(CHIPS)
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
    doc["citations"]["systemInfo"] = [f"{tag} {STATIC_H}:{show(tag, STATIC_H).split(chr(10)).index('typedef struct GspSystemInfo') + 1}"
                                      for tag in TAGS] + [f"{tag} src/nvidia/Makefile (CFLAGS)" for tag in TAGS]
    doc["citations"]["engineTypes"] = [f"{tag} {ENGINE_H}" for tag in TAGS]
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(doc['heap'])} heap entries, {len(doc['layouts'])} layouts, structs, systemInfo, engineTypes and bootload at {len(TAGS)} tags -> {args.out}")


if __name__ == "__main__":
    main()
