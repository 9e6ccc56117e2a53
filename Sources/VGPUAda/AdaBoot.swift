import VGPUCore
import VGPUHAL

extension AdaModule {
    /// Every AD10x chip boots through the booter on SEC2, as TU102 introduced (NVIDIA's Ada GSP code
    /// uses the TU102 and GA102 HALs; nouveau's ad102 GSP ops are tu102's and ga102's).
    public func bootHAL(for chip: Chip) -> (any GSPBootHAL)? {
        AdaChip(chip) == nil ? nil : TU102BootHAL()
    }
}
