/// What an architecture module (one GPU generation) supplies to the core.
///
/// A module is data plus small functions: its chips, the PCI device ids that fall back to them when
/// BAR0 cannot be read, and its firmware manifest. The core never tests for a particular chip; it asks
/// the module. What every generation must answer (its boot path, GSP heap sizing, GSP_VF_INFO, the
/// engine inventory: the conformance suite checks each) is required here; what a chip may lack (a board catalogue, vGPU
/// type catalogues) stays a separate protocol asked with `as?`.
public protocol ArchitectureModule: GSPHeapSizing, VFInfoProviding, EngineInventoryProviding {
    /// Lower-case module name, also the manifest's `architecture` (`ada`).
    var name: String { get }
    /// The chips this module owns, each with the id `NV_PMC_BOOT_42` reports.
    var chips: [Chip] { get }
    /// Blocks of PCI device ids (vendor 0x10de) NVIDIA allocated to each die: the fallback identity.
    var deviceIDRanges: [DeviceIDRange] { get }
    /// The module's firmware manifest (embedded from its folder's firmware-manifests/ at build time).
    var firmwareManifest: FirmwareManifest { get }
    /// The release used when the user names none.
    var defaultRelease: FirmwareRelease { get }
    /// The releases its manifest describes, in the manifest's order (default: read from the manifest).
    var supportedReleases: [FirmwareRelease] { get }
    /// How `chip`'s GSP boots and its FB is laid out (`GSPBootHAL`), or nil when the module does not own it.
    func bootHAL(for chip: Chip) -> (any GSPBootHAL)?
    /// How `chip` hosts vGPUs (default: SR-IOV virtual functions).
    func vgpuInterface(for chip: Chip) -> VGPUInterface
    /// The first NVIDIA driver release that knows `chip` (default: nil, not known). An older driver
    /// cannot run the GPU at all: its probe refuses the device and leaves it without a driver.
    func firstDriverRelease(for chip: Chip) -> FirmwareRelease?
}

extension ArchitectureModule {
    /// SR-IOV virtual functions: every generation from Ampere on.
    public func vgpuInterface(for chip: Chip) -> VGPUInterface { .sriovVirtualFunctions }

    /// Not known.
    public func firstDriverRelease(for chip: Chip) -> FirmwareRelease? { nil }

    /// The releases this module supports: those its manifest describes.
    public var supportedReleases: [FirmwareRelease] { firmwareManifest.releases.map(\.version) }

    /// The releases published in the linux-firmware layout, oldest first: those nouveau and nova-core
    /// load, and those a plan for NVIDIA's driver takes bootloader sizes and heap rules from.
    public var linuxFirmwareReleases: [FirmwareRelease] {
        firmwareManifest.releases.filter { $0.layout == .linuxFirmware }.map(\.version).sorted()
    }

    /// The manifest's entry for `release` and the files it lists for `chip` (by the chip's firmware
    /// directory name), or nil when the manifest has no such release or no files for the chip.
    public func firmware(for chip: Chip, release: FirmwareRelease) -> (release: FirmwareManifest.Release, files: FirmwareManifest.ChipFiles)? {
        guard let entry = firmwareManifest.release(release),
              let files = entry.chips.first(where: { $0.chip == chip.firmwareDirectoryName }) else { return nil }
        return (entry, files)
    }

    /// The chip with this name (any case), if the module owns it.
    public func chip(named name: String) -> Chip? {
        chips.first { $0.name == name.uppercased() }
    }
}

/// A contiguous block of NVIDIA PCI device ids that belongs to one die.
public struct DeviceIDRange: Hashable, Sendable {
    /// First and last device id of the block, inclusive.
    public let ids: ClosedRange<UInt16>
    /// The die the block belongs to.
    public let chip: Chip

    /// Declares that `ids` are GPUs built on `chip`.
    public init(_ ids: ClosedRange<UInt16>, _ chip: Chip) {
        self.ids = ids
        self.chip = chip
    }
}
