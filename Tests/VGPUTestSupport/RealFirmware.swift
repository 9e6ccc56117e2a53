import Foundation

/// Where the real GSP firmware fetched by scripts/setup.sh is, for tests that read it.
///
/// On a developer machine without it those tests are skipped, saying why; under CI (`CI=true`) they run
/// regardless, so a missing firmware root fails them instead of passing silently.
public enum RealFirmware {
    /// The repository root, derived from this file's location.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `$VGPUKIT_FIRMWARE_ROOT`, else `<repo>/.firmware`.
    public static let root: String = ProcessInfo.processInfo.environment["VGPUKIT_FIRMWARE_ROOT"]
        ?? packageRoot.appendingPathComponent(".firmware").path

    /// True when running under CI, where missing firmware is a failure.
    public static let isCI: Bool = ProcessInfo.processInfo.environment["CI"] == "true"

    /// True when the firmware root holds the Ada files (or when under CI, to force the tests to run).
    public static let shouldRun: Bool = isCI || FileManager.default.fileExists(atPath: path("nvidia/ad102/gsp/gsp-535.113.01.bin"))

    /// Why tests are skipped when `shouldRun` is false.
    public static let skipReason = "real firmware not found under \(root); run scripts/setup.sh (required under CI=true)"

    /// `root/relative`.
    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// The bytes of a real firmware file.
    public static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }
}
