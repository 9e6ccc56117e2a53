import Foundation
import Synchronization
import Testing
import VGPUTestSupport

/// The defects of the hostile-input issue, each reproduced on a copy of a fixture host or of the real
/// firmware and run through the built binary: the answer is a diagnostic and an exit status, never a
/// crash, a hang, a read outside the roots or a write outside the output.
@Suite(.serialized)
struct HostileInputTests {
    /// The first L40 of the two-L40 host (32 VFs enabled).
    static let pf = "0000:41:00.0"
    /// Seconds after which a run counts as hung: far above any real run (a snapshot, which fsyncs each
    /// of its ~400 files, takes 1-3 s here), so that AddressSanitizer on a loaded 2-core CI machine,
    /// with the writer of `filesTruncatedWhileReadNeverCrash` filling the page cache, is not "hung".
    static let deadline = 60.0

    /// A private copy of a fixture host (links kept as links), and the path of its PF's directory.
    static func copyOfHost(_ name: String = "l40-two-gpus", in dir: ScratchDirectory) throws -> (root: String, pf: String) {
        let root = try FixtureHosts.copy(name, in: dir)
        return (root, root + "/devices/pci0000:40/0000:40:01.1/" + pf)
    }

    /// Runs the binary with the deadline and checks it neither hung nor crashed.
    static func run(_ arguments: [String], environment: [String: String]? = nil,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> ProbeBinary.Result {
        let r = try ProbeBinary.run(arguments, environment: environment, deadline: deadline)
        #expect(!r.timedOut, "hung: vgpu-probe \(arguments.joined(separator: " "))", sourceLocation: sourceLocation)
        #expect(!r.crashed, "crashed (status \(r.status)): vgpu-probe \(arguments.joined(separator: " "))\n\(r.stderr)", sourceLocation: sourceLocation)
        return r
    }

    static func replace(_ path: String, withLinkTo target: String) throws {
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }

    // 1. A resource line spanning the whole 64-bit space overflowed `end - start + 1` (SIGILL).
    @Test func aResourceLineOverTheWholeAddressSpaceIsADiagnostic() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        var lines = try String(contentsOfFile: host.pf + "/resource", encoding: .utf8).split(separator: "\n").map(String.init)
        lines[0] = "0x0000000000000000 0xffffffffffffffff 0x0000000000040200"
        try lines.joined(separator: "\n").appending("\n").write(toFile: host.pf + "/resource", atomically: false, encoding: .utf8)
        for command in [["--sysfs-root", host.root, "--no-firmware", "--json"], ["types", "--sysfs-root", host.root, "-s", "41:00.0"],
                        ["snapshot", "--sysfs-root", host.root, "--output", dir.file("snap")]] {
            _ = try Self.run(command)
        }
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware"])
        #expect(r.stdout.contains("resource: line 1"))
    }

    // 2. A file truncated while in use: GSP images, pci.ids and resource0 were mapped (SIGBUS).
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func filesTruncatedWhileReadNeverCrash() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        let gsp = "nvidia/ad102/gsp/gsp-535.113.01.bin"
        let image = try Data(contentsOf: URL(fileURLWithPath: RealFirmware.path(gsp)))
        for file in ["booter_load", "booter_unload", "bootloader"] {
            let relative = "nvidia/ad102/gsp/\(file)-535.113.01.bin"
            _ = try dir.write("fw/" + relative, RealFirmware.bytes(relative))
        }
        let target = try dir.write("fw/" + gsp, [])
        let ids = try dir.write("pci.ids", Array(try Data(contentsOf: URL(fileURLWithPath: "/usr/share/misc/pci.ids"))))
        let idsBytes = try Data(contentsOf: URL(fileURLWithPath: ids))
        let resource0 = host.pf + "/resource0"
        let registers = try Data(contentsOf: URL(fileURLWithPath: resource0))
        // Rewrite the three files in place, in a loop, while probes read them.
        let stop = Atomic<Bool>(false)
        let writer = Thread {
            var round = 0
            while !stop.load(ordering: .relaxed) {
                for (path, bytes) in [(target, image), (ids, idsBytes), (resource0, registers)] {
                    guard let h = FileHandle(forWritingAtPath: path) else { continue }
                    try? h.truncate(atOffset: 0)
                    try? h.write(contentsOf: round % 2 == 0 ? bytes.prefix(bytes.count / 3) : bytes)
                    try? h.close()
                }
                round += 1
            }
        }
        writer.start()
        defer { stop.store(true, ordering: .relaxed) }
        for _ in 0..<25 {
            _ = try Self.run(["--sysfs-root", host.root, "--firmware-root", dir.file("fw"), "--pci-ids", ids, "--verify-all"])
        }
    }

    // 3. snapshot --output 30,000 levels deep recursed until the stack overflowed.
    @Test func aVeryDeepSnapshotPathIsRefused() throws {
        let dir = try ScratchDirectory("hostile")
        let deep = dir.path + String(repeating: "/d", count: 30_000)
        let r = try Self.run(["snapshot", "--sysfs-root", FixtureHosts.root("l4"), "--output", deep])
        #expect(r.status == 1 && r.stderr.contains("cannot write the snapshot"))
    }

    // 4. A FIFO, socket or terminal where a file should be blocked forever.
    @Test(arguments: ["vendor", "config", "resource", "nvidia-types", "pci.ids", "plan", "firmware"])
    func aFIFOAnywhereIsRefusedNotWaitedOn(place: String) throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        let fifo = dir.file("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        var arguments = ["--sysfs-root", host.root, "--no-firmware"]
        switch place {
        case "vendor", "config", "resource":
            try FileManager.default.removeItem(atPath: host.pf + "/" + place)
            #expect(mkfifo(host.pf + "/" + place, 0o600) == 0)
        case "nvidia-types":
            let vf = host.root + "/devices/pci0000:40/0000:40:01.1/0000:41:00.4/nvidia/creatable_vgpu_types"
            if FileManager.default.fileExists(atPath: vf) { try FileManager.default.removeItem(atPath: vf) }
            try FileManager.default.createDirectory(atPath: (vf as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            #expect(mkfifo(vf, 0o600) == 0)
        case "pci.ids":
            arguments += ["--pci-ids", fifo]
        case "plan":
            arguments = ["simulate", "--plan", fifo, "--board", "L40S", "--firmware-root", dir.path]
        default:
            try FileManager.default.createDirectory(atPath: dir.file("fw/nvidia/ad102/gsp"), withIntermediateDirectories: true)
            #expect(mkfifo(dir.file("fw/nvidia/ad102/gsp/gsp-535.113.01.bin"), 0o600) == 0)
            arguments = ["firmware", "--firmware-root", dir.file("fw"), "--chip", "ad102"]
        }
        let r = try Self.run(arguments)
        if !["pci.ids", "nvidia-types"].contains(place) { #expect(r.stdout.contains("FIFO") || r.stderr.contains("FIFO"), "\(r.stdout)\(r.stderr)") }
    }

    // 4a. Unprivileged (config past 64 bytes unreadable), a refused `sriov_offset` left the offset to a
    // made-up 0: GSP_VF_INFO said firstVFOffset 0 in text, JSON and the plan. Now nothing is encoded,
    // the sriov check names the file, and simulate -s refuses the GPU.
    @Test func anUnreadableVFOffsetIsNotMadeUp() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost("l40-unprivileged", in: dir)
        try Self.replace(host.pf + "/sriov_offset", withLinkTo: "/etc/hostname")
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware", "-s", "41:00.0", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let gpu = try #require((doc["gpus"] as? [[String: Any]])?.first)
        let vfInfo = try #require(gpu["vfInfo"] as? [String: Any])
        #expect(vfInfo["hex"] == nil && vfInfo["unavailable"] as? String == "not sent: sriov_offset cannot be read, so no VF's routing ID is known", "\(vfInfo)")
        let sriov = try #require(((gpu["readiness"] as? [String: Any])?["checks"] as? [[String: Any]])?.first { $0["name"] as? String == "sriov" })
        #expect(sriov["ok"] as? Bool == false && (sriov["detail"] as? String)?.contains("sriov_offset cannot be read") == true, "\(sriov)")
        let plan = try dir.write("plan.json", Array(#"{"schema": "vgpukit.simulation-plan/1", "steps": [{"create": "1Q"}]}"#.utf8))
        let simulate = try Self.run(["simulate", "--sysfs-root", host.root, "-s", "41:00.0", "--plan", plan, "--firmware-root", dir.path])
        #expect(simulate.status != 0 && simulate.stderr.contains("sriov_offset cannot be read"), "\(simulate.stderr)")
    }

    // 4b. Unprivileged, an unreadable or garbled `sriov_vf_device` passed the sriov check with "VF device
    // ?", although a VF device id of 0 means unusable VFs. Now the check fails, naming the file.
    @Test(arguments: ["fifo", "garbled"])
    func anUnreadableVFDeviceIDIsNotAPass(kind: String) throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost("l40-unprivileged", in: dir)
        let file = host.pf + "/sriov_vf_device"
        try FileManager.default.removeItem(atPath: file)
        if kind == "fifo" { #expect(mkfifo(file, 0o600) == 0) } else { _ = FileManager.default.createFile(atPath: file, contents: Data("zz\n".utf8)) }
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware", "-s", "41:00.0"])
        #expect(r.status == 1, "\(r.stdout)")
        #expect(r.stdout.contains("[!!] sriov         SR-IOV values cannot be read: sriov_vf_device cannot be read ("), "\(r.stdout)")
        #expect(r.stdout.contains("whether the VFs are usable (a VF device id of 0 means not) is unknown; as root the capability is read"))
    }

    // 4d. virtfn links the kernel never makes: one to the PF itself (the PF was counted as VF 0, its
    // nvidia/ named as a VF's), one naming a VF twice (counted twice in use), one left dangling by a VF
    // that vanished (vf-driver said "all 7 VFs bound" of 8 enabled). Each now places no VF, leaves what
    // fits uncounted, and fails vf-driver. A VF whose own physfn link is missing stays its PF's VF
    // (main reported it as a second GPU).
    @Test(arguments: ["pf-itself", "twice", "dangling", "no-physfn"])
    func aVirtfnLinkThatNamesNoVFOfThisGPUIsRefused(kind: String) throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost("l40s-in-use", in: dir)
        let devices = host.root + "/devices/pci0000:40/0000:40:01.1/"
        switch kind {
        case "pf-itself": try Self.replace(host.pf + "/virtfn0", withLinkTo: "../0000:41:00.0")
        case "twice": try Self.replace(host.pf + "/virtfn2", withLinkTo: "../0000:41:00.4")
        case "dangling":
            try FileManager.default.removeItem(atPath: devices + "0000:41:00.7")
            try FileManager.default.removeItem(atPath: host.root + "/bus/pci/devices/0000:41:00.7")
        default: try FileManager.default.removeItem(atPath: devices + "0000:41:00.5/physfn")
        }
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware"])
        #expect(r.stdout.contains("1 GPU(s)"), "\(r.stdout)")
        if kind == "no-physfn" {
            #expect(r.status == 0 && r.stdout.contains("vGPUs         2 in use (NVIDIA L40S-12Q x2), 6 VFs free"), "\(r.stdout)")
            return
        }
        #expect(r.status == 1)
        #expect(r.stdout.contains("[!!] vf-driver     8 VFs are enabled but 7 could be read (see notes)"), "\(r.stdout)")
        #expect(r.stdout.contains("what more fits is not counted (see notes)") && !r.stdout.contains("vGPU Q-types"), "\(r.stdout)")
        let note = ["pf-itself": "virtfn0 -> 0000:41:00.0 is the PF itself: not counted as a VF",
                    "twice": "virtfn2 -> 0000:41:00.4 names a VF an earlier virtfn link names: not counted as a VF",
                    "dangling": "virtfn -> 0000:41:00.7: no such function in the tree (dangling link)"][kind] ?? ""
        #expect(r.stdout.contains(note), "\(r.stdout)")
    }

    // 4c. A VF whose vGPU cannot be read was counted as free: "12Q x3" fitted, Prometheus and NFD said
    // so, and `types -s --place 3x12Q` placed three, beside two vGPUs in use. Now the VF is neither in
    // use nor free, nothing is counted, and `types -s` refuses, naming the file.
    @Test func aVFWhoseVGPUCannotBeReadIsNotCountedFree() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost("l40s-in-use", in: dir)
        let unread = host.root + "/devices/pci0000:40/0000:40:01.1/0000:41:00.5/nvidia/current_vgpu_type"
        try FileManager.default.removeItem(atPath: unread)
        #expect(mkfifo(unread, 0o600) == 0)
        let text = try Self.run(["--sysfs-root", host.root, "--no-firmware"])
        #expect(text.stdout.contains("vGPUs         1 in use (NVIDIA L40S-12Q x1), 1 unknown, 6 VFs free; what more fits is not counted (see notes)"), "\(text.stdout)")
        #expect(!text.stdout.contains("vGPU Q-types"), "\(text.stdout)")
        // Nor does the driver's list of a free VF earn "not offered" claims against an unknown count,
        // and the pf-types hint does not send the user to the unread VF.
        #expect(!text.stdout.contains("is not offered by the driver now") && !text.stdout.contains("e.g. 0000:41:00.5/"), "\(text.stdout)")
        let metrics = try Self.run(["--sysfs-root", host.root, "--no-firmware", "--format", "prometheus"])
        #expect(!metrics.stdout.contains("vgpukit_gpu_vgpu_type_fits{") && !metrics.stdout.contains("vgpukit_gpu_vfs_in_use{"), "\(metrics.stdout)")
        let untouched = try Self.run(["--sysfs-root", FixtureHosts.root("l40s-in-use"), "--no-firmware", "--format", "prometheus"])
        #expect(untouched.stdout.contains("vgpukit_gpu_vgpu_type_fits{"), "the untouched host counts what fits")
        let types = try Self.run(["types", "--sysfs-root", host.root, "-s", "41:00.0"])
        #expect(types.status == 1 && types.stderr.contains("what more fits is unknown while this is: 0000:41:00.5: nvidia/current_vgpu_type: not a regular file (FIFO)"), "\(types.stderr)")

        // A VF the scan did not read at all (its directory gone, the PF's link left) is unknown too.
        let goneDir = try ScratchDirectory("hostile")
        let gone = try Self.copyOfHost("l40s-in-use", in: goneDir)
        try FileManager.default.removeItem(atPath: gone.root + "/devices/pci0000:40/0000:40:01.1/0000:41:01.3")
        let partial = try Self.run(["--sysfs-root", gone.root, "--no-firmware", "--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(partial.stdout.utf8)) as? [String: Any])
        let gpu = try #require((doc["gpus"] as? [[String: Any]])?.first)
        #expect((gpu["vgpusUnknown"] as? [String])?.first?.hasPrefix("0000:41:01.3 was not read") == true, "\(gpu["vgpusUnknown"] ?? "none")")
        let partialText = try Self.run(["--sysfs-root", gone.root, "--no-firmware"])
        #expect(partialText.stdout.contains("vGPUs         2 in use (NVIDIA L40S-12Q x2), 1 unknown, 5 VFs free; what more fits is not counted"), "\(partialText.stdout)")
        withExtendedLifetime(goneDir) {}
    }

    // 4d. A file that cannot be read was reported as a hardware fact: an unreadable iommu_group as "the
    // IOMMU is off; boot with intel_iommu=on", an unreadable sriov_totalvfs (unprivileged) as "no SR-IOV
    // capability: this GPU cannot host vGPUs". Each now says what could not be read.
    @Test func anUnreadableFileIsNotAHardwareFact() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost("l40-unprivileged", in: dir)
        try FileManager.default.removeItem(atPath: host.pf + "/iommu_group")
        _ = try dir.write("host/devices/pci0000:40/0000:40:01.1/0000:41:00.0/iommu_group", Array("3\n".utf8))
        try FileManager.default.removeItem(atPath: host.pf + "/sriov_totalvfs")
        #expect(mkfifo(host.pf + "/sriov_totalvfs", 0o600) == 0)
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware", "-s", "41:00.0"])
        #expect(r.stdout.contains("[!!] iommu         the iommu_group link cannot be read ("), "\(r.stdout)")
        #expect(!r.stdout.contains("intel_iommu=on") && !r.stdout.contains("cannot host vGPUs"), "\(r.stdout)")
        #expect(r.stdout.contains("[!!] sriov         SR-IOV values cannot be read: sriov_totalvfs cannot be read (not a regular file (FIFO)), nor the SR-IOV capability past config's first bytes: whether the GPU has SR-IOV is unknown"), "\(r.stdout)")
        #expect(r.stdout.contains("  SR-IOV        unknown: sriov_totalvfs cannot be read"), "\(r.stdout)")

        // Where all of config space was read and holds no SR-IOV capability, "none" is a fact.
        let fullDir = try ScratchDirectory("hostile")
        let consumer = try Self.copyOfHost("rtx4090", in: fullDir)
        let totalVFs = consumer.root + "/devices/pci0000:00/0000:00:01.1/0000:01:00.0/sriov_totalvfs"
        if FileManager.default.fileExists(atPath: totalVFs) { try FileManager.default.removeItem(atPath: totalVFs) }
        #expect(mkfifo(totalVFs, 0o600) == 0)
        let none = try Self.run(["--sysfs-root", consumer.root, "--no-firmware"])
        #expect(none.stdout.contains("no SR-IOV capability: this GPU cannot host vGPUs") && !none.stdout.contains("unknown"), "\(none.stdout)")
    }

    // 4e. A `power/runtime_status` that cannot be read leaves the device's state unknown: BAR0 is not
    // read (main mapped it, touching a suspended GPU whose status a FIFO hid); the PCI id table names
    // the chip.
    @Test func anUnreadableRuntimeStatusLeavesBAR0Alone() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost("l40-suspended", in: dir)
        try FileManager.default.removeItem(atPath: host.pf + "/power/runtime_status")
        #expect(mkfifo(host.pf + "/power/runtime_status", 0o600) == 0)
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware", "-s", "41:00.0"])
        #expect(r.stdout.contains("identified by pci-id-table") && r.stdout.contains("BAR0 not readable: power/runtime_status cannot be read"), "\(r.stdout)")
        #expect(!r.stdout.contains("all ones"), "\(r.stdout)")
    }

    // 4b. An unreadable `vendor` hid the GPU: it was taken for another vendor's function and left out of
    // every output ("No NVIDIA GPU found"). The config header's ids describe it, with a note; with no
    // header either, a warning says what was not described and why.
    @Test func aGPUWhoseVendorCannotBeReadIsStillReported() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        try FileManager.default.removeItem(atPath: host.pf + "/vendor")
        #expect(mkfifo(host.pf + "/vendor", 0o600) == 0)
        let described = try Self.run(["--sysfs-root", host.root, "--no-firmware", "-s", "41:00.0"])
        #expect(described.status != 66 && described.stdout.contains("0000:41:00.0  AD102GL [L40] [10de:26b5]"), "\(described.stdout)")
        #expect(described.stdout.contains("note          vendor: not a regular file (FIFO)"), "\(described.stdout)")
        try FileManager.default.removeItem(atPath: host.pf + "/config")
        let hidden = try Self.run(["--sysfs-root", host.root, "--no-firmware", "--json"])
        #expect(hidden.stdout.contains("0000:41:00.0: not described: vendor not a regular file (FIFO), and the config header gives none"), "\(hidden.stdout)")
    }

    // 4. A `config` linked to the controlling terminal or to standard input waited for keyboard input.
    @Test(arguments: ["/dev/tty", "/proc/self/fd/0", "/dev/zero"])
    func anAttributeLinkedToADeviceIsRefused(target: String) throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        try Self.replace(host.pf + "/config", withLinkTo: target)
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware"])
        #expect(r.stdout.contains("config: resolves outside the root"), "\(r.stdout)")
    }

    // 5. A sparse 1 TiB firmware file was hashed for many minutes before its size was compared.
    @Test func aHugeSparseFirmwareFileIsJudgedByItsSizeFirst() throws {
        let dir = try ScratchDirectory("hostile")
        let gsp = dir.file("fw/nvidia/ad102/gsp/gsp-535.113.01.bin")
        try FileManager.default.createDirectory(atPath: dir.file("fw/nvidia/ad102/gsp"), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: gsp, contents: nil))
        #expect(truncate(gsp, 1 << 40) == 0)
        let r = try Self.run(["firmware", "--firmware-root", dir.file("fw"), "--chip", "ad102", "--json"])
        #expect(r.status == 1 && r.stdout.contains("1099511627776"), "\(r.stdout)")
    }

    // 5. The same for a file no manifest pins (NVIDIA's driver at a version no manifest lists): main
    //    hashed it whole, since there was no size to compare, before the ELF reader's limit refused it.
    @Test func aHugeSparseUnpinnedFirmwareFileIsRefusedBeforeItIsRead() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        try Data("999.1.2\n".utf8).write(to: URL(fileURLWithPath: host.root + "/module/nvidia/version"))
        let gsp = dir.file("fw/nvidia/999.1.2/gsp_ga10x.bin")
        try FileManager.default.createDirectory(atPath: dir.file("fw/nvidia/999.1.2"), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: gsp, contents: nil))
        #expect(truncate(gsp, 1 << 40) == 0)
        let r = try Self.run(["--sysfs-root", host.root, "--firmware-root", dir.file("fw"), "-s", "41:00.0", "--no-cache"])
        #expect(r.status == 1 && r.stdout.contains("1099511627776"), "\(r.stdout)")
    }

    // 5. A 16 GiB digest cache was read whole before its size limit applied.
    @Test func aHugeCacheFileIsNotRead() throws {
        let dir = try ScratchDirectory("hostile")
        let cache = dir.file("cache/firmware-digests.json")
        try FileManager.default.createDirectory(atPath: dir.file("cache"), withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: cache, contents: nil))
        #expect(truncate(cache, 16 << 30) == 0)
        var env = ProcessInfo.processInfo.environment
        env["VGPUKIT_CACHE_DIR"] = dir.file("cache")
        _ = try Self.run(["--sysfs-root", FixtureHosts.root("l4"), "--firmware-root", dir.path], environment: env)
    }

    // 6. `snapshot --output ""` wrote bus/ and kernel/ into the file-system root.
    @Test func anEmptySnapshotOutputIsRefused() throws {
        let r = try Self.run(["snapshot", "--sysfs-root", FixtureHosts.root("l4"), "--output", ""])
        #expect(r.status != 0 && r.stderr.contains("empty path"), "\(r.stderr)")
    }

    // 8. An attribute linked out of the root was printed in the report and copied by snapshot.
    @Test func anAttributeLinkedOutOfTheRootIsNeitherReadNorCopied() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        let secret = try dir.write("secret", Array("root:SECRET-HASH:19000:0:99999:7:::\n".utf8))
        let vfDirectory = host.root + "/devices/pci0000:40/0000:40:01.1/0000:41:00.4/nvidia"
        try FileManager.default.createDirectory(atPath: vfDirectory, withIntermediateDirectories: true)
        let types = vfDirectory + "/creatable_vgpu_types"
        if FileManager.default.fileExists(atPath: types) { try FileManager.default.removeItem(atPath: types) }
        try FileManager.default.createSymbolicLink(atPath: types, withDestinationPath: secret)
        try Self.replace(host.pf + "/revision", withLinkTo: "../../../../../secret")
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware", "--json"])
        #expect(!r.stdout.contains("SECRET"))
        #expect(r.stdout.contains("resolves outside the root"))
        let snapshot = try Self.run(["snapshot", "--sysfs-root", host.root, "--output", dir.file("snap")])
        #expect(snapshot.status == 0, "\(snapshot.stderr)")
        let (copied, _) = try Oracle.run("grep", ["-r", "SECRET", dir.file("snap")])
        #expect(copied.isEmpty)
        // What was refused is named, on standard error and in the report: the snapshot lacks it, so a
        // re-probe of the snapshot would differ (main skipped every unreadable file without a word).
        let refused = ["0000:41:00.0/revision: resolves outside the root", "0000:41:00.4/nvidia/creatable_vgpu_types: resolves outside the root"]
        let about = try String(contentsOfFile: dir.file("snap/vgpukit/about.json"), encoding: .utf8)
        for file in refused {
            #expect(snapshot.stderr.contains(file), "\(snapshot.stderr)")
            #expect(about.contains(file), "\(about)")
        }
    }

    // 9. An empty VGPUKIT_CACHE_DIR or XDG_CACHE_HOME put the cache in the current or root directory.
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func emptyCacheVariablesMeanUnset() throws {
        let dir = try ScratchDirectory("hostile")
        var env = ProcessInfo.processInfo.environment
        env["VGPUKIT_CACHE_DIR"] = ""
        env["XDG_CACHE_HOME"] = ""
        env["HOME"] = dir.path
        let work = dir.file("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProbeBinary.path)
        process.arguments = ["--sysfs-root", FixtureHosts.root("l4"), "--firmware-root", RealFirmware.root]
        process.environment = env
        process.currentDirectoryURL = URL(fileURLWithPath: work)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        // As root the default cache is read-only (DigestCachePolicyTests); as a user it is written under HOME.
        #expect(FileManager.default.fileExists(atPath: dir.file(".cache/vgpukit/firmware-digests.json")) == (geteuid() != 0))
        #expect(!FileManager.default.fileExists(atPath: work + "/firmware-digests.json"))
        #expect(!FileManager.default.fileExists(atPath: "/firmware-digests.json"))
    }

    // 10. Write errors on stdout were ignored: /dev/full and a closed stdout exited 0.
    @Test(arguments: [["--sysfs-root", FixtureHosts.root("l4"), "--no-firmware", "--json"],
                      ["--sysfs-root", FixtureHosts.root("l4"), "--no-firmware"],
                      ["firmware", "--firmware-root", FixtureHosts.root("l4")],
                      ["types", "--board", "L40S"]])
    func aFailedWriteOfTheOutputIsAnError(arguments: [String]) throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let r = try ProbeBinary.run(arguments, deadline: Self.deadline, standardOutput: full)
        #expect(r.status == 74 && r.stderr.contains("cannot write the output"), "status \(r.status): \(r.stderr)")
        // A closed standard output (`>&-`).
        let (_, status) = try Oracle.run("/bin/sh", ["-c", "exec \"$0\" \"$@\" >&-", ProbeBinary.path] + arguments)
        #expect(status == 74)
    }

    // 12. SR-IOV values out of range were reported as ready.
    @Test(arguments: [("sriov_totalvfs", "-5"), ("sriov_numvfs", "1000"), ("sriov_stride", "0"), ("sriov_offset", "0")])
    func impossibleSRIOVValuesAreNotReady(file: String, value: String) throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost("l40-unprivileged", in: dir)
        try (value + "\n").write(toFile: host.pf + "/" + file, atomically: false, encoding: .utf8)
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware", "-s", "41:00.0"])
        #expect(r.stdout.contains("SR-IOV values are inconsistent"), "\(r.stdout)")
        #expect(!r.stdout.contains("vGPU ready: YES") && r.status == 1)
        // types -s refuses the GPU for the same reason.
        let types = try Self.run(["types", "--sysfs-root", host.root, "-s", "41:00.0"])
        #expect(types.status != 0 && types.stderr.contains("inconsistent"), "\(types.stderr)")
    }

    // One SR-IOV rule: when the VF device id cannot be read at all (an unprivileged run, whose config
    // read stops at 64 bytes, on a kernel without sriov_vf_device), the sriov check fails saying so
    // (an unknown id may be 0, which means unusable VFs; earlier stops passed it as "VF device ?"), and
    // GSP_VF_INFO, which does not carry the id, is still built from the sriov_* files and the VF BARs of
    // `resource`: not refused as if the id read 0.
    @Test func anUnreadableVFDeviceIDIsUnknownNotZero() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost("l40-unprivileged", in: dir)
        try FileManager.default.removeItem(atPath: host.pf + "/sriov_vf_device")
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware", "-s", "41:00.0", "--json"])
        let gpu = try #require((try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])?["gpus"] as? [[String: Any]]).first
        let vfInfo = gpu?["vfInfo"] as? [String: Any]
        #expect(vfInfo?["unavailable"] == nil, "\(vfInfo ?? [:])")
        let fields = vfInfo?["fields"] as? [String: Any]
        #expect(fields?["totalVFs"] as? Int == 32 && fields?["firstVFOffset"] as? Int == 4, "\(fields ?? [:])")
        let checks = (gpu?["readiness"] as? [String: Any])?["checks"] as? [[String: Any]] ?? []
        let sriov = checks.first { $0["name"] as? String == "sriov" }
        #expect(sriov?["ok"] as? Bool == false && (sriov?["detail"] as? String ?? "").contains("sriov_vf_device cannot be read (missing), nor the SR-IOV capability"), "\(checks)")
    }

    // 12. Unprivileged (config cut at 64 bytes, so the counts come from the sriov_* files) with
    //     sriov_numvfs unreadable: main reported "0/32 VFs enabled" and told the operator to enable VFs
    //     beside "all 32 VFs bound to nvidia". The kernel's virtfn links count them; the file is a note.
    @Test func anUnreadableVFCountIsTakenFromTheLinks() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        let config = try Data(contentsOf: URL(fileURLWithPath: host.pf + "/config"))
        try config.prefix(64).write(to: URL(fileURLWithPath: host.pf + "/config"))
        try FileManager.default.removeItem(atPath: host.pf + "/sriov_numvfs")
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware", "-s", "41:00.0"])
        #expect(r.stdout.contains("32/32 VFs enabled") && r.stdout.contains("[ok] vfs-enabled   32 VFs enabled"), "\(r.stdout)")
        #expect(r.stdout.contains("sriov_numvfs: missing beside sriov_totalvfs"), "\(r.stdout)")

        // A count of 0 beside 32 links contradicts them as 32 beside none does (main: no problem seen).
        try Data("0\n".utf8).write(to: URL(fileURLWithPath: host.pf + "/sriov_numvfs"))
        let zero = try Self.run(["--sysfs-root", host.root, "--no-firmware", "-s", "41:00.0"])
        #expect(zero.stdout.contains("0 VFs are enabled but the kernel lists 32 virtfn links"), "\(zero.stdout)")
    }

    // 13. Two names for one function (a fifth domain digit, an upper-case bus, another address): main
    //     reported the GPU twice and `snapshot` stopped half-written on "already exists".
    @Test func aFunctionNamedTwiceIsReportedOnce() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        let devices = host.root + "/bus/pci/devices"
        for (alias, name) in [("00000:41:00.0", "0000:41:00.0"), ("0000:C1:00.0", "0000:c1:00.0")] {
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: devices + "/" + name)
            try FileManager.default.createSymbolicLink(atPath: devices + "/" + alias, withDestinationPath: target)
        }
        // An entry of another address linked to the same directory (main reported the GPU twice).
        try FileManager.default.createSymbolicLink(atPath: devices + "/0000:42:00.0",
                                                   withDestinationPath: FileManager.default.destinationOfSymbolicLink(atPath: devices + "/0000:41:00.0"))
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware", "-q"])
        #expect(r.stdout.split(separator: "\n").map { $0.prefix(12) } == ["0000:41:00.0", "0000:c1:00.0"], "\(r.stdout)")
        #expect(r.stderr.contains("00000:41:00.0: not the kernel's name for 0000:41:00.0, skipped"), "\(r.stderr)")
        #expect(r.stderr.contains("bus/pci/devices/0000:42:00.0: links to 0000:41:00.0, not to a directory of its own name"), "\(r.stderr)")
        let snapshot = try Self.run(["snapshot", "--sysfs-root", host.root, "--no-firmware", "--output", dir.file("snap")])
        #expect(snapshot.status == 0, "\(snapshot.stderr)")
    }

    // 12. Enabled VFs without the kernel's virtfn links are not ready.
    @Test func enabledVFsWithoutLinksAreNotReady() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        for entry in try FileManager.default.contentsOfDirectory(atPath: host.pf) where entry.hasPrefix("virtfn") {
            try FileManager.default.removeItem(atPath: host.pf + "/" + entry)
        }
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware", "-s", "41:00.0"])
        #expect(r.stdout.contains("32 VFs are enabled but the kernel lists 0 virtfn links"), "\(r.stdout)")
    }

    /// Half the links gone: vf-driver points at the sriov finding, not at notes that say nothing of it.
    @Test func vfDriverPointsAtTheMissingLinks() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        for n in 16..<32 { try FileManager.default.removeItem(atPath: host.pf + "/virtfn\(n)") }
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware", "-s", "41:00.0"])
        #expect(r.stdout.contains("[!!] vf-driver     32 VFs are enabled but 16 could be read (see sriov)"), "\(r.stdout)")
    }

    // 14. A terminal escape sequence in a sysfs file was printed raw (a fake coloured "ready YES").
    @Test func terminalControlsFromSysfsAreEscaped() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        try "\u{1b}[32mready YES\u{1b}[0m\r\n".write(toFile: host.pf + "/power/runtime_status", atomically: false, encoding: .utf8)
        let r = try Self.run(["--sysfs-root", host.root, "--no-firmware"])
        #expect(!r.stdout.utf8.contains(0x1b) && !r.stdout.utf8.contains(0x0d))
        #expect(r.stdout.contains("\\x1b[32mready YES"), "\(r.stdout)")
    }

    /// Warnings and -v's log lines go through swift-log; they are escaped as the report is (main wrote a
    /// device entry's name raw to standard error, so it could clear the screen and print a fake verdict).
    @Test func terminalControlsInLogLinesAreEscaped() throws {
        let dir = try ScratchDirectory("hostile")
        let host = try Self.copyOfHost(in: dir)
        let name = "x\u{1b}[2J\u{1b}]0;PWNED\u{07}\u{1b}[31mFAKE: all GPUs ready"
        #expect(FileManager.default.createFile(atPath: host.root + "/bus/pci/devices/" + name, contents: Data()))
        for extra in [["-q"], ["-v"]] {
            let r = try Self.run(["--sysfs-root", host.root, "--no-firmware"] + extra)
            #expect(r.stderr.contains("\\x1b[2J\\x1b]0;PWNED\\x07"), "\(r.stderr)")
            #expect(!r.stderr.utf8.contains(0x1b) && !r.stderr.utf8.contains(0x07), "\(extra)")
        }
    }
}
