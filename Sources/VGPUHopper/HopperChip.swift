import VGPUCore

/// The Hopper die and the id `NV_PMC_BOOT_42` reports for it (570 `nv_arch.h:99`), as nova-core's
/// `Chipset`. GH100 is the first die that boots through the FSP.
public enum HopperChip: String, Chipset {
    case gh100

    /// Each die's BOOT_42 id and PCI device-id block.
    ///
    /// GH100's two blocks of 0x80 (pci.ids names GH100 from 0x2302 to 0x23f0); the boards' audio and
    /// NVSwitch functions lie outside.
    public var ids: DieIDs {
        switch self {
        case .gh100: DieIDs(boot42: 0x180, pci: 0x2300...0x23ff)
        }
    }
}
