import VGPUPrimitives

/// A GSP RPC queue in system memory: a 4 KiB header page (u32 write pointer @0, u32 read pointer @4,
/// in elements) followed by 4 KiB elements. A message takes one or more consecutive elements (wrapping
/// at the end), as GSP messages do: u32 checksum @0 (XOR of all the message's words with this field 0),
/// u32 sequence @4, u32 function @8, u32 payload length @12, payload @16, continuing into the following
/// elements when longer than one element holds.
///
/// The command queue (host to GSP) and the message queue (GSP to host) share this format. Sizes follow
/// GSP-FACTS section 5 (256 KiB queues, 4 KiB entries); the header and element layout are this project's
/// simulation format, documented in docs/boot-planning.md.
public struct GSPQueue: Sendable, Equatable {
    /// Whole queue size.
    public static let size = 256 * 1024
    /// Element size.
    public static let entrySize = 4096
    /// Elements after the header page.
    public static let capacity = size / entrySize - 1
    /// Largest message: 16 elements (a bootload control is two).
    public static let maximumElements = 16
    /// Largest payload.
    public static let maximumPayload = maximumElements * entrySize - 16

    /// Bus address of the queue's header page.
    public let base: UInt64

    /// A queue at `base`.
    public init(base: UInt64) { self.base = base }

    /// One message, as the queue's reader found it.
    public struct Entry: Sendable, Equatable {
        /// The sender's sequence number.
        public let sequence: UInt32
        /// The RPC function number.
        public let function: UInt32
        /// The RPC's parameters.
        public let payload: [UInt8]

        /// A message to push (either side of the queue sends them).
        public init(sequence: UInt32, function: UInt32, payload: [UInt8]) {
            (self.sequence, self.function, self.payload) = (sequence, function, payload)
        }
    }

    /// Why a message was refused.
    public enum EntryError: Error, Equatable, CustomStringConvertible {
        case badChecksum(expected: UInt32, found: UInt32)
        case badLength(UInt32)
        case outOfOrder(expected: UInt32, found: UInt32)
        case pointerOutOfRange(UInt32)
        /// The writer has no room for a message of this many elements.
        case full(needed: Int, free: Int)
        public var description: String {
            switch self {
            case .badChecksum(let e, let f): "checksum \(hex: f), expected \(hex: e)"
            case .badLength(let n): "payload length \(n) exceeds \(GSPQueue.maximumPayload)"
            case .outOfOrder(let e, let f): "sequence \(f), expected \(e)"
            case .pointerOutOfRange(let p): "queue pointer \(p) is outside 0..<\(GSPQueue.capacity)"
            case .full(let n, let f): "queue full: the message needs \(n) element(s), \(f) free"
            }
        }
    }

    /// Elements a message with `payloadCount` bytes takes.
    public static func elements(forPayload payloadCount: Int) -> Int { (16 + payloadCount + entrySize - 1) / entrySize }

    /// The encoded message, a whole number of elements (payloads longer than `maximumPayload` are cut).
    public static func encode(_ entry: Entry) -> [UInt8] {
        let payload = entry.payload.prefix(maximumPayload)
        var bytes = [UInt8](repeating: 0, count: elements(forPayload: payload.count) * entrySize)
        store(&bytes, 4, entry.sequence)
        store(&bytes, 8, entry.function)
        store(&bytes, 12, UInt32(payload.count))
        bytes.replaceSubrange(16..<16 + payload.count, with: payload)
        store(&bytes, 0, checksum(bytes))
        return bytes
    }

    /// The payload length a message's first element declares, checked against the maximum.
    public static func declaredLength(_ firstElement: [UInt8]) throws(EntryError) -> Int {
        let length = load(firstElement, 12)
        guard length <= UInt32(maximumPayload) else { throw .badLength(length) }
        return Int(length)
    }

    /// Decodes and checks a whole message (all its elements).
    public static func decode(_ bytes: [UInt8]) throws(EntryError) -> Entry {
        guard bytes.count >= entrySize else { throw .badLength(UInt32(bytes.count)) }
        let length = try declaredLength(bytes)
        guard bytes.count == elements(forPayload: length) * entrySize else { throw .badLength(UInt32(length)) }
        var zeroed = bytes
        store(&zeroed, 0, 0)
        let expected = checksum(zeroed), found = load(bytes, 0)
        guard expected == found else { throw .badChecksum(expected: expected, found: found) }
        return Entry(sequence: load(bytes, 4), function: load(bytes, 8), payload: Array(bytes[16..<16 + length]))
    }

    /// XOR of the message's 32-bit words.
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { raw in
            // A plain loop: a stride iterator costs ten times as much in debug builds, and tests run many RPCs.
            var sum: UInt32 = 0
            var i = 0
            while i + 4 <= raw.count {
                sum ^= UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                i += 4
            }
            return sum
        }
    }

    /// Bus address of element `index`.
    private func element(_ index: UInt32) -> UInt64 { base + UInt64(Self.entrySize) * UInt64(index % UInt32(Self.capacity) + 1) }

    /// Appends a message (the writer's side).
    public func push(_ entry: Entry, on hw: any GSPHardware) throws(EntryError) {
        let header = hw.readMemory(base, 8)
        let write = GSPQueue.load(header, 0), read = GSPQueue.load(header, 4)
        guard write < UInt32(Self.capacity) else { throw .pointerOutOfRange(write) }
        guard read < UInt32(Self.capacity) else { throw .pointerOutOfRange(read) }
        let bytes = Self.encode(entry)
        let count = bytes.count / Self.entrySize
        // One element stays empty so that a full queue is told apart from an empty one.
        let used = Int((write + UInt32(Self.capacity) - read) % UInt32(Self.capacity))
        guard count <= Self.capacity - 1 - used else { throw .full(needed: count, free: Self.capacity - 1 - used) }
        for k in 0..<count {
            hw.writeMemory(element(write + UInt32(k)), Array(bytes[k * Self.entrySize..<(k + 1) * Self.entrySize]))
        }
        var pointer = [UInt8](repeating: 0, count: 4)
        GSPQueue.store(&pointer, 0, (write + UInt32(count)) % UInt32(Self.capacity))
        hw.writeMemory(base, pointer)
    }

    /// Takes the next message if there is one (the reader's side).
    public func pop(on hw: any GSPHardware) throws(EntryError) -> Entry? {
        let header = hw.readMemory(base, 8)
        let write = GSPQueue.load(header, 0), read = GSPQueue.load(header, 4)
        guard write < UInt32(Self.capacity) else { throw .pointerOutOfRange(write) }
        guard read < UInt32(Self.capacity) else { throw .pointerOutOfRange(read) }
        guard read != write else { return nil }
        let first = hw.readMemory(element(read), Self.entrySize)
        let count = Self.elements(forPayload: try Self.declaredLength(first))
        let available = Int((write + UInt32(Self.capacity) - read) % UInt32(Self.capacity))
        guard count <= available else { throw .badLength(GSPQueue.load(first, 12)) }
        var bytes = first
        for k in 1..<max(count, 1) { bytes += hw.readMemory(element(read + UInt32(k)), Self.entrySize) }
        let entry = try Self.decode(bytes)
        var pointer = [UInt8](repeating: 0, count: 4)
        GSPQueue.store(&pointer, 0, (read + UInt32(count)) % UInt32(Self.capacity))
        hw.writeMemory(base + 4, pointer)
        return entry
    }

    static func store(_ b: inout [UInt8], _ o: Int, _ v: UInt32) { LittleEndian.put(&b, o, UInt64(v), 4) }

    static func load(_ b: [UInt8], _ o: Int) -> UInt32 { UInt32(LittleEndian.get(b, o, 4)) }
}

/// RPC function numbers (r535 numbering of NV_VGPU_MSG_FUNCTION_* / NV_VGPU_MSG_EVENT_*).
public enum GSPRPC {
    public static let unloadingGuestDriver: UInt32 = 47
    public static let setSystemInfo: UInt32 = 72
    public static let setRegistry: UInt32 = 73
    /// GSP_RM_CONTROL: an RM control call (`GSPRMControl`).
    public static let rmControl: UInt32 = 76
    public static let initDone: UInt32 = 0x1001
}
