import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A module's embedded data, loaded and checked in one place: its firmware manifest (which must name
/// the module and list the default release) and its vGPU type catalogues (each built on one of its chips).
/// Every architecture module's initializer is one call to `load`.
///
/// The manifest is decoded when first asked for: a probe of an Ada host decodes Ada's alone, and the
/// release list (`--version`, `supportedReleases`) comes from the build-time index, so five generations
/// start as fast as two. The build embeds only manifests its modules' tests decode and validate
/// (conformance); should one fail at run time all the same, it reads as listing no release, and
/// `manifestError` says why.
public struct ModuleData: Sendable {
    /// The manifest, decoded on first use.
    public var manifest: FirmwareManifest { box.manifest }
    /// Why the embedded manifest did not decode, if it did not (after first use).
    public var manifestError: ManifestError? { box.error }
    public let defaultRelease: FirmwareRelease
    /// The manifest's releases, in its order, from the build-time index.
    public let releases: [FirmwareRelease]
    /// The catalogues, indexed now and decoded when first asked for.
    public let catalogues: EmbeddedCatalogues
    private let box: ManifestBox

    /// Indexes the manifest and the catalogues the EmbedFirmwareManifest plugin embedded for the
    /// generation `identity`: the manifest must name it and list its default release, and each catalogue
    /// must be built on one of its dies.
    public static func load(_ identity: GenerationIdentity, manifestFiles: [EmbeddedFile], typeFiles: [EmbeddedFile]) throws(ManifestError) -> ModuleData {
        let (module, chips, defaultRelease) = (identity.name, identity.chips, identity.defaultRelease)
        guard let embedded = manifestFiles.first else {
            throw ManifestError(file: "firmware-manifests/\(module).json", field: "$", problem: "was not embedded (the module's firmware-manifests/ folder is empty)")
        }
        // The build-time index: the manifest's architecture and release versions. A file without one (not
        // a JSON object, or made by hand as tests do) is decoded now, so an error is the decoder's own.
        let box = ManifestBox(file: embedded, module: module)
        var architecture = embedded.fields["architecture"] ?? ""
        var releases: [FirmwareRelease] = []
        if let listed = embedded.fields["releases"], !architecture.isEmpty {
            for (i, text) in listed.split(separator: ",").enumerated() {
                guard let r = FirmwareRelease(text) else { throw ManifestError(file: embedded.name, field: "releases[\(i)].version", problem: "'\(text)' is not a release") }
                releases.append(r)
            }
        } else {
            let manifest = try box.decodeNow()
            (architecture, releases) = (manifest.architecture, manifest.releases.map(\.version))
        }
        guard architecture == module else {
            throw ManifestError(file: embedded.name, field: "architecture", problem: "is \(architecture), expected \(module)")
        }
        guard let release = defaultRelease.flatMap({ FirmwareRelease($0) }) ?? releases.first, releases.contains(release) else {
            throw ManifestError(file: embedded.name, field: "releases", problem: "lacks the default release \(defaultRelease ?? "(any)")")
        }
        var entries: [EmbeddedCatalogues.Entry] = []
        for file in typeFiles {
            let entry = try index(file)
            guard let chip = file.fields["chip"], chips.contains(where: { $0.name == chip.uppercased() }) else {
                throw ManifestError(file: file.name, field: "chip", problem: "\(file.fields["chip"] ?? "(none)") is not a chip of module \(module)")
            }
            // Boards may share a device id only when each names its subsystem, and the subsystems differ.
            if let other = entries.first(where: { $0.deviceID == entry.deviceID }), other.subsystem == nil || entry.subsystem == nil || other.subsystem == entry.subsystem {
                throw ManifestError(file: file.name, field: "pciDeviceID",
                                    problem: "\(file.fields["pciDeviceID"] ?? "") has another catalogue too (boards that share a device id each need a distinct pciSubsystemID)")
            }
            entries.append(entry)
        }
        return ModuleData(defaultRelease: release, releases: releases, catalogues: EmbeddedCatalogues(entries: entries), box: box)
    }

    /// A catalogue's index entry from the fields read at build time. When they are missing or wrong the
    /// file is decoded now, so the error is the decoder's own, naming the field (a file that is not JSON
    /// has no fields at all).
    static func index(_ file: EmbeddedFile) throws(ManifestError) -> EmbeddedCatalogues.Entry {
        if let board = file.fields["board"], !board.isEmpty, let id = file.fields["pciDeviceID"], id.count == 4,
           let deviceID = UInt16(id, radix: 16) {
            if let text = file.fields["pciSubsystemID"] {
                guard let subsystem = PCISubsystem(text) else {
                    throw ManifestError(file: file.name, field: "pciSubsystemID", problem: "'\(text)' is not vendor:device, 4 hex digits each")
                }
                return EmbeddedCatalogues.Entry(file: file, board: board, deviceID: deviceID, subsystem: subsystem)
            }
            return EmbeddedCatalogues.Entry(file: file, board: board, deviceID: deviceID, subsystem: nil)
        }
        let decoded = try VGPUTypeCatalogue.load(Data(file.json.utf8), name: file.name)
        throw ManifestError(file: file.name, field: "$", problem: "decodes, but its build-time index is missing (board \(decoded.board)); rebuild")
    }
}

/// The manifest, decoded once on first use (from any thread).
final class ManifestBox: Sendable {
    private let file: EmbeddedFile
    private let module: String
    private let state = Mutex<Result<FirmwareManifest, ManifestError>?>(nil)

    init(file: EmbeddedFile, module: String) { (self.file, self.module) = (file, module) }

    /// The decoded manifest, or one listing no release when it does not decode.
    var manifest: FirmwareManifest {
        switch result {
        case .success(let m): m
        case .failure: FirmwareManifest(schemaVersion: 1, architecture: module, releases: [])
        }
    }

    /// The decoder's error, if any.
    var error: ManifestError? { if case .failure(let e) = result { e } else { nil } }

    /// Decodes now (a file without a build-time index), throwing the decoder's error.
    func decodeNow() throws(ManifestError) -> FirmwareManifest { try result.get() }

    private var result: Result<FirmwareManifest, ManifestError> {
        state.withLock { cached in
            if let cached { return cached }
            let decoded = Result { () throws(ManifestError) in try FirmwareManifest.load(Data(file.json.utf8), name: file.name) }
            cached = decoded
            return decoded
        }
    }
}
