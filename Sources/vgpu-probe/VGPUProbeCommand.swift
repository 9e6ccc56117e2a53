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

            Exit status: 0 everything checked is fine; 1 ran and found problems; 64 bad command line; \
            66 a root directory does not exist; 70 internal error (a bug: please report it); 74 the output \
            could not be written whole (full file system, closed standard output).

            Examples:
              vgpu-probe                                   report this host's GPUs and vGPU readiness
              vgpu-probe firmware --chip ad102             verify AD102's GSP firmware in /lib/firmware
              vgpu-probe firmware --firmware-root .firmware --json
            """,
        version: "0.1.0",
        subcommands: [ProbeCommand.self, FirmwareCommand.self, PlanCommand.self, TypesCommand.self, SimulateCommand.self, SnapshotCommand.self],
        defaultSubcommand: ProbeCommand.self
    )

    /// Runs a plain probe line at once (`PlainProbeLine`); otherwise starts loading the built-in modules
    /// on another core (when the command will need them), then parses and runs the command.
    static func main() {
        Output.checkStandardOutput()
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let line = PlainProbeLine(arguments) {
            do {
                try ProbeCommand.probe(line.options, json: line.json, verbose: line.verbose, commandLine: "read directly")
            } catch {
                Output.finish()
                exit(withError: error)
            }
            Output.finish()
            return
        }
        ModulePreload.start(for: arguments)
        main(nil)
        Output.finish()
    }
}
