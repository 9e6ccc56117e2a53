import VGPUCore

/// The Ada Lovelace architecture module: AD102, AD103, AD104, AD106, AD107.
///
/// Ada boots like GA102 (booter path, LIBOS3, the `_ad10x` signature in the GA10x-family GSP image);
/// its chips, PCI id blocks and firmware manifest live here and nowhere else.
public struct AdaModule: GenerationModule {
    /// The AD10x dies with the ids `NV_PMC_BOOT_42` reports (GSP-FACTS section 1), by name, as
    /// nova-core's `Chipset`.
    public static let ad102 = Chip(name: "AD102", id: ChipID(rawValue: 0x192))
    public static let ad103 = Chip(name: "AD103", id: ChipID(rawValue: 0x193))
    public static let ad104 = Chip(name: "AD104", id: ChipID(rawValue: 0x194))
    public static let ad106 = Chip(name: "AD106", id: ChipID(rawValue: 0x196))
    public static let ad107 = Chip(name: "AD107", id: ChipID(rawValue: 0x197))
    /// All of them, in id order.
    public static let chips = [ad102, ad103, ad104, ad106, ad107]

    /// NVIDIA allocates PCI device ids to dies in blocks of 0x80; pci.ids names the die in each entry,
    /// and a test checks this table against every AD10x entry there. Audio functions (0x22ba) lie outside.
    public static let deviceIDRanges: [DeviceIDRange] = [
        DeviceIDRange(0x2680...0x26ff, ad102),
        DeviceIDRange(0x2700...0x277f, ad103),
        DeviceIDRange(0x2780...0x27ff, ad104),
        DeviceIDRange(0x2800...0x287f, ad106),
        DeviceIDRange(0x2880...0x28ff, ad107),
    ]

    /// `ada`.
    public let name = "ada"
    /// firmware-manifests/ada.json (default release 535.113.01, the linux-firmware release every kernel
    /// with GSP support loads) and the catalogues of the Ada boards that support vGPU (vgpu-types/).
    public let data: ModuleData

    /// Loads the module with its embedded manifest.
    ///
    /// - Throws: `ManifestError` if the embedded manifest does not validate (a build defect; the
    ///   module's tests load it, so this cannot ship unnoticed).
    public init() throws(ManifestError) {
        data = try ModuleData.load(module: "ada", chips: Self.chips, manifestFiles: EmbeddedFirmwareManifest.files,
                                   typeFiles: EmbeddedVGPUTypes.files, defaultRelease: "535.113.01")
    }
}
