import VGPUCore
import VGPUHAL

/// The Turing architecture module: TU102, TU104, TU106 (the TU10x family) and TU116, TU117 (TU11x).
///
/// Scaffolded by the new-generation plugin, then filled in from public sources: chip ids from nova-core
/// and nouveau, PCI id blocks checked against pci.ids, engines from nouveau's chip table. Turing boots the
/// TU10x-family LIBOS2 image (the one GA100 also boots) through the booter on SEC2, with
/// `.fwsignature_tu10x` or `_tu11x`. It hosts vGPU as time-sliced mediated devices on the physical
/// function, not on SR-IOV virtual functions: a T4 has an SR-IOV capability whose VF device id is 0,
/// which is normal here (`vgpuInterface`).
public struct TuringModule: GenerationModule {
    /// The dies and the ids NV_PMC_BOOT_42 reports for them, by name, as nova-core's `Chipset`.
    public static let tu102 = Chip(name: "TU102", id: ChipID(rawValue: 0x162))
    public static let tu104 = Chip(name: "TU104", id: ChipID(rawValue: 0x164))
    public static let tu106 = Chip(name: "TU106", id: ChipID(rawValue: 0x166))
    public static let tu116 = Chip(name: "TU116", id: ChipID(rawValue: 0x168))
    public static let tu117 = Chip(name: "TU117", id: ChipID(rawValue: 0x167))
    /// All of them, in id order.
    public static let chips = [tu102, tu104, tu106, tu116, tu117]

    /// NVIDIA's per-die blocks of 0x80, checked against every TU1xx entry of pci.ids. GA100's block
    /// (0x2080...0x20ff) lies between TU117's and TU116's; the boards' audio, USB and UCSI functions
    /// (0x10f7...0x10fa, 0x1ad6...0x1adb, 0x1aeb...0x1aed) lie outside all of them.
    public static let deviceIDRanges: [DeviceIDRange] = [
        DeviceIDRange(0x1e00...0x1e7f, tu102),
        DeviceIDRange(0x1e80...0x1eff, tu104),
        DeviceIDRange(0x1f00...0x1f7f, tu106),
        DeviceIDRange(0x1f80...0x1fff, tu117),
        DeviceIDRange(0x2180...0x21ff, tu116),
    ]

    /// `turing`.
    public let name = "turing"
    /// firmware-manifests/turing.json (default release 535.113.01, the linux-firmware release every
    /// kernel with GSP support loads) and the T4's catalogue (vgpu-types/).
    public let data: ModuleData

    /// Loads the module with its embedded manifest and catalogues.
    public init() throws(ManifestError) {
        data = try ModuleData.load(module: "turing", chips: Self.chips, manifestFiles: EmbeddedFirmwareManifest.files,
                                   typeFiles: EmbeddedVGPUTypes.files, defaultRelease: "535.113.01")
    }
}

// What every module must answer (ArchitectureModule requires it; conformance checks it).
extension TuringModule: VGPUTypeProviding, BoardCatalog {
    /// TU102's LIBOS2 numbers for every chip (nouveau's tu102 and tu116 GSP use r535_rm_tu102 and
    /// r570_rm_tu102), with TU102's 256 MiB pre-scrubbed top of FB and 1 MiB FRTS, no scrubber ucode.
    public func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters? {
        chips.contains(chip) ? TU102HeapParameters.parameters(for: release) : nil
    }

    /// nouveau's chip tables (nv162...nv168 in nvkm/engine/device/base.c): GR 0x1, CE 0x1f, NVENC 0x1,
    /// SEC2 0x1 on every die; NVDEC 0x1, except TU104 0x3 and TU106 0x7. No NVJPG or OFA before Ampere.
    public func engineInventory(for chip: Chip) -> EngineInventory? {
        let nvdec: UInt32
        switch chip {
        case Self.tu102, Self.tu116, Self.tu117: nvdec = 0x1
        case Self.tu104: nvdec = 0x3
        case Self.tu106: nvdec = 0x7
        default: return nil
        }
        return EngineInventory([.gr: 0x1, .copy: 0x1f, .nvdec: nvdec, .nvenc: 0x1, .sec2: 0x1])
    }

    /// Every Turing chip boots through the booter on SEC2, the path TU102 introduced.
    public func bootHAL(for chip: Chip) -> (any GSPBootHAL)? {
        chips.contains(chip) ? TU102BootHAL() : nil
    }

    /// Mediated devices on the PF: Turing has no SR-IOV vGPU (NVIDIA's vgpuConfig.xml gives no Turing
    /// board `hostVgpuMode="sriov"`; a T4 host reports "Host VGPU Mode: Non SR-IOV").
    public func vgpuInterface(for chip: Chip) -> VGPUInterface { .mediatedDevices }

    /// Data-center and workstation boards by PCI device id (pci.ids names). The Quadro RTX 6000 and
    /// 8000 (24 and 48 GiB) share 0x1e30, and their passive versions 0x1e78: only the subsystem id tells
    /// them apart, so they are not listed (a plan for one takes --fb-size).
    public func board(deviceID: UInt16) -> Board? {
        switch deviceID {
        case 0x1eb8: Board(name: "T4", framebuffer: 16 * Sizes.GiB)
        case 0x1eb0: Board(name: "Quadro RTX 5000", framebuffer: 16 * Sizes.GiB)
        case 0x1eb1: Board(name: "Quadro RTX 4000", framebuffer: 8 * Sizes.GiB)
        default: nil
        }
    }
}
