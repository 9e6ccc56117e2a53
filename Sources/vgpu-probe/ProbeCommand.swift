import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import VGPUCore
import VGPUFirmware
import VGPUProbe

/// `vgpu-probe` (default subcommand): discover the host's NVIDIA GPUs and judge vGPU readiness.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Report each NVIDIA GPU of the host and whether it is ready for vGPU (the default).",
        discussion: """
            Reads the host's PCI devices from sysfs (read-only), groups SR-IOV VFs under their GPU, \
            identifies each GPU's chip from BAR0's NV_PMC_BOOT_42 register (needs root; a suspended GPU is \
            never woken) or else from the architecture module's PCI id table, verifies the GSP firmware \
            the GPU's bound driver loads, and checks what vGPU needs: SR-IOV capable with usable VFs and \
            VFs enabled (on Turing, mediated-device types on the GPU instead), an IOMMU group, the firmware \
            present and verified, and a vGPU-mode boot the driver can carry out.

            --format prometheus and --format nfd print the verdicts for node_exporter's textfile \
            collector and Node Feature Discovery; `vgpu-probe export` writes both as files (docs/fleet.md).

            --sysfs-root takes a sysfs root (with bus/pci/devices) or lspci's layout (a directory with \
            devices/): a tree written by `vgpu-probe snapshot`, or the fixture hosts under \
            Tests/Fixtures/hosts.

            Exit status: 0 every GPU ready; 1 ran, and a GPU is not ready or none was found; 64 bad \
            command line; 66 an input cannot be used: the sysfs root has no PCI devices directory or it \
            lists no function, the firmware root is not a directory (unless --no-firmware), or the \
            --pci-ids file named is unreadable.

            Examples:
              # this host
              vgpu-probe
              # one GPU, as JSON
              vgpu-probe -s 41:00.0 --json
              # one line per GPU, for a fleet's logs
              vgpu-probe -q
              # metrics for node_exporter's textfile collector
              vgpu-probe --format prometheus
              # a host captured with 'vgpu-probe snapshot' (firmware not checked)
              vgpu-probe snapshot --output gpu-host
              vgpu-probe --sysfs-root gpu-host --no-firmware
            """
    )

    @OptionGroup var inputs: ProbeInputs

    @Option(name: .long, help: ArgumentHelp("text, json, prometheus (node_exporter's textfile collector) or nfd (a Node Feature Discovery features.d file); docs/fleet.md.",
                                             valueName: "format"))
    var format: ReportFormat?

    @Flag(name: .long, help: "Print the report as JSON (schema vgpukit.probe/2, see docs/cli.md); the same as --format json.")
    var json = false

    @Flag(name: [.customShort("q"), .long], help: "One line per GPU: address, board, chip, and 'ready' or the first failed check.")
    var quiet = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if json, let format, format != .json { throw ValidationError("--json and --format \(format.rawValue) ask for two formats: give one") }
        if quiet && (json || global.verbose || (format ?? .text) != .text) {
            throw ValidationError("-q prints one line per GPU; it does not combine with --json, --format or -v")
        }
    }

    /// The format asked for: --format, --json, or text.
    var reportFormat: ReportFormat { json ? .json : format ?? .text }

    /// The report as it will be written.
    enum Rendering: Sendable {
        case json(Result<Data, any Error>)
        case text(String)
    }

    /// HostProbe.s default pci.ids.
    static let defaultPCIIDs = HostProbe.Options().pciIDsPath

    /// Probes and writes the report.
    func run() throws {
        let options = inputs.hostProbeOptions
        let logger = global.makeLogger()
        let registry = try Output.registry()
        logger.debug("probing", metadata: ["sysfs": "\(options.sysfsRoot)", "firmware": "\(options.firmwareRoot)"])
        if let cache = options.digestCache { logger.debug("digest cache \(cache.path): \(cache.readOnlyReason ?? "read and written")") }
        // Rendered by the probe, which can do it while the firmware is still being hashed.
        let report: HostReport, rendering: Rendering, renderedAhead: Bool
        let (format, quiet, verbose) = (reportFormat, quiet, global.verbose)
        do {
            (report, rendering, renderedAhead) = try HostProbe(registry: registry).run(options) { report in
                switch format {
                case .json: .json(Result { try JSONOutput.encode(report) })
                case .prometheus: .text(PrometheusExposition.render(report))
                case .nfd: .text(NodeFeatures.render(report))
                case .text: .text(quiet ? HostReportText.renderLines(report) : HostReportText.render(report, verbose: verbose))
                }
            }
        } catch {
            Output.error(error.description)
            throw Output.exit(.noInput)
        }
        for w in report.warnings { logger.warning("\(w)") }
        for g in report.gpus { for d in g.diagnostics { logger.debug("\(g.address): \(d)") } }
        logger.debug("report rendered \(renderedAhead ? "while the firmware was hashed" : "after the firmware verdicts")")
        switch rendering {
        case .json(let encoded): try Output.json(encoded: encoded)
        case .text(let text): Output.print(text)
        }
        if !report.ok { throw Output.exit(.findings) }
    }
}

/// The report formats of the probe (`--format`).
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, prometheus, nfd
}

/// What the probe reads and how: the host, the firmware, which GPUs (shared by `probe` and `export`).
struct ProbeInputs: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("sysfs root to scan.", valueName: "dir"))
    var sysfsRoot = HostPaths.sysfsRoot

    @OptionGroup var firmware: FirmwareRootOption

    @Option(name: .customShort("s", allowingJoined: true), help: ArgumentHelp("Only GPUs at [[domain:]bus:][dev][.fn], as lspci -s.", valueName: "slot"),
            transform: ArgumentValue.slot)
    var slot: SlotSelector?

    @Option(name: .short, help: ArgumentHelp("Only GPUs with [vendor]:[device] ids, as lspci -d.", valueName: "ids"), transform: ArgumentValue.ids)
    var device: IDSelector?

    @Option(name: .long, help: ArgumentHelp("pci.ids database for device names.", valueName: "file"))
    var pciIds = ProbeCommand.defaultPCIIDs

    @Flag(name: .long, help: "Do not verify firmware (skips hashing).")
    var noFirmware = false

    @OptionGroup var digestCache: DigestCacheOptions

    func validate() throws {
        if noFirmware && digestCache.verifyAll { throw ValidationError("--verify-all hashes the firmware and --no-firmware skips it: give one") }
    }

    /// This command line's probe options: the one place they are made.
    var hostProbeOptions: HostProbe.Options {
        var options = HostProbe.Options()
        options.sysfsRoot = sysfsRoot
        options.firmwareRoot = firmware.firmwareRoot
        options.pciIDsPath = pciIds
        options.pciIDsRequired = pciIds != ProbeCommand.defaultPCIIDs
        options.slot = slot
        options.ids = device
        options.verifyFirmware = !noFirmware
        options.digestCache = digestCache.location
        options.verifyAll = digestCache.verifyAll
        return options
    }
}
