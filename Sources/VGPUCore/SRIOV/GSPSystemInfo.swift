/// The SET_SYSTEM_INFO payload as far as this project builds it: a zeroed `GspSystemInfo` of the
/// release's size with GSP_VF_INFO in place. The sizes and offsets are NVIDIA's, compiled from each
/// tag's `gsp_static_config.h` (Tests/Fixtures/nvidia-vectors.json, `systemInfo`): GSP_VF_INFO is the
/// last member at 535 and 545 (offset 624 of 664); 550 moved it to 824 of 880; at 570 it sits at 856 of
/// 928 with eleven members after it (bIsPrimary, isGridBuild, pcieConfigReg, ... hostPageSize; 570.144
/// gsp_static_config.h:208-219), and 580 grew the tail to 936. The other members (PCI config mirror,
/// BAR addresses, the tail) are a driver's, not modelled here: they stay zero.
public enum GSPSystemInfo {
    /// (size, VF info offset) for a release, by branch (555 to 565, between the tags compiled, are
    /// taken as 550).
    public static func layout(_ release: FirmwareRelease) -> (size: Int, vfInfoOffset: Int) {
        switch release.major {
        case ..<550: (664, 624)
        case 550..<570: (880, 824)
        case 570..<580: (928, 856)
        default: (936, 856)
        }
    }

    /// The payload with `vfInfo` in place (zeros when nil).
    public static func payload(vfInfo: GSPVFInfo?, release: FirmwareRelease) -> [UInt8] {
        let (size, offset) = layout(release)
        var bytes = [UInt8](repeating: 0, count: size)
        if let vfInfo { bytes.replaceSubrange(offset..<offset + GSPVFInfo.size, with: vfInfo.encode()) }
        return bytes
    }
}
