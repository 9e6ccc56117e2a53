import Foundation
import Synchronization
import Testing
import VGPUTestSupport

/// The hostile-tree generator: every attribute the probe reads, of a GPU and of one of its VFs, is in
/// turn replaced by each kind of hostile file, and every subcommand that reads the tree runs over it
/// with a deadline (for `racing`, while a thread rewrites it). The answer must be a report or a
/// diagnostic with a documented exit status, never a
/// hang, a crash, an internal error, broken JSON or a byte from outside the root.
///
/// The kinds run in parallel, each on its own copy of the host.
struct HostileTreeTests {
    /// What replaces an attribute.
    enum Kind: String, CaseIterable {
        case fifo, socket, device, linkOutOfRoot, directory, empty, huge, junk
        /// A regular file rewritten (truncated, then refilled with its own bytes or with junk) in a
        /// loop while the commands read it.
        case racing
    }

    /// The attributes, relative to the host root: the first L40 and its first VF.
    static let pf = "devices/pci0000:40/0000:40:01.1/0000:41:00.0"
    static let vf = "devices/pci0000:40/0000:40:01.1/0000:41:00.4"
    static let attributes = [
        "vendor", "device", "class", "revision", "subsystem_device", "config", "resource", "resource0", "sriov_totalvfs",
        "sriov_numvfs", "sriov_offset", "sriov_stride", "sriov_vf_device", "current_link_speed", "current_link_width",
        "numa_node", "power/runtime_status", "driver", "iommu_group", "virtfn0",
    ].map { pf + "/" + $0 } + ["physfn", "driver", "iommu_group", "device", "nvidia/creatable_vgpu_types"].map { vf + "/" + $0 }

    /// The commands run over each hostile tree ({root} and {out} are filled in). The text rendering of
    /// the same report is the whole-probe fuzz target's, with the escaping tests'.
    static let commands = [
        ["--sysfs-root", "{root}", "--no-firmware", "--json"],
        ["types", "--sysfs-root", "{root}", "-s", "41:00.0", "--json"],
        ["snapshot", "--sysfs-root", "{root}", "--output", "{out}"],
    ]

    static let secret = "OUTSIDE-THE-ROOT-\(UUID().uuidString)"

    /// Puts a hostile `kind` at `path` (whatever was there is gone).
    static func plant(_ kind: Kind, at path: String, scratch: ScratchDirectory) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        switch kind {
        case .fifo: #expect(mkfifo(path, 0o600) == 0)
        case .socket:
            // Bound by its name from inside its directory: a socket's path is limited to 108 bytes.
            let (_, status) = try Oracle.run("python3", ["-c", "import os,socket,sys; os.chdir(os.path.dirname(sys.argv[1])); socket.socket(socket.AF_UNIX).bind(os.path.basename(sys.argv[1]))", path])
            #expect(status == 0)
        case .device:
            // /dev/null's numbers; making a device node needs root (CI runs as root), else a link to one.
            if mknod(path, S_IFCHR | 0o600, dev_t(1 << 8 | 3)) != 0 { try fm.createSymbolicLink(atPath: path, withDestinationPath: "/dev/null") }
        case .linkOutOfRoot: try fm.createSymbolicLink(atPath: path, withDestinationPath: scratch.file("secret"))
        case .directory: try fm.createDirectory(atPath: path, withIntermediateDirectories: false)
        case .empty: #expect(fm.createFile(atPath: path, contents: Data()))
        case .huge:
            #expect(fm.createFile(atPath: path, contents: Data()))
            #expect(truncate(path, 1 << 30) == 0)
        case .junk, .racing:
            var generator = SystemRandomNumberGenerator()
            #expect(fm.createFile(atPath: path, contents: Data((0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) })))
        }
    }

    /// Rewrites `path` in a loop until `stop` is set, alternating `original` (when it was a regular
    /// file) with random bytes, truncating first so readers also meet the empty and partial file.
    static func race(_ path: String, original: Data?, until stop: StopFlag) {
        var generator = SystemRandomNumberGenerator()
        var round = 0
        while !stop.isSet {
            let bytes = round % 2 == 0 ? (original ?? Data()) : Data((0..<64).map { _ in UInt8.random(in: 0...255, using: &generator) })
            if let h = FileHandle(forWritingAtPath: path) {
                try? h.truncate(atOffset: 0)
                try? h.write(contentsOf: bytes.prefix(max(1, bytes.count / (1 + round % 3))))
                try? h.close()
            }
            round += 1
        }
    }

    @Test(arguments: Kind.allCases)
    func everyAttributeAsEveryKindOfHostileFile(kind: Kind) throws {
        let scratch = try ScratchDirectory("hostile-tree")
        _ = try scratch.write("secret", Array(Self.secret.utf8))
        let root = try FixtureHosts.copy("l40-two-gpus", in: scratch)
        let fm = FileManager.default
        for (n, attribute) in Self.attributes.enumerated() {
            let path = root + "/" + attribute
            let saved = scratch.file("saved-\(n)")
            let existed = (try? fm.destinationOfSymbolicLink(atPath: path)) != nil || fm.fileExists(atPath: path)
            if existed { try fm.moveItem(atPath: path, toPath: saved) }
            try Self.plant(kind, at: path, scratch: scratch)
            let stop = StopFlag()
            let racer = DispatchGroup()
            if kind == .racing {
                let original = try? Data(contentsOf: URL(fileURLWithPath: saved))
                DispatchQueue.global().async(group: racer) { Self.race(path, original: original, until: stop) }
            }
            for (c, template) in Self.commands.enumerated() {
                let arguments = template.map { $0 == "{root}" ? root : $0 == "{out}" ? scratch.file("snapshot-\(n)-\(c)") : $0 }
                let r = try ProbeBinary.run(arguments, deadline: HostileInputTests.deadline)
                let what = "\(kind) at \(attribute): vgpu-probe \(template.joined(separator: " "))"
                #expect(!r.timedOut, "hung: \(what)")
                #expect(!r.crashed, "crashed: \(what)\n\(r.stderr)")
                #expect([0, 1, 64, 66].contains(r.status), "status \(r.status): \(what)\n\(r.stderr)")
                #expect(!r.stdout.contains(Self.secret) && !r.stderr.contains(Self.secret), "read outside the root: \(what)")
                if template.contains("--json") && !r.stdout.isEmpty {
                    #expect((try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) != nil, "broken JSON: \(what)")
                }
            }
            stop.set()
            racer.wait()  // the file is restored below: the racer must be done with it
            // Nothing a snapshot wrote came from outside the root.
            let (leaked, _) = try Oracle.run("grep", ["-rl", "--devices=skip", Self.secret, scratch.file("snapshot-\(n)-2")])
            #expect(leaked.isEmpty, "copied from outside the root: \(kind) at \(attribute): \(leaked)")
            try fm.removeItem(atPath: path)
            if existed { try fm.moveItem(atPath: saved, toPath: path) }
        }
    }
}

/// A flag one thread sets and another polls.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
