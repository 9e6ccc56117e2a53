import Crypto
import SystemPackage

/// SHA-256 of a file, streamed in fixed-size chunks so a 38 MB image costs one 1 MiB buffer, not
/// 38 MB of heap, and is read exactly once.
public enum FileDigest {
    /// Chunk size: large enough that syscalls are noise next to hashing, small enough for a low RSS.
    static let chunkSize = 1 << 20

    /// The lower-case hex SHA-256 and the byte count of the file at `path`.
    public static func sha256(path: String) throws(FirmwareError) -> (hex: String, size: UInt64) {
        let fd = try FileAccess.open(path)
        defer { try? fd.close() }
        var hasher = SHA256()
        var total: UInt64 = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n: Int
            do {
                n = try fd.read(into: buffer)
            } catch {
                throw FirmwareError(file: path, field: "file", problem: .unreadable("\(error)"))
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<n]))
            total += UInt64(n)
        }
        return (hex(hasher.finalize()), total)
    }

    /// Lower-case hex of a digest.
    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
