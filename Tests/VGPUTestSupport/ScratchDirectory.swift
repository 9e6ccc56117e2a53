import Foundation

/// A temporary directory for one test, removed when the value is released.
public final class ScratchDirectory: @unchecked Sendable {
    /// Absolute path of the directory.
    public let path: String

    /// Creates a fresh directory under the system temporary directory.
    public init(_ label: String = "vgpukit") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// `path/relative`.
    public func file(_ relative: String) -> String { path + "/" + relative }

    /// Writes bytes to `relative`, creating parent directories.
    @discardableResult
    public func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let target = file(relative)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Creates a symbolic link at `relative` pointing to `destination` (as given: relative or absolute).
    public func link(_ relative: String, to destination: String) throws {
        let target = file(relative)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: target, withDestinationPath: destination)
    }
}
