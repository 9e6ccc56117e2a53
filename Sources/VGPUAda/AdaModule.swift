import VGPUCore

/// The Ada Lovelace architecture module: AD102, AD103, AD104, AD106, AD107.
///
/// Ada boots like GA102 (booter path, LIBOS3, the `_ad10x` signature in the GA10x-family GSP image);
/// its chips, PCI id blocks and firmware manifest live here and nowhere else.
public struct AdaModule: GenerationModule {
    /// `ada`: the AD10x dies (`AdaChip`); by default release 535.113.01, the linux-firmware release
    /// every kernel with GSP support loads.
    public static let identity = GenerationIdentity(name: "ada", dies: AdaChip.self, defaultRelease: "535.113.01")
    /// firmware-manifests/ada.json and the catalogues of the Ada boards that support vGPU (vgpu-types/).
    public let data: ModuleData

    /// Loads the module with its embedded manifest and catalogues.
    ///
    /// - Throws: `ManifestError` if the embedded manifest does not validate (a build defect; the
    ///   module's tests load it, so this cannot ship unnoticed).
    public init() throws(ManifestError) {
        data = try ModuleData.load(Self.identity, manifestFiles: EmbeddedFirmwareManifest.files, typeFiles: EmbeddedVGPUTypes.files)
    }
}
