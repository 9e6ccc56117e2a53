import VGPUCore
import VGPUFirmware

/// The result of `vgpu-probe firmware`: for each selected chip, its firmware verified against its
/// module's manifest. This is the JSON document `--json` prints (schema in docs/cli.md).
public struct FirmwareInventory: Sendable, Codable, Equatable {
    /// JSON schema identifier; bumped on any incompatible change.
    public static let schemaID = "vgpukit.firmware/1"

    /// Always `schemaID`.
    public let schema: String
    /// The firmware root searched.
    public let firmwareRoot: String
    /// Whether SHA-256 digests were computed.
    public let digestsVerified: Bool
    /// One entry per chip, in module then chip order.
    public let chips: [Chip]
    /// True when every file of every chip verified.
    public let ok: Bool

    /// One chip's verification.
    public struct Chip: Sendable, Codable, Equatable {
        /// Upper-case chip name.
        public let chip: String
        /// The module that owns it.
        public let module: String
        /// The verification itself.
        public let firmware: ChipFirmwareReport
    }

    /// Why an inventory could not be made at all (as opposed to files that failed verification).
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// No module owns the chip.
        case unknownChip(String, known: [String])
        /// The chip's module has no manifest entry for the release.
        case unsupportedRelease(chip: String, release: String, supported: [String])
        /// The firmware root cannot be used (`FirmwareRoot.unusable` says why).
        case rootMissing(String, why: String)

        /// A message that says what to do.
        public var description: String {
            switch self {
            case .unknownChip(let c, let known):
                "unknown chip '\(c)'; supported chips: \(known.joined(separator: ", "))"
            case .unsupportedRelease(let chip, let r, let supported):
                "\(chip) has no firmware manifest for release \(r); supported releases: \(supported.joined(separator: ", "))"
            case .rootMissing(let p, let why):
                "firmware root \(p) \(why) (install the GSP firmware there, or pass --firmware-root)"
            }
        }
    }

    /// Verifies the firmware of one chip (by name) or of every chip the registry knows.
    ///
    /// - Parameters:
    ///   - release: the release to check; nil uses each module's default.
    ///   - verifier: does the file work, and remembers files shared between chips.
    public static func make(registry: ModuleRegistry, chip chipName: String?, release: FirmwareRelease?,
                            verifier: FirmwareVerifier) throws(Failure) -> FirmwareInventory
    {
        if let why = verifier.root.unusable { throw .rootMissing(verifier.root.path, why: why) }
        let selected: [(module: any ArchitectureModule, chip: VGPUCore.Chip)]
        if let chipName {
            guard let found = registry.module(forChipNamed: chipName) else {
                throw .unknownChip(chipName, known: registry.allChips.map(\.name))
            }
            selected = [found]
        } else {
            selected = registry.modules.flatMap { m in m.chips.map { (m, $0) } }
        }
        var entries: [Chip] = []
        for (module, chip) in selected {
            let version = release ?? module.defaultRelease
            guard let (manifestRelease, files) = module.firmware(for: chip, release: version) else {
                // Over all chips, a release some module lacks just leaves that module's chips out.
                if chipName == nil { continue }
                throw .unsupportedRelease(chip: chip.name, release: version.description,
                                          supported: module.supportedReleases.map(\.description))
            }
            entries.append(Chip(chip: chip.name, module: module.name, firmware: verifier.verify(chip: files, release: manifestRelease)))
        }
        guard !entries.isEmpty else {
            let supported = Set(registry.modules.flatMap(\.supportedReleases)).sorted().map(\.description)
            throw .unsupportedRelease(chip: "any chip", release: release?.description ?? "default", supported: supported)
        }
        return FirmwareInventory(schema: schemaID, firmwareRoot: verifier.root.path, digestsVerified: verifier.verifiesDigests,
                                 chips: entries, ok: entries.allSatisfy(\.firmware.isOK))
    }
}
