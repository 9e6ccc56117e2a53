import VGPUCore

/// What `vgpu-probe --version` prints: the program, its version and commit, and what this build covers
/// (each generation's chips and firmware releases, the default release marked), so a bug report says
/// which build made an answer and whether a chip or release was in its reach.
enum VersionText {
    /// The first line, without the coverage: all that needs no modules.
    static var headline: String { "vgpu-probe \(BuildInfo.version) (commit \(BuildInfo.commit))" }

    /// The whole answer.
    static func render(_ registry: ModuleRegistry) -> String {
        var lines = [headline]
        for module in registry.modules {
            let releases = module.supportedReleases.map { $0 == module.defaultRelease ? "\($0) (default)" : $0.description }
            lines.append("  \(module.name): \(module.chips.map(\.name).joined(separator: ", ")); GSP firmware \(releases.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }
}
