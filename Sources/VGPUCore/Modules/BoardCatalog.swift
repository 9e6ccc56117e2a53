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
    /// The device id of the board named `name` as `board(deviceID:)` names it (case, spaces and
    /// hyphens aside), if known: the name the probe prints leads back to the board.
    func deviceID(ofBoardNamed name: String) -> UInt16?
}

extension BoardCatalog {
    /// None, for a catalogue that cannot search by name.
    public func deviceID(ofBoardNamed name: String) -> UInt16? { nil }
}

/// A board catalogue that is one table by device id (Ada, Hopper, Blackwell).
public protocol BoardTable: BoardCatalog {
    /// Board name and VRAM by PCI device id.
    static var boards: [UInt16: Board] { get }
}

extension BoardTable {
    /// The table's entry for this device id.
    public func board(deviceID: UInt16) -> Board? { Self.boards[deviceID] }

    /// The table's id for a board name.
    public func deviceID(ofBoardNamed name: String) -> UInt16? {
        let key = EmbeddedCatalogues.boardKey(name)
        return Self.boards.first { EmbeddedCatalogues.boardKey($0.value.name) == key }?.key
    }
}
