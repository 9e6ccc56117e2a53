import VGPUCore

/// The Blackwell dies and the ids `NV_PMC_BOOT_42` reports for them (570 `nv_arch.h:106-121`), as
/// nova-core's `Chipset`: GB100 and GB102 (architecture 0x1a), GB202 to GB207 (0x1b).
public enum BlackwellChip: String, Chipset {
    case gb100, gb102, gb202, gb203, gb205, gb206, gb207

    /// Each die's BOOT_42 id and PCI device-id block.
    ///
    /// NVIDIA's per-die blocks of 0x80, checked against every GB1xx/GB20x entry of pci.ids.
    public var ids: DieIDs {
        switch self {
        case .gb100: DieIDs(boot42: 0x1a0, pci: 0x2900...0x297f)
        case .gb102: DieIDs(boot42: 0x1a2, pci: 0x2980...0x29ff)
        case .gb202: DieIDs(boot42: 0x1b2, pci: 0x2b80...0x2bff)
        case .gb203: DieIDs(boot42: 0x1b3, pci: 0x2c00...0x2c7f)
        case .gb205: DieIDs(boot42: 0x1b5, pci: 0x2f00...0x2f7f)
        case .gb206: DieIDs(boot42: 0x1b6, pci: 0x2d00...0x2d7f)
        case .gb207: DieIDs(boot42: 0x1b7, pci: 0x2d80...0x2dff)
        }
    }
}
