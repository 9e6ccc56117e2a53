import VGPUCore

/// The AD10x dies and the ids `NV_PMC_BOOT_42` reports for them (GSP-FACTS section 1), as nova-core's
/// `Chipset`.
public enum AdaChip: String, Chipset {
    case ad102, ad103, ad104, ad106, ad107

    /// Each die's BOOT_42 id and PCI device-id block.
    ///
    /// NVIDIA allocates PCI device ids to dies in blocks of 0x80; pci.ids names the die in each entry,
    /// and a test checks these blocks against every AD10x entry there. Audio functions (0x22ba) lie outside.
    public var ids: DieIDs {
        switch self {
        case .ad102: DieIDs(boot42: 0x192, pci: 0x2680...0x26ff)
        case .ad103: DieIDs(boot42: 0x193, pci: 0x2700...0x277f)
        case .ad104: DieIDs(boot42: 0x194, pci: 0x2780...0x27ff)
        case .ad106: DieIDs(boot42: 0x196, pci: 0x2800...0x287f)
        case .ad107: DieIDs(boot42: 0x197, pci: 0x2880...0x28ff)
        }
    }
}
