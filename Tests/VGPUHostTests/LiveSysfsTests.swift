import Foundation
import Testing
import VGPUHost
import VGPUTestSupport

/// `LiveSysfs.read` on the real file system: exact contents at every size around its buffer steps, and
/// the limit enforced to the byte.
struct LiveSysfsTests {
    let dir: ScratchDirectory

    init() throws { dir = try ScratchDirectory("live-sysfs") }

    static func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } }

    @Test(arguments: [0, 1, 255, 256, 257, 4095, 4096, 4097, 8193, 1_300_000])
    func readsEveryByteUpToTheLimit(size: Int) throws {
        let path = try dir.write("f\(size)", Self.pattern(size))
        let reader = LiveSysfs()
        for limit in [256, 4096, 64 * 1024, 16 << 20] {
            switch reader.read(path, limit: limit) {
            case .success(let bytes):
                #expect(size <= limit, "read \(size) bytes under limit \(limit)")
                #expect(bytes == Self.pattern(size), "size \(size), limit \(limit)")
            case .failure(let e):
                #expect(size > limit && e == .tooLarge(limit), "size \(size), limit \(limit): \(e)")
            }
        }
    }

    @Test func missingFilesAndDirectoriesAreErrorsNotCrashes() throws {
        let reader = LiveSysfs()
        #expect(reader.read(dir.path + "/absent", limit: 256) == .failure(.notFound))
        #expect(reader.read(dir.path + "/absent/deeper", limit: 1 << 20) == .failure(.notFound))
        if case .success = reader.read(dir.path, limit: 1 << 20) { Issue.record("reading a directory must fail") }
    }

    /// The mapped path gives the same bytes as reading, and keeps the same limits and errors.
    @Test(arguments: [0, 1, 4096, 1_300_000])
    func mappedContentsEqualReadContents(size: Int) throws {
        let path = try dir.write("m\(size)", Self.pattern(size))
        let reader = LiveSysfs()
        #expect(reader.withContents(of: path, limit: 16 << 20) { Array($0) } == .success(Self.pattern(size)))
        if size > 1 { #expect(reader.withContents(of: path, limit: size - 1) { $0.count } == .failure(.tooLarge(size - 1))) }
        #expect(reader.withContents(of: dir.path + "/absent", limit: 1 << 20) { $0.count } == .failure(.notFound))
        if case .success = reader.withContents(of: dir.path, limit: 1 << 20, { $0.count }) { Issue.record("a directory has no contents") }
    }

    /// Reading through a held-open directory gives what reading by joined paths gives, links and
    /// nested names included; a missing directory fails every call the same way.
    @Test func directoryReadsEqualPathReads() throws {
        _ = try dir.write("fn/vendor", Array("0x10de\n".utf8))
        _ = try dir.write("fn/power/runtime_status", Array("active\n".utf8))
        _ = try dir.write("fn/big", Self.pattern(70_000))
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/fn/driver", withDestinationPath: "../../bus/pci/drivers/nvidia")
        let live = LiveSysfs(), path = dir.path + "/fn"
        let held = live.directory(path)
        #expect(try Set(held.list().get()) == Set(live.list(path).get()))
        for name in ["vendor", "power/runtime_status", "big", "absent", "power"] {
            for limit in [4, 256, 1 << 20] {
                #expect(held.read(name, limit: limit) == live.read(path + "/" + name, limit: limit), "\(name) \(limit)")
            }
        }
        #expect(held.readLink("driver") == .success("../../bus/pci/drivers/nvidia"))
        #expect(held.readLink("driver") == live.readLink(path + "/driver"))
        if case .success = held.readLink("vendor") { Issue.record("a regular file is not a link") }

        let gone = live.directory(dir.path + "/gone")
        #expect(gone.list() == .failure(.notFound))
        #expect(gone.read("vendor", limit: 256) == .failure(.notFound))
        #expect(gone.readLink("driver") == .failure(.notFound))
    }
}
