import Foundation
import Testing
import VGPUTestSupport

/// `vgpu-probe simulate` as a user runs it: the bundled plans on a board and on every fixture GPU, and
/// plans that must be refused with the file and field named.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct SimulateCommandTests {
    static let plans = RealFirmware.packageRoot.appendingPathComponent("docs/plans").path

    func simulate(_ args: [String]) throws -> (status: Int32, doc: [String: Any]?, stdout: String, stderr: String) {
        let run = try ProbeBinary.run(["simulate", "--firmware-root", RealFirmware.root] + args)
        let doc = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return (run.status, doc, run.stdout, run.stderr)
    }

    @Test func theIssuesExampleOnAnL40S() throws {
        let r = try simulate(["--plan", Self.plans + "/l40s-fill-and-refill.json", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.doc?["schema"] as? String == "vgpukit.simulation/2" && r.doc?["ok"] as? Bool == true)
        let steps = try #require(r.doc?["steps"] as? [[String: Any]])
        #expect(steps.map { $0["step"] as? String } == ["create 4 x 12Q", "create 1 x 1Q", "destroy #2, #4", "create 8 x 3Q"])
        #expect(steps.allSatisfy { $0["met"] as? Bool == true })
        let live = try #require(r.doc?["live"] as? [[String: Any]])
        #expect(live.map { $0["number"] as? Int } == [1, 3, 5, 6, 7, 8, 9, 10, 11, 12])
        let fb = try #require((r.doc?["map"] as? [String: Any])?["framebuffer"] as? [[String: Any]])
        #expect(fb.count == 10 && fb.allSatisfy { $0["owner"] != nil }, "48 GiB exactly filled")
        #expect(r.doc?["created"] as? Int == 12 && r.doc?["initFailures"] as? Int == 1 && r.doc?["released"] as? Int == 2)

        let text = try simulate(["--plan", Self.plans + "/l40s-fill-and-refill.json"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("#1 NVIDIA L40S-12Q: VF 1 0000:41:00.4 gfid 1, FB 0x0-0x2ffffffff"))
        #expect(text.stdout.contains("4 of 4 steps as expected; 10 vGPU(s) live"))
    }

    /// On a host's GPU the session starts where the host is: its VFs enabled and its vGPUs made first.
    /// main simulated an idle GPU with all 32 VFs, put the plan's first vGPU on a VF that hosted one,
    /// and passed a plan the host could not run.
    @Test func aHostsGPUStartsAsTheHostShowsIt() throws {
        let inUse = try simulate(["--plan", Self.plans + "/l40s-fill-and-refill.json", "-s", "41:00.0", "--sysfs-root", FixtureHosts.root("l40s-in-use")])
        #expect(inUse.status == 1, "two 12Q are in use: four more do not fit")
        #expect(inUse.stdout.contains("on the host: 8 of 32 VFs enabled; in use, made before step 1: NVIDIA L40S-12Q on VF 1 (0000:41:00.4), "
                                      + "NVIDIA L40S-12Q on VF 2 (0000:41:00.5)"), "\(inUse.stdout)")
        #expect(inUse.stdout.contains("#1 NVIDIA L40S-12Q: VF 3 0000:41:00.6 gfid 3"), "\(inUse.stdout)")
        #expect(inUse.stdout.contains("refused: NVIDIA L40S-12Q allows at most 4 per GPU"), "\(inUse.stdout)")
        #expect(inUse.stdout.contains("VFs: 8 enabled, 7 in use: 1=host's 2=host's 3=#1"), "\(inUse.stdout)")
        // Another VF count would end the host's vGPUs: the plan is refused.
        let dir = try ScratchDirectory("simulate-host")
        let plan = try dir.write("vfs.json", Array(#"{"schema": "vgpukit.simulation-plan/1", "vfs": 16, "steps": [{"create": "12Q"}]}"#.utf8))
        let more = try simulate(["--plan", plan, "-s", "41:00.0", "--sysfs-root", FixtureHosts.root("l40s-in-use")])
        #expect(more.status == 64 && more.stderr.contains("vfs: 16, but the GPU has 8 VFs enabled with 2 vGPU(s) on them"), "\(more.stderr)")
        // A host whose vGPUs differ in size needs the plan's mixed-size mode, and says so.
        let mixedHost = try FixtureHosts.copy("l40s-in-use", in: dir)
        _ = try dir.write("host/devices/pci0000:40/0000:40:01.1/0000:41:00.5/nvidia/current_vgpu_type", Array("1151\n".utf8))
        let equal = try dir.write("equal.json", Array(#"{"schema": "vgpukit.simulation-plan/1", "board": "L4", "steps": [{"create": "6Q"}]}"#.utf8))
        let sizes = try simulate(["--plan", equal, "-s", "41:00.0", "--sysfs-root", mixedHost])
        #expect(sizes.status == 64 && sizes.stderr.contains("mixedSizes: the host's vGPUs differ in size (6144 MiB, 12288 MiB)"), "\(sizes.stderr)")
        // The plan's board is not the host's: said on standard error (not where it is the same).
        let other = try dir.write("other.json", Array(#"{"schema": "vgpukit.simulation-plan/1", "board": "L4", "steps": [{"create": "12Q"}]}"#.utf8))
        let l4 = try simulate(["--plan", other, "-s", "41:00.0", "--sysfs-root", FixtureHosts.root("l40s-in-use")])
        #expect(l4.status == 0 && l4.stderr.contains("board: L4 is not used: -s simulates the host's GPU (L40S)"), "\(l4.stderr)")
        #expect(!inUse.stderr.contains("is not used"), "the bundled plan names the L40S: \(inUse.stderr)")
        // The mixed host's L40S has 4 VFs enabled: the plan's fifth vGPU finds no VF.
        let four = try simulate(["--plan", Self.plans + "/failures-and-unwinding.json", "-s", "86:00.0", "--sysfs-root", FixtureHosts.root("mixed")])
        #expect(four.status == 1 && four.stdout.contains("refused: reserve-vf: no free VF (4 enabled, 4 in use)"), "\(four.stdout)")
    }

    /// An injected fault the next create or destroy does not reach stays armed, and that step is a plan
    /// error: the refusal it expected came from elsewhere. main passed step 3 "as expected" (refused by
    /// the per-GPU maximum), then failed step 5 with the fault still armed, and passed plans whose fault
    /// no step reached.
    @Test func aFaultTheNextStepDoesNotReachIsAPlanError() throws {
        let dir = try ScratchDirectory("simulate-faults")
        let plan = try dir.write("f.json", Array(#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"create": "12Q", "count": 4}, {"inject": "bootload"}, {"create": "12Q", "expect": "refused"}, {"destroy": [1]}, {"create": "12Q"}]}"#.utf8))
        let r = try simulate(["--plan", plan])
        #expect(r.status == 1)
        #expect(r.stdout.contains("step 3: create 1 x 12Q  [PLAN ERROR]\n  refused: NVIDIA L40S-12Q allows at most 4 per GPU\n"
                                  + "  plan error: the fault injected by 'inject bootload' was not reached by this step"), "\(r.stdout)")
        let never = try dir.write("n.json", Array(#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"create": "12Q"}, {"inject": "unanswered:shutdown"}, {"create": "12Q"}]}"#.utf8))
        let n = try simulate(["--plan", never])
        #expect(n.status == 1 && n.stdout.contains("end of plan  [PLAN ERROR]"), "\(n.stdout)")
    }

    /// The text gives each destroy its teardown steps on a line of its own (main printed
    /// `#1 destroyed:   #4 destroyed:` on one line, and not which control of a failed teardown failed).
    @Test func destroysListTheirTeardown() throws {
        let r = try simulate(["--plan", Self.plans + "/failures-and-unwinding.json", "--board", "L40S"])
        #expect(r.stdout.contains("  #2 destroyed: shutdown, cleanup, free-channels, unmap-heap, free-fb, return-vf\n"), "\(r.stdout)")
        #expect(r.stdout.contains("  #3 destroyed: shutdown FAILED (shutdown: RPC 76 got no reply)"), "\(r.stdout)")
    }

    /// Pictures: the host's vGPUs are drawn as vGPUs, tagged `host` (main hatched them as quarantined),
    /// and a plan that ends in an unreached inject still gets one picture per step.
    @Test func picturesNameTheHostsVGPUsAndKeepEveryStep() throws {
        let host = try ProbeBinary.run(["simulate", "--plan", Self.plans + "/failures-and-unwinding.json", "-s", "41:00.0", "--sysfs-root",
                                        FixtureHosts.root("l40s-in-use"), "--firmware-root", RealFirmware.root, "--each-step", "--format", "svg"])
        #expect(host.stdout.contains(">host NVIDIA L40S-12Q, VF 1 (0000:41:00.4)<"), "\(host.stdout.prefix(400))")
        let dir = try ScratchDirectory("simulate-pictures")
        let plan = try dir.write("e.json", Array(#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"create": "12Q", "count": 2}, {"destroy": [1]}, {"inject": "map-heap"}]}"#.utf8))
        let svg = try ProbeBinary.run(["simulate", "--plan", plan, "--firmware-root", RealFirmware.root, "--each-step", "--format", "svg"])
        #expect(svg.stdout.contains("after step 1: create 2 x 12Q (ok)") && svg.stdout.contains("after step 4: end of plan (PLAN ERROR)"), "\(svg.stdout.prefix(400))")
    }

    @Test(arguments: [("l40-two-gpus", "41:00.0"), ("l40-two-gpus", "c1:00.0"), ("l4", "18:00.0")])
    func failuresUnwindOnEveryFixtureAdaGPU(host: String, slot: String) throws {
        let r = try simulate(["--plan", Self.plans + "/failures-and-unwinding.json", "-s", slot, "--sysfs-root", FixtureHosts.root(host), "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect((r.doc?["host"] as? [String: Any])?["source"] as? String == "sysfs")
        let map = try #require(r.doc?["map"] as? [String: Any])
        #expect((map["quarantine"] as? [Any])?.count == 1, "the vGPU whose shutdown went unanswered")
        #expect((r.doc?["live"] as? [Any])?.isEmpty == true)
        #expect(r.doc?["created"] as? Int == 6 && r.doc?["released"] as? Int == 6 && r.doc?["initFailures"] as? Int == 2)
    }

    @Test func boardsThatCannotHostVGPUsSayWhy() throws {
        let a40 = try simulate(["--plan", Self.plans + "/failures-and-unwinding.json", "-s", "41:00.0", "--sysfs-root", FixtureHosts.root("a40")])
        #expect(a40.status == 1)
        #expect(a40.stdout.contains("NVIDIA A40-2Q cannot be created: the catalogue has no GSP heap size for it"))
        let t4 = try simulate(["--plan", Self.plans + "/failures-and-unwinding.json", "-s", "3b:00.0", "--sysfs-root", FixtureHosts.root("t4")])
        #expect(t4.status == 1 && t4.stderr.contains("hosts vGPUs as mediated devices on its PF; the simulated life cycle models SR-IOV vGPUs (one per VF) only"), "\(t4.stderr)")
        let consumer = try simulate(["--plan", Self.plans + "/failures-and-unwinding.json", "-s", "01:00.0", "--sysfs-root", FixtureHosts.root("rtx4090")])
        #expect(consumer.status == 1 && !consumer.stderr.isEmpty)
    }

    /// One SR-IOV rule for every command: an L40S whose capability allows a single VF (TotalVFs and
    /// InitialVFs 1, in config space and in sriov_totalvfs) is refused by `simulate -s` for the reason
    /// `types -s` and the probe give, rather than simulated as if it could host vGPUs.
    @Test func aSingleVFBoardIsRefusedForTheProbesReason() throws {
        let scratch = try ScratchDirectory("single-vf")
        let root = try FixtureHosts.copy("generations", in: scratch)
        let pf = try FileManager.default.destinationOfSymbolicLink(atPath: root + "/bus/pci/devices/0000:41:00.0")
        let device = URL(fileURLWithPath: root + "/bus/pci/devices").appendingPathComponent(pf).standardized.path
        var config = try [UInt8](Data(contentsOf: URL(fileURLWithPath: device + "/config")))
        // Walk the extended capabilities (PCIe base spec 7.6.3) to SR-IOV (id 0x0010).
        var offset = 0x100, patched = false
        while offset >= 0x100, offset + 16 <= config.count, !patched {
            let header = UInt32(config[offset]) | UInt32(config[offset + 1]) << 8 | UInt32(config[offset + 2]) << 16 | UInt32(config[offset + 3]) << 24
            if header & 0xffff == 0x0010 {
                for field in [0x0c, 0x0e] { (config[offset + field], config[offset + field + 1]) = (1, 0) }   // InitialVFs, TotalVFs
                patched = true
            }
            offset = Int(header >> 20)
        }
        try #require(patched, "the L40S fixture has an SR-IOV capability")
        try Data(config).write(to: URL(fileURLWithPath: device + "/config"))
        try Data("1\n".utf8).write(to: URL(fileURLWithPath: device + "/sriov_totalvfs"))

        let reason = "SR-IOV capability allows a single VF: this board is not a vGPU host"
        let types = try ProbeBinary.run(["types", "--sysfs-root", root, "-s", "41:00.0"])
        #expect(types.status == 1 && types.stderr.contains(reason), "\(types.stderr)")
        let r = try simulate(["--plan", Self.plans + "/failures-and-unwinding.json", "-s", "41:00.0", "--sysfs-root", root])
        #expect(r.status == 1 && r.stderr.contains("0000:41:00.0 (L40S) cannot host vGPUs: " + reason), "\(r.stderr)")
        #expect(r.stdout.isEmpty, "nothing simulated")
    }

    @Test func missingInputs() throws {
        #expect(try simulate(["--plan", "/nonexistent/plan.json"]).status == 66)
        let unnamed = try simulate(["--plan", Self.plans + "/failures-and-unwinding.json"])
        #expect(unnamed.status == 64 && unnamed.stderr.contains("board: the plan names no board"))
        let unknown = try simulate(["--plan", Self.plans + "/failures-and-unwinding.json", "--board", "H100"])
        #expect(unknown.status == 64 && unknown.stderr.contains("no vGPU type catalogue for board 'H100'"))
        let dir = try ScratchDirectory()
        let tooMany = dir.path + "/vfs.json"
        try #"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "vfs": 64, "steps": [{"create": "1Q"}]}"#.write(toFile: tooMany, atomically: true, encoding: .utf8)
        let vfs = try simulate(["--plan", tooMany])
        // A plan asking for more VFs than the board has is a bad plan (64), not a host failure (main: 1).
        #expect(vfs.status == 64 && vfs.stderr.contains("vfs: 64 is more than the 32 VFs of the GPU"), "\(vfs.stderr)")
        let noFirmware = try ProbeBinary.run(["simulate", "--plan", Self.plans + "/l40s-fill-and-refill.json", "--firmware-root", dir.path])
        #expect(noFirmware.status == 1 && noFirmware.stderr.contains("boot plan"))
    }

    @Test(arguments: [
        (#"{"schema": "vgpukit.simulation-plan/2", "board": "L40S", "steps": [{"create": "1Q"}]}"#, "schema: is 'vgpukit.simulation-plan/2'"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": []}"#, "steps: is empty"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"create": "1Q", "destroy": [1]}]}"#, "steps[0]: needs exactly one of"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"create": "1Q", "count": 0}]}"#, "steps[0].count: 0 is outside 1...64"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"destroy": [1], "count": 2}]}"#, "steps[0].count: applies to create only"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"create": "1Q"}, {"destroy": [0]}]}"#, "steps[1].destroy: vGPU number 0"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"destroy": "some"}]}"#, "steps[0].destroy"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"inject": "explode"}]}"#, "steps[0].inject: 'explode' is not a create step"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"inject": "map-heap", "expect": "refused"}]}"#, "steps[0].expect"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "vmmuSegmentMiB": 100, "steps": [{"create": "1Q"}]}"#, "vmmuSegmentMiB: 100"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"create": "1Q", "count": "two"}]}"#, "steps[0].count"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"create": "1Q""#, "plan.json: $"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"create": "1Q", "expect": "maybe"}]}"#, "steps[0].expect"),
        // Fields the format does not have: main dropped them, so a typo changed the session in silence.
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "mixedsizes": true, "steps": [{"create": "1Q"}]}"#, "mixedsizes: is not a plan field"),
        (#"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"create": "1Q", "Count": 4}]}"#, "steps[0].Count: is not a step field"),
    ])
    func badPlansNameTheFileAndField(plan: String, message: String) throws {
        let dir = try ScratchDirectory()
        let path = dir.path + "/plan.json"
        try plan.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try simulate(["--plan", path])
        #expect(r.status == 64)
        #expect(r.stderr.contains(path) && r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    /// A step that fails because of the plan (a type the board lacks, a vGPU number this run never
    /// made, a fault nothing reaches) is a plan error: it meets no expectation, `refused` included
    /// (main passed both as "refused, as expected" and exited 0).
    @Test func aPlanErrorIsNoRefusal() throws {
        let dir = try ScratchDirectory()
        let path = dir.path + "/plan.json"
        try #"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"create": "12X", "expect": "refused"}, {"destroy": [7], "expect": "refused"}, {"inject": "reserve-channels"}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let r = try simulate(["--plan", path, "--json"])
        #expect(r.status == 1 && r.doc?["ok"] as? Bool == false)
        let steps = try #require(r.doc?["steps"] as? [[String: Any]])
        #expect(steps.map { $0["met"] as? Bool } == [false, false, true, false], "\(steps)")
        #expect(steps.last?["step"] as? String == "end of plan")
        let text = try simulate(["--plan", path])
        #expect(text.stdout.contains("step 1: create 1 x 12X  [PLAN ERROR]\n  plan error: L40S has no vGPU type '12X'"), "\(text.stdout)")
        #expect(text.stdout.contains("the fault injected by 'inject reserve-channels' was never reached"))
    }

    /// A TotalVFs from sysfs far beyond any board's (48000 on an L40S) is not enabled by default: every
    /// step's map lists each VF, and main wrote 434 MB of JSON for 100 steps.
    @Test func aHostileVFCountIsNotTheDefault() throws {
        let dir = try ScratchDirectory()
        let host = try FixtureHosts.copy("l40-unprivileged", in: dir)
        try "48000\n".write(toFile: host + "/devices/pci0000:40/0000:40:01.1/0000:41:00.0/sriov_totalvfs", atomically: false, encoding: .utf8)
        let r = try simulate(["-s", "41:00.0", "--sysfs-root", host, "--plan", Self.plans + "/l40s-fill-and-refill.json"])
        #expect(r.status == 64 && r.stderr.contains("vfs: the GPU reports 48000 VFs, more than the 256 a simulation enables; give vfs"), "\(r.stderr)")
    }

    /// A create whose unwinding GSP-RM does not confirm quarantines its resources, and says so with the
    /// teardown it ran (main said "earlier steps unwound" and showed no teardown).
    @Test func aQuarantiningUnwindSaysSo() throws {
        let dir = try ScratchDirectory()
        let path = dir.path + "/plan.json"
        try #"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"inject": "unanswered:bootload"}, {"create": "2Q", "expect": "refused"}]}"#
            .write(toFile: path, atomically: true, encoding: .utf8)
        let r = try simulate(["--plan", path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let action = try #require(((r.doc?["steps"] as? [[String: Any]])?[1]["actions"] as? [[String: Any]])?.first)
        #expect((action["message"] as? String)?.hasSuffix("GSP-RM did not confirm shutdown and cleanup, so the VF, FB and channels are quarantined") == true, "\(action)")
        #expect((action["teardown"] as? [String: Any])?["quarantined"] as? Bool == true)
        let quarantine = (r.doc?["map"] as? [String: Any])?["quarantine"] as? [Any]
        #expect(quarantine?.count == 1)
        let text = try simulate(["--plan", path])
        #expect(text.stdout.contains("  unwinding: shutdown FAILED"), "\(text.stdout)")
        // Its quarantined resources are named by what the plan did, never by a device id that reads like
        // a plan number (main: "quarantined (device 1)" in text, "vgpu N" owners in JSON).
        #expect(text.stdout.contains("quarantined after failed teardowns: the failed create of step 2"), "\(text.stdout)")
        let channels = try #require((r.doc?["map"] as? [String: Any])?["channels"] as? [[String: Any]])
        #expect(channels.first?["quarantined"] as? Int == 1 && channels.first?["owner"] as? String == "quarantined (device 1)")
    }

    @Test func anOversizedPlanIsRefusedBeforeParsing() throws {
        let dir = try ScratchDirectory()
        let path = dir.path + "/big.json"
        try Data(repeating: 0x20, count: (1 << 20) + 1).write(to: URL(fileURLWithPath: path))
        let r = try simulate(["--plan", path])
        #expect(r.status == 64 && r.stderr.contains("exceeds the 1048576-byte limit"))
    }

    /// `--plan -` reads the plan from standard input, to its end, and refuses more than a plan may hold
    /// (exit 64) rather than reading without bound.
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func aPlanOnStandardInput() throws {
        let plan = #"{"schema": "vgpukit.simulation-plan/1", "board": "L40S", "steps": [{"create": "12Q", "count": 4}]}"#
        let ok = try ProbeBinary.run(["simulate", "--plan", "-", "--firmware-root", RealFirmware.root, "--json"], standardInput: Data(plan.utf8))
        #expect(ok.status == 0, "\(ok.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any])
        #expect(doc["created"] as? Int == 4)
        let huge = try ProbeBinary.run(["simulate", "--plan", "-", "--firmware-root", RealFirmware.root], deadline: HostileInputTests.deadline,
                                       standardInput: Data(repeating: 0x20, count: 3 << 20))
        #expect(huge.status == 64 && huge.stderr.contains("exceeds the 1048576-byte limit"), "\(huge.stderr)")
    }
}
