import VGPUCore
import VGPUHAL

/// The Blackwell architecture module: GB100 and GB102 (data center: B200, GB200) and GB202 to GB207
/// (RTX PRO 6000 Blackwell, GeForce RTX 50).
///
/// Scaffolded by the new-generation plugin, then filled in from public sources: chip ids from NVIDIA's
/// `nv_arch.h`, PCI id blocks checked against pci.ids, the FSP boot path and heap sizing from NVIDIA's
/// 570.144 sources. One module although BOOT_42 tells two architectures apart (0x1a: GB10x, 0x1b:
/// GB20x): the two share the FSP path and differ in its values, which `GH100BootHAL.Family` carries.
public struct BlackwellModule: GenerationModule {
    /// `blackwell`: the GB10x and GB20x dies (`BlackwellChip`); by default release 570.144.
    public static let identity = GenerationIdentity(name: "blackwell", dies: BlackwellChip.self, defaultRelease: "570.144")
    /// firmware-manifests/blackwell.json and the catalogues in vgpu-types/.
    public let data: ModuleData

    /// Loads the module with its embedded manifest and catalogues.
    ///
    /// - Throws: `ManifestError` if the embedded manifest does not validate (a build defect; the
    ///   module's tests load it, so this cannot ship unnoticed).
    public init() throws(ManifestError) {
        data = try ModuleData.load(Self.identity, manifestFiles: EmbeddedFirmwareManifest.files, typeFiles: EmbeddedVGPUTypes.files)
    }

    /// The FSP path's values: GB100's for the data-center dies, GB202's for the rest.
    static func family(_ chip: Chip) -> GH100BootHAL.Family? {
        switch BlackwellChip(chip) {
        case .gb100?, .gb102?: .gb100
        case .gb202?, .gb203?, .gb205?, .gb206?, .gb207?: .gb202
        case nil: nil
        }
    }
}

// What every module must answer (ArchitectureModule requires it; conformance checks it).
extension BlackwellModule {
    /// GH100's LIBOS3 numbers: NVIDIA's heap HALs treat every Blackwell die as GH100 (570).
    public func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters? {
        Self.family(chip) == nil ? nil : GH100HeapParameters.parameters(for: release)
    }

    /// From 580 GB202 sizes its vGPU heap per board (`GB202HeapParameters`: 1370 MiB and 48 partitions on
    /// the 48-VM boards); every other die, and GB202 on an unknown board, as without one.
    public func heapParameters(for chip: Chip, release: FirmwareRelease, board: PCIBoardID?) -> GSPHeapParameters? {
        BlackwellChip(chip) == .gb202 ? GB202HeapParameters.parameters(for: release, board: board) : heapParameters(for: chip, release: release)
    }

    /// The FSP path GH100 introduced, with each family's values.
    public func bootHAL(for chip: Chip) -> (any GSPBootHAL)? {
        Self.family(chip).map(GH100BootHAL.init)
    }

    /// GB100 and GB102 arrive in open-gpu-kernel-modules 560.28.03, GB20x in 570.86.15 (`DriverSupport`).
    public func firstDriverRelease(for chip: Chip) -> FirmwareRelease? {
        switch Self.family(chip) {
        case .gb100: .known("560.28.03")
        case .gb202: .known("570.86.15")
        default: nil
        }
    }
}
