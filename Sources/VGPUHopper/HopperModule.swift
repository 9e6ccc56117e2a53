import VGPUCore
import VGPUHAL

/// The Hopper architecture module: GH100 (H100, H200, H20, H800, GH200).
///
/// Scaffolded by the new-generation plugin, then filled in from public sources: the chip id from
/// NVIDIA's `nv_arch.h`, the PCI id block checked against pci.ids, the FSP boot path and heap sizing
/// from NVIDIA's 570.144 sources (`GH100BootHAL`, `GH100HeapParameters`). GH100 is the first chip that
/// boots through the FSP: an FMC image, a chain-of-trust message, no booters on SEC2.
public struct HopperModule: GenerationModule {
    /// `hopper`: the GH100 die (`HopperChip`); by default release 570.144, the first linux-firmware
    /// release with Hopper's GSP-FMC.
    public static let identity = GenerationIdentity(name: "hopper", dies: HopperChip.self, defaultRelease: "570.144")
    /// firmware-manifests/hopper.json and the catalogues in vgpu-types/.
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
extension HopperModule {
    /// LIBOS3 with the Hopper base RM size and no pre-scrubbed limit, from 570.
    public func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters? {
        HopperChip(chip) == nil ? nil : GH100HeapParameters.parameters(for: release)
    }

    /// GH100 boots through the FSP, the path it introduced.
    public func bootHAL(for chip: Chip) -> (any GSPBootHAL)? {
        HopperChip(chip) == nil ? nil : GH100BootHAL(.gh100)
    }

    /// GH100 arrives in open-gpu-kernel-modules 520.56.06 (its GSP images; `DriverSupport`).
    public func firstDriverRelease(for chip: Chip) -> FirmwareRelease? {
        HopperChip(chip) == nil ? nil : .known("520.56.06")
    }
}
