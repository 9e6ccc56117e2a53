import ArgumentParser
import Foundation
import Testing
import VGPUProbe
import VGPUTestSupport
@testable import vgpu_probe

/// `PlainProbeLine`: the probe command lines `main` reads without swift-argument-parser are read exactly
/// as the parser reads them, and every other line is left to the parser.
struct PlainProbeLineTests {
    /// What the parser makes of `arguments`, in the reader's terms; nil if it is not a valid probe.
    func parsed(_ arguments: [String]) -> (options: HostProbe.Options, json: Bool, verbose: Bool)? {
        guard let command = try? VGPUProbeCommand.parseAsRoot(arguments) as? ProbeCommand,
              let options = command.hostProbeOptions else { return nil }
        return (options, command.json, command.global.verbose)
    }

    func expectSame(_ line: PlainProbeLine, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let parser = parsed(arguments)
        #expect(parser?.options == line.options, "\(arguments)", sourceLocation: sourceLocation)
        #expect(parser?.json == line.json && parser?.verbose == line.verbose, "\(arguments)", sourceLocation: sourceLocation)
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
    func plainLinesAreReadAsTheParserReadsThem(arguments: [String]) throws {
        let line = try #require(PlainProbeLine(arguments))
        expectSame(line, arguments)
    }

    static let leftToTheParser: [[String]] = [
        ["firmware", "--json"], ["types", "--board", "L40S"], ["help"], ["--help"], ["-h"], ["--version"],
        ["--json", "--json"], ["--sysfs-root", "a", "--sysfs-root", "b"], ["-vs", "41:00.0"], ["-s=41:00.0"],
        ["--sysfs-root"], ["--sysfs-root", "--json"], ["--", "--json"], ["-s", "zz:zz"], ["-d", "nvidia"],
        ["--json=yes"], ["--firmware-root="], ["--unknown"], ["probe", "probe"], ["-v", "--verbose"],
    ]

    @Test(arguments: leftToTheParser)
    func anythingElseIsLeftToTheParser(arguments: [String]) {
        #expect(PlainProbeLine(arguments) == nil)
    }

    /// Random lines of probe tokens, subcommands and malformed ones: whenever the reader takes a line,
    /// the parser accepts it as a probe with the same options and flags.
    @Test func randomLinesNeverDisagreeWithTheParser() {
        let tokens = ["--json", "-v", "--verbose", "--no-cache", "--verify-all", "--no-firmware", "--sysfs-root", "--firmware-root",
                      "--pci-ids", "-s", "-d", "/sys", "x", "41:00.0", "10de:2230", "--sysfs-root=/s", "--firmware-root=",
                      "-s=1", "probe", "firmware", "--", "-", "-vs", "--help", "=", "--pci-ids=p"]
        var rng = SplitMix64(seed: 0x5eed)
        var read = 0
        for _ in 0..<1200 {
            let arguments = (0..<Int.random(in: 0...5, using: &rng)).map { _ in tokens.randomElement(using: &rng)! }
            guard let line = PlainProbeLine(arguments) else { continue }
            read += 1
            expectSame(line, arguments)
        }
        #expect(read > 40)
    }

    /// End to end: a plain line is run without the parser, and its output is that of the same options
    /// given in a form the reader leaves to the parser.
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)),
          arguments: ["l40-two-gpus", "mixed", "t4", "no-nvidia"])
    func readDirectlyOrParsedTheReportIsTheSame(host: String) throws {
        let root = FixtureHosts.root(host)
        let direct = try ProbeBinary.run(["--sysfs-root", root, "--firmware-root", RealFirmware.root, "--json", "-v"])
        #expect(direct.stderr.contains("command-line=read directly"), "\(direct.stderr)")
        // A repeated option is valid for the parser (the last one counts) and left to it by the reader.
        let parsed = try ProbeBinary.run(["--sysfs-root", "/nonexistent", "--sysfs-root", root, "--firmware-root", RealFirmware.root,
                                          "--json", "-v"])
        #expect(parsed.stderr.contains("command-line=parsed by swift-argument-parser"), "\(parsed.stderr)")
        #expect(direct.status == parsed.status)
        #expect(!direct.stdout.isEmpty && direct.stdout == parsed.stdout)
    }

    @Test func failuresAreReportedAsBefore() throws {
        let missing = try ProbeBinary.run(["--sysfs-root", "/nonexistent"])
        #expect(missing.status == 66 && missing.stderr == "vgpu-probe: /nonexistent has no bus/pci/devices (a sysfs root) or devices/ (lspci's layout)\n",
                "\(missing.stderr)")
        let badSlot = try ProbeBinary.run(["-s", "zz:zz"])
        #expect(badSlot.status == 64 && badSlot.stderr.contains("-s 'zz:zz': device 'zz' is not hex"), "\(badSlot.stderr)")
    }
}
