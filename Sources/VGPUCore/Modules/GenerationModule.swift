/// The shell every generation's module shares: its identity (name, dies, default release), stated once,
/// and what `ModuleData.load` decoded from its folder's embedded manifest and catalogues. A module
/// conforms, supplies `identity` and `data`, and gets the rest of `ArchitectureModule`'s data members.
public protocol GenerationModule: ArchitectureModule, EmbeddedCatalogueHolding {
    /// The generation's name, dies and default release.
    static var identity: GenerationIdentity { get }
    /// The embedded manifest and catalogues, loaded once by the initializer.
    var data: ModuleData { get }
}

extension GenerationModule {
    /// The identity's name.
    public var name: String { Self.identity.name }
    /// The identity's dies.
    public var chips: [Chip] { Self.identity.chips }
    /// The identity's PCI device-id blocks.
    public var deviceIDRanges: [DeviceIDRange] { Self.identity.deviceIDRanges }
    /// The manifest embedded from the module's firmware-manifests/.
    public var firmwareManifest: FirmwareManifest { data.manifest }
    /// The release used when the user names none (the manifest's default, `ModuleData.load`).
    public var defaultRelease: FirmwareRelease { data.defaultRelease }
    /// The manifest's releases, from the build-time index (the manifest itself is decoded on first use).
    public var supportedReleases: [FirmwareRelease] { data.releases }
    /// The vGPU type catalogues embedded from the module's vgpu-types/, decoded on use.
    public var embeddedCatalogues: EmbeddedCatalogues { data.catalogues }
}
