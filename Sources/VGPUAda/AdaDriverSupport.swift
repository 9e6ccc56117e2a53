import VGPUCore

extension AdaModule {
    /// AD102, AD103 and AD104 arrive in open-gpu-kernel-modules 520.56.06, AD106 and AD107 in
    /// 525.47.04 (`g_chips2halspec_nvoc.h` of each tag; `DriverSupport`).
    public func firstDriverRelease(for chip: Chip) -> FirmwareRelease? {
        switch AdaChip(chip) {
        case .ad102?, .ad103?, .ad104?: .known("520.56.06")
        case .ad106?, .ad107?: .known("525.47.04")
        case nil: nil
        }
    }
}
