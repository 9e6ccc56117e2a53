#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import VGPUSystem

/// Why a sysfs file could not be read; the scan turns it into a field diagnostic.
public enum SysfsReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No such file (the kernel does not expose it, or the device went away).
    case notFound
    /// The file exists but this user may not read it.
    case permissionDenied
    /// The file is larger than any real one of its kind.
    case tooLarge(Int)
    /// Another errno.
    case failed(String)

    /// Short text for reports.
    public var description: String {
        switch self {
        case .notFound: "not present"
        case .permissionDenied: "permission denied"
        case .tooLarge(let n): "larger than \(n) bytes"
        case .failed(let why): why
        }
    }
}

/// The file-system calls the scanner makes, behind a seam tests can replace (as swift-system does for
/// syscalls). `LiveSysfs` is the real one.
public protocol SysfsReader: Sendable {
    /// Up to `limit` bytes of a file.
    func read(_ path: String, limit: Int) -> Result<[UInt8], SysfsReadError>
    /// The target of a symbolic link, as stored.
    func readLink(_ path: String) -> Result<String, SysfsReadError>
    /// Entry names of a directory, unsorted.
    func list(_ path: String) -> Result<[String], SysfsReadError>
    /// Runs `body` over a whole file of at most `limit` bytes. The default reads the file: a mapping
    /// of a file that another process truncates faults (SIGBUS) on the next access.
    func withContents<T>(of path: String, limit: Int, _ body: (UnsafeRawBufferPointer) -> T) -> Result<T, SysfsReadError>
    /// A reader for the entries of one directory. `LiveSysfs` opens the directory once and reads its
    /// entries relative to it (openat), so a function's dozen attributes cost one walk of the long
    /// sysfs path, not a dozen; other readers can rely on the default, which joins paths.
    func directory(_ path: String) -> any SysfsDirectoryReader
    /// 32-bit registers of a BAR resource file, read through a read-only shared mapping (sysfs
    /// `resourceN` supports mmap, not read). Never writes.
    func readRegisters(_ path: String, offsets: [Int]) -> Result<[UInt32], SysfsReadError>
}

/// The entries of one directory, read by name (see `SysfsReader.directory`).
public protocol SysfsDirectoryReader {
    /// Entry names, unsorted; fails as listing the directory would (`.notFound` when it is gone).
    func list() -> Result<[String], SysfsReadError>
    /// Up to `limit` bytes of the entry `name` (which may be a relative path such as `power/runtime_status`).
    func read(_ name: String, limit: Int) -> Result<[UInt8], SysfsReadError>
    /// The target of the symbolic link `name`, as stored.
    func readLink(_ name: String) -> Result<String, SysfsReadError>
}

/// A directory read through its reader's path-based calls.
struct JoinedPathDirectory: SysfsDirectoryReader {
    let reader: any SysfsReader
    let path: String
    func list() -> Result<[String], SysfsReadError> { reader.list(path) }
    func read(_ name: String, limit: Int) -> Result<[UInt8], SysfsReadError> { reader.read("\(path)/\(name)", limit: limit) }
    func readLink(_ name: String) -> Result<String, SysfsReadError> { reader.readLink("\(path)/\(name)") }
}

extension SysfsReader {
    /// Joins `path` and each entry name.
    public func directory(_ path: String) -> any SysfsDirectoryReader { JoinedPathDirectory(reader: self, path: path) }

    /// Reads the file, then runs `body` over the bytes.
    public func withContents<T>(of path: String, limit: Int, _ body: (UnsafeRawBufferPointer) -> T) -> Result<T, SysfsReadError> {
        read(path, limit: limit).map { bytes in bytes.withUnsafeBytes(body) }
    }
}

/// Reads the real file system, treating every file as hostile: only regular files are read (a FIFO,
/// socket or device where an attribute should be is refused, never waited on), nothing is mapped but
/// a real sysfs BAR, and, when confined to a root, no path may resolve outside it.
public struct LiveSysfs: SysfsReader {
    /// The directory every path under it must stay inside, or nil for no confinement.
    public let root: String?

    /// The real file system, unconfined (tests over temporary trees; a `--pci-ids` file).
    public init() { root = nil }

    /// The real file system, with every path under `root` resolved inside it: a link in the tree that
    /// points out of it (an attribute linked to /etc/shadow, a device directory linked to /) is refused.
    /// Real sysfs links (`driver`, `iommu_group`, `physfn`, `virtfnN`, the device links under
    /// bus/pci/devices) are relative and stay inside /sys. Paths outside `root` are read unconfined.
    public init(confinedTo root: String) {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed
    }

    /// `path` relative to the root, when it lies under it. Slashes after the root are dropped: a root
    /// given as `/sys/` (as a shell completes it) makes paths like `/sys//bus/pci/devices`, and a
    /// relative path that begins with `/` is refused by openat2's RESOLVE_BENEATH.
    func relativeToRoot(_ path: String) -> String? {
        guard let root else { return nil }
        guard path.hasPrefix(root == "/" ? "/" : root + "/") else { return nil }
        return String(path.dropFirst(root.count).drop { $0 == "/" })
    }

    /// Opens the regular file `path`, inside the root when it lies under it.
    func openRegular(_ path: String) -> Result<SafeFile.Opened, SysfsReadError> {
        guard let root, let relative = relativeToRoot(path) else { return SafeFile.openRegular(path).mapError(Self.map) }
        return SafeFile.openDirectory(root).mapError(Self.map).flatMap { rootFD in
            defer { close(rootFD) }
            return SafeFile.openRegular(relative, in: rootFD, confined: true).mapError(Self.map)
        }
    }

    public func read(_ path: String, limit: Int) -> Result<[UInt8], SysfsReadError> {
        openRegular(path).flatMap { opened in
            defer { try? opened.descriptor.close() }
            return SafeFile.readAll(opened, limit: limit).mapError(Self.map)
        }
    }

    public func directory(_ path: String) -> any SysfsDirectoryReader { LiveDirectory(path, sysfs: self) }

    public func readLink(_ path: String) -> Result<String, SysfsReadError> { Self.readLink(at: AT_FDCWD, path) }

    public func list(_ path: String) -> Result<[String], SysfsReadError> { LiveDirectory(path, sysfs: self).list() }

    /// The target of the link `path`, relative to the directory `at` (AT_FDCWD: the working directory).
    static func readLink(at directory: Int32, _ path: String) -> Result<String, SysfsReadError> {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlinkat(directory, path, &buffer, buffer.count - 1)
        guard n >= 0 else { return .failure(map(Errno(rawValue: errno))) }
        return .success(String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    public func readRegisters(_ path: String, offsets: [Int]) -> Result<[UInt32], SysfsReadError> {
        guard let last = offsets.max(), last >= 0, offsets.allSatisfy({ $0 >= 0 && $0 % 4 == 0 }) else { return .success([]) }
        let opened: SafeFile.Opened
        switch openRegular(path) {
        case .success(let o): opened = o
        case .failure(let e): return .failure(e)
        }
        let fd = opened.descriptor
        defer { try? fd.close() }
        // The file must cover the registers (for a real BAR its size is the BAR's).
        guard opened.size >= Int64(last) + 4 else {
            return .failure(.failed("resource file is \(opened.size) bytes, shorter than register \(hex: last)"))
        }
        guard SafeFile.isOnSysfs(fd) else {
            // A copy of a BAR (a snapshot's stand-in, a fixture) is an ordinary file that may shrink
            // while read: read it, never map it (a mapped page past a truncated end faults with SIGBUS).
            var values: [UInt32] = []
            for offset in offsets {
                var word: UInt32 = 0
                let n = withUnsafeMutableBytes(of: &word) { try? fd.read(fromAbsoluteOffset: Int64(offset), into: $0) }
                guard n == 4 else { return .failure(.failed("resource file ends before register \(hex: offset)")) }
                values.append(UInt32(littleEndian: word))
            }
            return .success(values)
        }
        // sysfs `resourceN` supports mmap, not read: a read-only shared mapping, single 32-bit loads.
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let length = (last + 4 + pageSize - 1) / pageSize * pageSize
        guard let base = mmap(nil, length, PROT_READ, MAP_SHARED, fd.rawValue, 0), base != MAP_FAILED else {
            return .failure(Self.map(Errno(rawValue: errno)))
        }
        defer { munmap(base, length) }
        return .success(offsets.map { base.load(fromByteOffset: $0, as: UInt32.self).littleEndian })
    }

    static func map(_ error: any Error) -> SysfsReadError {
        if let e = error as? SafeFileError {
            switch e {
            case .system(let errno): return map(errno)
            case .notRegularFile, .outsideRoot: return .failed(e.description)
            case .tooLarge(let limit): return .tooLarge(limit)
            }
        }
        guard let e = error as? Errno else { return .failed("\(error)") }
        switch e {
        case .noSuchFileOrDirectory, .notDirectory: return .notFound
        case .permissionDenied, .notPermitted: return .permissionDenied
        default: return .failed("\(e)")
        }
    }
}

/// One directory of the real file system, held open so that its entries are opened relative to it.
final class LiveDirectory: SysfsDirectoryReader {
    /// The directory's descriptor, or -1 with `openError` when it could not be opened.
    private let fd: Int32
    private let openError: SysfsReadError?

    /// Opens `path`, inside `sysfs`'s root when it lies under it.
    init(_ path: String, sysfs: LiveSysfs) {
        let opened: Result<Int32, SafeFileError>
        if let root = sysfs.root, let relative = sysfs.relativeToRoot(path) {
            opened = SafeFile.openDirectory(root).flatMap { rootFD in
                defer { close(rootFD) }
                return SafeFile.openDirectory(relative, in: rootFD, confined: true)
            }
        } else {
            opened = SafeFile.openDirectory(path)
        }
        switch opened {
        case .success(let raw): (fd, openError) = (raw, nil)
        case .failure(let e): (fd, openError) = (-1, LiveSysfs.map(e))
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    func list() -> Result<[String], SysfsReadError> {
        if let openError { return .failure(openError) }
        // fdopendir takes the descriptor over, so it gets a duplicate.
        let copy = dup(fd)
        guard copy >= 0, let dir = fdopendir(copy) else {
            let failure = LiveSysfs.map(Errno(rawValue: errno))
            if copy >= 0 { close(copy) }
            return .failure(failure)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names)
    }

    func read(_ name: String, limit: Int) -> Result<[UInt8], SysfsReadError> {
        if let openError { return .failure(openError) }
        // An attribute never leaves its device directory: confined to it, a link out (to /etc/shadow,
        // /dev/tty or /proc/self/fd/0) is refused, and so is anything not a regular file.
        return SafeFile.openRegular(name, in: fd, confined: true).flatMap { opened in
            defer { try? opened.descriptor.close() }
            return SafeFile.readAll(opened, limit: limit)
        }.mapError(LiveSysfs.map)
    }

    func readLink(_ name: String) -> Result<String, SysfsReadError> {
        if let openError { return .failure(openError) }
        return LiveSysfs.readLink(at: fd, name)
    }
}
