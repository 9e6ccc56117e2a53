/// A GSP RPC queue in system memory: a 4 KiB header page (u32 write pointer @0, u32 read pointer @4,
/// in entries) followed by 4 KiB entries. Each entry: u32 checksum @0 (XOR of the entry's words with
/// this field 0), u32 sequence @4, u32 function @8, u32 payload length @12, payload @16.
///
/// The command queue (host to GSP) and the message queue (GSP to host) share this format. Sizes follow
/// GSP-FACTS section 5 (256 KiB queues, 4 KiB entries); the header and entry layout are this project's
/// simulation format, documented in docs/boot-simulation.md.
public struct GSPQueue: Sendable, Equatable {
    /// Whole queue size.
    public static let size = 256 * 1024
    /// Entry size.
    public static let entrySize = 4096
    /// Entries after the header page.
    public static let capacity = size / entrySize - 1
    /// Largest payload.
    public static let maximumPayload = entrySize - 16

    /// Bus address of the queue's header page.
    public let base: UInt64

    /// A queue at `base`.
    public init(base: UInt64) { self.base = base }

    /// One message.
    public struct Entry: Sendable, Equatable {
        public let sequence: UInt32
        public let function: UInt32
        public let payload: [UInt8]
        public init(sequence: UInt32, function: UInt32, payload: [UInt8]) {
            self.sequence = sequence
            self.function = function
            self.payload = payload
        }
    }

    /// Why an entry was refused.
    public enum EntryError: Error, Equatable, CustomStringConvertible {
        case badChecksum(expected: UInt32, found: UInt32)
        case badLength(UInt32)
        case outOfOrder(expected: UInt32, found: UInt32)
        case pointerOutOfRange(UInt32)
        public var description: String {
            switch self {
            case .badChecksum(let e, let f): "checksum 0x\(String(f, radix: 16)), expected 0x\(String(e, radix: 16))"
            case .badLength(let n): "payload length \(n) exceeds \(GSPQueue.maximumPayload)"
            case .outOfOrder(let e, let f): "sequence \(f), expected \(e)"
            case .pointerOutOfRange(let p): "queue pointer \(p) is outside 0..<\(GSPQueue.capacity)"
            }
        }
    }

    /// The encoded 4 KiB entry.
    public static func encode(_ entry: Entry) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: entrySize)
        store(&bytes, 4, entry.sequence)
        store(&bytes, 8, entry.function)
        store(&bytes, 12, UInt32(min(entry.payload.count, maximumPayload)))
        bytes.replaceSubrange(16..<16 + min(entry.payload.count, maximumPayload), with: entry.payload.prefix(maximumPayload))
        store(&bytes, 0, checksum(bytes))
        return bytes
    }

    /// Decodes and checks a 4 KiB entry.
    public static func decode(_ bytes: [UInt8]) throws(EntryError) -> Entry {
        var zeroed = bytes
        store(&zeroed, 0, 0)
        let expected = checksum(zeroed), found = load(bytes, 0)
        guard expected == found else { throw .badChecksum(expected: expected, found: found) }
        let length = load(bytes, 12)
        guard length <= UInt32(maximumPayload) else { throw .badLength(length) }
        return Entry(sequence: load(bytes, 4), function: load(bytes, 8), payload: Array(bytes[16..<16 + Int(length)]))
    }

    /// XOR of the entry's 32-bit words.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        stride(from: 0, to: bytes.count, by: 4).reduce(0) { $0 ^ load(bytes, $1) }
    }

    /// Appends an entry (the writer's side).
    public func push(_ entry: Entry, on hw: any GSPHardware) throws(EntryError) {
        let write = GSPQueue.load(hw.readMemory(base, 4), 0)
        guard write < UInt32(Self.capacity) else { throw .pointerOutOfRange(write) }
        hw.writeMemory(base + UInt64(Self.entrySize) * UInt64(write + 1), Self.encode(entry))
        var pointer = [UInt8](repeating: 0, count: 4)
        GSPQueue.store(&pointer, 0, (write + 1) % UInt32(Self.capacity))
        hw.writeMemory(base, pointer)
    }

    /// Takes the next entry if there is one (the reader's side).
    public func pop(on hw: any GSPHardware) throws(EntryError) -> Entry? {
        let header = hw.readMemory(base, 8)
        let write = GSPQueue.load(header, 0), read = GSPQueue.load(header, 4)
        guard write < UInt32(Self.capacity) else { throw .pointerOutOfRange(write) }
        guard read < UInt32(Self.capacity) else { throw .pointerOutOfRange(read) }
        guard read != write else { return nil }
        let entry = try Self.decode(hw.readMemory(base + UInt64(Self.entrySize) * UInt64(read + 1), Self.entrySize))
        var pointer = [UInt8](repeating: 0, count: 4)
        GSPQueue.store(&pointer, 0, (read + 1) % UInt32(Self.capacity))
        hw.writeMemory(base + 4, pointer)
        return entry
    }

    static func store(_ b: inout [UInt8], _ o: Int, _ v: UInt32) {
        for i in 0..<4 { b[o + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
    }

    static func load(_ b: [UInt8], _ o: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(b[o + $1]) << (8 * UInt32($1)) }
    }
}

/// RPC function numbers (r535 numbering of NV_VGPU_MSG_FUNCTION_* / NV_VGPU_MSG_EVENT_*).
public enum GSPRPC {
    public static let unloadingGuestDriver: UInt32 = 47
    public static let setSystemInfo: UInt32 = 72
    public static let setRegistry: UInt32 = 73
    public static let initDone: UInt32 = 0x1001
}
