import VGPUPrimitives

/// Why a firmware file could not be read or parsed: the file, the header field or section, and a typed
/// problem (`FileFieldError`, the one error shape of VGPUKit's file readers).
///
/// Tests match on `problem` (the kind) and `field`; users read `description`, `path: field: what is wrong`.
public typealias FirmwareError = FileFieldError<FirmwareProblem>

/// What is wrong with a firmware file's field: one kind per distinct cause.
public enum FirmwareProblem: Equatable, Sendable {
    /// open/stat/read failed with this errno text.
    case unreadable(String)
    /// The file is larger than any real file of its kind; refused before reading.
    case tooLarge(size: Int, limit: Int)
    /// The file ends before the field does.
    case truncated(needed: Int, available: Int)
    /// Not an ELF file at all (bad `\x7fELF` ident).
    case notELF
    /// ELF class is not ELFCLASS64.
    case wrongClass(UInt8)
    /// ELF data encoding is not little endian.
    case wrongDataEncoding(UInt8)
    /// ELF machine is not EM_RISCV (243).
    case wrongMachine(UInt16)
    /// A magic number did not match.
    case badMagic(expected: UInt32, found: UInt32)
    /// A header version this code does not know.
    case unsupportedVersion(UInt32)
    /// An offset (+ size) points past the end of the file or its container.
    case outOfBounds(offset: UInt64, size: UInt64, limit: UInt64)
    /// A required section is absent.
    case missingSection(String)
    /// A section name index points outside the section-header string table.
    case nameOutOfRange(index: UInt64)
    /// A value is impossible (e.g. zero signatures); the text says what was expected.
    case invalidValue(String)
    /// libelf reported an error that has no more specific kind here.
    case libelf(String)
}

extension FirmwareProblem {
    /// The case name (`truncated`, `outOfBounds`, ...): a stable kind for machines and the bad-input corpus.
    public var kind: String {
        switch self {
        case .unreadable: "unreadable"
        case .tooLarge: "tooLarge"
        case .truncated: "truncated"
        case .notELF: "notELF"
        case .wrongClass: "wrongClass"
        case .wrongDataEncoding: "wrongDataEncoding"
        case .wrongMachine: "wrongMachine"
        case .badMagic: "badMagic"
        case .unsupportedVersion: "unsupportedVersion"
        case .outOfBounds: "outOfBounds"
        case .missingSection: "missingSection"
        case .nameOutOfRange: "nameOutOfRange"
        case .invalidValue: "invalidValue"
        case .libelf: "libelf"
        }
    }
}

extension FirmwareProblem: CustomStringConvertible {
    /// A sentence fragment that says what was expected.
    public var description: String {
        switch self {
        case .unreadable(let why): return "cannot be read: \(why)"
        case .tooLarge(let size, let limit): return "file is \(size) bytes, over the \(limit)-byte limit for this kind of file"
        case .truncated(let needed, let available): return "truncated: needs \(needed) bytes, file has \(available)"
        case .notELF: return "not an ELF file (bad ident magic)"
        case .wrongClass(let c): return "ELF class \(c), expected 2 (ELFCLASS64)"
        case .wrongDataEncoding(let d): return "ELF data encoding \(d), expected 1 (little endian)"
        case .wrongMachine(let m): return "ELF machine \(m), expected 243 (EM_RISCV)"
        case .badMagic(let e, let f): return "magic \(hex: f), expected \(hex: e)"
        case .unsupportedVersion(let v): return "version \(v) is not supported"
        case .outOfBounds(let offset, let size, let limit):
            return "range \(hex: offset)+\(hex: size) ends past \(hex: limit)"
        case .missingSection(let name): return "section \(name) is missing"
        case .nameOutOfRange(let index): return "name index \(index) is outside the section-name string table"
        case .invalidValue(let what): return what
        case .libelf(let message): return "libelf: \(message)"
        }
    }
}
