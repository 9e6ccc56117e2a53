import ArgumentParser

/// `vgpu-probe`: what a GPU host's core driver would do to prepare NVIDIA vGPU, and whether the host is ready.
@main
struct VGPUProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vgpu-probe",
        abstract: "Inspect an NVIDIA GPU host for vGPU: devices, GSP firmware, and what the driver would do.",
        discussion: """
            Everything is read-only: vgpu-probe never writes to sysfs, never wakes a suspended GPU and \
            never writes a device register.

            --version prints the version, the commit it was built from, and the generations, chips and \
            GSP firmware releases this build covers.

            Exit status: 0 everything checked is fine; 1 ran and found problems; 64 bad command line; \
            66 an input cannot be used (a root directory missing or empty, a named file unreadable); 70 internal error (a bug: please report it); 74 the output \
            could not be written whole (full file system, closed standard output).

            Examples:
              # report this host's GPUs and vGPU readiness
              vgpu-probe
              # verify AD102's GSP firmware in /lib/firmware
              vgpu-probe firmware --chip ad102
              # every chip's, as JSON
              vgpu-probe firmware --json
            """,
        subcommands: [ProbeCommand.self, FirmwareCommand.self, PlanCommand.self, TypesCommand.self, SimulateCommand.self, SnapshotCommand.self,
                      ExportCommand.self],
        defaultSubcommand: ProbeCommand.self
    )

    /// Starts loading the built-in modules on another core (when the command will need them), then
    /// parses and runs the command.
    static func main() {
        Output.checkStandardOutput()
        let arguments = Array(CommandLine.arguments.dropFirst())
        Output.expectJSON(arguments.contains("--json") || zip(arguments, arguments.dropFirst()).contains { $0 == ("--format", "json") }
                          || arguments.contains("--format=json"))
        if arguments == ["--version"] {
            do { Output.print(VersionText.render(try Output.registry())) } catch { fail(error) }
            Output.finish()
            return
        }
        if let why = unknownSubcommand(arguments) {
            Output.error(why)
            fail(Output.exit(.usage))
        }
        ModulePreload.start(for: arguments)
        // What main(nil) does, with the failure answered in JSON when JSON was asked for.
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            fail(error)
        }
        Output.finish()
    }

    /// Ends the run with `error`'s status and message, as swift-argument-parser would, after the JSON
    /// error document where one is due.
    static func fail(_ error: any Error) -> Never {
        Output.finish()
        Output.answerFailureInJSON(status: exitCode(for: error).rawValue, message: message(for: error))
        exit(withError: error)
    }

    /// A first word (or the word after `help`) that names no subcommand, with the nearest one: the
    /// default subcommand takes no words, so without this `firmwre` got the probe's usage and
    /// `help firmwre` the top-level help with status 0.
    static func unknownSubcommand(_ arguments: [String]) -> String? {
        let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        var words = arguments.prefix(2)
        guard let first = words.first, !first.hasPrefix("-") else { return nil }
        if first == "help" {
            words = words.dropFirst()
            guard let second = words.first, !second.hasPrefix("-") else { return nil }
        }
        guard let word = words.first, !names.contains(word) else { return nil }
        let nearest = names.filter { $0 != "help" }.min { editDistance(word, $0) < editDistance(word, $1) }
        let hint = nearest.flatMap { editDistance(word, $0) <= 2 || $0.hasPrefix(word) ? "; did you mean '\($0)'?" : nil }
        return "unknown subcommand '\(word)'\(hint ?? "; subcommands: \(names.joined(separator: ", "))")"
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
