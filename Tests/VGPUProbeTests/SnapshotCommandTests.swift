import Foundation
import Testing
import VGPUTestSupport

/// `vgpu-probe snapshot` round trip: probing the snapshot says what probing the host said.
struct SnapshotCommandTests {
    func gpus(_ root: String) throws -> [[String: Any]] {
        let run = try ProbeBinary.run(["--sysfs-root", root, "--no-firmware", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        return try #require(doc["gpus"] as? [[String: Any]])
    }

    @Test(arguments: ["l40-two-gpus", "mixed", "l40-unprivileged", "rtx4090"])
    func snapshotProbesTheSame(host: String) throws {
        let dir = try ScratchDirectory("snapshot")
        let out = dir.file("snap")
        let run = try ProbeBinary.run(["snapshot", "--sysfs-root", FixtureHosts.root(host), "--output", out])
        #expect(run.status == 0, "\(run.stderr)")
        let original = try gpus(FixtureHosts.root(host))
        let copy = try gpus(out)
        #expect(!original.isEmpty)
        #expect(NSArray(array: original).isEqual(to: copy), "probe of the snapshot differs from probe of \(host)")
        // lspci reads the snapshot too, and sees only NVIDIA functions.
        let (text, status) = try Oracle.run("lspci", ["-A", "linux-sysfs", "-O", "sysfs.path=\(out)/bus/pci", "-n"])
        #expect(status == 0)
        let lines = text.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains(" 10de:") })
    }

    /// The output directory is made by the snapshot itself: an existing one, even empty, is refused,
    /// so nothing in it (a planted link) predates the run.
    @Test(arguments: [true, false])
    func refusesAnExistingDirectory(withAFile: Bool) throws {
        let dir = try ScratchDirectory("snapshot")
        if withAFile { try dir.write("snap/keep", [1]) } else { try FileManager.default.createDirectory(atPath: dir.file("snap"), withIntermediateDirectories: false) }
        let run = try ProbeBinary.run(["snapshot", "--sysfs-root", FixtureHosts.root("l4"), "--output", dir.file("snap")])
        #expect(run.status == 1)
        #expect(run.stderr.contains("already exists"))
    }

    /// A host without NVIDIA functions is said to be one, exit 1, and nothing is written (main wrote an
    /// empty tree and exited 0).
    @Test func aHostWithoutNVIDIAFunctionsIsNotAnEmptySnapshot() throws {
        let dir = try ScratchDirectory("snapshot")
        let run = try ProbeBinary.run(["snapshot", "--sysfs-root", FixtureHosts.root("no-nvidia"), "--output", dir.file("snap")])
        #expect(run.status == 1 && run.stderr.contains("no NVIDIA PCI functions"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("snap")))
    }
}
