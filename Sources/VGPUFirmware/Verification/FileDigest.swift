import Crypto
import Dispatch
import Synchronization
import SystemPackage
import VGPUFirmwareFormats

/// SHA-256 of a file, streamed in fixed-size chunks so a 38 MB image costs two 1 MiB buffers, not
/// 38 MB of heap, and is read exactly once.
///
/// A reader thread fills one buffer while the caller hashes the other: copying the file out of the
/// page cache is a fifth of the work, and on a probe the second core is otherwise idle by then. A file
/// under one chunk is read and hashed on the calling thread.
public enum FileDigest {
    /// Chunk size: large enough that syscalls are noise next to hashing, small enough for a low RSS.
    static let chunkSize = 1 << 20

    /// The lower-case hex SHA-256 and the byte count of the file at `path`.
    public static func sha256(path: String) throws(FirmwareError) -> (hex: String, size: UInt64) {
        let digest = try sha256(path: path, expectedSize: nil)
        return (digest.hex ?? "", digest.size)
    }

    /// The SHA-256 of the file at `path` if its size (fstat of the opened file, before any read) is
    /// `expectedSize`, else only its size: a file of the wrong size is wrong whatever it holds, and a
    /// sparse 1 TiB file in place of a 38 MB image would take many minutes to hash.
    ///
    /// A file with no expected size (one no manifest pins) is refused above `limit`, before any read.
    /// With `root`, the file is opened beneath that firmware root (`FileAccess.openRegular`).
    public static func sha256(path: String, beneath root: String? = nil, expectedSize: UInt64?,
                              limit: UInt64 = .max) throws(FirmwareError) -> (hex: String?, size: UInt64) {
        let opened = try FileAccess.openRegular(path, beneath: root)
        let fd = opened.descriptor
        defer { try? fd.close() }
        let size = UInt64(max(0, opened.size))
        if let expectedSize, size != expectedSize { return (nil, size) }
        guard size <= limit else {
            throw FirmwareError(file: path, field: "file", problem: .tooLarge(size: Int(clamping: size), limit: Int(clamping: limit)))
        }
        var hasher = SHA256()
        var total: UInt64 = 0
        func hash(_ chunk: UnsafeRawBufferPointer) {
            hasher.update(bufferPointer: chunk)
            total += UInt64(chunk.count)
        }
        let failure: String?
        // A chip's bootloader and booters are a few KiB to a few hundred: starting a reader thread for
        // them costs more than the copy it would overlap, and on a busy probe the new thread may wait
        // milliseconds for a core. Read them here. (The length is only a hint: either way the file is
        // read to its end.)
        if size < UInt64(chunkSize) {
            failure = readHere(fd, capacity: Int(size) + 1, hash)
        } else {
            let exchange = ChunkExchange(fd: fd, chunkSize: chunkSize)
            defer { exchange.deallocate() }
            // A queue of its own, not a global one: private serial queues may always start a thread, so the
            // reader runs even when every pool thread is busy (the hasher below may itself be one, waiting).
            DispatchQueue(label: "vgpukit.file-digest.reader").async { exchange.readAll() }
            var failed: String?
            exchange.consume(hash) { failed = $0 }
            failure = failed
        }
        if let failure { throw FirmwareError(file: path, field: "file", problem: .unreadable(failure)) }
        // A file that changed size while read is not the file whose size was checked.
        if let expectedSize, total != expectedSize { return (nil, total) }
        return ("\(hexBytes: hasher.finalize())", total)
    }

    /// Reads `fd` to its end on this thread, `capacity` bytes at a time, passing each read to `body`;
    /// the read error's text, or nil.
    private static func readHere(_ fd: FileDescriptor, capacity: Int, _ body: (UnsafeRawBufferPointer) -> Void) -> String? {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n: Int
            do { n = try fd.read(into: buffer) } catch { return "\(error)" }
            if n == 0 { return nil }
            body(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
        }
    }

}

/// Two buffers handed back and forth between a reader thread and the hashing thread.
///
/// Each buffer's state is an atomic, stored with release once the buffer is filled (by the reader) or
/// consumed (by the hasher) and loaded with acquire before the other side touches it: that is the
/// hand-over, for the memory model and for ThreadSanitizer, which cannot see through libdispatch's
/// semaphores. The semaphores only put a side to sleep until its turn. Unchecked Sendable for that
/// reason: every access to a buffer, its length or `error` is ordered by those atomics.
private final class ChunkExchange: @unchecked Sendable {
    let fd: FileDescriptor
    let buffers: [UnsafeMutableRawBufferPointer]
    /// A buffer's state: its byte count once filled (0 at the end of the file), `failedRead` after a
    /// read error (then `error` says why), or `free` while the reader may fill it.
    private let state0 = Atomic<Int>(ChunkExchange.free), state1 = Atomic<Int>(ChunkExchange.free)
    static let free = Int.min, failedRead = -1
    private var error = ""
    let full = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
    /// Created at 0 and signalled once in `init`: libdispatch traps when a semaphore is freed with a
    /// count below its initial value, which a buffer the reader is waiting on would have.
    let empty = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
    /// Signalled when the reader has stopped touching the buffers and the descriptor.
    let finished = DispatchSemaphore(value: 0)

    init(fd: FileDescriptor, chunkSize: Int) {
        self.fd = fd
        buffers = (0..<2).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 64) }
        empty.forEach { $0.signal() }
    }

    func deallocate() { buffers.forEach { $0.deallocate() } }

    private func store(_ value: Int, _ i: Int) {
        if i == 0 { state0.store(value, ordering: .releasing) } else { state1.store(value, ordering: .releasing) }
    }

    private func load(_ i: Int) -> Int {
        i == 0 ? state0.load(ordering: .acquiring) : state1.load(ordering: .acquiring)
    }

    /// The reader: fills buffers in turn until the end of the file or an error, which it passes on.
    func readAll() {
        var i = 0
        while true {
            empty[i].wait()
            _ = load(i)  // acquire: the hasher is done with this buffer
            var length: Int
            do {
                length = try fd.read(into: buffers[i])
            } catch {
                self.error = "\(error)"
                length = Self.failedRead
            }
            store(length, i)
            full[i].signal()
            if length <= 0 { break }
            i ^= 1
        }
        finished.signal()
    }

    /// The consumer: `body` sees every chunk in file order; `failed` gets a read error. Returns only
    /// after the reader has stopped, so the caller may then close the file and free the buffers.
    func consume(_ body: (UnsafeRawBufferPointer) -> Void, failed: (String) -> Void) {
        var i = 0
        while true {
            full[i].wait()
            let n = load(i)
            if n == Self.failedRead { failed(error) }
            if n <= 0 { break }
            body(UnsafeRawBufferPointer(rebasing: buffers[i][..<n]))
            store(Self.free, i)
            empty[i].signal()
            i ^= 1
        }
        finished.wait()
    }
}
