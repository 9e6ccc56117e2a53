import Foundation
import Synchronization
import SystemPackage
import Testing
import VGPUSystem
import VGPUTestSupport

/// `SafeFile`: only regular files are read, confined opens stay beneath their directory, sizes are
/// checked before reading.
struct SafeFileTests {
    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let dir = try ScratchDirectory("safefile")
        #expect(mkfifo(dir.file("fifo"), 0o600) == 0)
        #expect(SafeFile.contents(of: dir.file("fifo"), limit: 16) == .failure(.notRegularFile(kind: "FIFO")))
    }

    @Test func aDirectoryAndADeviceAreRefused() throws {
        let dir = try ScratchDirectory("safefile")
        #expect(SafeFile.contents(of: dir.path, limit: 16) == .failure(.notRegularFile(kind: "directory")))
        #expect(SafeFile.contents(of: "/dev/zero", limit: 16) == .failure(.notRegularFile(kind: "character device")))
    }

    @Test func aConfinedOpenRefusesLinksOutOfItsDirectory() throws {
        let dir = try ScratchDirectory("safefile")
        _ = try dir.write("outside", Array("secret".utf8))
        _ = try dir.write("root/inside", Array("fine".utf8))
        try dir.link("root/absolute", to: dir.file("outside"))
        try dir.link("root/relative", to: "../outside")
        try dir.link("root/tty", to: "/dev/tty")
        try dir.link("root/stdin", to: "/proc/self/fd/0")
        try dir.link("root/sibling", to: "inside")
        let root = try SafeFile.openDirectory(dir.file("root")).get()
        defer { close(root) }
        for name in ["absolute", "relative", "tty", "stdin"] {
            #expect(SafeFile.contents(of: name, in: root, confined: true, limit: 64) == .failure(.outsideRoot), "\(name)")
            #expect(SafeFile.contents(of: "../outside", in: root, confined: true, limit: 64) == .failure(.outsideRoot))
        }
        #expect(SafeFile.contents(of: "sibling", in: root, confined: true, limit: 64) == .success(Array("fine".utf8)))
    }

    /// A confined open through `..` while anything on the machine renames a file. openat2's
    /// RESOLVE_BENEATH answers EAGAIN when a rename or mount lands during the walk (the kernel cannot
    /// then prove `..` stayed inside), and every sysfs device link is `../../../devices/...`. main
    /// passed the EAGAIN on: about 3 in 100 such opens failed here, a probe under load read a GPU's
    /// `class` as missing, and CI's snapshot of a40-mdev lost a file that lspci needs.
    @Test func aConfinedOpenSurvivesRenamesElsewhere() throws {
        let dir = try ScratchDirectory("safefile")
        _ = try dir.write("root/devices/gpu/class", Array("0x030200\n".utf8))
        try FileManager.default.createDirectory(atPath: dir.file("root/bus"), withIntermediateDirectories: true)
        let churn = try dir.write("churn-a", [])
        let root = try SafeFile.openDirectory(dir.file("root")).get()
        defer { close(root) }
        let stop = Atomic<Bool>(false), renames = Atomic<Int>(0)
        let renamer = Thread {
            while !stop.load(ordering: .relaxed) {
                rename(churn, dir.file("churn-b"))
                rename(dir.file("churn-b"), churn)
                renames.add(2, ordering: .relaxed)
            }
        }
        renamer.start()
        var failures: [String: Int] = [:]
        for _ in 0..<20_000 {
            if case .failure(let e) = SafeFile.contents(of: "bus/../devices/gpu/class", in: root, confined: true, limit: 64) { failures[e.description, default: 0] += 1 }
        }
        stop.store(true, ordering: .relaxed)
        while !renamer.isFinished { usleep(1000) }
        #expect(renames.load(ordering: .relaxed) > 0, "the renames ran alongside the opens")
        #expect(failures == [:], "of 20000 opens, failed: \(failures)")
    }

    @Test func aSparseFileOverTheLimitIsRefusedBeforeReading() throws {
        let dir = try ScratchDirectory("safefile")
        let path = try dir.write("sparse", [])
        #expect(truncate(path, 1 << 40) == 0)
        #expect(SafeFile.contents(of: path, limit: 1 << 20) == .failure(.tooLarge(limit: 1 << 20)))
        // Under the limit, a file is read whole; one byte over is refused.
        let small = try dir.write("small", [UInt8](repeating: 7, count: 5000))
        #expect(SafeFile.contents(of: small, limit: 5000).map(\.count) == .success(5000))
        #expect(SafeFile.contents(of: small, limit: 4999) == .failure(.tooLarge(limit: 4999)))
    }

    @Test func fileIdentityChangesWhenTimestampsAreRestored() throws {
        let dir = try ScratchDirectory("safefile")
        let path = try dir.write("file", [1, 2, 3])
        let before = try #require(FileIdentity.of(path))
        usleep(20_000)
        // Rewrite in place, then restore size and mtime as `cp -p` or `touch -r` would.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.write(contentsOf: Data([9, 9, 9]))
        try handle.close()
        var times = [timespec(tv_sec: Int(before.mtimeNanoseconds / 1_000_000_000), tv_nsec: Int(before.mtimeNanoseconds % 1_000_000_000)),
                     timespec(tv_sec: Int(before.mtimeNanoseconds / 1_000_000_000), tv_nsec: Int(before.mtimeNanoseconds % 1_000_000_000))]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        let after = try #require(FileIdentity.of(path))
        #expect(after.size == before.size && after.mtimeNanoseconds == before.mtimeNanoseconds && after.inode == before.inode)
        #expect(after.ctimeNanoseconds != before.ctimeNanoseconds)
        #expect(after != before)
    }
}

/// `OutputDirectory`: made new, written by descriptor, never through a link.
struct OutputDirectoryTests {
    @Test func anExistingOrEmptyPathIsRefused() throws {
        let dir = try ScratchDirectory("output")
        #expect(throws: OutputDirectory.Failure.self) { try OutputDirectory.create(dir.path) }
        #expect(throws: OutputDirectory.Failure.self) { try OutputDirectory.create("") }
    }

    @Test func aDirectorySwappedForALinkIsNotFollowed() throws {
        let dir = try ScratchDirectory("output")
        let victim = dir.file("victim")
        try FileManager.default.createDirectory(atPath: victim, withIntermediateDirectories: false)
        let out = try OutputDirectory.create(dir.file("out"))
        _ = try out.subdirectory("bus")
        // Another user swaps out/bus for a link to a directory of root's while the snapshot runs.
        try FileManager.default.removeItem(atPath: dir.file("out/bus"))
        try FileManager.default.createSymbolicLink(atPath: dir.file("out/bus"), withDestinationPath: victim)
        #expect(throws: OutputDirectory.Failure.self) { try out.subdirectory("bus/pci") }
        // A file planted as a link is not written through either.
        try FileManager.default.createSymbolicLink(atPath: dir.file("out/config"), withDestinationPath: victim + "/config")
        #expect(throws: OutputDirectory.Failure.self) { try out.write("config", [1]) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: victim).isEmpty)
    }

    @Test func filesGetTheModeAsked() throws {
        let dir = try ScratchDirectory("output")
        let out = try OutputDirectory.create(dir.file("out"))
        try out.subdirectory("a/b").write("f", [1, 2], mode: 0o600)
        var status = stat()
        #expect(stat(dir.file("out/a/b/f"), &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
    }
}
