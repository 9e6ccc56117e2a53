import Foundation
import Testing
import VGPUTestSupport

/// Operators' habits on the command line: lspci's `-s` forms, nvidia-smi's addresses, a VF's address,
/// misspelled subcommands.
struct CommandLineHabitsTests {
    static let host = FixtureHosts.root("l40-two-gpus")

    /// `-s41:00.0` (joined, as lspci takes it), nvidia-smi's 8-digit domain, and a VF's address, which
    /// answers with its PF and says so (main: the VF matched no GPU).
    @Test(arguments: ["-s41:00.0", "00000000:41:00.0", "41:00.4", "0000:41:00.4"])
    func slotForms(slot: String) throws {
        let arguments = slot.hasPrefix("-s") ? [slot] : ["-s", slot]
        let r = try ProbeBinary.run(["--sysfs-root", Self.host, "--no-firmware", "--json"] + arguments)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
        let gpus = try #require(doc["gpus"] as? [[String: Any]])
        #expect(gpus.map { $0["address"] as? String } == ["0000:41:00.0"])
        if slot.hasSuffix(".4") {
            #expect((gpus[0]["diagnostics"] as? [String])?.first == "-s: 0000:41:00.4 is VF 1 of 0000:41:00.0: the report is the PF's")
        }
        // The commands that take -s answer for the PF too.
        let types = try ProbeBinary.run(["types", "--sysfs-root", Self.host] + arguments)
        #expect(types.status == 0 && types.stdout.contains("L40"), "\(types.stderr)")
    }

    /// A root with a trailing slash, as a shell completes `/sys/`: main exited 66 ("has no usable
    /// bus/pci/devices"), because the confined reader was handed a path with `//` after the root.
    @Test func aTrailingSlashOnTheSysfsRoot() throws {
        let probe = try ProbeBinary.run(["--sysfs-root", Self.host + "/", "--no-firmware", "-q"])
        // Exit 1: the host's second GPU has no VFs enabled.
        #expect(probe.status == 1 && probe.stdout.contains("0000:41:00.0  L40  AD102  ready"), "\(probe.stderr)")
        let types = try ProbeBinary.run(["types", "-s", "41:00.0", "--sysfs-root", Self.host + "//"])
        #expect(types.status == 0 && types.stdout.contains("L40"), "\(types.stderr)")
    }

    /// Every example in `--help` fits 80 columns, so it can be pasted as printed (main wrapped the
    /// snapshot example, leaving `--no-firmware` on a line of its own, and plan's lost their `\`).
    @Test(arguments: [[], ["probe"], ["firmware"], ["plan"], ["types"], ["simulate"], ["snapshot"], ["export"]])
    func helpExamplesAreWholeLines(command: [String]) throws {
        let help = try ProbeBinary.run(command + ["--help"]).stdout
        let examples = help.components(separatedBy: "Examples:\n").dropFirst().first?.components(separatedBy: "\n\n").first ?? ""
        #expect(!examples.isEmpty, "\(command) has examples")
        // A wrapped line starts in column 0; an example's own continuation lines are indented.
        for line in examples.split(separator: "\n") { #expect(line.hasPrefix("  "), "\(command): '\(line)'") }
    }

    /// An out-of-range part is named (main: "is not [[domain:]bus:][dev][.fn]").
    @Test(arguments: [("41:20.0", "device 0x20 > 0x1f"), ("41:00.8", "function 0x8 > 0x7"), ("141:00.0", "bus 0x141 > 0xff"),
                      ("zz:00.0", "bus 'zz' is not hex")])
    func outOfRangePartsAreNamed(slot: String, why: String) throws {
        for command in [[], ["plan"], ["types"], ["simulate", "--plan", "x"]] {
            let r = try ProbeBinary.run(command + ["-s", slot])
            #expect(r.status == 64 && r.stderr.contains(why), "\(command): \(r.stderr)")
        }
    }

    /// A misspelled subcommand gets the nearest one (main: the probe's usage, and `help firmwre` exited 0).
    @Test(arguments: [(["firmwre"], "did you mean 'firmware'?"), (["help", "firmwre"], "did you mean 'firmware'?"),
                      (["snapshto", "--output", "x"], "did you mean 'snapshot'?"), (["frobnicate"], "subcommands: probe, firmware")])
    func misspelledSubcommands(arguments: [String], hint: String) throws {
        let r = try ProbeBinary.run(arguments)
        #expect(r.status == 64 && r.stderr.contains(hint), "\(r.stderr)")
    }

    /// `-q`: one line per GPU, with `ready` or the first failed check, and the usual exit status.
    /// lspci's short forms may match several GPUs; the commands about one GPU refuse to pick one (main
    /// planned 41:00.0 for `-s 00.0` on a host of two, without a word). The probe, which lists, shows both.
    @Test(arguments: [["plan", "--vgpu"], ["types"]])
    func anAmbiguousSlotIsRefused(command: [String]) throws {
        let firmware = try ScratchDirectory("ambiguous-slot")
        let r = try ProbeBinary.run(command + ["--sysfs-root", Self.host, "-s", "00.0"] + (command[0] == "plan" ? ["--firmware-root", firmware.path] : []))
        #expect(r.status == 1 && r.stderr.contains("-s matches 2 GPUs under \(Self.host) (0000:41:00.0, 0000:c1:00.0): give the bus too"), "\(r.stderr)")
        let probe = try ProbeBinary.run(["--sysfs-root", Self.host, "--no-firmware", "-q", "-s", "00.0"])
        #expect(probe.stdout.split(separator: "\n").count == 2)
    }

    @Test func quietIsOneLinePerGPU() throws {
        let r = try ProbeBinary.run(["-q", "--sysfs-root", Self.host, "--no-firmware"])
        #expect(r.status == 1, "the second L40 has no VFs enabled")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("0000:41:00.0  L40  AD102  ready (not checked: firmware, vgpu-boot)") == true, "\(r.stdout)")
        #expect(lines.last?.hasPrefix("0000:c1:00.0  L40  AD102  NOT ready: vfs-enabled: no VFs enabled") == true)
        // Without a board in the module's tables, pci.ids' name stands in: a T4 whose device id reads as
        // the Quadro RTX 6000/8000's, which share 0x1e30 (their boards differ only in the subsystem id).
        let dir = try ScratchDirectory("quadro")
        let host = try FixtureHosts.copy("t4", in: dir)
        let pf = try #require(FileManager.default.enumerator(atPath: host + "/devices")?.compactMap { $0 as? String }.first { $0.hasSuffix("0000:3b:00.0") })
        try Data("0x1e30\n".utf8).write(to: URL(fileURLWithPath: host + "/devices/" + pf + "/device"))
        let quadro = try ProbeBinary.run(["-q", "--sysfs-root", host, "--no-firmware"])
        #expect(quadro.stdout.hasPrefix("0000:3b:00.0  TU102GL [Quadro RTX 6000/8000]  TU104  "), "\(quadro.stdout)")
        #expect(try ProbeBinary.run(["-q", "--json"]).status == 64)
    }

    /// `--version` names the program, version, commit and what the build covers (main: "0.1.0").
    @Test func versionNamesCommitAndCoverage() throws {
        let r = try ProbeBinary.run(["--version"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let head = try #require(lines.first)
        #expect(head.hasPrefix("vgpu-probe 0.1.0 (commit "), "\(head)")
        // The commit of this checkout when it is one (the plugin reads .git), else "unknown".
        let commit = head.split(separator: " ").last.map { String($0.dropLast()) } ?? ""
        #expect(commit == "unknown" || (commit.count == 12 && commit.allSatisfy(\.isHexDigit)), "\(commit)")
        // A commit of this repository (HEAD when built; a later commit may have moved HEAD since).
        if commit != "unknown", (try? Oracle.gitHead(of: RealFirmware.packageRoot.path)) != nil {
            #expect(try Oracle.run("git", ["-C", RealFirmware.packageRoot.path, "cat-file", "-e", commit + "^{commit}"]).status == 0, "\(commit)")
        }
        #expect(lines.contains { $0.hasPrefix("  ada: AD102, AD103, AD104, AD106, AD107; GSP firmware 535.113.01 (default)") }, "\(r.stdout)")
        #expect(lines.contains { $0.hasPrefix("  ampere: GA100, GA102") })
    }

    /// Raw GSP_VF_INFO bytes and the engine bitmap are for -v; the default report keeps the decoded
    /// values (main: both always printed).
    @Test func rawHexOnlyWithVerbose() throws {
        let plain = try ProbeBinary.run(["--sysfs-root", Self.host, "--no-firmware", "-s", "41:00.0"])
        let verbose = try ProbeBinary.run(["--sysfs-root", Self.host, "--no-firmware", "-s", "41:00.0", "-v"])
        let rawVFInfo = "2000000004000000000008b1"
        #expect(plain.stdout.contains("GSP_VF_INFO   totalVFs 32") && !plain.stdout.contains(rawVFInfo), "\(plain.stdout)")
        #expect(plain.stdout.contains("engines       19 (r535)\n"))
        #expect(verbose.stdout.contains(rawVFInfo) && verbose.stdout.contains("bitmap 0x0008784038783e02"), "\(verbose.stdout)")
    }

    /// Contradictory or inapplicable flags are refused with exit 64 and say why (main: silently ignored).
    @Test(arguments: [
        (["firmware", "--elf", "x.bin", "--chip", "ad102"], "--elf lists one file"),
        (["firmware", "--no-digest", "--verify-all"], "give one"),
        (["--no-firmware", "--verify-all"], "give one"),
        (["types", "--board", "L40", "--sysfs-root", "/sys"], "--sysfs-root applies with -s only"),
        (["plan", "--chip", "ad102", "--fb-size", "48G", "--sysfs-root", "/sys"], "--sysfs-root applies with -s only"),
        (["simulate", "--plan", "-", "--board", "L40S", "--sysfs-root", "/sys"], "--sysfs-root applies with -s only"),
        (["plan", "--chip", "ad102", "--fb-size", "48G", "--heap", "600M"], "--heap applies to --vgpu plans only"),
    ])
    func contradictoryFlagsAreRefused(arguments: [String], why: String) throws {
        let r = try ProbeBinary.run(arguments)
        #expect(r.status == 64 && r.stderr.contains(why), "\(arguments): \(r.stderr)")
    }
}
