import Synchronization

/// Kernel driver versions as sysfs shows them (`<root>/module/<driver>/version`: the nvidia module's
/// release, such as 535.261.03), read once per driver name.
///
/// In-tree drivers (nouveau, vfio-pci) have no version file, and an lspci-layout root no `module/`:
/// both give nil. A name that is not a plain module name (the basename of a `driver` link in a hostile
/// tree could be `..`) is never turned into a path.
public final class DriverVersions: Sendable {
    private let root: String
    private let reader: any SysfsReader
    private let known = Mutex<[String: String?]>([:])
    /// A version line is short; anything longer is not one.
    static let limit = 64

    /// Versions under the sysfs root `root`, read through `reader`.
    public init(root: String, reader: any SysfsReader) { (self.root, self.reader) = (root, reader) }

    /// The version of the driver `name`, or nil when sysfs shows none.
    public func version(of name: String) -> String? {
        if let cached = known.withLock({ $0[name] }) { return cached }
        let version = Self.isModuleName(name) ? read(name) : nil
        known.withLock { $0[name] = version }
        return version
    }

    private func read(_ name: String) -> String? {
        guard case .success(let bytes) = reader.read("\(root)/module/\(name)/version", limit: Self.limit + 1),
              bytes.count <= Self.limit else { return nil }
        let words = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard words.count == 1, let text = words.first else { return nil }
        return text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-+~".contains($0)) }) ? String(text) : nil
    }

    /// Letters, digits, `_` and `-`: what the kernel allows in a module name.
    static func isModuleName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
