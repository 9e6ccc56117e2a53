/// An NVIDIA GPU architecture, as encoded in bits 29:24 of `NV_PMC_BOOT_42`.
///
/// Only the GSP-capable generations are listed: every earlier architecture is outside what a
/// vGPU host with GSP firmware can use, and is reported as such rather than guessed at.
public enum Architecture: UInt8, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// TU10x and TU11x.
    case turing = 0x16
    /// GA100 and GA10x.
    case ampere = 0x17
    /// GH100.
    case hopper = 0x18
    /// AD10x.
    case ada = 0x19
    /// GB10x (data-center Blackwell).
    case blackwellGB10x = 0x1a
    /// GB20x (RTX PRO / consumer Blackwell).
    case blackwellGB20x = 0x1b

    /// The generation a module owns: Blackwell's two BOOT_42 architectures (GB10x, GB20x) are one, as
    /// NVIDIA's firmware families and nova-core's `Architecture::Blackwell` treat them.
    public var generation: String {
        switch self {
        case .blackwellGB10x, .blackwellGB20x: "Blackwell"
        default: description
        }
    }

    /// The name users know the architecture by.
    public var description: String {
        switch self {
        case .turing: "Turing"
        case .ampere: "Ampere"
        case .hopper: "Hopper"
        case .ada: "Ada"
        case .blackwellGB10x: "Blackwell (GB10x)"
        case .blackwellGB20x: "Blackwell (GB20x)"
        }
    }
}
