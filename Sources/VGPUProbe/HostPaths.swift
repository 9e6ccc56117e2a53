/// Where a Linux GPU host keeps what the probe reads, when the command line names no other root: the
/// one definition every request and option defaults to.
public enum HostPaths {
    /// sysfs.
    public static let sysfsRoot = "/sys"
    /// Where distributions install firmware (`nvidia/<chip>/gsp/...`).
    public static let firmwareRoot = "/lib/firmware"
}
