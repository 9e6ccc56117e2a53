import VGPUCore

/// The AD10x dies and the ids `NV_PMC_BOOT_42` reports for them (GSP-FACTS section 1), as nova-core's
/// `Chipset`.
public enum AdaChip: UInt16, Chipset {
    case ad102 = 0x192, ad103 = 0x193, ad104 = 0x194, ad106 = 0x196, ad107 = 0x197

    /// NVIDIA allocates PCI device ids to dies in blocks of 0x80; pci.ids names the die in each entry,
    /// and a test checks these blocks against every AD10x entry there. Audio functions (0x22ba) lie outside.
    public var pciDeviceIDs: ClosedRange<UInt16>? {
        switch self {
        case .ad102: 0x2680...0x26ff
        case .ad103: 0x2700...0x277f
        case .ad104: 0x2780...0x27ff
        case .ad106: 0x2800...0x287f
        case .ad107: 0x2880...0x28ff
        }
    }
}
