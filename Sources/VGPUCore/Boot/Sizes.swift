#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Byte-size constants and power-of-two alignment, as the layout rules are written.
public enum Sizes {
    /// 1 KiB.
    public static let KiB: UInt64 = 1 << 10
    /// 1 MiB.
    public static let MiB: UInt64 = 1 << 20
    /// 1 GiB.
    public static let GiB: UInt64 = 1 << 30

    /// `value` rounded down to a multiple of `alignment` (a power of two).
    public static func alignDown(_ value: UInt64, _ alignment: UInt64) -> UInt64 { value & ~(alignment - 1) }

    /// `value` rounded up to a multiple of `alignment` (a power of two); nil on overflow.
    public static func alignUp(_ value: UInt64, _ alignment: UInt64) -> UInt64? {
        let (sum, overflow) = value.addingReportingOverflow(alignment - 1)
        return overflow ? nil : sum & ~(alignment - 1)
    }

    /// `1.5 GiB`, `129 MiB`, `4 KiB`, `256 B`: the largest unit that divides exactly, else bytes.
    public static func describe(_ bytes: UInt64) -> String {
        for (unit, size) in [("GiB", GiB), ("MiB", MiB), ("KiB", KiB)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size) \(unit)"
        }
        return "\(bytes) B"
    }

    /// Parses `48G`, `48GiB`, `49152M`, `512K`, `0xc00000000`, `1073741824`; nil when malformed or overflowing.
    public static func parse(_ text: String) -> UInt64? {
        var t = text.trimmingBlanks.uppercased()
        if t.hasPrefix("0X") { return t.count > 2 ? UInt64(t.dropFirst(2), radix: 16) : nil }
        if t.hasSuffix("IB") { t.removeLast(2) }
        let units: [Character: UInt64] = ["K": KiB, "M": MiB, "G": GiB, "T": GiB << 10]
        var scale: UInt64 = 1
        if let last = t.last, let unit = units[last] {
            scale = unit
            t.removeLast()
        }
        guard !t.isEmpty, t.allSatisfy({ ("0"..."9").contains($0) }), let value = UInt64(t) else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : bytes
    }
}
