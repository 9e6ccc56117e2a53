/// A module that knows the vGPU types of its boards.
public protocol VGPUTypeProviding: Sendable {
    /// Every board catalogue the module has (decoding all of them).
    var vgpuTypeCatalogues: [VGPUTypeCatalogue] { get }
    /// The boards with a catalogue; cheaper than `vgpuTypeCatalogues` where only names are needed.
    var vgpuBoards: [String] { get }
    /// The catalogue of a board by name (any case; `L40S`, `rtx 6000 ada`) or PCI device id (`26b9`).
    func catalogue(board: String) -> VGPUTypeCatalogue?
    /// The catalogue for a PCI device id and, where boards share it, subsystem.
    func catalogue(deviceID: UInt16, subsystem: PCISubsystem?) -> VGPUTypeCatalogue?
}

extension VGPUTypeProviding {
    /// The boards of `vgpuTypeCatalogues`.
    public var vgpuBoards: [String] { vgpuTypeCatalogues.map(\.board) }

    /// A search of `vgpuTypeCatalogues`.
    public func catalogue(board: String) -> VGPUTypeCatalogue? {
        let key = EmbeddedCatalogues.boardKey(board)
        return vgpuTypeCatalogues.first { EmbeddedCatalogues.boardKey($0.board) == key || $0.pciDeviceID.lowercased() == key }
    }

    /// A search of `vgpuTypeCatalogues`: the id's one catalogue, or the one whose subsystem matches.
    public func catalogue(deviceID: UInt16, subsystem: PCISubsystem?) -> VGPUTypeCatalogue? {
        let candidates = vgpuTypeCatalogues.filter { UInt16($0.pciDeviceID, radix: 16) == deviceID }
        if candidates.count == 1, candidates[0].pciSubsystemID == nil { return candidates[0] }
        return candidates.first { c in c.pciSubsystemID.flatMap(PCISubsystem.init) == subsystem && subsystem != nil }
    }
}

extension VGPUTypeProviding where Self: EmbeddedCatalogueHolding {
    /// Every embedded catalogue.
    public var vgpuTypeCatalogues: [VGPUTypeCatalogue] { embeddedCatalogues.all }
    /// The embedded boards, from the build-time index.
    public var vgpuBoards: [String] { embeddedCatalogues.boards }
    /// An index lookup; decodes that one catalogue only.
    public func catalogue(board: String) -> VGPUTypeCatalogue? { embeddedCatalogues.catalogue(board: board) }
    /// An index lookup; decodes that one catalogue only.
    public func catalogue(deviceID: UInt16, subsystem: PCISubsystem?) -> VGPUTypeCatalogue? {
        embeddedCatalogues.catalogue(deviceID: deviceID, subsystem: subsystem)
    }
}

/// A module whose catalogues were embedded at build time (see `EmbeddedCatalogues`).
public protocol EmbeddedCatalogueHolding {
    /// The module's embedded catalogues.
    var embeddedCatalogues: EmbeddedCatalogues { get }
}
