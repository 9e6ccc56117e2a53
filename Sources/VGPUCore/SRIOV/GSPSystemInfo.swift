/// The SET_SYSTEM_INFO payload as far as this project builds it: a zeroed `GspSystemInfo` of the
/// release's size with GSP_VF_INFO in place. At 535 (and 545) GSP_VF_INFO is the struct's last member,
/// at offset 624 of 664; at 570 it sits at offset 856 of 928 and eleven members follow it (bIsPrimary,
/// isGridBuild, pcieConfigReg, gridBuildCsp, ... hostPageSize; 570.144 gsp_static_config.h:208-219).
/// The other members (PCI config mirror, BAR addresses, the members after it at 570) are a driver's,
/// not modelled here: they stay zero.
public enum GSPSystemInfo {
    /// (size, VF info offset) for a release.
    public static func layout(_ release: FirmwareRelease) -> (size: Int, vfInfoOffset: Int) {
        release.major >= 570 ? (928, 856) : (664, 624)
    }

    /// The payload with `vfInfo` in place (zeros when nil).
    public static func payload(vfInfo: GSPVFInfo?, release: FirmwareRelease) -> [UInt8] {
        let (size, offset) = layout(release)
        var bytes = [UInt8](repeating: 0, count: size)
        if let vfInfo { bytes.replaceSubrange(offset..<offset + GSPVFInfo.size, with: vfInfo.encode()) }
        return bytes
    }
}
