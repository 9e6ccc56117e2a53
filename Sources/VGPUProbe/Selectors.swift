import VGPUCore

/// lspci's `-s [[domain:]bus:][dev][.fn]` selector; an empty or `*` part matches anything.
public struct SlotSelector: Sendable, Equatable {
    var domain: UInt32?, bus: UInt8?, device: UInt8?, function: UInt8?

    /// Parses a selector; nil when malformed (`problem(with:)` says why).
    public init?(_ text: String) {
        guard case .success(let selector) = Self.parse(text) else { return nil }
        self = selector
    }

    private init() {}

    /// The selector, or why not. Accepts every form operators paste: `41:00.0`, `0000:41:00.0` and
    /// nvidia-smi's `00000000:41:00.0`.
    public static func parse(_ text: String) -> Result<SlotSelector, Bad> {
        var s = SlotSelector()
        var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count) else { return .failure(Bad(why: "\(parts.count - 1) colons; at most 2")) }
        func field<T: FixedWidthInteger>(_ text: String, _ name: String, max: T) throws(Bad) -> T? {
            if text.isEmpty || text == "*" { return nil }
            guard let v = UInt64(text, radix: 16) else { throw Bad(why: "\(name) '\(text)' is not hex") }
            guard v <= UInt64(max) else { throw Bad(why: "\(name) \(hex: v) > \(hex: max)") }
            return T(v)
        }
        do {
            let last = parts.removeLast()
            let pieces = last.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            s.device = try field(pieces[0], "device", max: UInt8(31))
            if pieces.count == 2 { s.function = try field(pieces[1], "function", max: UInt8(7)) }
            if let b = parts.popLast() { s.bus = try field(b, "bus", max: UInt8(255)) }
            if let dom = parts.popLast() { s.domain = try field(dom, "domain", max: UInt32(0xffff_ffff)) }
        } catch {
            return .failure(error)
        }
        return .success(s)
    }

    /// Why a selector does not parse: the part and what is wrong with it ("device 0x20 > 0x1f").
    public struct Bad: Error { public let why: String }

    /// True when `a` matches every part given.
    public func matches(_ a: PCIAddress) -> Bool {
        (domain ?? a.domain) == a.domain && (bus ?? a.bus) == a.bus && (device ?? a.device) == a.device
            && (function ?? a.function) == a.function
    }
}

/// lspci's `-d [vendor]:[device]` selector.
public struct IDSelector: Sendable, Equatable {
    var vendor: UInt16?, device: UInt16?

    /// Parses `10de:26b5`, `10de:`, `:26b5`; nil when malformed.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        for (i, p) in parts.enumerated() where !p.isEmpty && p != "*" {
            guard p.count <= 4, let v = UInt16(p, radix: 16) else { return nil }
            if i == 0 { vendor = v } else { device = v }
        }
    }

    /// True when the ids match every part given.
    public func matches(vendor v: UInt16?, device d: UInt16?) -> Bool {
        (vendor == nil || vendor == v) && (device == nil || device == d)
    }
}
