import VGPUCore

/// The Ampere dies and the ids `NV_PMC_BOOT_42` reports for them, as nova-core's `Chipset`. GA100 is
/// the one LIBOS2 (TU10x-family) die of the generation; the GA10x boot GA102's LIBOS3 image.
public enum AmpereChip: String, Chipset {
    case ga100, ga102, ga103, ga104, ga106, ga107

    /// Each die's BOOT_42 id and PCI device-id block.
    ///
    /// NVIDIA's per-die blocks. GA102's ends at 0x227f: above it lie HD audio functions (0x228b GA104,
    /// 0x228e GA106, 0x22ba AD102). 0x1af1 (A100 NVSwitch) and 0x1aef (GA102 audio) lie outside all blocks.
    public var ids: DieIDs {
        switch self {
        case .ga100: DieIDs(boot42: 0x170, pci: 0x2080...0x20ff)
        case .ga102: DieIDs(boot42: 0x172, pci: 0x2200...0x227f)
        case .ga103: DieIDs(boot42: 0x173, pci: 0x2400...0x247f)
        case .ga104: DieIDs(boot42: 0x174, pci: 0x2480...0x24ff)
        case .ga106: DieIDs(boot42: 0x176, pci: 0x2500...0x257f)
        case .ga107: DieIDs(boot42: 0x177, pci: 0x2580...0x25ff)
        }
    }
}
