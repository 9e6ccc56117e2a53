import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import VGPUProbe
import VGPUSystem

/// `vgpu-probe export`: the probe's verdicts as files a fleet collects, written atomically, once or
/// on a period (the Kubernetes DaemonSet in deploy/kubernetes runs it so).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the probe's verdicts for a fleet: Prometheus metrics and a Node Feature Discovery feature file.",
        discussion: """
            Probes the host as `vgpu-probe` does and writes what --format prometheus and --format nfd \
            print, each to its file, atomically (a new file beside it, renamed over it): node_exporter's \
            textfile collector and NFD's local source read the old file or the new one, never a part. \
            Nothing else is written. With --every it probes again every SECONDS until stopped, as the \
            DaemonSet in deploy/kubernetes does (--every 300, writing into node_exporter's textfile \
            directory and NFD's features.d); a file that cannot be written is reported on standard \
            error and tried again next time.

            Exit status (without --every): 0 every GPU ready; 1 written, and a GPU is not ready or none \
            was found; 64 bad command line; 66 a root unusable; 74 a file not written.

            Examples:
              # both files, once (as a cron job or a systemd timer runs it)
              vgpu-probe export --textfile vgpukit.prom --features vgpukit
              # metrics only, without hashing the firmware
              vgpu-probe export --textfile vgpukit.prom --no-firmware
            """
    )

    @OptionGroup var inputs: ProbeInputs

    @Option(name: .long, help: ArgumentHelp("Write the Prometheus text exposition here (node_exporter reads *.prom files).", valueName: "file"))
    var textfile: String?

    @Option(name: .long, help: ArgumentHelp("Write the Node Feature Discovery feature file here (its features.d directory).", valueName: "file"))
    var features: String?

    @Option(name: .long, help: ArgumentHelp("Probe again every SECONDS (10 to 86400), until stopped.", valueName: "seconds"))
    var every: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard textfile != nil || features != nil else { throw ValidationError("name a file to write: --textfile, --features, or both") }
        if let textfile, !textfile.hasSuffix(".prom") { throw ValidationError("--textfile \(textfile): node_exporter's textfile collector reads only *.prom files") }
        // Above a day the labels' expiry (three periods) and the sleep would leave their types' range.
        if let every, !(10...86_400).contains(every) {
            throw ValidationError("--every \(every): 10 to 86400 seconds (each probe may hash the firmware; a day at most between probes)")
        }
    }

    func run() throws {
        _ = global.makeLogger()
        let registry = try Output.registry()
        let options = inputs.hostProbeOptions
        if every != nil {
            // As a container's pid 1 the process gets no default action for SIGTERM: without a handler
            // `kubectl delete` would wait out the grace period. Nothing is half-written at any moment
            // (files are renamed into place), so leaving at once is safe.
            signal(SIGTERM) { _ in _exit(0) }
            signal(SIGINT) { _ in _exit(0) }
            // A parent may hand down a mask that blocks them (a test runner's threads do): unblock.
            var stop = sigset_t()
            sigemptyset(&stop)
            sigaddset(&stop, SIGTERM)
            sigaddset(&stop, SIGINT)
            pthread_sigmask(SIG_UNBLOCK, &stop, nil)
        }
        while true {
            var status = ExitStatus.ok
            do {
                let report = try HostProbe(registry: registry).run(options)
                var written: [String] = []
                // Labels of a periodic export expire after three periods, should the exporter stop.
                let expiry = every.map { Self.rfc3339(secondsFromNow: 3 * $0) }
                for (path, text) in [(textfile, PrometheusExposition.render(report)), (features, NodeFeatures.render(report, expiry: expiry))] {
                    guard let path else { continue }
                    do {
                        try OutputDirectory.replaceFile(path, Array(text.utf8))
                        written.append(path)
                    } catch {
                        Output.error(error.description)
                        status = .outputError
                    }
                }
                if status == .ok && !report.ok { status = .findings }
                // One line a round: what a cron job's or a DaemonSet's log keeps.
                Output.print("\(report.counts.ready) of \(report.counts.gpus) GPU(s) ready for vGPU; wrote \(written.isEmpty ? "nothing" : written.joined(separator: ", "))\n")
            } catch {
                Output.error(error.description)
                status = .noInput
            }
            guard let every else {
                if status != .ok { throw Output.exit(status) }
                return
            }
            sleep(UInt32(every))
        }
    }

    /// `2026-12-07T00:15:00Z`, `seconds` from now.
    static func rfc3339(secondsFromNow seconds: Int) -> String {
        var t = time(nil) + seconds
        var parts = tm()
        gmtime_r(&t, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
