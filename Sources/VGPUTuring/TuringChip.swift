import VGPUCore

/// The Turing dies and the ids `NV_PMC_BOOT_42` reports for them, as nova-core's `Chipset`: the TU10x
/// family (TU102, TU104, TU106) and the TU11x (TU116, whose id is above TU117's).
public enum TuringChip: String, Chipset {
    case tu102, tu104, tu106, tu116, tu117

    /// Each die's BOOT_42 id and PCI device-id block.
    ///
    /// NVIDIA's per-die blocks of 0x80, checked against every TU1xx entry of pci.ids. GA100's block
    /// (0x2080...0x20ff) lies between TU117's and TU116's; the boards' audio, USB and UCSI functions
    /// (0x10f7...0x10fa, 0x1ad6...0x1adb, 0x1aeb...0x1aed) lie outside all of them.
    public var ids: DieIDs {
        switch self {
        case .tu102: DieIDs(boot42: 0x162, pci: 0x1e00...0x1e7f)
        case .tu104: DieIDs(boot42: 0x164, pci: 0x1e80...0x1eff)
        case .tu106: DieIDs(boot42: 0x166, pci: 0x1f00...0x1f7f)
        case .tu116: DieIDs(boot42: 0x168, pci: 0x2180...0x21ff)
        case .tu117: DieIDs(boot42: 0x167, pci: 0x1f80...0x1fff)
        }
    }
}
