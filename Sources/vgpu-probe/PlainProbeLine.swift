import VGPUProbe

/// A command line for the default probe that is plain enough to read without swift-argument-parser.
///
/// The parser takes 3-4 ms of CPU on every start (it reflects over every command and option, and each
/// first-time conformance check scans the binary's ~5,200 conformance records): a fifth of a probe with
/// a warm digest cache. The probe is the command run over and over, and its usual lines are short:
/// options with a value, flags, nothing else. So `main` reads those lines with `init?(_:)` and runs the
/// probe at once; every other line, `--help`, every subcommand and every error goes through the parser.
///
/// The parser stays the definition: PlainProbeLineTests checks, on listed and on random lines, that
/// whatever this reads, the parser reads to the same options and flags. Anything this is unsure of it
/// leaves to the parser.
struct PlainProbeLine {
    /// The probe's options, built by `ProbeCommand.hostProbeOptions` as for a parsed line.
    let options: HostProbe.Options
    let json: Bool
    let verbose: Bool

    /// ProbeCommand's options that take a value, in the forms read here.
    static let valueOptions: Set<String> = ["--sysfs-root", "--firmware-root", "--pci-ids", "-s", "-d"]
    /// ProbeCommand's flags: its own, the digest cache's and the global ones.
    static let flagNames: Set<String> = ["--json", "--no-firmware", "--no-cache", "--verify-all", "-v", "--verbose"]

    /// Reads `arguments` (without the program name) if they are the default command's, optionally
    /// named `probe`, each in a form read here: `--long value`, `--long=value`, `-s value`, `-d value`
    /// and the flags, each at most once. Nil for anything else: subcommands, help, `--`, bundled short
    /// flags, an empty value or one that starts with `-` (the parser reports those), unknown options,
    /// selectors that do not parse (the parser's `validate` words the error).
    init?(_ arguments: [String]) {
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
            if Self.valueOptions.contains(name) {
                guard values[name] == nil, let value = inline ?? rest.popFirst(), !value.isEmpty,
                      inline != nil || !value.hasPrefix("-") else { return nil }
                values[name] = value
            } else if Self.flagNames.contains(name) {
                guard inline == nil, flags.insert(name).inserted else { return nil }
            } else {
                return nil
            }
        }
        // -v and --verbose together is one flag given twice.
        if flags.contains("-v") && flags.contains("--verbose") { return nil }
        guard let options = ProbeCommand.hostProbeOptions(
            sysfsRoot: values["--sysfs-root"] ?? ProbeCommand.defaultSysfsRoot,
            firmwareRoot: values["--firmware-root"] ?? FirmwareRootOption.defaultRoot,
            pciIDs: values["--pci-ids"] ?? ProbeCommand.defaultPCIIDs,
            slot: values["-s"], device: values["-d"], noFirmware: flags.contains("--no-firmware"),
            noCache: flags.contains("--no-cache"), verifyAll: flags.contains("--verify-all"))
        else { return nil }
        self.options = options
        json = flags.contains("--json")
        verbose = flags.contains("-v") || flags.contains("--verbose")
    }
}
