/// A module that knows the vGPU types of its boards.
public protocol VGPUTypeProviding: Sendable {
    /// Every board catalogue the module has.
    var vgpuTypeCatalogues: [VGPUTypeCatalogue] { get }
}

extension VGPUTypeProviding {
    /// The catalogue of a board by name (any case; `L40S`, `rtx 6000 ada`) or PCI device id (`26b9`).
    public func catalogue(board: String) -> VGPUTypeCatalogue? {
        let key = board.lowercased().filter { !$0.isWhitespace && $0 != "-" }
        return vgpuTypeCatalogues.first {
            $0.board.lowercased().filter { !$0.isWhitespace && $0 != "-" } == key || $0.pciDeviceID.lowercased() == key
        }
    }

    /// The catalogue for a PCI device id.
    public func catalogue(deviceID: UInt16) -> VGPUTypeCatalogue? {
        vgpuTypeCatalogues.first { UInt16($0.pciDeviceID, radix: 16) == deviceID }
    }
}
