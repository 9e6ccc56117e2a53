/// The SET_SYSTEM_INFO payload as far as this project builds it: a zeroed `GspSystemInfo` of the
/// release's size with GSP_VF_INFO as its last member (offset 624 of 664 in 535; 856 of 928 in 570,
/// GSP-FACTS section 6). The other members (PCI config mirror, BAR addresses, ...) are a driver's,
/// not modelled here.
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
