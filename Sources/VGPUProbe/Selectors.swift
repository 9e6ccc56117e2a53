import VGPUCore

/// lspci's `-s [[domain:]bus:][dev][.fn]` selector; an empty or `*` part matches anything.
public struct SlotSelector: Sendable, Equatable {
    var domain: UInt32?, bus: UInt8?, device: UInt8?, function: UInt8?

    /// Parses a selector; nil when malformed.
    public init?(_ text: String) {
        var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count) else { return nil }
        func field<T: FixedWidthInteger>(_ s: String, max: T) -> T?? {
            if s.isEmpty || s == "*" { return .some(nil) }
            guard let v = T(s, radix: 16), v <= max else { return nil }
            return .some(v)
        }
        let last = parts.removeLast()
        let pieces = last.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let d = field(pieces[0], max: UInt8(31)) else { return nil }
        device = d
        if pieces.count == 2 {
            guard let f = field(pieces[1], max: UInt8(7)) else { return nil }
            function = f
        }
        if let b = parts.popLast() {
            guard let v = field(b, max: UInt8(255)) else { return nil }
            bus = v
        }
        if let dom = parts.popLast() {
            guard let v = field(dom, max: UInt32(0xffff_ffff)) else { return nil }
            domain = v
        }
    }

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
