/// NV2080 engine types: the numbering GSP-RM controls use (GSP-FACTS section 7). Not RM-internal
/// engine numbers, which differ and were renumbered in 570.
public enum NV2080Engine {
    /// Engine classes a GPU can have.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case gr, copy, nvdec, nvenc, sec2, nvjpeg, ofa, compDecompCopy = "comp-decomp-copy"
    }

    /// The numbering of a release branch, as NVIDIA's `cl2080_notification.h` has it at each tag
    /// (Tests/Fixtures/nvidia-vectors.json, `engineTypes`): no engine ever changed its number; 545 and 550
    /// added reserved placeholders only (LAST 0x3f, 0x40), and 570 COPY10-19, OFA1, NVENC3 and the
    /// COMP_DECOMP_COPY engines (LAST 0x54). LAST sizes the per-engine arrays of the vGPU controls.
    public enum Numbering: String, Sendable, Codable, CaseIterable {
        case r535, r545, r550, r570
        /// The numbering a release uses (branches between the tags read take the older tag's).
        public static func of(_ release: FirmwareRelease) -> Numbering {
            switch release.major {
            case 570...: .r570
            case 550..<570: .r550
            case 545..<550: .r545
            default: .r535
            }
        }
        /// NV2080_ENGINE_TYPE_LAST: one past the largest type.
        public var last: UInt32 {
            switch self {
            case .r535: 0x3e
            case .r545: 0x3f
            case .r550: 0x40
            case .r570: 0x54
            }
        }
    }

    /// The NV2080 type of `kind` instance `instance`, or nil when the numbering has no such engine.
    public static func type(_ kind: Kind, _ instance: Int, in numbering: Numbering) -> UInt32? {
        guard instance >= 0 else { return nil }
        let i = UInt32(instance)
        let extended = numbering == .r570
        switch kind {
        case .gr: return i < 8 ? 0x01 + i : nil
        case .copy:
            if i < 10 { return 0x09 + i }
            return extended && i < 20 ? 0x34 + (i - 10) : nil
        case .nvdec: return i < 8 ? 0x13 + i : nil
        case .nvenc:
            if i < 3 { return 0x1b + i }
            return extended && i == 3 ? 0x3f : nil
        case .sec2: return i == 0 ? 0x26 : nil
        case .nvjpeg: return i < 8 ? 0x2b + i : nil
        case .ofa:
            if i == 0 { return 0x33 }
            return extended && i == 1 ? 0x3e : nil
        case .compDecompCopy: return extended && i < 20 ? 0x40 + i : nil
        }
    }
}

/// The engines a chip has: an instance mask per kind, as nouveau's chip tables write them.
public struct EngineInventory: Sendable, Equatable, Codable {
    /// Instance mask per engine kind (bit n = instance n present).
    public var masks: [NV2080Engine.Kind: UInt32]

    /// An inventory from masks.
    public init(_ masks: [NV2080Engine.Kind: UInt32]) { self.masks = masks }

    /// (kind, instance) of every engine, in kind then instance order.
    public var engines: [(kind: NV2080Engine.Kind, instance: Int)] {
        NV2080Engine.Kind.allCases.flatMap { kind in
            let mask = masks[kind] ?? 0
            return (0..<32).filter { mask >> $0 & 1 == 1 }.map { (kind, $0) }
        }
    }
}

/// Why an engine bitmap cannot be made for a release.
public enum EngineBitmapError: Error, Equatable, CustomStringConvertible {
    case notInNumbering(kind: NV2080Engine.Kind, instance: Int, numbering: NV2080Engine.Numbering)
    public var description: String {
        switch self {
        case .notInNumbering(let k, let i, let n): "\(k.rawValue)\(i) has no NV2080 engine type in the \(n.rawValue) numbering"
        }
    }
}

/// One bit per NV2080 engine type present, below the numbering's LAST.
public struct EngineBitmap: Sendable, Equatable, Codable {
    public let numbering: NV2080Engine.Numbering
    /// The set types, ascending.
    public let types: [UInt32]

    /// The bitmap of `engines` in `numbering`.
    public init(_ engines: [(kind: NV2080Engine.Kind, instance: Int)], numbering: NV2080Engine.Numbering) throws(EngineBitmapError) {
        var types: Set<UInt32> = []
        for e in engines {
            guard let t = NV2080Engine.type(e.kind, e.instance, in: numbering), t < numbering.last else {
                throw .notInNumbering(kind: e.kind, instance: e.instance, numbering: numbering)
            }
            types.insert(t)
        }
        self.numbering = numbering
        self.types = types.sorted()
    }

    /// The bitmap as 64-bit words, bit t of word t/64 for type t.
    public var words: [UInt64] {
        var w = [UInt64](repeating: 0, count: Int(numbering.last + 63) / 64)
        for t in types { w[Int(t) / 64] |= 1 << UInt64(t % 64) }
        return w
    }

    /// `chidOffset[engine]` of the bootload control: the vGPU's channel-id base for each set bit, 0
    /// elsewhere; one entry per type below LAST.
    public func channelOffsets(base: UInt32) -> [UInt32] {
        var offsets = [UInt32](repeating: 0, count: Int(numbering.last))
        for t in types { offsets[Int(t)] = base }
        return offsets
    }
}

/// A module that knows its chips' engines.
public protocol EngineInventoryProviding: Sendable {
    /// The engines of `chip`, or nil when the module has no table for it.
    func engineInventory(for chip: Chip) -> EngineInventory?
}
