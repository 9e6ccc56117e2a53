/// A GPU chip id: `NV_PMC_BOOT_42` bits 29:20, i.e. architecture (6 bits) << 4 | implementation (4 bits).
///
/// AD102 is `0x192`: architecture 0x19 (Ada), implementation 0x2.
public struct ChipID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 10-bit id, for example `0x192`.
    public let rawValue: UInt16

    /// Wraps a raw 10-bit chip id; higher bits are masked off.
    public init(rawValue: UInt16) { self.rawValue = rawValue & 0x3ff }

    /// The architecture field (bits 9:4 of the id), known or not.
    public var architectureCode: UInt8 { UInt8(truncatingIfNeeded: rawValue >> 4) }

    /// The implementation field (bits 3:0 of the id).
    public var implementation: UInt8 { UInt8(truncatingIfNeeded: rawValue & 0xf) }

    /// The architecture, when it is one of the GSP-capable generations.
    public var architecture: Architecture? { Architecture(rawValue: architectureCode) }

    /// `0x192` style.
    public var description: String { "\(hex: rawValue)" }
}
