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

    /// Every fixture host with NVIDIA functions (main dropped `mdev_supported_types`, so a ready T4
    /// re-probed from its own snapshot was not ready).
    @Test(arguments: FixtureHosts.all.filter { $0 != "no-nvidia" })
    func snapshotProbesTheSame(host: String) throws {
        let dir = try ScratchDirectory("snapshot")
        let out = dir.file("snap")
        let run = try ProbeBinary.run(["snapshot", "--sysfs-root", FixtureHosts.root(host), "--output", out])
        #expect(run.status == 0, "\(run.stderr)")
        let original = try gpus(FixtureHosts.root(host))
        let copy = try gpus(out)
        #expect(!original.isEmpty)
        #expect(NSArray(array: original).isEqual(to: copy), "probe of the snapshot differs from probe of \(host)")
        if host == "l40-suspended" {
            // Its config is not read (a read would wake it), so not copied, and the report says so.
            #expect(run.stderr.contains("0000:41:00.0/config: not read: the device is runtime-suspended"), "\(run.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out + "/bus/pci/devices/0000:41:00.0/config"))
        }
        // lspci reads the snapshot too, and sees only NVIDIA functions.
        let lspci = ["-A", "linux-sysfs", "-O", "sysfs.path=\(out)/bus/pci", "-n"]
        let (text, status) = try Oracle.run("lspci", lspci)
        #expect(status == 0, "lspci: \((try? Oracle.run("lspci", lspci, mergingErrors: true).output) ?? "")")
        let lines = text.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains(" 10de:") })
    }

    /// A link the scan could not read (an `iommu_group` that is a plain file) is not in the snapshot,
    /// which then re-probes as "IOMMU off": the report says so, on standard error and in about.json
    /// (main left it out without a word).
    @Test func aLinkThatCannotBeRecreatedIsNamed() throws {
        let dir = try ScratchDirectory("snapshot")
        let host = try FixtureHosts.copy("l4", in: dir)
        let group = host + "/devices/pci0000:17/0000:17:00.0/0000:18:00.0/iommu_group"
        try FileManager.default.removeItem(atPath: group)
        _ = try dir.write("host/devices/pci0000:17/0000:17:00.0/0000:18:00.0/iommu_group", Array("2\n".utf8))
        let run = try ProbeBinary.run(["snapshot", "--sysfs-root", host, "--output", dir.file("snap"), "--no-firmware"])
        #expect(run.status == 0, "\(run.stderr)")
        let about = try String(contentsOfFile: dir.file("snap/vgpukit/about.json"), encoding: .utf8)
        #expect(about.contains("link not recreated (the snapshot lacks it): 0000:18:00.0/iommu_group: "), "\(about)")
        #expect(run.stderr.contains("not recreated: 0000:18:00.0/iommu_group"), "\(run.stderr)")
    }

    /// A `virtfnN` link that cannot be read leaves a gap: the links after it keep their numbers, so VF
    /// N of the snapshot is VF N of the host (main renumbered them, moving every later VF down by one).
    @Test func aMissingVirtfnLinkLeavesAGap() throws {
        let dir = try ScratchDirectory("snapshot")
        let host = try FixtureHosts.copy("l40-two-gpus", in: dir)
        let pf = "devices/pci0000:40/0000:40:01.1/0000:41:00.0"
        try FileManager.default.removeItem(atPath: "\(host)/\(pf)/virtfn3")
        _ = try dir.write("host/\(pf)/virtfn3", Array("../0000:41:00.7\n".utf8))
        let run = try ProbeBinary.run(["snapshot", "--sysfs-root", host, "--output", dir.file("snap"), "--no-firmware"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("not recreated: 0000:41:00.0/virtfn3"), "\(run.stderr)")
        let copied = dir.file("snap/bus/pci/devices/0000:41:00.0")
        let fm = FileManager.default
        #expect(try fm.destinationOfSymbolicLink(atPath: "\(copied)/virtfn2") == "../0000:41:00.6")
        #expect(!fm.fileExists(atPath: "\(copied)/virtfn3"))
        #expect(try fm.destinationOfSymbolicLink(atPath: "\(copied)/virtfn4") == "../0000:41:01.0")
        #expect(try fm.destinationOfSymbolicLink(atPath: "\(copied)/virtfn31") == "../0000:41:04.3")
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

    /// A snapshot is a bug report in one archive: GNU tar extracts DIR.tar.gz to exactly the tree; the
    /// tree carries the probe's own JSON (the same document the probe prints for the host), the
    /// firmware listing, and about.json with the running kernel (as uname says) and the bound driver's
    /// version (as its module file says). Each validates against its schema. (main: the tree only.)
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func aSnapshotIsABugReport() throws {
        let dir = try ScratchDirectory("snapshot-report")
        let host = FixtureHosts.root("l40-two-gpus")
        let out = dir.file("gpu-host")
        let run = try ProbeBinary.run(["snapshot", "--sysfs-root", host, "--firmware-root", RealFirmware.root, "--output", out])
        #expect(run.status == 0, "\(run.stderr)")
        try FileManager.default.createDirectory(atPath: dir.file("x"), withIntermediateDirectories: false)
        #expect(try Oracle.run("tar", ["-xzf", out + ".tar.gz", "-C", dir.file("x")]).status == 0)
        let diff = try Oracle.run("diff", ["-r", "--no-dereference", out, dir.file("x/gpu-host")])
        #expect(diff.status == 0, "the archive differs from the tree: \(diff.output)")

        let probe = try ProbeBinary.run(["--sysfs-root", host, "--firmware-root", RealFirmware.root, "--json", "--no-cache"])
        let captured = try String(contentsOfFile: out + "/vgpukit/probe.json", encoding: .utf8)
        #expect(captured == probe.stdout)
        let about = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/vgpukit/about.json"))) as? [String: Any])
        #expect(about["kernelRelease"] as? String == (try Oracle.run("uname", ["-r"]).output.trimmingCharacters(in: .newlines)))
        let drivers = try #require(about["drivers"] as? [[String: Any]])
        let version = try String(contentsOfFile: host + "/module/nvidia/version", encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(drivers.map { $0["name"] as? String } == ["nvidia"] && drivers.first?["version"] as? String == version)
        #expect(FileManager.default.fileExists(atPath: out + "/vgpukit/firmware.json"))
        if let python = SchemaValidator.python {
            let r = try Oracle.run(python, [SchemaValidator.script, out + "/vgpukit"])
            #expect(r.status == 0 && r.output.contains("3 document(s), 0 error(s)"), "\(r.output)")
        }
        // The snapshot of a snapshot finds the same GPUs (the report files do not disturb the tree).
        let (again, first) = (try gpus(out), try gpus(host))
        #expect(NSArray(array: again).isEqual(to: first), "snapshot: \(again)\nhost: \(first)")
    }

    /// An existing DIR.tar.gz is refused before anything is written.
    @Test func refusesAnExistingArchive() throws {
        let dir = try ScratchDirectory("snapshot")
        _ = try dir.write("snap.tar.gz", [1])
        let run = try ProbeBinary.run(["snapshot", "--sysfs-root", FixtureHosts.root("l4"), "--output", dir.file("snap")])
        #expect(run.status == 1 && run.stderr.contains("snap.tar.gz: already exists"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("snap")))
    }
}
