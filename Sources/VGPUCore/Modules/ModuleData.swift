#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A module's embedded data, loaded and checked in one place: its firmware manifest (which must name
/// the module and list the default release) and its vGPU type catalogues (each built on one of its chips).
/// Every architecture module's initializer is one call to `load`.
public struct ModuleData: Sendable {
    public let manifest: FirmwareManifest
    public let defaultRelease: FirmwareRelease
    public let catalogues: [VGPUTypeCatalogue]

    /// Decodes and validates the files the EmbedFirmwareManifest plugin embedded.
    ///
    /// - Parameters:
    ///   - defaultRelease: the release used when none is named; nil takes the manifest's first.
    public static func load(module: String, chips: [Chip], manifestFiles: [(name: String, json: String)],
                            typeFiles: [(name: String, json: String)], defaultRelease: String? = nil) throws(ManifestError) -> ModuleData
    {
        guard let embedded = manifestFiles.first else {
            throw ManifestError(manifest: "firmware-manifests/\(module).json", field: "$", problem: "was not embedded")
        }
        let manifest = try FirmwareManifest.load(Data(embedded.json.utf8), name: embedded.name)
        guard manifest.architecture == module else {
            throw ManifestError(manifest: embedded.name, field: "architecture", problem: "is \(manifest.architecture), expected \(module)")
        }
        guard let release = defaultRelease.flatMap({ FirmwareRelease($0) }) ?? manifest.releases.first?.version,
              manifest.release(release) != nil else {
            throw ManifestError(manifest: embedded.name, field: "releases", problem: "lacks the default release \(defaultRelease ?? "(any)")")
        }
        var catalogues: [VGPUTypeCatalogue] = []
        for file in typeFiles {
            let catalogue = try VGPUTypeCatalogue.load(Data(file.json.utf8), name: file.name)
            guard chips.contains(where: { $0.name == catalogue.chip.uppercased() }) else {
                throw ManifestError(manifest: file.name, field: "chip", problem: "\(catalogue.chip) is not a chip of module \(module)")
            }
            catalogues.append(catalogue)
        }
        return ModuleData(manifest: manifest, defaultRelease: release, catalogues: catalogues)
    }
}
