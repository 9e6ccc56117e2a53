#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Synchronization
import SystemPackage
import VGPUSystem
#if canImport(Glibc)
import Glibc
#endif

/// SHA-256 digests of firmware files remembered across runs, keyed by what the file system says of the
/// file (device, inode, size, mtime, ctime and birth time, in nanoseconds), so a repeated probe of
/// unchanged firmware skips re-hashing 38 MB per image.
///
/// What the key sees: any write, truncation, chmod, rename over the file or restored timestamp (`cp -p`,
/// `rsync -a`, `touch -r` set mtime but cannot set ctime, which becomes "now"); a file recreated on a
/// reused inode (a new birth time where the file system records one). What it cannot see: a change
/// made while the system clock is set back to the old ctime, or directly on the block device.
/// `--verify-all` hashes everything regardless (and refreshes the cache).
///
/// Several probes may run at once: `save` merges under an exclusive lock (flock on `<path>.lock`) with
/// what the file holds by then, and replaces it by rename, so no process loses another's entries.
///
/// Thread-safe: the probe's firmware prefetch stores digests from a background thread.
public final class DigestCache: Sendable {
    /// The identity of a file's contents as the file system reports it.
    public struct Key: Hashable, Sendable {
        public let identity: FileIdentity

        /// `dev:ino:size:mtime:ctime:birth` as stored.
        var text: String {
            let i = identity
            return "\(i.device):\(i.inode):\(i.size):\(i.mtimeNanoseconds):\(i.ctimeNanoseconds):\(i.birthNanoseconds)"
        }

        /// Bytes in the file when the key was taken.
        public var size: Int64 { identity.size }

        /// The key of the file at `path`, or nil when it cannot be stat'ed.
        public static func of(_ path: String) -> Key? { FileIdentity.of(path).map(Key.init) }
    }

    /// Where the cache is stored.
    public let path: String
    /// Whether `save` writes (`Location.writable`).
    public let writable: Bool
    /// Digest by key text; `added` holds what this process stored, which `save` merges into the file.
    private let state = Mutex<(entries: [String: String], added: [String: String])>(([:], [:]))
    /// Largest cache file read; anything bigger is ignored (and replaced on save).
    static let maximumSize = 1 << 20
    /// Most entries kept (a few firmware releases of every chip fit many times over).
    static let maximumEntries = 4096

    /// Where a cache lives and whether this process may write it.
    public struct Location: Sendable, Equatable {
        /// The cache file.
        public let path: String
        /// Why it is read-only, for --verbose; nil when writable.
        public let readOnlyReason: String?
        /// False: the file is read when present and never written.
        public var writable: Bool { readOnlyReason == nil }

        /// A cache the caller chose: written unless `readOnly`.
        public init(path: String, readOnly: Bool = false) {
            self.init(path: path, readOnlyReason: readOnly ? "read-only as asked" : nil)
        }

        init(path: String, readOnlyReason: String?) { (self.path, self.readOnlyReason) = (path, readOnlyReason) }
    }

    /// `$VGPUKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/vgpukit`, else `$HOME/.cache/vgpukit`; file
    /// firmware-digests.json. A variable set to the empty string counts as unset (as XDG says), so
    /// `VGPUKIT_CACHE_DIR=` never puts the cache in the current or root directory.
    ///
    /// Written when the user may be assumed to want it: always under `$VGPUKIT_CACHE_DIR`; elsewhere only
    /// when not running as root. `sudo vgpu-probe` on a production host is a read-only diagnosis, and a
    /// file appearing under /root (or under the invoking user's home, owned by root) would be a surprise:
    /// there the cache is read if present and never written, and --verbose says so.
    public static var defaultLocation: Location {
        location(environment: ProcessInfo.processInfo.environment, runningAsRoot: geteuid() == 0)
    }

    /// `defaultLocation` for a given environment and user (the seam its tests use).
    public static func location(environment env: [String: String], runningAsRoot: Bool) -> Location {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let chosen = value("VGPUKIT_CACHE_DIR") { return Location(path: chosen + "/firmware-digests.json") }
        let dir = value("XDG_CACHE_HOME").map { $0 + "/vgpukit" }
            ?? (value("HOME") ?? FileManager.default.homeDirectoryForCurrentUser.path) + "/.cache/vgpukit"
        let why = runningAsRoot ? "running as root: the default cache is read, not written (set VGPUKIT_CACHE_DIR to keep one)" : nil
        return Location(path: dir + "/firmware-digests.json", readOnlyReason: why)
    }

    /// Opens the cache at `location`; an absent, oversized, non-regular or corrupt file starts it empty.
    public init(_ location: Location) {
        self.path = location.path
        self.writable = location.writable
        let entries = Self.load(path)
        state.withLock { $0.entries = entries }
    }

    /// Opens a cache the caller chose at `path`, written on `save`.
    public convenience init(path: String) { self.init(Location(path: path)) }

    /// The valid entries of the cache file at `path`; empty when there are none to read. The size is
    /// checked on the opened file before it is read.
    static func load(_ path: String) -> [String: String] {
        guard case .success(let bytes) = SafeFile.contents(of: path, limit: maximumSize),
              let decoded = try? JSONDecoder().decode([String: String].self, from: Data(bytes)) else { return [:] }
        return decoded.filter(\.value.isLowercaseSHA256Hex)
    }

    /// The remembered digest for `key`.
    public func digest(for key: Key) -> String? { state.withLock { $0.entries[key.text] } }

    /// Remembers a digest.
    public func store(_ digest: String, for key: Key) {
        state.withLock {
            guard $0.entries[key.text] != digest else { return }
            $0.entries[key.text] = digest
            $0.added[key.text] = digest
        }
    }

    /// Merges this process's new digests into the cache file, if it stored any: under an exclusive
    /// lock, the file is read again, the new entries are added and the result replaces it by rename.
    /// Errors are ignored: a cache is an optimisation. A read-only cache writes nothing.
    public func save() {
        guard writable else { return }
        let added = state.withLock { s -> [String: String] in
            defer { s.added = [:] }
            return s.added
        }
        guard !added.isEmpty else { return }
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lock = open(path + ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard lock >= 0 else { return }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { return }
        var merged = Self.load(path)
        for (key, digest) in added { merged[key] = digest }
        if merged.count > Self.maximumEntries {
            // Keep this run's entries and as many older ones as fit.
            let older = merged.keys.filter { added[$0] == nil }.sorted().prefix(Self.maximumEntries - min(added.count, Self.maximumEntries))
            merged = added.merging(older.map { ($0, merged[$0] ?? "") }) { a, _ in a }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        if let data = try? encoder.encode(merged) { try? data.write(to: url, options: .atomic) }
    }
}
