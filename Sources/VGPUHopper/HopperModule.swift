import VGPUCore
import VGPUHAL

/// The Hopper architecture module: GH100 (H100, H200, H20, H800, GH200).
///
/// Scaffolded by the new-generation plugin, then filled in from public sources: the chip id from
/// NVIDIA's `nv_arch.h`, the PCI id block checked against pci.ids, the FSP boot path and heap sizing
/// from NVIDIA's 570.144 sources (`GH100BootHAL`, `GH100HeapParameters`). GH100 is the first chip that
/// boots through the FSP: an FMC image, a chain-of-trust message, no booters on SEC2.
public struct HopperModule: GenerationModule {
    /// The die and the id `NV_PMC_BOOT_42` reports for it (570 `nv_arch.h:99`), as nova-core's `Chipset`.
    public static let gh100 = Chip(name: "GH100", id: ChipID(rawValue: 0x180))
    /// All of them, in id order.
    public static let chips = [gh100]

    /// GH100's two blocks of 0x80 (pci.ids names GH100 from 0x2302 to 0x23f0); the boards' audio and
    /// NVSwitch functions lie outside.
    public static let deviceIDRanges: [DeviceIDRange] = [DeviceIDRange(0x2300...0x23ff, gh100)]

    /// `hopper`.
    public let name = "hopper"
    /// firmware-manifests/hopper.json (570.144, the first linux-firmware release with Hopper's GSP-FMC)
    /// and the catalogues in vgpu-types/.
    public let data: ModuleData

    /// Loads the module with its embedded manifest and catalogues.
    public init() throws(ManifestError) {
        data = try ModuleData.load(module: "hopper", chips: Self.chips, manifestFiles: EmbeddedFirmwareManifest.files,
                                   typeFiles: EmbeddedVGPUTypes.files, defaultRelease: "570.144")
    }
}

// What every module must answer (ArchitectureModule requires it; conformance checks it).
extension HopperModule {
    /// LIBOS3 with the Hopper base RM size and no pre-scrubbed limit, from 570.
    public func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters? {
        chip == Self.gh100 ? GH100HeapParameters.parameters(for: release) : nil
    }

    /// GH100 boots through the FSP, the path it introduced.
    public func bootHAL(for chip: Chip) -> (any GSPBootHAL)? {
        chip == Self.gh100 ? GH100BootHAL(.gh100) : nil
    }

    /// GH100 arrives in open-gpu-kernel-modules 520.56.06 (its GSP images; `DriverSupport`).
    public func firstDriverRelease(for chip: Chip) -> FirmwareRelease? {
        chip == Self.gh100 ? .known("520.56.06") : nil
    }
}
