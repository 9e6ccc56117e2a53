/// What a generation's module is, stated once: its name (its manifest's `architecture`), its dies and
/// the release used when none is named. `GenerationModule` answers `name`, `chips` and `deviceIDRanges`
/// from it, and `ModuleData.load` checks the embedded manifest and catalogues against it.
public struct GenerationIdentity: Sendable {
    /// Lower-case module name (`ada`).
    public let name: String
    /// The dies, in the order their `Chipset` enum declares them.
    public let chips: [Chip]
    /// Their PCI device-id blocks.
    public let deviceIDRanges: [DeviceIDRange]
    /// The release used when the user names none; nil takes the manifest's first.
    public let defaultRelease: String?

    /// The generation `name`, whose dies are the cases of `dies`.
    public init<Dies: Chipset>(name: String, dies: Dies.Type, defaultRelease: String? = nil) {
        (self.name, chips, deviceIDRanges, self.defaultRelease) = (name, Dies.chips, Dies.deviceIDRanges, defaultRelease)
    }
}
