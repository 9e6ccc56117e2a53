import VGPUCore
import VGPUHAL

/// The Ampere architecture module: GA100 (A100, A30) and GA102, GA103, GA104, GA106, GA107 (A40, A10,
/// A16, A2 and the RTX 30 / RTX A series).
///
/// Scaffolded by the new-generation plugin, then filled in from public sources: chip ids from nova-core
/// and nouveau, PCI id blocks checked against pci.ids, heap families from nouveau's r535 code, engines
/// from nouveau's chip table. Two families: GA100 boots the TU10x-family LIBOS2 image with its own
/// `.fwsignature_ga100`; GA10x boots GA102's LIBOS3 image with `.fwsignature_ga10x`.
public struct AmpereModule: GenerationModule {
    /// The dies and the ids NV_PMC_BOOT_42 reports for them, by name, as nova-core's `Chipset`.
    public static let ga100 = Chip(name: "GA100", id: ChipID(rawValue: 0x170))
    public static let ga102 = Chip(name: "GA102", id: ChipID(rawValue: 0x172))
    public static let ga103 = Chip(name: "GA103", id: ChipID(rawValue: 0x173))
    public static let ga104 = Chip(name: "GA104", id: ChipID(rawValue: 0x174))
    public static let ga106 = Chip(name: "GA106", id: ChipID(rawValue: 0x176))
    public static let ga107 = Chip(name: "GA107", id: ChipID(rawValue: 0x177))
    /// All of them, in id order.
    public static let chips = [ga100, ga102, ga103, ga104, ga106, ga107]

    /// NVIDIA's per-die blocks. GA102's ends at 0x227f: above it lie HD audio functions (0x228b GA104,
    /// 0x228e GA106, 0x22ba AD102). 0x1af1 (A100 NVSwitch) and 0x1aef (GA102 audio) lie outside all blocks.
    public static let deviceIDRanges: [DeviceIDRange] = [
        DeviceIDRange(0x2080...0x20ff, ga100),
        DeviceIDRange(0x2200...0x227f, ga102),
        DeviceIDRange(0x2400...0x247f, ga103),
        DeviceIDRange(0x2480...0x24ff, ga104),
        DeviceIDRange(0x2500...0x257f, ga106),
        DeviceIDRange(0x2580...0x25ff, ga107),
    ]

    /// `ampere`.
    public let name = "ampere"
    /// firmware-manifests/ampere.json (default release 535.113.01) and the A40 and A10 catalogues.
    public let data: ModuleData

    /// Loads the module with its embedded manifest (Sources/VGPUAmpere/firmware-manifests/) and catalogues.
    public init() throws(ManifestError) {
        data = try ModuleData.load(module: "ampere", chips: Self.chips, manifestFiles: EmbeddedFirmwareManifest.files,
                                   typeFiles: EmbeddedVGPUTypes.files, defaultRelease: "535.113.01")
    }

    /// GA100 is the one LIBOS2 (TU10x-family) chip of the generation.
    static func isGA100(_ chip: Chip) -> Bool { chip == ga100 }
}

extension AmpereModule: VGPUTypeProviding, BoardCatalog {
    /// GA100 and GA10x boot through the booter on SEC2, as TU102 introduced (nouveau's ga100 and ga102
    /// GSP ops use tu102's boot).
    public func bootHAL(for chip: Chip) -> (any GSPBootHAL)? {
        chips.contains(chip) ? TU102BootHAL() : nil
    }

    /// GA100: TU102's LIBOS2 numbers (nouveau's ga100 GSP uses r535_rm_tu102), with no limit on the
    /// pre-scrubbed FB and no FRTS in NVIDIA's driver (`kgspGetPrescrubbedTopFbSize_604eb7`,
    /// `kgspGetFrtsSize_4a4dee`); GA10x: GA102's LIBOS3, 256 MiB pre-scrubbed, no scrubber ucode.
    public func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters? {
        guard chips.contains(chip) else { return nil }
        guard Self.isGA100(chip) else { return GA102HeapParameters.parameters(for: release) }
        guard var p = TU102HeapParameters.parameters(for: release) else { return nil }
        p.prescrubbedSize = nil
        p.frtsSize = 0
        return p
    }

    /// nouveau's chip table (before GSP-RM took over the engine list in 2025). GA100: CE 0x3ff,
    /// NVDEC 0x1f, NVJPG 0x1, OFA 0x1, and GR 0x1 although nouveau lists none (it never enabled GA100's
    /// compute engine; the A100 has one); no NVENC or SEC2 in that table. GA10x: CE 0x1f, GR 0x1,
    /// NVDEC 0x3, NVENC 0x1, OFA 0x1, SEC2 0x1.
    public func engineInventory(for chip: Chip) -> EngineInventory? {
        guard chips.contains(chip) else { return nil }
        if Self.isGA100(chip) { return EngineInventory([.gr: 0x1, .copy: 0x3ff, .nvdec: 0x1f, .nvjpeg: 0x1, .ofa: 0x1]) }
        return EngineInventory([.gr: 0x1, .copy: 0x1f, .nvdec: 0x3, .nvenc: 0x1, .ofa: 0x1, .sec2: 0x1])
    }

    /// Data-center boards by PCI device id (pci.ids names). 0x25b6 is both A16 (per GPU) and A2: 16 GiB each.
    public func board(deviceID: UInt16) -> Board? {
        switch deviceID {
        case 0x20b1, 0x20f1: Board(name: "A100 PCIe 40GB", framebuffer: 40 * Sizes.GiB)
        case 0x20b5: Board(name: "A100 PCIe 80GB", framebuffer: 80 * Sizes.GiB)
        case 0x20b7: Board(name: "A30", framebuffer: 24 * Sizes.GiB)
        case 0x2235: Board(name: "A40", framebuffer: 48 * Sizes.GiB)
        case 0x2236: Board(name: "A10", framebuffer: 24 * Sizes.GiB)
        case 0x25b6: Board(name: "A16 / A2", framebuffer: 16 * Sizes.GiB)
        default: nil
        }
    }
}
