import Foundation
import Testing
import VGPUTestSupport

/// Every example in `--help` and docs/cli.md runs as printed on a host with firmware in /lib/firmware:
/// in a private mount namespace whose /sys is the L40 fixture host and whose /lib/firmware is the real
/// firmware, from an empty working directory, with nothing from the source tree on the command line.
@Suite(.enabled(if: HelpExamples.canMount, "needs a private mount namespace (unshare --mount, as root) to put a fixture at /sys"))
struct HelpExamplesTests {
    /// Each subcommand's examples, and docs/cli.md's.
    static let examples: [HelpExamples.Example] = {
        var all: [HelpExamples.Example] = []
        for command in [[], ["probe"], ["firmware"], ["plan"], ["types"], ["simulate"], ["snapshot"], ["export"]] {
            let help = (try? ProbeBinary.run(command + ["--help"]).stdout) ?? ""
            all += HelpExamples.parse(help: help, source: "vgpu-probe \(command.joined()) --help")
        }
        let cli = (try? String(contentsOfFile: RealFirmware.packageRoot.appendingPathComponent("docs/cli.md").path, encoding: .utf8)) ?? ""
        return all + HelpExamples.parse(markdown: cli, source: "docs/cli.md")
    }()

    /// Every subcommand has examples, and docs/cli.md too (so the list cannot silently go empty).
    @Test func everyCommandHasExamples() {
        for source in ["vgpu-probe  --help", "vgpu-probe probe --help", "vgpu-probe firmware --help", "vgpu-probe plan --help",
                       "vgpu-probe types --help", "vgpu-probe simulate --help", "vgpu-probe snapshot --help", "vgpu-probe export --help",
                       "docs/cli.md"] {
            #expect(Self.examples.contains { $0.source == source }, "\(source) has no example")
        }
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)), arguments: examples)
    func runsAsPrinted(example: HelpExamples.Example) throws {
        // Copyable: no line wider than a terminal, and nothing from the source tree.
        for line in example.lines { #expect(line.count <= 80, "\(example.source): wider than 80 columns: \(line)") }
        for tree in [".firmware", "Tests/Fixtures", "docs/plans"] { #expect(!example.command.contains(tree), "\(example.source): assumes the source tree") }
        let r = try HelpExamples.run(example.command)
        #expect([0, 1].contains(r.status), "\(example.source): exit \(r.status)\n\(example.command)\n\(r.output)")
        #expect(!r.output.contains("Error:") && !r.output.contains("Usage:") && !r.output.isEmpty, "\(example.source): \(r.output)")
    }
}

/// Finding and running the examples.
enum HelpExamples {
    /// One example: a `# comment` line, then the command's lines (continuations included).
    struct Example: CustomTestStringConvertible, Sendable {
        let source: String
        let comment: String
        let lines: [String]
        var command: String { lines.joined(separator: "\n") }
        var testDescription: String { "\(source): \(comment)" }
    }

    /// Whether this process may make a private mount namespace and bind-mount in it.
    static let canMount: Bool = (try? Oracle.run("unshare", ["--mount", "--propagation", "private", "--", "sh", "-c", "mount --bind / /mnt"]).status) == 0

    /// The examples of a help text: the indented lines under `Example:` or `Examples:`.
    static func parse(help: String, source: String) -> [Example] {
        var lines: [String] = [], inside = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "Examples:" || line == "Example:" { inside = true; continue }
            if inside {
                guard line.hasPrefix("  ") else { inside = false; continue }
                lines.append(String(line.dropFirst(2)))
            }
        }
        return group(lines, source: source)
    }

    /// The examples of a Markdown file: the lines of its ```sh blocks.
    static func parse(markdown: String, source: String) -> [Example] {
        var lines: [String] = [], inside = false
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "```sh" { inside = true } else if line == "```" { inside = false } else if inside { lines.append(line) }
        }
        return group(lines, source: source)
    }

    /// Splits lines into examples at each `# comment`.
    static func group(_ lines: [String], source: String) -> [Example] {
        var examples: [Example] = []
        var comment = "", current: [String] = []
        func flush() {
            if !current.isEmpty { examples.append(Example(source: source, comment: comment, lines: current)) }
            current = []
        }
        for line in lines where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if line.hasPrefix("#") { flush(); comment = line } else { current.append(line) }
        }
        flush()
        return examples
    }

    /// Runs `command` with sh in a private mount namespace: /sys is the L40 fixture host, /lib/firmware
    /// the real firmware, the working directory empty, `vgpu-probe` on PATH and `sudo` a no-op (the run is
    /// root already; a real sudo's secure_path would drop `vgpu-probe` and exit 1, which counts as a pass).
    static func run(_ command: String) throws -> (status: Int32, output: String) {
        let dir = try ScratchDirectory("examples")
        let bin = URL(fileURLWithPath: ProbeBinary.path).deletingLastPathComponent().path
        let script = """
            mount --bind "$1" /sys && mount --bind "$2" /lib/firmware && cd "$3" || exit 99
            export PATH="$4:$PATH" VGPUKIT_CACHE_DIR="$3/.cache"
            sudo() { "$@"; }
            eval "$5" 2>&1
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["--mount", "--propagation", "private", "--", "sh", "-c", script, "sh",
                             FixtureHosts.root("l40-two-gpus"), RealFirmware.root, dir.path, bin, command]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
