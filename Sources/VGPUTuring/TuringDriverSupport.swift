import VGPUCore

extension TuringModule {
    /// Every TU10x/TU11x die is named in open-gpu-kernel-modules' first tag, 515.43.04
    /// (`g_chips2halspec_nvoc.h`): older drivers prove nothing (`DriverSupport`).
    public func firstDriverRelease(for chip: Chip) -> FirmwareRelease? {
        TuringChip(chip) == nil ? nil : DriverSupport.firstPublishedRelease
    }
}
