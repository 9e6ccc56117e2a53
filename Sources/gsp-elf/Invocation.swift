/// What a `gsp-elf` command line asks for.
///
/// Parsed by hand: two flags and a list of files do not need swift-argument-parser, whose start-up
/// cost is the reason this binary exists (see `GSPELFCommand`).
enum Invocation: Equatable {
    /// `-h` / `--help` anywhere.
    case help
    /// `--version` anywhere.
    case version
    /// List these files, in order.
    case list([String])
    /// The command line is wrong; the message says how.
    case usageError(String)

    /// Reads `arguments` (without the program name). Flags may come anywhere before `--`; after it,
    /// every argument is a file.
    static func parse(_ arguments: [String]) -> Invocation {
        var files: [String] = []
        var optionsEnded = false
        var wantsVersion = false
        for argument in arguments {
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                files.append(argument)
                continue
            }
            switch argument {
            case "--": optionsEnded = true
            case "-h", "--help": return .help
            case "--version": wantsVersion = true
            default: return .usageError("unknown option '\(argument)'")
            }
        }
        if wantsVersion { return .version }
        return files.isEmpty ? .usageError("no file given") : .list(files)
    }
}
