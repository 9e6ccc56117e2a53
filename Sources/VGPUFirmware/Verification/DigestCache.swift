#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization
import SystemPackage

/// SHA-256 digests of firmware files remembered across runs, keyed by (device, inode, size, mtime in
/// nanoseconds), so a repeated probe of unchanged firmware skips re-hashing 38 MB per image.
///
/// A file rewritten in place keeps its inode but changes mtime (and usually size), so its key changes.
/// What the key cannot see is a deliberate rewrite that restores size and mtime; `--verify-all` hashes
/// everything regardless (and refreshes the cache). The cache lives in the user's cache directory.
///
/// Thread-safe: the probe's firmware prefetch stores digests from a background thread.
public final class DigestCache: Sendable {
    /// The identity of a file's contents as the file system reports it.
    public struct Key: Hashable, Sendable {
        public let device: UInt64, inode: UInt64, size: Int64, mtimeNanoseconds: Int64

        /// `dev:ino:size:mtime` as stored.
        var text: String { "\(device):\(inode):\(size):\(mtimeNanoseconds)" }

        /// The key of the file at `path`, or nil when it cannot be stat'ed.
        public static func of(_ path: String) -> Key? {
            guard let s = try? FilePath(path).stat() else { return nil }
            let raw = s.rawValue
            return Key(device: UInt64(raw.st_dev), inode: UInt64(raw.st_ino), size: Int64(raw.st_size),
                       mtimeNanoseconds: Int64(raw.st_mtim.tv_sec) * 1_000_000_000 + Int64(raw.st_mtim.tv_nsec))
        }
    }

    /// Where the cache is stored.
    public let path: String
    /// Digest by key text, and whether anything changed since the file was read.
    private let state = Mutex<(entries: [String: String], dirty: Bool)>(([:], false))
    /// Largest cache file read; anything bigger is ignored (and replaced on save).
    static let maximumSize = 1 << 20

    /// `$VGPUKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/vgpukit`, else `~/.cache/vgpukit`; file firmware-digests.json.
    public static var defaultPath: String {
        let env = ProcessInfo.processInfo.environment
        let dir = env["VGPUKIT_CACHE_DIR"] ?? env["XDG_CACHE_HOME"].map { $0 + "/vgpukit" }
            ?? (env["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path) + "/.cache/vgpukit"
        return dir + "/firmware-digests.json"
    }

    /// Opens the cache at `path`; an absent, oversized or corrupt file starts it empty.
    public init(path: String = DigestCache.defaultPath) {
        self.path = path
        if let data = FileManager.default.contents(atPath: path), data.count <= Self.maximumSize,
           let decoded = try? JSONDecoder().decode([String: String].self, from: data) {
            let entries = decoded.filter(\.value.isLowercaseSHA256Hex)
            state.withLock { $0.entries = entries }
        }
    }

    /// The remembered digest for `key`.
    public func digest(for key: Key) -> String? { state.withLock { $0.entries[key.text] } }

    /// Remembers a digest.
    public func store(_ digest: String, for key: Key) {
        state.withLock {
            guard $0.entries[key.text] != digest else { return }
            $0.entries[key.text] = digest
            $0.dirty = true
        }
    }

    /// Writes the cache if it changed (atomically; errors are ignored: a cache is an optimisation).
    public func save() {
        // Take the entries and clear the flag under the lock; a digest stored meanwhile marks it again.
        guard let entries = state.withLock({ s -> [String: String]? in
            defer { s.dirty = false }
            return s.dirty ? s.entries : nil
        }) else { return }
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let data = try? encoder.encode(entries) { try? data.write(to: url, options: .atomic) }
    }
}
