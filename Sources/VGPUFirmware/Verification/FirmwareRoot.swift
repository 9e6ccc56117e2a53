#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VGPUCore
import VGPUSystem

/// A directory firmware paths are resolved under (`/lib/firmware` by default), and the rule that a
/// manifest entry can never resolve outside it: no absolute paths, no `..`, and no symbolic link whose
/// target leaves the root. Links inside the root are normal: Debian's ad10x GSP images link to ga102's.
public struct FirmwareRoot: Sendable, Equatable {
    /// The root as given.
    public let path: String
    /// The root with every link resolved, or nil when it does not exist.
    public let canonicalPath: String?

    /// Uses `path` as the firmware root.
    public init(path: String) {
        self.path = path
        self.canonicalPath = Self.realpath(path)
    }

    /// Why this root cannot be used, or nil when it is a directory: the one rule every command applies
    /// before it looks for a file there (exit 66 when it fails).
    public var unusable: String? {
        switch SafeFile.openDirectory(path) {
        case .success(let fd):
            close(fd)
            return nil
        case .failure(.system(.noSuchFileOrDirectory)): return "does not exist"
        case .failure(.system(.notDirectory)): return "is not a directory"
        case .failure(let error): return "cannot be opened (\(error))"
        }
    }

    /// Where a manifest path leads.
    public enum Resolution: Equatable, Sendable {
        /// A regular path inside the root (`resolved` is the canonical file).
        case inside(resolved: String)
        /// Nothing exists at the path (or a link in it dangles).
        case missing
        /// The path is refused: the text says why.
        case unsafe(String)
        /// Something is at the path but it cannot be resolved (a link loop, a directory this user may
        /// not search, an I/O error): the text says why. Not missing, and not a way out of the root.
        case unreadable(String)
    }

    /// Resolves a manifest-relative path, refusing any way out of the root.
    public func resolve(_ relative: String) -> Resolution {
        if let why = ManifestPath.problem(with: relative) { return .unsafe(why) }
        guard let root = canonicalPath else { return .missing }
        let joined = path.hasSuffix("/") ? path + relative : path + "/" + relative
        let resolved: String
        switch Self.canonical(joined) {
        case .success(let path): resolved = path
        case .failure(let failure):
            // Only "no such file" is missing; a link loop or a refused directory is not (main said
            // "missing" for both, pointing the user at a file that is there).
            let code = failure.code
            return code == ENOENT || code == ENOTDIR ? .missing : .unreadable("cannot be resolved (\(String(cString: strerror(code))))")
        }
        guard resolved == root || resolved.hasPrefix(root == "/" ? "/" : root + "/") else {
            return .unsafe("\(relative) resolves to \(resolved), outside the firmware root \(root)")
        }
        return .inside(resolved: resolved)
    }

    /// `realpath(3)`, or nil when the path (or a link along it) does not resolve.
    static func realpath(_ path: String) -> String? { try? canonical(path).get() }

    /// Why `realpath(3)` failed: its errno, taken at once, before anything else can change it.
    struct ResolutionFailure: Error { let code: Int32 }

    /// `realpath(3)`, or the errno of its failure.
    static func canonical(_ path: String) -> Result<String, ResolutionFailure> {
        guard let resolved = Glibc.realpath(path, nil) else { return .failure(ResolutionFailure(code: errno)) }
        defer { free(resolved) }
        return .success(String(cString: resolved))
    }
}
