/// When NVIDIA's driver learned a chip, from the one public record of every release:
/// NVIDIA/open-gpu-kernel-modules, whose tags are the driver's releases. A chip counts as known from
/// the first tag whose generated HAL sources name it (`src/nvidia/generated/g_chips2halspec_nvoc.h`
/// for chips with a display, the `g_bindata_kgspGetBinArchive*_<chip>.c` GSP images for those without:
/// GA100, GH100, GB10x).
public enum DriverSupport {
    /// The oldest tag of the repository (May 2022). A chip first named there may be older: for such a
    /// chip an older driver proves nothing.
    public static let firstPublishedRelease = FirmwareRelease(components: [515, 43, 4], spelling: "515.43.04")

    /// Whether `version` of NVIDIA's driver predates `first`, the release that introduced a chip:
    /// true only when that is certain (never for a chip first named in the oldest tag).
    public static func predates(_ version: FirmwareRelease, first: FirmwareRelease) -> Bool {
        first > firstPublishedRelease && version < first
    }
}

extension FirmwareRelease {
    /// A release from numbers known at compile time (the tables of the generation modules).
    init(components: [Int], spelling: String) {
        self.components = components
        self.spelling = spelling
    }

    /// A release written in a module's table; the spelling must parse (a test loads every table).
    public static func known(_ spelling: StaticString) -> FirmwareRelease {
        let text = "\(spelling)"
        return FirmwareRelease(text) ?? FirmwareRelease(components: [0], spelling: text)
    }
}
