/// The shell every generation's module shares: its chips and PCI id blocks as static tables, and what
/// `ModuleData.load` decoded from its folder's embedded manifest and catalogues. A module conforms,
/// supplies the tables, `name` and `data`, and gets the rest of `ArchitectureModule`'s data members.
public protocol GenerationModule: ArchitectureModule, EmbeddedCatalogueHolding {
    /// The chips, as named constants (nova-core's `Chipset`), in id order.
    static var chips: [Chip] { get }
    /// The PCI device-id blocks per die.
    static var deviceIDRanges: [DeviceIDRange] { get }
    /// The embedded manifest and catalogues, loaded once by the initializer.
    var data: ModuleData { get }
}

extension GenerationModule {
    /// `Self.chips`.
    public var chips: [Chip] { Self.chips }
    /// `Self.deviceIDRanges`.
    public var deviceIDRanges: [DeviceIDRange] { Self.deviceIDRanges }
    /// The manifest embedded from the module's firmware-manifests/.
    public var firmwareManifest: FirmwareManifest { data.manifest }
    /// The release used when the user names none (the manifest's default, `ModuleData.load`).
    public var defaultRelease: FirmwareRelease { data.defaultRelease }
    /// The manifest's releases, from the build-time index (the manifest itself is decoded on first use).
    public var supportedReleases: [FirmwareRelease] { data.releases }
    /// The vGPU type catalogues embedded from the module's vgpu-types/, decoded on use.
    public var embeddedCatalogues: EmbeddedCatalogues { data.catalogues }
}
