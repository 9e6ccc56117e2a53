import Dispatch
import Synchronization
import VGPUCore
import VGPUProbe

/// The default command's probe, started while swift-argument-parser is still parsing the command line.
///
/// Parsing takes ~3-4 ms (the parser reflects over every command and option), and a probe cannot
/// start before it knows its sysfs and firmware roots. But a probe's command line is short and plain,
/// so `options(for:)` reads it directly, and `ModulePreload` drafts the probe with those options (scan,
/// GPU reports, the firmware hash started) on its own thread as soon as the modules are loaded. The
/// parsed command then adopts the draft only if its own options are equal (`draft(matching:)`); any
/// other command line, or one this reader does not fully understand, gets no early start, so the
/// worst a wrong guess can cost is some work thrown away. The output is always that of the options
/// the parser produced.
enum EarlyProbe {
    private static let done = DispatchGroup()
    /// The options drafted with and what came of it; nil until the draft is done.
    private static let outcome = Mutex<(options: HostProbe.Options, result: Result<HostProbe.Drafted, HostProbe.Failure>)?>(nil)
    private static let started = Atomic<Bool>(false)

    // MARK: Reading the command line

    /// The probe's options if `arguments` are the default command's (optionally named `probe`), each
    /// in a form this understands: `--long value`, `--long=value`, `-s value`, `-d value`, and the
    /// probe's flags, each at most once. Nil for anything else: subcommands, help, `--`, bundled short
    /// flags, an empty value or one that looks like an option, an unknown option, an invalid selector.
    /// EarlyProbeTests checks on random lines that whatever this reads, the parser reads the same way.
    static func options(for arguments: [String]) -> HostProbe.Options? {
        var rest = arguments[...]
        if rest.first == "probe" { rest = rest.dropFirst() }
        var values: [String: String] = [:]
        var flags: Set<String> = []
        while let argument = rest.popFirst() {
            var name = argument
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            if valueOptions.contains(name) {
                // The parser refuses an empty value, and takes `--x -y` as a missing value: so does this.
                guard values[name] == nil, let value = inline ?? rest.popFirst(), !value.isEmpty,
                      inline != nil || !value.hasPrefix("-") else { return nil }
                values[name] = value
            } else if flagNames.contains(name) {
                guard inline == nil, flags.insert(name).inserted else { return nil }
            } else {
                return nil
            }
        }
        if flags.contains("-v") && flags.contains("--verbose") { return nil }
        return ProbeCommand.hostProbeOptions(
            sysfsRoot: values["--sysfs-root"] ?? ProbeCommand.defaultSysfsRoot,
            firmwareRoot: values["--firmware-root"] ?? FirmwareRootOption.defaultRoot,
            pciIDs: values["--pci-ids"] ?? ProbeCommand.defaultPCIIDs,
            slot: values["-s"], device: values["-d"], noFirmware: flags.contains("--no-firmware"),
            noCache: flags.contains("--no-cache"), verifyAll: flags.contains("--verify-all"))
    }

    /// ProbeCommand's options that take a value, as this reader accepts them.
    static let valueOptions: Set<String> = ["--sysfs-root", "--firmware-root", "--pci-ids", "-s", "-d"]
    /// ProbeCommand's flags (its own, the digest cache's, the global ones).
    static let flagNames: Set<String> = ["--json", "--no-firmware", "--no-cache", "--verify-all", "-v", "--verbose"]

    // MARK: Drafting early

    /// Marks a draft as coming, so `draft(matching:)` waits for it. Called before the thread that
    /// drafts is started.
    static func expect() {
        started.store(true, ordering: .releasing)
        done.enter()
    }

    /// Drafts the probe (on the caller's thread) and keeps the draft for the parsed command.
    static func draft(_ options: HostProbe.Options, registry: ModuleRegistry) {
        let result = Result { () throws(HostProbe.Failure) in try HostProbe(registry: registry).draft(options) }
        outcome.withLock { $0 = (options, result) }
        done.leave()
    }

    /// Gives up a draft that was expected but will not be made (the modules failed to load).
    static func abandon() { done.leave() }

    /// The early draft if one was made with exactly `options`, waiting for it if it is still under
    /// way; nil if none was started or its options differ. A failure is returned as it happened.
    static func draft(matching options: HostProbe.Options) -> Result<HostProbe.Drafted, HostProbe.Failure>? {
        guard started.load(ordering: .acquiring) else { return nil }
        done.wait()
        guard let (drafted, result) = outcome.withLock({ $0 }), drafted == options else { return nil }
        return result
    }
}
