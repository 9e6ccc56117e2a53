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
    /// The dies and the ids `NV_PMC_BOOT_42` reports for them (570 `nv_arch.h:106-121`).
    public static let gb100 = Chip(name: "GB100", id: ChipID(rawValue: 0x1a0))
    public static let gb102 = Chip(name: "GB102", id: ChipID(rawValue: 0x1a2))
    public static let gb202 = Chip(name: "GB202", id: ChipID(rawValue: 0x1b2))
    public static let gb203 = Chip(name: "GB203", id: ChipID(rawValue: 0x1b3))
    public static let gb205 = Chip(name: "GB205", id: ChipID(rawValue: 0x1b5))
    public static let gb206 = Chip(name: "GB206", id: ChipID(rawValue: 0x1b6))
    public static let gb207 = Chip(name: "GB207", id: ChipID(rawValue: 0x1b7))
    /// All of them, in id order.
    public static let chips = [gb100, gb102, gb202, gb203, gb205, gb206, gb207]

    /// NVIDIA's per-die blocks of 0x80, checked against every GB1xx/GB20x entry of pci.ids.
    public static let deviceIDRanges: [DeviceIDRange] = [
        DeviceIDRange(0x2900...0x297f, gb100),
        DeviceIDRange(0x2980...0x29ff, gb102),
        DeviceIDRange(0x2b80...0x2bff, gb202),
        DeviceIDRange(0x2c00...0x2c7f, gb203),
        DeviceIDRange(0x2d00...0x2d7f, gb206),
        DeviceIDRange(0x2d80...0x2dff, gb207),
        DeviceIDRange(0x2f00...0x2f7f, gb205),
    ]

    /// `blackwell`.
    public let name = "blackwell"
    /// firmware-manifests/blackwell.json (570.144) and the catalogues in vgpu-types/.
    public let data: ModuleData

    /// Loads the module with its embedded manifest and catalogues.
    public init() throws(ManifestError) {
        data = try ModuleData.load(module: "blackwell", chips: Self.chips, manifestFiles: EmbeddedFirmwareManifest.files,
                                   typeFiles: EmbeddedVGPUTypes.files, defaultRelease: "570.144")
    }

    /// The FSP path's values: GB100's for the data-center dies, GB202's for the rest.
    static func family(_ chip: Chip) -> GH100BootHAL.Family? {
        switch chip {
        case gb100, gb102: .gb100
        case gb202, gb203, gb205, gb206, gb207: .gb202
        default: nil
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
        chip == Self.gb202 ? GB202HeapParameters.parameters(for: release, board: board) : heapParameters(for: chip, release: release)
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
