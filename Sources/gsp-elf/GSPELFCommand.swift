#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage
import VGPUFirmwareFormats

/// `gsp-elf FILE...`: opens each GSP firmware image through libelf and lists what VGPUKit reads from it
/// and its sections, like `readelf -S -W`.
///
/// `vgpu-probe firmware --elf FILE` prints the same lines. This binary exists because that one pays
/// ~3 ms before any command runs (swift-argument-parser's reflection over every command, in a binary
/// with five thousand protocol conformances); this one links only libelf and swift-system and starts as
/// fast as readelf does (docs/performance.md). Its command line is small enough to parse by hand.
@main
enum GSPELFCommand {
    /// What `--version` prints: the same version and commit as `vgpu-probe --version`'s first line.
    static let version = "gsp-elf \(BuildInfo.version) (commit \(BuildInfo.commit))"

    /// Exit statuses, as `vgpu-probe` uses them (sysexits.h).
    enum Status: Int32 {
        /// Every file was listed.
        case ok = 0
        /// A file could not be read or is not a GSP image.
        case findings = 1
        /// Bad command line.
        case usage = 64
    }

    static let help = """
        OVERVIEW: List a GSP firmware image's sections through libelf, like readelf -S -W.

        Prints what VGPUKit reads from the image (ELF kind, .fwversion, where .fwimage lies, the chip
        families it carries signatures for), then every section with its type, offset, size and flags.
        The same lines as 'vgpu-probe firmware --elf FILE'; use that command with --json for machines.

        USAGE: gsp-elf FILE...
               gsp-elf --help | --version

        ARGUMENTS:
          FILE        A GSP-RM image: nvidia/<chip>/gsp/gsp-<release>.bin (Debian firmware-nvidia-graphics)
                      or nvidia/<release>/gsp_<family>.bin (firmware-nvidia-gsp). With several files, each
                      listing starts with 'File: FILE'. Use '--' before a file whose name starts with '-'.

        OPTIONS:
          -h, --help  Show this help.
          --version   Show the version.

        EXIT STATUS: 0 every file listed; 1 a file could not be read or is not a GSP image (the message
        names the file and the field); 64 bad command line.

        EXAMPLE:
          gsp-elf /lib/firmware/nvidia/ad102/gsp/gsp-535.113.01.bin

        """

    /// Parses the command line, lists each file, and exits with its `Status`.
    static func main() {
        let status: Status
        switch Invocation.parse(Array(CommandLine.arguments.dropFirst())) {
        case .help:
            write(help, to: .standardOutput)
            status = .ok
        case .version:
            write(version + "\n", to: .standardOutput)
            status = .ok
        case .usageError(let message):
            write("gsp-elf: \(message)\nUsage: gsp-elf FILE... (see 'gsp-elf --help')\n", to: .standardError)
            status = .usage
        case .list(let files):
            status = list(files)
        }
        exit(status.rawValue)
    }

    /// Lists every file, going on past a bad one; `.findings` if any failed.
    static func list(_ files: [String]) -> Status {
        var status = Status.ok
        for (n, file) in files.enumerated() {
            do {
                let image = try GSPFirmwareImage(path: file)
                let heading = files.count > 1 ? (n > 0 ? "\n" : "") + "File: \(file)\n" : ""
                write(heading + image.listing.joined(separator: "\n") + "\n", to: .standardOutput)
            } catch {
                write("gsp-elf: \(error.description)\n", to: .standardError)
                status = .findings
            }
        }
        return status
    }

    /// Writes all of `text`; a closed pipe or full disk ends the output, not the process.
    static func write(_ text: String, to fd: FileDescriptor) {
        _ = try? fd.writeAll(text.utf8)
    }
}
