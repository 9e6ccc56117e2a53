#if canImport(Glibc)
import Glibc
#endif
import SystemPackage

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
    /// Runs `body` over a whole file of at most `limit` bytes. `LiveSysfs` maps a regular file instead of
    /// copying it (pci.ids is 1.3 MB and read on every probe); other readers can rely on the default,
    /// which reads the file.
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

/// Reads the real file system.
public struct LiveSysfs: SysfsReader {
    /// The real file system.
    public init() {}

    public func read(_ path: String, limit: Int) -> Result<[UInt8], SysfsReadError> {
        // open(2) directly: building a FilePath normalises the path, a cost paid for every attribute.
        Self.readAll(open(path, O_RDONLY | O_CLOEXEC), limit: limit)
    }

    public func directory(_ path: String) -> any SysfsDirectoryReader { LiveDirectory(path) }

    /// Reads the file just opened as `raw` (negative: the open failed, errno says why), and closes it.
    static func readAll(_ raw: Int32, limit: Int) -> Result<[UInt8], SysfsReadError> {
        guard raw >= 0 else { return .failure(map(Errno(rawValue: errno))) }
        let fd = FileDescriptor(rawValue: raw)
        defer { try? fd.close() }
        // Read straight into the result, sized for the file: a sysfs attribute is at most a page (its
        // stat size says 4096 whatever it holds); a regular file such as pci.ids says its size. One byte
        // more than the limit detects an oversized file. (A fixed limit-sized scratch buffer copied into
        // an array cost a 16 MiB allocation and a byte-by-byte copy for every pci.ids load.)
        var capacity = limit + 1
        if limit > 4096, let size = try? fd.stat().size, size >= 0, size < Int64(limit) { capacity = max(Int(size), 4096) + 1 }
        var bytes: [UInt8] = []
        while true {
            var failure: SysfsReadError?
            let start = bytes.count
            let chunk = [UInt8](unsafeUninitializedCapacity: capacity - start) { buffer, count in
                count = 0
                while count < buffer.count {
                    do {
                        let asked = buffer.count - count
                        let n = try fd.read(into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[count...])))
                        count += n
                        // A short read is the end: sysfs hands over an attribute in one read, a regular file
                        // comes up short only at its end, and interrupted reads are retried, not shortened.
                        // Not asking again for the 0 saves a syscall per attribute, a fifth of a scan's.
                        if n < asked { break }
                    } catch {
                        failure = map(error)
                        break
                    }
                }
            }
            if let failure { return .failure(failure) }
            if bytes.isEmpty { bytes = chunk } else { bytes += chunk }
            // Full but under the limit: the file grew past its stat size; read on in doubling steps.
            guard bytes.count == capacity, capacity <= limit else { break }
            capacity = min(capacity * 2, limit + 1)
        }
        return bytes.count > limit ? .failure(.tooLarge(limit)) : .success(bytes)
    }

    public func withContents<T>(of path: String, limit: Int, _ body: (UnsafeRawBufferPointer) -> T) -> Result<T, SysfsReadError> {
        let raw = open(path, O_RDONLY | O_CLOEXEC)
        guard raw >= 0 else { return .failure(Self.map(Errno(rawValue: errno))) }
        let fd = FileDescriptor(rawValue: raw)
        defer { try? fd.close() }
        // Only a regular, non-empty file is mapped: sysfs attributes report a size they do not have.
        // (A file truncated while mapped would fault; pci.ids is replaced by rename, never rewritten.)
        guard let status = try? fd.stat(), status.type == .regular, status.size > 0 else {
            return read(path, limit: limit).map { bytes in bytes.withUnsafeBytes(body) }
        }
        guard status.size <= Int64(limit) else { return .failure(.tooLarge(limit)) }
        let length = Int(status.size)
        guard let base = mmap(nil, length, PROT_READ, MAP_PRIVATE, fd.rawValue, 0), base != MAP_FAILED else {
            return .failure(Self.map(Errno(rawValue: errno)))
        }
        defer { munmap(base, length) }
        return .success(body(UnsafeRawBufferPointer(start: base, count: length)))
    }

    public func readLink(_ path: String) -> Result<String, SysfsReadError> { Self.readLink(at: AT_FDCWD, path) }

    public func list(_ path: String) -> Result<[String], SysfsReadError> { LiveDirectory(path).list() }

    /// The target of the link `path`, relative to the directory `at` (AT_FDCWD: the working directory).
    static func readLink(at directory: Int32, _ path: String) -> Result<String, SysfsReadError> {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlinkat(directory, path, &buffer, buffer.count - 1)
        guard n >= 0 else { return .failure(map(Errno(rawValue: errno))) }
        return .success(String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    public func readRegisters(_ path: String, offsets: [Int]) -> Result<[UInt32], SysfsReadError> {
        guard let last = offsets.max(), last >= 0 else { return .success([]) }
        let fd: FileDescriptor
        do { fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) } catch { return .failure(Self.map(error)) }
        defer { try? fd.close() }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let length = (last + 4 + pageSize - 1) / pageSize * pageSize
        // The file must cover the registers: mapping past its end would fault on access.
        if let size = try? fd.stat().size, size < Int64(last + 4) { return .failure(.failed("resource file is \(size) bytes, shorter than register 0x\(String(last, radix: 16))")) }
        guard let base = mmap(nil, length, PROT_READ, MAP_SHARED, fd.rawValue, 0), base != MAP_FAILED else {
            return .failure(Self.map(Errno(rawValue: errno)))
        }
        defer { munmap(base, length) }
        // Volatile-style single 32-bit loads, as MMIO requires.
        return .success(offsets.map { base.load(fromByteOffset: $0, as: UInt32.self).littleEndian })
    }

    static func map(_ error: any Error) -> SysfsReadError {
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

    init(_ path: String) {
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        openError = fd < 0 ? LiveSysfs.map(Errno(rawValue: errno)) : nil
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
        return LiveSysfs.readAll(openat(fd, name, O_RDONLY | O_CLOEXEC), limit: limit)
    }

    func readLink(_ name: String) -> Result<String, SysfsReadError> {
        if let openError { return .failure(openError) }
        return LiveSysfs.readLink(at: fd, name)
    }
}
