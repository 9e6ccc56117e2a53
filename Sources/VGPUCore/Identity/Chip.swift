/// A GPU die that some architecture module supports, for example AD102.
///
/// Chips are declared by the module that owns them (one place per fact); the core only defines the shape.
public struct Chip: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Upper-case die name as NVIDIA and pci.ids write it: `AD102`.
    public let name: String
    /// The id `NV_PMC_BOOT_42` reports for this die.
    public let id: ChipID

    /// Declares a chip. The architecture is derived from the id, so the two cannot disagree.
    public init(name: String, id: ChipID) {
        self.name = name.uppercased()
        self.id = id
    }

    /// The architecture the id encodes; `nil` only for a chip id outside the GSP generations.
    public var architecture: Architecture? { id.architecture }

    /// Lower-case name, as used in linux-firmware paths (`nvidia/ad102/gsp/...`).
    public var firmwareDirectoryName: String { name.lowercased() }

    /// `AD102`.
    public var description: String { name }
}
