import Synchronization
import VGPUCore

/// What sysfs shows of a driver's version (`<root>/module/<driver>/version`).
public enum DriverVersion: Sendable, Equatable {
    /// The version line, one plain token (`535.261.03`).
    case shown(String)
    /// No version file: an in-tree driver (nouveau, vfio-pci), no driver, or an lspci-layout root.
    case absent
    /// The file is there but cannot be read, or holds no single plain token: `path: why`. Not the same as
    /// absent: the driver that loads the firmware is known to be versioned, and its version is not.
    case unreadable(String)

    /// The version, when shown.
    public var shown: String? {
        if case .shown(let version) = self { version } else { nil }
    }
}

/// Kernel driver versions as sysfs shows them (`<root>/module/<driver>/version`: the nvidia module's
/// release, such as 535.261.03), read once per driver name.
///
/// In-tree drivers (nouveau, vfio-pci) have no version file, and an lspci-layout root no `module/`:
/// both are `.absent`; a file that is there but unreadable or garbled is `.unreadable`. A name that is
/// not a plain module name (the basename of a `driver` link in a hostile tree could be `..`) is never
/// turned into a path.
public final class DriverVersions: Sendable {
    private let root: String
    private let reader: any SysfsReader
    private let known = Mutex<[String: DriverVersion]>([:])
    /// A version line is short; anything longer is not one.
    static let limit = 64

    /// Versions under the sysfs root `root`, read through `reader`.
    public init(root: String, reader: any SysfsReader) { (self.root, self.reader) = (root, reader) }

    /// What sysfs shows of the version of the driver `name`.
    public func reading(of name: String) -> DriverVersion {
        if let cached = known.withLock({ $0[name] }) { return cached }
        let version = Self.isModuleName(name) ? read(name) : .absent
        known.withLock { $0[name] = version }
        return version
    }

    /// The version of the driver `name`, or nil when sysfs shows none (absent or unreadable).
    public func version(of name: String) -> String? { reading(of: name).shown }

    /// Reads `module/<name>/version` once: absent, unreadable (naming the path and why), or the token.
    private func read(_ name: String) -> DriverVersion {
        let path = "\(root)/module/\(name)/version"
        let bytes: [UInt8]
        switch reader.read(path, limit: Self.limit + 1) {
        case .success(let b): bytes = b
        case .failure(.notFound): return .absent
        case .failure(let why): return .unreadable("\(path): \(why)")
        }
        guard bytes.count <= Self.limit else { return .unreadable("\(path): longer than \(Self.limit) bytes") }
        let text = String(decoding: bytes, as: UTF8.self)
        let words = text.split(whereSeparator: \.isWhitespace)
        guard words.count == 1, let word = words.first,
              word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-+~".contains($0)) })
        else {
            let line = String(text.reversed().drop(while: \.isWhitespace).reversed())
            return .unreadable("\(path): '\(line)' is not one version token")
        }
        return .shown(String(word))
    }

    /// Letters, digits, `_` and `-`: what the kernel allows in a module name.
    static func isModuleName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
