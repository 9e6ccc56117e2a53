/// A product built on a chip, with what the planner needs to know about it.
public struct Board: Sendable, Equatable, Codable {
    /// Marketing name (`L40S`).
    public let name: String
    /// VRAM size.
    public let framebuffer: UInt64

    /// A board from its parts.
    public init(name: String, framebuffer: UInt64) {
        self.name = name
        self.framebuffer = framebuffer
    }
}

/// A module that knows its boards by PCI device id.
public protocol BoardCatalog: Sendable {
    /// The board with this device id, if known.
    func board(deviceID: UInt16) -> Board?
}

/// A board catalogue that is one table by device id (Ada, Hopper, Blackwell).
public protocol BoardTable: BoardCatalog {
    /// Board name and VRAM by PCI device id.
    static var boards: [UInt16: Board] { get }
}

extension BoardTable {
    /// The table's entry for this device id.
    public func board(deviceID: UInt16) -> Board? { Self.boards[deviceID] }
}
