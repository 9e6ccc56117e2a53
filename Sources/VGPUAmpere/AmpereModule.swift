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
    /// `ampere`: the GA10x dies (`AmpereChip`); by default release 535.113.01.
    public static let identity = GenerationIdentity(name: "ampere", dies: AmpereChip.self, defaultRelease: "535.113.01")
    /// firmware-manifests/ampere.json and the A40 and A10 catalogues (vgpu-types/).
    public let data: ModuleData

    /// Loads the module with its embedded manifest and catalogues.
    ///
    /// - Throws: `ManifestError` if the embedded manifest does not validate (a build defect; the
    ///   module's tests load it, so this cannot ship unnoticed).
    public init() throws(ManifestError) {
        data = try ModuleData.load(Self.identity, manifestFiles: EmbeddedFirmwareManifest.files, typeFiles: EmbeddedVGPUTypes.files)
    }
}

extension AmpereModule: VGPUTypeProviding, BoardCatalog {
    /// GA100 and GA10x boot through the booter on SEC2, as TU102 introduced (nouveau's ga100 and ga102
    /// GSP ops use tu102's boot).
    public func bootHAL(for chip: Chip) -> (any GSPBootHAL)? {
        AmpereChip(chip) == nil ? nil : TU102BootHAL()
    }

    /// GA100: TU102's LIBOS2 numbers (nouveau's ga100 GSP uses r535_rm_tu102), with no limit on the
    /// pre-scrubbed FB and no FRTS in NVIDIA's driver (`kgspGetPrescrubbedTopFbSize_604eb7`,
    /// `kgspGetFrtsSize_4a4dee`); GA10x: GA102's LIBOS3, 256 MiB pre-scrubbed, no scrubber ucode.
    public func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters? {
        switch AmpereChip(chip) {
        case .ga100?:
            guard var p = TU102HeapParameters.parameters(for: release) else { return nil }
            p.prescrubbedSize = nil
            p.frtsSize = 0
            return p
        case .ga102?, .ga103?, .ga104?, .ga106?, .ga107?: return GA102HeapParameters.parameters(for: release)
        case nil: return nil
        }
    }

    /// nouveau's chip table (before GSP-RM took over the engine list in 2025). GA100: CE 0x3ff,
    /// NVDEC 0x1f, NVJPG 0x1, OFA 0x1, and GR 0x1 although nouveau lists none (it never enabled GA100's
    /// compute engine; the A100 has one); no NVENC or SEC2 in that table. GA10x: CE 0x1f, GR 0x1,
    /// NVDEC 0x3, NVENC 0x1, OFA 0x1, SEC2 0x1.
    public func engineInventory(for chip: Chip) -> EngineInventory? {
        switch AmpereChip(chip) {
        case .ga100?: EngineInventory([.gr: 0x1, .copy: 0x3ff, .nvdec: 0x1f, .nvjpeg: 0x1, .ofa: 0x1])
        case .ga102?, .ga103?, .ga104?, .ga106?, .ga107?: EngineInventory([.gr: 0x1, .copy: 0x1f, .nvdec: 0x3, .nvenc: 0x1, .ofa: 0x1, .sec2: 0x1])
        case nil: nil
        }
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
