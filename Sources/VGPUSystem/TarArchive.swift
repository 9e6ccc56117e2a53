/// A POSIX ustar archive built in memory: regular files, directories and symbolic links, as GNU tar
/// and bsdtar read them.
///
/// Hand-written because the format is 512-byte headers of fixed fields (POSIX.1-2001 `ustar`) and no
/// library in the Swift toolchain's set writes it (docs/dependencies.md); only what a snapshot holds
/// is supported: names up to 255 bytes (split into prefix and name at a slash), link targets up to
/// 100, files up to 8 GiB. Timestamps are fixed so that the same tree gives the same archive.
public struct TarArchive {
    /// Why an entry cannot be stored.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case nameTooLong(String)
        case linkTargetTooLong(String)
        public var description: String {
            switch self {
            case .nameTooLong(let n): "tar: name longer than ustar allows: \(n)"
            case .linkTargetTooLong(let t): "tar: link target longer than 100 bytes: \(t)"
            }
        }
    }

    /// The archive so far (without the end-of-archive blocks).
    private(set) var bytes: [UInt8] = []
    /// The modification time written for every entry (seconds since 1970).
    let mtime: Int

    /// An empty archive whose entries carry `mtime`.
    public init(mtime: Int = 0) { self.mtime = mtime }

    /// Adds a directory (`name` without a trailing slash).
    public mutating func addDirectory(_ name: String, mode: Int = 0o755) throws(Failure) {
        try header(name + "/", type: "5", mode: mode, size: 0, link: "")
    }

    /// Adds a regular file.
    public mutating func addFile(_ name: String, _ contents: [UInt8], mode: Int = 0o644) throws(Failure) {
        try header(name, type: "0", mode: mode, size: contents.count, link: "")
        bytes += contents
        bytes += [UInt8](repeating: 0, count: (512 - contents.count % 512) % 512)
    }

    /// Adds a symbolic link to `target`.
    public mutating func addSymlink(_ name: String, to target: String) throws(Failure) {
        try header(name, type: "2", mode: 0o777, size: 0, link: target)
    }

    /// The finished archive: the entries and two zero blocks.
    public var finished: [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }

    private mutating func header(_ path: String, type: Character, mode: Int, size: Int, link: String) throws(Failure) {
        let (prefix, name) = try Self.split(path)
        guard link.utf8.count <= 100 else { throw .linkTargetTooLong(link) }
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ offset: Int, _ width: Int) {
            for (i, b) in text.utf8.prefix(width).enumerated() { h[offset + i] = b }
        }
        func octal(_ value: Int, _ offset: Int, _ width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, offset, width - 1)
        }
        put(name, 0, 100)
        octal(mode, 100, 8)
        octal(0, 108, 8)              // uid
        octal(0, 116, 8)              // gid
        octal(size, 124, 12)
        octal(mtime, 136, 12)
        put("        ", 148, 8)       // checksum counted as spaces
        put(String(type), 156, 1)
        put(link, 157, 100)
        put("ustar", 257, 6)          // magic "ustar\0"
        put("00", 263, 2)             // version
        put("root", 265, 32)
        put("root", 297, 32)
        put(prefix, 345, 155)
        let sum = h.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: max(0, 6 - digits.count)) + digits, 148, 6)
        h[154] = 0
        h[155] = 0x20
        bytes += h
    }

    /// ustar's name split: up to 100 bytes of name, the rest (up to 155) in the prefix, at a slash.
    static func split(_ path: String) throws(Failure) -> (prefix: String, name: String) {
        let utf8 = Array(path.utf8)
        if utf8.count <= 100 { return ("", path) }
        guard utf8.count <= 256 else { throw .nameTooLong(path) }
        for cut in stride(from: min(utf8.count - 1, 155), through: 1, by: -1) where utf8[cut] == UInt8(ascii: "/") {
            if utf8.count - cut - 1 <= 100 {
                return (String(decoding: utf8[..<cut], as: UTF8.self), String(decoding: utf8[(cut + 1)...], as: UTF8.self))
            }
        }
        throw .nameTooLong(path)
    }
}
