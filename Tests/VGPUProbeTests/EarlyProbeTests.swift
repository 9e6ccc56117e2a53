import ArgumentParser
import Foundation
import Testing
import VGPUProbe
import VGPUTestSupport
@testable import vgpu_probe

/// `EarlyProbe`: the probe vgpu-probe drafts while its command line is still being parsed is used only
/// with the options the parser produces, and the command lines it reads are read as the parser reads them.
struct EarlyProbeTests {
    /// The options the parsed command would probe with, or nil if the line is not a valid probe.
    func parsedOptions(_ arguments: [String]) -> HostProbe.Options? {
        guard let command = try? VGPUProbeCommand.parseAsRoot(arguments) as? ProbeCommand else { return nil }
        return command.hostProbeOptions
    }

    static let plainProbes: [[String]] = [
        [],
        ["--json"],
        ["probe", "--json", "-v"],
        ["--sysfs-root", "/tmp/host", "--firmware-root", ".firmware", "--json"],
        ["--sysfs-root=/tmp/host", "--firmware-root=/fw", "--pci-ids=/tmp/pci.ids"],
        ["-s", "41:00.0", "-d", "10de:", "--no-cache", "--verify-all", "--verbose"],
        ["--no-firmware", "-s", "c1:00.0"],
        ["--sysfs-root=-odd-but-inline"],
    ]

    @Test(arguments: plainProbes)
    func plainProbeLinesAreReadAsTheParserReadsThem(arguments: [String]) throws {
        let early = try #require(EarlyProbe.options(for: arguments))
        #expect(early == parsedOptions(arguments))
    }

    static let notReadEarly: [[String]] = [
        ["firmware", "--json"], ["types", "--board", "L40S"], ["help"], ["--help"], ["-h"], ["--version"],
        ["--json", "--json"], ["--sysfs-root", "a", "--sysfs-root", "b"], ["-vs", "41:00.0"], ["-s=41:00.0"],
        ["--sysfs-root"], ["--sysfs-root", "--json"], ["--", "--json"], ["-s", "zz:zz"], ["-d", "nvidia"],
        ["--json=yes"], ["--firmware-root="], ["--unknown"], ["probe", "probe"], ["-v", "--verbose"],
    ]

    @Test(arguments: notReadEarly)
    func anythingElseGetsNoEarlyStart(arguments: [String]) {
        #expect(EarlyProbe.options(for: arguments) == nil)
    }

    /// Random lines from probe tokens, subcommands and malformed ones: whenever the early reader gives
    /// options, the parser accepts the line as a probe with the same options.
    @Test func randomLinesNeverDisagreeWithTheParser() {
        let tokens = ["--json", "-v", "--verbose", "--no-cache", "--verify-all", "--no-firmware", "--sysfs-root", "--firmware-root",
                      "--pci-ids", "-s", "-d", "/sys", "x", "41:00.0", "10de:2230", "--sysfs-root=/s", "--firmware-root=",
                      "-s=1", "probe", "firmware", "--", "-", "-vs", "--help", "=", "--pci-ids=p"]
        var rng = SplitMix64(seed: 0x5eed)
        var readEarly = 0
        for _ in 0..<1200 {
            let line = (0..<Int.random(in: 0...5, using: &rng)).map { _ in tokens.randomElement(using: &rng)! }
            guard let early = EarlyProbe.options(for: line) else { continue }
            readEarly += 1
            #expect(early == parsedOptions(line), "\(line)")
        }
        #expect(readEarly > 40)
    }

    /// End to end: the early draft is taken for a plain probe, and its output is the same as the
    /// output of the same options given in a form the early reader leaves to the parser.
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)),
          arguments: ["l40-two-gpus", "mixed", "t4"])
    func theEarlyDraftGivesTheSameReport(host: String) throws {
        let root = FixtureHosts.root(host)
        let early = try ProbeBinary.run(["--sysfs-root", root, "--firmware-root", RealFirmware.root, "--json", "-v"])
        #expect(early.stderr.contains("probe drafted while the command line was parsed"), "\(early.stderr)")
        // Under scripts/test.sh's ThreadSanitizer step this binary is instrumented too.
        #expect(!early.stderr.contains("ThreadSanitizer"), "\(early.stderr)")
        // A repeated option is valid for the parser (the last one counts) and left to it by the reader.
        let late = try ProbeBinary.run(["--sysfs-root", "/nonexistent", "--sysfs-root", root, "--firmware-root", RealFirmware.root,
                                        "--json", "-v"])
        #expect(late.stderr.contains("probe started after parsing"), "\(late.stderr)")
        #expect(early.status == late.status)
        #expect(!early.stdout.isEmpty && early.stdout == late.stdout)
    }

    @Test func aMissingRootFailsTheSameWayEarly() throws {
        let early = try ProbeBinary.run(["--sysfs-root", "/nonexistent", "-v"])
        #expect(early.status == 66 && early.stderr.contains("/nonexistent has no bus/pci/devices"), "\(early.stderr)")
    }
}
