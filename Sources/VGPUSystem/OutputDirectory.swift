#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

/// A directory this tool creates and writes into, by descriptor, never by path.
///
/// The directory itself is made with mkdir (so it cannot already exist: nothing in it predates the
/// run), then held open; every subdirectory, file and link is made relative to a held descriptor with
/// `O_NOFOLLOW` and `O_EXCL`. A user who can write the parent directory and swaps a directory for a
/// symbolic link mid-run makes the write fail; it never redirects it (the tool runs as root).
public final class OutputDirectory {
    /// Why something could not be written, naming the path as the user gave it.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        /// The path, relative to where the user pointed (`DIR/bus/pci/...`).
        public let path: String
        /// What went wrong.
        public let problem: String
        /// `path: problem`.
        public var description: String { "\(path): \(problem)" }
    }

    /// What was written under the top directory, in order, relative to it: so the same tree can be
    /// archived without reading it back.
    public enum Entry: Equatable, Sendable {
        case directory(String)
        case file(String, [UInt8], mode: mode_t)
        case symlink(String, target: String)
    }

    /// The journal shared by a top directory and its subdirectories.
    private final class Journal { var entries: [Entry] = [] }

    /// The path it was opened as, for messages.
    public let path: String
    private let fd: Int32
    /// This directory's path relative to the top ("" for the top).
    private let relative: String
    private let journal: Journal

    private init(path: String, fd: Int32, relative: String, journal: Journal) {
        self.path = path
        self.fd = fd
        self.relative = relative
        self.journal = journal
    }

    /// Everything written under the top directory so far, in order.
    public var entries: [Entry] { journal.entries }

    private func relativePath(_ name: String) -> String { relative.isEmpty ? name : relative + "/" + name }

    deinit { close(fd) }

    /// Creates the new directory `path` (its parent must exist; `path` must not) and opens it.
    public static func create(_ path: String) throws(Failure) -> OutputDirectory {
        guard !path.isEmpty else { throw Failure(path: "\"\"", problem: "an empty path names no directory") }
        guard mkdir(path, 0o755) == 0 else {
            let code = errno
            throw Failure(path: path, problem: code == EEXIST ? "already exists; name a new directory" : Errno(rawValue: code).description)
        }
        let raw = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard raw >= 0 else { throw Failure(path: path, problem: "cannot open the new directory: \(Errno(rawValue: errno))") }
        return OutputDirectory(path: path, fd: raw, relative: "", journal: Journal())
    }

    /// Writes the new file `path` (it must not exist; a link there is not followed) holding `bytes`:
    /// an output beside a directory, such as its archive.
    public static func writeNewFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(Failure) {
        try create(path, bytes, shownAs: path) { openat(AT_FDCWD, path, $0, mode) }
    }

    /// Replaces the file `path` with one holding `bytes`, atomically: a reader (node_exporter's textfile
    /// collector, NFD's local source) sees the old file or the new one, never a part. The bytes go to a
    /// new temporary file in the same directory (`O_EXCL`, never through a link), synced, then renamed
    /// over `path`; a link at `path` is replaced, not followed. On failure the temporary file is removed
    /// and `path` is left as it was.
    public static func replaceFile(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(Failure) {
        guard let name = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init), name != "..", name != "." else {
            throw Failure(path: path, problem: "names no file")
        }
        let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let dir = open(parent.isEmpty ? "/" : parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dir >= 0 else { throw Failure(path: path, problem: "cannot open its directory: \(Errno(rawValue: errno))") }
        defer { close(dir) }
        let temporary = ".\(name).\(getpid()).tmp"
        // A leftover of a run killed mid-write (in a container every run is pid 1) would block every
        // later one: it is this tool's own name, so it goes.
        unlinkat(dir, temporary, 0)
        // Removed on failure only if this call made it: a name another writer took meanwhile is theirs.
        var made = false
        do {
            try create(path, bytes, shownAs: path) { flags in
                let fd = openat(dir, temporary, flags, mode)
                made = fd >= 0
                return fd
            }
        } catch {
            if made { unlinkat(dir, temporary, 0) }
            throw error
        }
        guard renameat(dir, temporary, dir, name) == 0 else {
            let code = errno
            unlinkat(dir, temporary, 0)
            throw Failure(path: path, problem: "cannot replace it: \(Errno(rawValue: code))")
        }
    }

    /// Creates a file with `open` (given the flags: new, never through a link) and writes `bytes` whole.
    private static func create(_ path: String, _ bytes: [UInt8], shownAs shown: String, open: (Int32) -> Int32) throws(Failure) {
        let raw = open(O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC)
        guard raw >= 0 else {
            let code = errno
            throw Failure(path: shown, problem: code == EEXIST ? "already exists" : Errno(rawValue: code).description)
        }
        let file = FileDescriptor(rawValue: raw)
        do {
            _ = try file.writeAll(bytes)
            _ = fsync(raw)
            try file.close()
        } catch {
            try? file.close()
            throw Failure(path: shown, problem: "\(error)")
        }
    }

    /// The subdirectory at `relative` (components separated by `/`), made where missing. An existing
    /// component is entered only if it is a real directory, never through a link.
    public func subdirectory(_ relative: String) throws(Failure) -> OutputDirectory {
        var current = (path: path, fd: dup(fd), relative: self.relative)
        guard current.fd >= 0 else { throw Failure(path: path, problem: Errno(rawValue: errno).description) }
        for component in relative.split(separator: "/") where component != "." {
            let name = String(component)
            let shown = "\(current.path)/\(name)"
            guard name != ".." else {
                close(current.fd)
                throw Failure(path: shown, problem: "'..' is not allowed")
            }
            let made = mkdirat(current.fd, name, 0o755) == 0
            if !made && errno != EEXIST {
                let code = errno
                close(current.fd)
                throw Failure(path: shown, problem: Errno(rawValue: code).description)
            }
            let nextRelative = current.relative.isEmpty ? name : current.relative + "/" + name
            if made { journal.entries.append(.directory(nextRelative)) }
            let next = openat(current.fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let code = errno
            close(current.fd)
            guard next >= 0 else { throw Failure(path: shown, problem: "cannot enter: \(Errno(rawValue: code))") }
            current = (shown, next, nextRelative)
        }
        return OutputDirectory(path: current.path, fd: current.fd, relative: current.relative, journal: journal)
    }

    /// Writes a new file `name` holding `bytes`, with permissions `mode` (refused if `name` exists).
    public func write(_ name: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(Failure) {
        try Self.create(name, bytes, shownAs: "\(path)/\(name)") { openat(fd, name, $0, mode) }
        journal.entries.append(.file(relativePath(name), bytes, mode: mode))
    }

    /// Makes the symbolic link `name` pointing at `target` (refused if `name` exists).
    public func symlink(_ name: String, to target: String) throws(Failure) {
        guard symlinkat(target, fd, name) == 0 else {
            throw Failure(path: "\(path)/\(name)", problem: Errno(rawValue: errno).description)
        }
        journal.entries.append(.symlink(relativePath(name), target: target))
    }

    /// A tar archive of everything written, each entry under `top/` (the archive of a bug report).
    public func tarArchive(top: String) throws(TarArchive.Failure) -> [UInt8] {
        var tar = TarArchive()
        try tar.addDirectory(top)
        for entry in journal.entries {
            switch entry {
            case .directory(let p): try tar.addDirectory(top + "/" + p)
            case .file(let p, let bytes, let mode): try tar.addFile(top + "/" + p, bytes, mode: Int(mode))
            case .symlink(let p, let target): try tar.addSymlink(top + "/" + p, to: target)
            }
        }
        return tar.finished
    }
}
