/// The two BAR0 registers a driver reads to identify a GPU, and their decoding.
///
/// `NV_PMC_BOOT_0` (BAR0 + 0x0) only tells a failed read or pre-Fermi part apart;
/// `NV_PMC_BOOT_42` (BAR0 + 0xa00) carries the chip id in bits 29:20.
public struct IdentityRegisters: Hashable, Sendable, Codable {
    /// Offset of `NV_PMC_BOOT_0` in BAR0.
    public static let boot0Offset = 0x000
    /// Offset of `NV_PMC_BOOT_42` in BAR0.
    public static let boot42Offset = 0xa00

    /// Value read from `NV_PMC_BOOT_0`.
    public let boot0: UInt32
    /// Value read from `NV_PMC_BOOT_42`.
    public let boot42: UInt32

    /// Stores two raw register values.
    public init(boot0: UInt32, boot42: UInt32) {
        self.boot0 = boot0
        self.boot42 = boot42
    }

    /// Why a register pair does not identify a chip.
    public enum DecodeFailure: Error, Hashable, Sendable, CustomStringConvertible {
        /// All ones: the MMIO read failed (device in D3 or off the bus).
        case readFailed
        /// Top 16 bits 0xbadf: the read hit a privilege (security) fault.
        case securityFault(UInt32)
        /// BOOT_0 reports an architecture older than Fermi (0xc0), which has no BOOT_42.
        case preFermi(UInt32)

        /// One line an operator can act on.
        public var description: String {
            switch self {
            case .readFailed: "BAR0 reads as all ones: the device is suspended (D3) or fell off the bus"
            case .securityFault(let v): "BAR0 read returned a security fault (\(hex: v))"
            case .preFermi(let v): "NV_PMC_BOOT_0 \(hex: v) is a pre-Fermi part"
            }
        }
    }

    /// Decodes the chip id, or says why the registers cannot be trusted.
    public func chipID() -> Result<ChipID, DecodeFailure> {
        if boot0 == 0xffff_ffff || boot42 == 0xffff_ffff { return .failure(.readFailed) }
        if boot0 >> 16 == 0xbadf { return .failure(.securityFault(boot0)) }
        if boot42 >> 16 == 0xbadf { return .failure(.securityFault(boot42)) }
        // BOOT_0 bits 28:20 hold the legacy architecture; anything below Fermi (0x0c0) predates BOOT_42.
        let legacyArchitecture = (boot0 >> 20) & 0x1ff
        if legacyArchitecture != 0 && legacyArchitecture < 0x0c0 { return .failure(.preFermi(boot0)) }
        return .success(ChipID(rawValue: UInt16(truncatingIfNeeded: (boot42 >> 20) & 0x3ff)))
    }
}
