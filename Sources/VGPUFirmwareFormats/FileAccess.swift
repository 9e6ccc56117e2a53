import SystemPackage

/// Thin helpers over swift-system's `FileDescriptor` that turn errno into `FirmwareError`.
///
/// All firmware file I/O goes through here, so every failure names the file.
package enum FileAccess {
    /// Opens `path` read-only, translating errno.
    package static func open(_ path: String) throws(FirmwareError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch {
            throw FirmwareError(file: path, field: "file", problem: .unreadable("\(error)"))
        }
    }

    /// The size of an open regular file.
    package static func size(of fd: FileDescriptor, path: String) throws(FirmwareError) -> UInt64 {
        do {
            let s = try fd.stat()
            guard s.type == .regular else {
                throw FirmwareError(file: path, field: "file", problem: .unreadable("not a regular file"))
            }
            return UInt64(max(0, s.size))
        } catch let error as FirmwareError {
            throw error
        } catch {
            throw FirmwareError(file: path, field: "file", problem: .unreadable("\(error)"))
        }
    }

    /// Reads a whole small file (a bin container), refusing anything over `limit` bytes.
    package static func readAll(_ path: String, limit: Int) throws(FirmwareError) -> [UInt8] {
        let fd = try open(path)
        defer { try? fd.close() }
        let size = try size(of: fd, path: path)
        guard size <= UInt64(limit) else {
            throw FirmwareError(file: path, field: "file", problem: .tooLarge(size: Int(clamping: size), limit: limit))
        }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        var filled = 0
        while filled < bytes.count {
            let n: Int
            do {
                n = try bytes.withUnsafeMutableBytes { buffer in
                    try fd.read(fromAbsoluteOffset: Int64(filled), into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                }
            } catch {
                throw FirmwareError(file: path, field: "file", problem: .unreadable("\(error)"))
            }
            if n == 0 { break }  // shrank while we read: parse what is there, bounds checks catch the rest
            filled += n
        }
        return Array(bytes.prefix(filled))
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
