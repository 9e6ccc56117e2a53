#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VGPUPrimitives

extension FirmwareManifest {
    /// Largest manifest accepted: a real one is a few KiB; anything near this is not a manifest.
    public static let maximumEncodedSize = 1 << 20

    /// Decodes and validates a manifest.
    ///
    /// - Parameters:
    ///   - data: the JSON bytes.
    ///   - name: how errors refer to the manifest (usually its path).
    /// - Throws: `ManifestError` naming the field.
    public static func load(_ data: Data, name: String) throws(ManifestError) -> FirmwareManifest {
        let manifest = try ManifestError.decodeJSON(FirmwareManifest.self, from: data, name: name, limit: maximumEncodedSize)
        try manifest.validate(name: name)
        return manifest
    }

    /// Checks what JSON decoding cannot: versions, digests, safe paths, roles, duplicates.
    public func validate(name: String) throws(ManifestError) {
        func fail(_ field: String, _ problem: String) -> ManifestError {
            ManifestError(file: name, field: field, problem: problem)
        }
        guard schemaVersion == Self.supportedSchemaVersion else {
            throw fail("schemaVersion", "is \(schemaVersion); this build reads \(Self.supportedSchemaVersion)")
        }
        guard !architecture.isEmpty, architecture == architecture.lowercased() else {
            throw fail("architecture", "must be a non-empty lower-case name")
        }
        guard !releases.isEmpty else { throw fail("releases", "is empty") }
        var seenReleases: Set<FirmwareRelease> = []
        for (r, release) in releases.enumerated() {
            let rp = "releases[\(r)]"
            guard seenReleases.insert(release.version).inserted else {
                throw fail("\(rp).version", "\(release.version) is listed twice")
            }
            guard !release.chips.isEmpty else { throw fail("\(rp).chips", "is empty") }
            var seenChips: Set<String> = []
            for (c, chip) in release.chips.enumerated() {
                let cp = "\(rp).chips[\(c)]"
                guard !chip.chip.isEmpty, chip.chip == chip.chip.lowercased() else {
                    throw fail("\(cp).chip", "must be a non-empty lower-case chip name")
                }
                guard seenChips.insert(chip.chip).inserted else { throw fail("\(cp).chip", "\(chip.chip) is listed twice") }
                guard chip.files.contains(where: { $0.role == .gsp }) else {
                    throw fail("\(cp).files", "has no file with role gsp")
                }
                var seenRoles: Set<Role> = []
                for (f, file) in chip.files.enumerated() {
                    let fp = "\(cp).files[\(f)]"
                    guard seenRoles.insert(file.role).inserted else { throw fail("\(fp).role", "\(file.role.rawValue) is listed twice") }
                    if let why = ManifestPath.problem(with: file.path) { throw fail("\(fp).path", why) }
                    guard file.size > 0 else { throw fail("\(fp).size", "must be positive, is \(file.size)") }
                    guard file.sha256.isLowercaseSHA256Hex else {
                        throw fail("\(fp).sha256", "must be 64 lower-case hex digits")
                    }
                    if file.role == .gsp {
                        guard let version = file.fwversion, !version.isEmpty, !version.contains("\0") else { throw fail("\(fp).fwversion", "is required for role gsp") }
                        guard let section = file.signatureSection, section.hasPrefix(".fwsignature_"), section.count > 13 else {
                            throw fail("\(fp).signatureSection", "is required for role gsp and must start with .fwsignature_")
                        }
                    }
                }
            }
        }
    }
}

/// The rule for manifest paths, kept in one place: relative, no `..`, no empty or `.` components.
public enum ManifestPath {
    /// Why a path may not appear in a manifest, or nil when it is acceptable.
    public static func problem(with path: String) -> String? {
        if path.isEmpty { return "is empty" }
        if path.hasPrefix("/") { return "\(path) is absolute; paths are relative to the firmware root" }
        if path.utf8.contains(0) { return "contains a NUL byte" }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains("..") { return "\(path) contains '..', which could leave the firmware root" }
        if parts.contains(where: { $0.isEmpty || $0 == "." }) { return "\(path) has an empty or '.' component" }
        return nil
    }
}

/// An error in one of the project's JSON documents (firmware manifest, vGPU type catalogue, simulation
/// plan): the file, the JSON path, and a sentence saying what is wrong.
public typealias ManifestError = FileFieldError<String>

extension FileFieldError where Problem == String {
    /// Decodes one of this project's JSON documents (manifest, type catalogue, simulation plan) with
    /// the same rules: a size limit, errors that name the JSON path, and no key twice in one object.
    public static func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, name: String, limit: Int) throws(ManifestError) -> T {
        guard data.count <= limit else {
            throw ManifestError(file: name, field: "$", problem: "\(data.count) bytes exceeds the \(limit)-byte limit")
        }
        // RFC 8259 text between systems is UTF-8, and the repeated-key walk below reads UTF-8 bytes;
        // JSONDecoder would also take UTF-16 or UTF-32, whose ASCII characters carry NUL bytes.
        guard !data.contains(0) else { throw ManifestError(file: name, field: "$", problem: "is not UTF-8 text (it holds NUL bytes)") }
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw ManifestError(decoding: error, file: name)
        } catch {
            throw ManifestError(file: name, field: "$", problem: "\(error)")
        }
        if let repeated = JSONRepeatedKeys.first(in: data) {
            throw ManifestError(file: name, field: repeated, problem: "appears twice in one object (JSON does not say which counts; write it once)")
        }
        return value
    }

    /// Turns a `DecodingError` into an error that names the JSON path.
    public init(decoding error: DecodingError, file: String) {
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let i = key.intValue { out += "[\(i)]" } else { out += out.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
            return out.isEmpty ? "$" : out
        }
        switch error {
        case .keyNotFound(let key, let context):
            let base = path(context.codingPath)
            self.init(file: file, field: base == "$" ? key.stringValue : "\(base).\(key.stringValue)", problem: "is missing")
        case .typeMismatch(let type, let context):
            self.init(file: file, field: path(context.codingPath), problem: "has the wrong type; expected \(type)")
        case .valueNotFound(let type, let context):
            self.init(file: file, field: path(context.codingPath), problem: "is null; expected \(type)")
        case .dataCorrupted(let context):
            let detail = context.underlyingError.map { " (\($0))" } ?? ""
            self.init(file: file, field: path(context.codingPath), problem: context.debugDescription + detail)
        @unknown default:
            self.init(file: file, field: "$", problem: "\(error)")
        }
    }
}
