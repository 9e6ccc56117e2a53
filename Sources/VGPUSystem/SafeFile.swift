#if canImport(Glibc)
import Glibc
#endif
import CVGPUSystem
import SystemPackage

/// Why a file could not be opened or read as an input.
public enum SafeFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed.
    case system(Errno)
    /// The path names something other than a regular file (a FIFO, socket, device or directory): reading
    /// it could block forever or never end, so it is refused before the first read.
    case notRegularFile(kind: String)
    /// Resolving the path left the directory it must stay in (a link out of the root, `..`, an absolute
    /// link or a /proc magic link).
    case outsideRoot
    /// Larger than `limit` bytes.
    case tooLarge(limit: Int)

    /// Short text for diagnostics.
    public var description: String {
        switch self {
        case .system(let errno): errno.description
        case .notRegularFile(let kind): "not a regular file (\(kind))"
        case .outsideRoot: "resolves outside the root (refused)"
        case .tooLarge(let limit): "larger than \(limit) bytes"
        }
    }
}

/// Opening and reading input files so that no input can block, trap or lead the tool outside its roots.
///
/// Every open is non-blocking and followed by `fstat` on the opened descriptor (not on the path, which
/// could be swapped in between): only a regular file is read. A FIFO, socket or terminal would block a
/// read forever and a device may never end. Confined opens resolve with `openat2(RESOLVE_BENEATH)`.
public enum SafeFile {
    /// An open regular file and its size when opened.
    public struct Opened {
        /// The descriptor; the caller closes it.
        public let descriptor: FileDescriptor
        /// `st_size` at open (sysfs attributes report 4096 whatever they hold).
        public let size: Int64
    }

    /// Opens the regular file `path` read-only, without blocking.
    ///
    /// - Parameters:
    ///   - directory: the directory `path` is relative to (`AT_FDCWD`: the working directory).
    ///   - confined: when true, the resolution must stay beneath `directory`.
    public static func openRegular(_ path: String, in directory: Int32 = AT_FDCWD, confined: Bool = false) -> Result<Opened, SafeFileError> {
        let flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
        let raw = confined ? vgpukit_open_beneath(directory, path, flags) : openat(directory, path, flags)
        guard raw >= 0 else { return .failure(openFailure(errno)) }
        let fd = FileDescriptor(rawValue: raw)
        var status = stat()
        guard fstat(raw, &status) == 0 else {
            let failure = SafeFileError.system(Errno(rawValue: errno))
            try? fd.close()
            return .failure(failure)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            try? fd.close()
            return .failure(.notRegularFile(kind: kind(of: status.st_mode)))
        }
        return .success(Opened(descriptor: fd, size: Int64(status.st_size)))
    }

    /// Opens the directory `path` (confined to `directory` when asked) for reads relative to it.
    public static func openDirectory(_ path: String, in directory: Int32 = AT_FDCWD, confined: Bool = false) -> Result<Int32, SafeFileError> {
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC
        let raw = confined ? vgpukit_open_beneath(directory, path, flags) : openat(directory, path, flags)
        return raw >= 0 ? .success(raw) : .failure(openFailure(errno))
    }

    /// Reads `opened` from its current offset to the end, refusing more than `limit` bytes.
    ///
    /// The buffer is sized from the file's size when that is below the limit (a 1.3 MB pci.ids costs
    /// one allocation), else grows in doubling steps; one byte more than the limit detects an oversized
    /// file without reading it all. A short read ends the file: sysfs hands an attribute over in one
    /// read, and a regular file comes up short only at its end.
    public static func readAll(_ opened: Opened, limit: Int) -> Result<[UInt8], SafeFileError> {
        // A sysfs attribute says 4096 bytes whatever it holds; anything else bigger than the limit (a sparse
        // 1 TiB file) is refused before a byte is read.
        if opened.size > Int64(max(limit, 4096)) { return .failure(.tooLarge(limit: limit)) }
        return read(opened.descriptor, sizeHint: opened.size, limit: limit, shortReadEnds: true)
    }

    /// Reads standard input to its end, refusing more than `limit` bytes: for an input the user pipes in
    /// on purpose (`--plan -`), so, unlike a named file, a pipe is expected and waited on; a short read
    /// does not end it, only end of file does.
    public static func standardInput(limit: Int) -> Result<[UInt8], SafeFileError> {
        read(.standardInput, sizeHint: -1, limit: limit, shortReadEnds: false)
    }

    /// The one read loop: fills a buffer sized from `sizeHint` (when below the limit) or the limit,
    /// growing in doubling steps, until end of file, or the first short read when `shortReadEnds`.
    private static func read(_ descriptor: FileDescriptor, sizeHint: Int64, limit: Int, shortReadEnds: Bool) -> Result<[UInt8], SafeFileError> {
        var capacity = limit + 1
        if limit > 4096, sizeHint >= 0, sizeHint < Int64(limit) { capacity = max(Int(sizeHint), 4096) + 1 }
        var bytes: [UInt8] = []
        var ended = false
        while true {
            var failure: Errno?
            let start = bytes.count
            let chunk = [UInt8](unsafeUninitializedCapacity: capacity - start) { buffer, count in
                count = 0
                while count < buffer.count {
                    do {
                        let asked = buffer.count - count
                        let n = try descriptor.read(into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[count...])),
                                                    retryOnInterrupt: true)
                        count += n
                        if n == 0 || (shortReadEnds && n < asked) { ended = true; break }
                    } catch {
                        failure = error as? Errno ?? .ioError
                        break
                    }
                }
            }
            if let failure { return .failure(.system(failure)) }
            if bytes.isEmpty { bytes = chunk } else { bytes += chunk }
            // Full but under the limit: the file grew past its stat size; read on in doubling steps.
            guard !ended, bytes.count == capacity, capacity <= limit else { break }
            capacity = capacity > limit / 2 ? limit + 1 : capacity * 2
        }
        return bytes.count > limit ? .failure(.tooLarge(limit: limit)) : .success(bytes)
    }

    /// Opens and reads a whole regular file of at most `limit` bytes.
    public static func contents(of path: String, in directory: Int32 = AT_FDCWD, confined: Bool = false, limit: Int) -> Result<[UInt8], SafeFileError> {
        openRegular(path, in: directory, confined: confined).flatMap { opened in
            defer { try? opened.descriptor.close() }
            return readAll(opened, limit: limit)
        }
    }

    /// True when the open file `descriptor` lives on sysfs (where a `resourceN` file is a BAR).
    public static func isOnSysfs(_ descriptor: FileDescriptor) -> Bool { vgpukit_is_on_sysfs(descriptor.rawValue) == 1 }

    /// The errno of a failed open, with a confinement refusal named as such.
    private static func openFailure(_ code: Int32) -> SafeFileError {
        // openat2 answers EXDEV when the resolution would leave the directory and ELOOP for a magic link.
        code == EXDEV ? .outsideRoot : .system(Errno(rawValue: code))
    }

    /// The file type of `mode`, in words.
    public static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "FIFO"
        case S_IFSOCK: "socket"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        case S_IFDIR: "directory"
        case S_IFLNK: "symbolic link"
        default: "not a regular file"
        }
    }
}

/// A file's identity and the file system's record of its changes, as a cache key.
///
/// ctime is the part a user cannot set: `cp -p`, `rsync -a` and `touch -r` restore the size and mtime
/// of a rewritten file, and ext4 may give a new file a freed inode, but every write, chmod or utime
/// sets ctime to now. The birth time (where the file system records it) tells a recreated file apart.
public struct FileIdentity: Hashable, Sendable {
    public let device: UInt64, inode: UInt64, size: Int64
    public let mtimeNanoseconds: Int64, ctimeNanoseconds: Int64, birthNanoseconds: Int64

    /// The identity of the file at `path` (links followed), or nil when it cannot be stat'ed.
    public static func of(_ path: String) -> FileIdentity? {
        var raw = vgpukit_file_identity()
        guard vgpukit_file_identity(path, &raw) == 0 else { return nil }
        return FileIdentity(device: UInt64(raw.device), inode: UInt64(raw.inode), size: Int64(raw.size),
                            mtimeNanoseconds: Int64(raw.mtime_ns), ctimeNanoseconds: Int64(raw.ctime_ns),
                            birthNanoseconds: Int64(raw.btime_ns))
    }
}
