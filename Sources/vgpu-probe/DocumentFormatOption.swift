import ArgumentParser

/// The forms `plan` and `simulate` print: text for people, JSON for machines, an SVG picture.
enum DocumentFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, svg
}

/// `--format` and its shorthand `--json`, shared by the commands that can draw what they print.
struct DocumentFormatOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("text, json (schemas/, docs/cli.md) or svg (a self-contained picture; docs/pictures.md).",
                                             valueName: "format"))
    var format: DocumentFormat?

    @Flag(name: .long, help: "Print JSON; the same as --format json.")
    var json = false

    func validate() throws {
        if json, let format, format != .json { throw ValidationError("--json and --format \(format.rawValue) ask for two formats: give one") }
    }

    /// The format asked for: --format, --json, or text.
    var chosen: DocumentFormat { json ? .json : format ?? .text }
}
