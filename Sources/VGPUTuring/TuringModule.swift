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
    /// `turing`: the TU10x and TU11x dies (`TuringChip`); by default release 535.113.01, the
    /// linux-firmware release every kernel with GSP support loads.
    public static let identity = GenerationIdentity(name: "turing", dies: TuringChip.self, defaultRelease: "535.113.01")
    /// firmware-manifests/turing.json and the T4's and Quadro RTX boards' catalogues (vgpu-types/).
    public let data: ModuleData

    /// Loads the module with its embedded manifest and catalogues.
    ///
    /// - Throws: `ManifestError` if the embedded manifest does not validate (a build defect; the
    ///   module's tests load it, so this cannot ship unnoticed).
    public init() throws(ManifestError) {
        data = try ModuleData.load(Self.identity, manifestFiles: EmbeddedFirmwareManifest.files, typeFiles: EmbeddedVGPUTypes.files)
    }
}

// What every module must answer (ArchitectureModule requires it; conformance checks it).
extension TuringModule: VGPUTypeProviding, BoardCatalog {
    /// TU102's LIBOS2 numbers for every chip (nouveau's tu102 and tu116 GSP use r535_rm_tu102 and
    /// r570_rm_tu102), with TU102's 256 MiB pre-scrubbed top of FB and 1 MiB FRTS, no scrubber ucode.
    public func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters? {
        TuringChip(chip) == nil ? nil : TU102HeapParameters.parameters(for: release)
    }

    /// nouveau's chip tables (nv162...nv168 in nvkm/engine/device/base.c): GR 0x1, CE 0x1f, NVENC 0x1,
    /// SEC2 0x1 on every die; NVDEC 0x1, except TU104 0x3 and TU106 0x7. No NVJPG or OFA before Ampere.
    public func engineInventory(for chip: Chip) -> EngineInventory? {
        let nvdec: UInt32
        switch TuringChip(chip) {
        case .tu102?, .tu116?, .tu117?: nvdec = 0x1
        case .tu104?: nvdec = 0x3
        case .tu106?: nvdec = 0x7
        case nil: return nil
        }
        return EngineInventory([.gr: 0x1, .copy: 0x1f, .nvdec: nvdec, .nvenc: 0x1, .sec2: 0x1])
    }

    /// Every Turing chip boots through the booter on SEC2, the path TU102 introduced.
    public func bootHAL(for chip: Chip) -> (any GSPBootHAL)? {
        TuringChip(chip) == nil ? nil : TU102BootHAL()
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
