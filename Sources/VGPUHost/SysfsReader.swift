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
    /// 32-bit registers of a BAR resource file, read through a read-only shared mapping (sysfs
    /// `resourceN` supports mmap, not read). Never writes.
    func readRegisters(_ path: String, offsets: [Int]) -> Result<[UInt32], SysfsReadError>
}

/// Reads the real file system.
public struct LiveSysfs: SysfsReader {
    /// The real file system.
    public init() {}

    public func read(_ path: String, limit: Int) -> Result<[UInt8], SysfsReadError> {
        let fd: FileDescriptor
        do { fd = try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) } catch { return .failure(Self.map(error)) }
        defer { try? fd.close() }
        // One scratch buffer per call, one byte larger than the limit to detect an oversized file.
        return withUnsafeTemporaryAllocation(byteCount: limit + 1, alignment: 8) { buffer -> Result<[UInt8], SysfsReadError> in
            var filled = 0
            while filled <= limit {
                let n: Int
                do { n = try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])) } catch { return .failure(Self.map(error)) }
                if n == 0 { break }
                filled += n
            }
            return filled > limit ? .failure(.tooLarge(limit)) : .success([UInt8](buffer[..<filled]))
        }
    }

    public func readLink(_ path: String) -> Result<String, SysfsReadError> {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n >= 0 else { return .failure(Self.map(Errno(rawValue: errno))) }
        return .success(String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    public func list(_ path: String) -> Result<[String], SysfsReadError> {
        guard let dir = opendir(path) else { return .failure(Self.map(Errno(rawValue: errno))) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return .success(names)
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

    private static func map(_ error: any Error) -> SysfsReadError {
        guard let e = error as? Errno else { return .failed("\(error)") }
        switch e {
        case .noSuchFileOrDirectory, .notDirectory: return .notFound
        case .permissionDenied, .notPermitted: return .permissionDenied
        default: return .failed("\(e)")
        }
    }
}
