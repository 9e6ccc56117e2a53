/// A GSP-RM firmware image: the RISC-V ELF NVIDIA ships as `nvidia/<chip>/gsp/gsp-<release>.bin`
/// (linux-firmware) or `nvidia/<release>/gsp_<family>.bin` (NVIDIA's driver layout).
///
/// Opening reads the section table and the small sections through libelf and closes the file again;
/// `.fwimage` (tens of MiB) stays on disk, described by its range.
public struct GSPFirmwareImage: Equatable, Sendable, Codable {
    /// The largest ELF image (GSP or FMC) read: the biggest real GSP image is under 64 MiB.
    public static let maximumFileSize: UInt64 = 256 << 20

    /// Name of the section holding the GSP-RM image.
    public static let imageSection = ".fwimage"
    /// Name of the section holding the NUL-terminated version text.
    public static let versionSection = ".fwversion"
    /// Prefix of the per-family signature sections.
    public static let signaturePrefix = ".fwsignature_"

    /// Path it was read from.
    public let path: String
    /// The firmware root it was opened beneath, and is read again beneath (`FileAccess.openRegular`);
    /// nil for a file opened as given. Not part of the encoded image.
    public private(set) var root: String? = nil
    /// Length of the file in bytes.
    public let fileSize: UInt64
    /// `e_type` (1, ET_REL, in every released image).
    public let elfType: UInt16
    /// Every section, in table order.
    public let sections: [ELFSection]
    /// `.fwversion` without its NUL, e.g. `535.113.01`.
    public let version: String
    /// Where `.fwimage` lies in the file.
    public let image: FileRange

    /// The chip families the file carries signatures for (`ad10x`, `ga10x`, ...), sorted.
    public var signatureFamilies: [String] {
        sections.compactMap { $0.name.hasPrefix(Self.signaturePrefix) ? String($0.name.dropFirst(Self.signaturePrefix.count)) : nil }.sorted()
    }

    /// The section with this exact name.
    public func section(named name: String) -> ELFSection? { sections.first { $0.name == name } }

    /// The signature section for a family (`ad10x` -> `.fwsignature_ad10x`), or an error naming it.
    public func signatureSection(family: String) throws(FirmwareError) -> ELFSection {
        let name = Self.signaturePrefix + family
        guard let s = section(named: name) else { throw FirmwareError(file: path, field: name, problem: .missingSection(name)) }
        return s
    }

    /// Longest `.fwversion` accepted; real ones are 11 bytes.
    static let maximumVersionLength: UInt64 = 64

    /// Opens, validates and summarizes a GSP image.
    ///
    /// - Throws: `FirmwareError` for an unreadable file, a non-ELF64/LE/RISC-V file, out-of-range
    ///   headers or section names, duplicated or missing `.fwimage` / `.fwversion`, or a bad version text.
    public init(path: String, beneath root: String? = nil) throws(FirmwareError) {
        let elf = try ELFFile(path: path, beneath: root)
        // Sorted, a repeated name sits next to its twin. (Not a Set: this runs once per start of
        // gsp-elf, and a Set<String>'s first use costs more than sorting a dozen names.)
        let names = elf.sections.lazy.map(\.name).filter { !$0.isEmpty }.sorted()
        if let twin = zip(names, names.dropFirst()).first(where: { $0.0 == $0.1 })?.0 {
            throw FirmwareError(file: path, field: twin, problem: .invalidValue("section \(twin) appears more than once"))
        }
        guard let image = elf.sections.first(where: { $0.name == Self.imageSection }) else {
            throw FirmwareError(file: path, field: Self.imageSection, problem: .missingSection(Self.imageSection))
        }
        guard let versionSection = elf.sections.first(where: { $0.name == Self.versionSection }) else {
            throw FirmwareError(file: path, field: Self.versionSection, problem: .missingSection(Self.versionSection))
        }
        guard image.type != 8, image.range.size > 0 else {
            throw FirmwareError(file: path, field: Self.imageSection, problem: .invalidValue(".fwimage is empty"))
        }
        guard versionSection.range.size <= Self.maximumVersionLength else {
            throw FirmwareError(file: path, field: Self.versionSection,
                                problem: .invalidValue(".fwversion is \(versionSection.range.size) bytes; a version is at most \(Self.maximumVersionLength)"))
        }
        let raw = try elf.bytes(of: versionSection)
        version = try Self.decodeVersion(raw, path: path)
        self.path = path
        self.root = root
        fileSize = elf.fileSize
        elfType = elf.elfType
        sections = elf.sections
        self.image = image.range
    }

    /// `.fwversion` must be printable ASCII, NUL-terminated (the NUL is dropped).
    private static func decodeVersion(_ raw: [UInt8], path: String) throws(FirmwareError) -> String {
        var bytes = raw[...]
        if bytes.last == 0 { bytes = bytes.dropLast() }
        guard !bytes.isEmpty, bytes.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            throw FirmwareError(file: path, field: versionSection,
                                problem: .invalidValue(".fwversion is not a printable version string"))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a small section's bytes (a signature, the version) from the file.
    public func readSection(_ section: ELFSection) throws(FirmwareError) -> [UInt8] {
        let fd = try FileAccess.open(path, beneath: root)
        defer { try? fd.close() }
        return try FileAccess.read(fd, section.range, path: path, field: section.name)
    }

    /// What an encoded image holds: everything but `root`, where it was opened.
    private enum CodingKeys: String, CodingKey {
        case path, fileSize, elfType, sections, version, image
    }
}
