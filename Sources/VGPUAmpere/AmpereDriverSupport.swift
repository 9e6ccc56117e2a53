import VGPUCore

extension AmpereModule {
    /// Every Ampere die is named in open-gpu-kernel-modules' first tag, 515.43.04 (GA10x in
    /// `g_chips2halspec_nvoc.h`, GA100 by its GSP images): older drivers prove nothing (`DriverSupport`).
    public func firstDriverRelease(for chip: Chip) -> FirmwareRelease? {
        AmpereChip(chip) == nil ? nil : DriverSupport.firstPublishedRelease
    }
}
