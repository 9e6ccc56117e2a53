import VGPUCore
import VGPUFirmwareFormats

/// The verification result for one manifest file: where it resolved, what was found, what was parsed.
public struct FirmwareFileReport: Sendable, Codable, Equatable {
    /// The file's role in the boot.
    public let role: FirmwareManifest.Role
    /// Path relative to the firmware root, as the manifest gives it.
    public let path: String
    /// The canonical file it resolved to, when it exists inside the root.
    public var resolvedPath: String?
    /// Size the manifest expects.
    public let expectedSize: Int
    /// Digest the manifest expects.
    public let expectedSHA256: String
    /// Size found on disk.
    public var size: UInt64?
    /// Digest computed from disk (absent when not computed, e.g. the size was already wrong).
    public var sha256: String?
    /// Everything wrong with the file; empty means ok.
    public var findings: [FirmwareFinding] = []
    /// What was parsed from the file, when it parsed.
    public var contents: FirmwareContents?
    /// For a GSP image: the signature section this chip's family boots with, when present.
    public var signature: ELFSection?

    /// True when nothing is wrong.
    public var isOK: Bool { findings.isEmpty }
}

/// One thing wrong with a firmware file, with a stable kind for machines and a sentence for people.
public struct FirmwareFinding: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The kinds of finding the verifier reports.
    public enum Kind: String, Sendable, Codable, Equatable {
        /// No file at the path.
        case missing
        /// The path escapes the firmware root, or is refused outright.
        case unsafePath = "unsafe-path"
        /// The file's length differs from the manifest's.
        case wrongSize = "wrong-size"
        /// The SHA-256 differs from the manifest's.
        case wrongDigest = "wrong-digest"
        /// `.fwversion` differs from the manifest's.
        case wrongVersion = "wrong-version"
        /// A required section (the family's signature) is absent.
        case missingSection = "missing-section"
        /// The file does not parse as its format.
        case malformed
        /// The file exists but cannot be read.
        case unreadable
    }

    /// What kind of problem.
    public let kind: Kind
    /// One sentence naming the file and field.
    public let message: String

    /// The message.
    public var description: String { message }
}

/// What the parser found in a firmware file, by format.
public enum FirmwareContents: Sendable, Codable, Equatable {
    /// A GSP ELF image.
    case gsp(GSPFirmwareImage)
    /// A RISC-V bootloader container.
    case bootloader(RISCVBootloader)
    /// A SEC2 booter (or scrubber) container.
    case booter(BooterUcode)
    /// A falcon generic bootloader container.
    case falconBootloader(FalconBootloader)
    /// A GSP-FMC image (Hopper, Blackwell).
    case fmc(FMCImage)
}

/// Verification of every file one chip needs at one release.
public struct ChipFirmwareReport: Sendable, Codable, Equatable {
    /// Lower-case chip name.
    public let chip: String
    /// The release checked.
    public let release: FirmwareRelease
    /// The Debian package that ships the files (so a user knows what to install).
    public let source: FirmwareManifest.DebianSource
    /// One report per manifest file, in manifest order.
    public let files: [FirmwareFileReport]

    /// True when every file verified.
    public var isOK: Bool { files.allSatisfy(\.isOK) }
}

extension FirmwareContents {
    private enum CodingKeys: String, CodingKey { case format, gsp, bootloader, booter, falconBootloader, fmc }

    /// `{"format": "gsp-elf", "gsp": {...}}`: a stable, self-describing JSON shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        func encode(_ format: FirmwareFormat, _ key: CodingKeys, _ value: some Encodable) throws {
            try c.encode(format, forKey: .format)
            try c.encode(value, forKey: key)
        }
        switch self {
        case .gsp(let v): try encode(.gspELF, .gsp, v)
        case .bootloader(let v): try encode(.riscvBootloader, .bootloader, v)
        case .booter(let v): try encode(.booter, .booter, v)
        case .falconBootloader(let v): try encode(.falconBootloader, .falconBootloader, v)
        case .fmc(let v): try encode(.fmcELF, .fmc, v)
        }
    }

    /// Reads the shape `encode(to:)` writes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(FirmwareFormat.self, forKey: .format) {
        case .gspELF: self = .gsp(try c.decode(GSPFirmwareImage.self, forKey: .gsp))
        case .riscvBootloader: self = .bootloader(try c.decode(RISCVBootloader.self, forKey: .bootloader))
        case .booter: self = .booter(try c.decode(BooterUcode.self, forKey: .booter))
        case .falconBootloader: self = .falconBootloader(try c.decode(FalconBootloader.self, forKey: .falconBootloader))
        case .fmcELF: self = .fmc(try c.decode(FMCImage.self, forKey: .fmc))
        }
    }
}
