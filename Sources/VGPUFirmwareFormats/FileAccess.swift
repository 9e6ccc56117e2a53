#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import VGPUSystem

/// Thin helpers over swift-system's `FileDescriptor` that turn errno into `FirmwareError`.
///
/// All firmware file I/O goes through here, so every failure names the file.
package enum FileAccess {
    /// Opens the regular file `path` read-only without blocking, translating errno. A FIFO, socket or
    /// device is refused before any read (it could block forever or never end).
    package static func open(_ path: String, beneath root: String? = nil) throws(FirmwareError) -> FileDescriptor {
        try openRegular(path, beneath: root).descriptor
    }

    /// Opens the regular file `path` and returns it with its size.
    ///
    /// With `root` (a firmware root's canonical path, which `path` lies beneath), the open itself stays
    /// beneath it (`openat2(RESOLVE_BENEATH)`): a link swapped into the root after `path` was checked
    /// cannot lead the read out of it.
    package static func openRegular(_ path: String, beneath root: String? = nil) throws(FirmwareError) -> SafeFile.Opened {
        let result: Result<SafeFile.Opened, SafeFileError>
        if let root {
            let prefix = root.hasSuffix("/") ? root : root + "/"
            guard path.hasPrefix(prefix) else {
                throw FirmwareError(file: path, field: "file", problem: .unreadable("not beneath the firmware root \(root)"))
            }
            switch SafeFile.openDirectory(root) {
            case .failure(let error): throw FirmwareError(file: path, field: "file", problem: .unreadable("firmware root \(root): \(error)"))
            case .success(let directory):
                defer { close(directory) }
                result = SafeFile.openRegular(String(path.dropFirst(prefix.count)), in: directory, confined: true)
            }
        } else {
            result = SafeFile.openRegular(path)
        }
        switch result {
        case .success(let opened): return opened
        case .failure(let error): throw FirmwareError(file: path, field: "file", problem: .unreadable(error.description))
        }
    }

    /// Reads a whole small file (a bin container), refusing anything over `limit` bytes before reading.
    package static func readAll(_ path: String, beneath root: String? = nil, limit: Int) throws(FirmwareError) -> [UInt8] {
        let opened = try openRegular(path, beneath: root)
        defer { try? opened.descriptor.close() }
        guard opened.size <= Int64(limit) else {
            throw FirmwareError(file: path, field: "file", problem: .tooLarge(size: Int(clamping: opened.size), limit: limit))
        }
        switch SafeFile.readAll(opened, limit: limit) {
        case .success(let bytes): return bytes  // a file that shrank while read: bounds checks catch the rest
        case .failure(.tooLarge): throw FirmwareError(file: path, field: "file", problem: .tooLarge(size: limit + 1, limit: limit))
        case .failure(let error): throw FirmwareError(file: path, field: "file", problem: .unreadable(error.description))
        }
    }

    /// Reads `range` of `fd` exactly, or fails naming `field`.
    package static func read(_ fd: FileDescriptor, _ range: FileRange, path: String, field: String) throws(FirmwareError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Int(range.size))
        var filled = 0
        while filled < bytes.count {
            let n: Int
            do {
                n = try bytes.withUnsafeMutableBytes { buffer in
                    try fd.read(fromAbsoluteOffset: Int64(range.offset) + Int64(filled),
                                into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                }
            } catch {
                throw FirmwareError(file: path, field: field, problem: .unreadable("\(error)"))
            }
            guard n > 0 else {
                throw FirmwareError(file: path, field: field, problem: .truncated(needed: Int(range.end), available: Int(range.offset) + filled))
            }
            filled += n
        }
        return bytes
    }
}
