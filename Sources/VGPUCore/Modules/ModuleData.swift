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
    /// The catalogues, indexed now and decoded when first asked for.
    public let catalogues: EmbeddedCatalogues

    /// Decodes and validates the manifest, and indexes the catalogues the EmbedFirmwareManifest plugin embedded.
    ///
    /// - Parameters:
    ///   - defaultRelease: the release used when none is named; nil takes the manifest's first.
    public static func load(module: String, chips: [Chip], manifestFiles: [EmbeddedFile], typeFiles: [EmbeddedFile],
                            defaultRelease: String? = nil) throws(ManifestError) -> ModuleData
    {
        guard let embedded = manifestFiles.first else {
            throw ManifestError(manifest: "firmware-manifests/\(module).json", field: "$", problem: "was not embedded (the module's firmware-manifests/ folder is empty)")
        }
        let manifest = try FirmwareManifest.load(Data(embedded.json.utf8), name: embedded.name)
        guard manifest.architecture == module else {
            throw ManifestError(manifest: embedded.name, field: "architecture", problem: "is \(manifest.architecture), expected \(module)")
        }
        guard let release = defaultRelease.flatMap({ FirmwareRelease($0) }) ?? manifest.releases.first?.version,
              manifest.release(release) != nil else {
            throw ManifestError(manifest: embedded.name, field: "releases", problem: "lacks the default release \(defaultRelease ?? "(any)")")
        }
        var entries: [EmbeddedCatalogues.Entry] = []
        for file in typeFiles {
            let entry = try index(file)
            guard let chip = file.fields["chip"], chips.contains(where: { $0.name == chip.uppercased() }) else {
                throw ManifestError(manifest: file.name, field: "chip", problem: "\(file.fields["chip"] ?? "(none)") is not a chip of module \(module)")
            }
            // Boards may share a device id only when each names its subsystem, and the subsystems differ.
            if let other = entries.first(where: { $0.deviceID == entry.deviceID }), other.subsystem == nil || entry.subsystem == nil || other.subsystem == entry.subsystem {
                throw ManifestError(manifest: file.name, field: "pciDeviceID",
                                    problem: "\(file.fields["pciDeviceID"] ?? "") has another catalogue too (boards that share a device id each need a distinct pciSubsystemID)")
            }
            entries.append(entry)
        }
        return ModuleData(manifest: manifest, defaultRelease: release, catalogues: EmbeddedCatalogues(entries: entries))
    }

    /// A catalogue's index entry from the fields read at build time. When they are missing or wrong the
    /// file is decoded now, so the error is the decoder's own, naming the field (a file that is not JSON
    /// has no fields at all).
    static func index(_ file: EmbeddedFile) throws(ManifestError) -> EmbeddedCatalogues.Entry {
        if let board = file.fields["board"], !board.isEmpty, let id = file.fields["pciDeviceID"], id.count == 4,
           let deviceID = UInt16(id, radix: 16) {
            if let text = file.fields["pciSubsystemID"] {
                guard let subsystem = PCISubsystem(text) else {
                    throw ManifestError(manifest: file.name, field: "pciSubsystemID", problem: "'\(text)' is not vendor:device, 4 hex digits each")
                }
                return EmbeddedCatalogues.Entry(file: file, board: board, deviceID: deviceID, subsystem: subsystem)
            }
            return EmbeddedCatalogues.Entry(file: file, board: board, deviceID: deviceID, subsystem: nil)
        }
        let decoded = try VGPUTypeCatalogue.load(Data(file.json.utf8), name: file.name)
        throw ManifestError(manifest: file.name, field: "$", problem: "decodes, but its build-time index is missing (board \(decoded.board)); rebuild")
    }
}
