import VGPUCore

/// The Blackwell dies and the ids `NV_PMC_BOOT_42` reports for them (570 `nv_arch.h:106-121`), as
/// nova-core's `Chipset`: GB100 and GB102 (architecture 0x1a), GB202 to GB207 (0x1b).
public enum BlackwellChip: UInt16, Chipset {
    case gb100 = 0x1a0, gb102 = 0x1a2, gb202 = 0x1b2, gb203 = 0x1b3, gb205 = 0x1b5, gb206 = 0x1b6, gb207 = 0x1b7

    /// NVIDIA's per-die blocks of 0x80, checked against every GB1xx/GB20x entry of pci.ids.
    public var pciDeviceIDs: ClosedRange<UInt16>? {
        switch self {
        case .gb100: 0x2900...0x297f
        case .gb102: 0x2980...0x29ff
        case .gb202: 0x2b80...0x2bff
        case .gb203: 0x2c00...0x2c7f
        case .gb205: 0x2f00...0x2f7f
        case .gb206: 0x2d00...0x2d7f
        case .gb207: 0x2d80...0x2dff
        }
    }
}
