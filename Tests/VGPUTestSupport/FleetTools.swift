import Foundation

/// The tools and data scripts/setup.sh fetches into `.data/` for the fleet and naming tests: promtool,
/// prometheus-node-exporter and a current pci.ids. As with the firmware, tests that need them are skipped
/// on a machine without them, saying why, and run (and fail) under CI.
public enum FleetTools {
    /// `$VGPUKIT_DATA_DIR`, else `<repo>/.data`.
    public static let root: String = ProcessInfo.processInfo.environment["VGPUKIT_DATA_DIR"]
        ?? RealFirmware.packageRoot.appendingPathComponent(".data").path

    /// Prometheus' `promtool`.
    public static let promtool = root + "/bin/promtool"
    /// `prometheus-node-exporter`.
    public static let nodeExporter = root + "/bin/prometheus-node-exporter"
    /// Debian's pci.ids of 2025 or later.
    public static let pciIDs = root + "/pci.ids"

    /// True when all three are there, or under CI.
    public static let shouldRun: Bool = RealFirmware.isCI
        || [promtool, nodeExporter, pciIDs].allSatisfy { FileManager.default.fileExists(atPath: $0) }

    /// Why tests are skipped when `shouldRun` is false.
    public static let skipReason = "promtool, prometheus-node-exporter or pci.ids not found under \(root); run scripts/setup.sh (required under CI=true)"
}
