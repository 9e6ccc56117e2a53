import Testing
import VGPUFirmware
import VGPUFirmwareFormats
import VGPUTestSupport

/// The streamed SHA-256 against coreutils' sha256sum at every size around its 1 MiB chunk boundary,
/// and read failures as typed errors.
struct FileDigestTests {
    let dir: ScratchDirectory

    init() throws { dir = try ScratchDirectory("file-digest") }

    @Test(arguments: [0, 1, 4095, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 2 << 20, (3 << 20) + 12345])
    func agreesWithSha256sum(size: Int) throws {
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 9) }
        let path = try dir.write("f\(size)", bytes)
        let ours = try FileDigest.sha256(path: path)
        #expect(ours.size == UInt64(size))
        #expect(ours.hex == (try Oracle.sha256sum(path)))
    }

    @Test func unreadableFilesAreTypedErrors() throws {
        do {
            _ = try FileDigest.sha256(path: dir.path)  // a directory: open succeeds, read fails (EISDIR)
            Issue.record("hashing a directory must fail")
        } catch {
            #expect(error.file == dir.path && error.field == "file")
        }
        #expect(throws: FirmwareError.self) { try FileDigest.sha256(path: dir.path + "/absent") }
    }

    /// Many digests at once, as the verifier's prefetch and a caller may run them.
    @Test func concurrentDigestsDoNotInterfere() async throws {
        let paths = try (0..<6).map { i in try dir.write("c\(i)", [UInt8](repeating: UInt8(i), count: (1 << 20) + i * 4099)) }
        let expected = try paths.map { try Oracle.sha256sum($0) }
        let got = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (i, p) in paths.enumerated() { group.addTask { (i, try FileDigest.sha256(path: p).hex) } }
            var out = [String](repeating: "", count: paths.count)
            for try await (i, h) in group { out[i] = h }
            return out
        }
        #expect(got == expected)
    }
}
