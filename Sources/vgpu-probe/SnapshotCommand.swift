import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VGPUCore
import VGPUFirmware
import VGPUHost
import VGPUProbe
import VGPUSystem
#if canImport(Glibc)
import Glibc
#endif

/// `vgpu-probe snapshot`: the host as the probe sees it, for a bug report: the sysfs files the probe
/// reads as a tree `--sysfs-root` accepts, the probe's own report, and one archive of both.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Capture the host for a bug report: the sysfs files the probe reads, its report, and an archive.",
        discussion: """
            Writes the new directory DIR and DIR.tar.gz (neither may exist; the parent must):

              DIR/bus, DIR/devices,       the sysfs files the probe reads, of NVIDIA's
              DIR/kernel, DIR/module      functions: a tree that vgpu-probe --sysfs-root
                                          DIR and lspci -A linux-sysfs -O
                                          sysfs.path=DIR/bus/pci read
              DIR/vgpukit/probe.json      the probe's report (vgpukit.probe/2)
              DIR/vgpukit/firmware.json   the firmware listing (vgpukit.firmware/1:
                                          sizes and versions, not hashed)
              DIR/vgpukit/about.json      vgpu-probe's version, the kernel, the bound
                                          drivers and their versions (vgpukit.snapshot/1)
              DIR.tar.gz                  all of DIR, to attach to the report

            Files are copied byte for byte; links (driver, iommu_group, virtfnN, physfn) are recreated. \
            BAR0 is not copied: when the identity registers can be read (root, device not suspended) a \
            4 KiB resource0 holding only BOOT_0 and BOOT_42 is written. Run as root to capture config \
            space past 64 bytes (never that of a suspended device: the read would wake it). Nothing is written outside DIR and DIR.tar.gz, and no link is followed \
            when writing. Files keep their source's permissions, never looser than 0644. A file that exists \
            but cannot be read (refused, or a link out of the root) is named on standard error and in \
            about.json's notes: the snapshot lacks it.

            Exit status: 0 written; 1 the host has no NVIDIA function (nothing is written), or DIR or \
            DIR.tar.gz exists or cannot be written; 66 the sysfs root has no PCI devices directory.

            Examples:
              # capture this host for a bug report (attach gpu-host.tar.gz)
              sudo vgpu-probe snapshot --output gpu-host
            """
    )

    @Option(name: .long, help: ArgumentHelp("New directory to write the snapshot into (DIR.tar.gz is written beside it).", valueName: "dir"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("sysfs root to read.", valueName: "dir"))
    var sysfsRoot = HostPaths.sysfsRoot

    @OptionGroup var firmware: FirmwareRootOption

    @Flag(name: .long, help: "Do not verify firmware for the report (the listing is still written).")
    var noFirmware = false

    @Flag(name: .long, help: "Copy every PCI function, not only NVIDIA's.")
    var all = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if output.isEmpty { throw ValidationError("--output: an empty path names no directory") }
    }

    func run() throws {
        let logger = global.makeLogger()
        let reader = LiveSysfs(confinedTo: sysfsRoot)
        guard let devices = SysfsScanner.devicesDirectory(root: sysfsRoot, reader: reader) else {
            Output.error(HostProbe.Failure.noDevicesDirectory(sysfsRoot).description)
            throw Output.exit(.noInput)
        }
        let scan = SysfsScanner(devicesDirectory: devices, reader: reader).scan()
        let chosen = scan.functions.filter { all || $0.vendor == 0x10de }
        guard !chosen.isEmpty else {
            // An empty snapshot would look like a captured host: say there was nothing to capture.
            Output.error(all ? "\(devices) lists no PCI functions" : "no NVIDIA PCI functions under \(sysfsRoot) (\(scan.functions.count) others; --all copies every function)")
            throw Output.exit(.findings)
        }
        var registers: [PCIAddress: IdentityRegisters] = [:]
        for f in chosen where f.vendor == 0x10de && !f.isVirtualFunction && (f.classCode ?? 0) >> 16 == 0x03 {
            if case .registers(let r) = BAR0Identity.read(directory: "\(devices)/\(f.address)", runtimeStatus: f.runtimeStatus, runtimeStatusProblem: f.runtimeStatusProblem, powerState: f.powerState, reader: reader) {
                registers[f.address] = r
            }
        }
        let directory = String(output.reversed().drop { $0 == "/" }.reversed())
        let archive = directory + ".tar.gz"
        // Both outputs must be new: refuse before writing either (the archive is created with O_EXCL
        // too, so a file appearing in between is still refused).
        var status = stat()
        if lstat(archive, &status) == 0 {
            Output.error("cannot write the snapshot: \(archive): already exists; name a new directory")
            throw Output.exit(.findings)
        }
        do {
            let top = try OutputDirectory.create(directory)
            let copy = try SysfsSnapshot(reader: reader).write(chosen, from: devices, into: top, registers: registers, sysfsRoot: sysfsRoot)
            for file in copy.unreadable { logger.warning("not copied: \(file)") }
            // Links are recreated from parsed values: one the scan could not read is missing from the
            // snapshot, and so is every function the scan skipped. Both are said.
            let links: Set<String> = ["driver", "iommu_group", "physfn"]  // and each virtfnN
            let unlinked = chosen.flatMap { f in
                f.diagnostics.filter { links.contains($0.field) || $0.field.hasPrefix("virtfn") }.map { "\(f.address)/\($0.field): \($0.problem)" }
            }
            for link in unlinked { logger.warning("not recreated: \(link)") }
            try writeReport(into: top.subdirectory("vgpukit"), functions: chosen, reader: reader,
                            notes: copy.unreadable.map { "not copied (the snapshot lacks it): \($0)" }
                                + unlinked.map { "link not recreated (the snapshot lacks it): \($0)" }
                                + scan.warnings.map { "scan: \($0)" })
            let name = directory.split(separator: "/").last.map(String.init) ?? directory
            try OutputDirectory.writeNewFile(archive, try Gzip.compress(try top.tarArchive(top: name)))
            logger.debug("snapshot written", metadata: ["files": "\(copy.files)", "archive": "\(archive)"])
            Output.print("wrote \(chosen.count) PCI function(s), \(copy.files) file(s) and the probe's report to \(directory), and \(archive)\n")
        } catch {
            Output.error("cannot write the snapshot: \(error)")
            throw Output.exit(.findings)
        }
    }

    /// The probe's report, the firmware listing and `about.json`, into `DIR/vgpukit`.
    private func writeReport(into directory: OutputDirectory, functions: [PCIFunction], reader: any SysfsReader, notes: [String]) throws {
        let registry = try Output.registry()
        let root = FirmwareRoot(path: firmware.firmwareRoot)
        var options = HostProbe.Options()
        options.sysfsRoot = sysfsRoot
        options.firmwareRoot = firmware.firmwareRoot
        options.verifyFirmware = !noFirmware && root.unusable == nil
        options.digestCache = nil
        var about = SnapshotAbout.make(sysfsRoot: sysfsRoot, firmwareRoot: firmware.firmwareRoot, functions: functions, reader: reader)
        about.notes += notes
        if !noFirmware, let why = root.unusable { about.notes.append("firmware root \(firmware.firmwareRoot) \(why): the report does not check firmware") }
        do {
            try directory.write("probe.json", Array(try JSONOutput.encode(try HostProbe(registry: registry).run(options))))
        } catch {
            about.notes.append("probe: \(error)")
        }
        // A listing that cannot be made is noted; one that cannot be written fails the snapshot.
        let listing: FirmwareInventory?
        do {
            listing = try FirmwareInventory.make(registry: registry, chip: nil, release: nil, verifier: FirmwareVerifier(root: root, verifiesDigests: false))
        } catch {
            listing = nil
            about.notes.append("firmware.json not written: \(error)")
        }
        if let listing { try directory.write("firmware.json", Array(try JSONOutput.encode(listing))) }
        try directory.write("about.json", Array(try JSONOutput.encode(about)))
    }
}

/// `DIR/vgpukit/about.json` (schema `vgpukit.snapshot/1`): what a bug report needs besides the tree.
struct SnapshotAbout: Encodable {
    /// Always `vgpukit.snapshot/1`.
    let schema = "vgpukit.snapshot/1"
    /// `vgpu-probe 0.1.0 (commit ...)`.
    let vgpuProbe: String
    /// The roots the snapshot read.
    let sysfsRoot: String, firmwareRoot: String
    /// The running kernel (`/proc/sys/kernel/osrelease`, `/proc/version`); nil where unreadable.
    let kernelRelease: String?, kernelVersion: String?
    /// Each driver bound to a captured function, with its version where sysfs shows one.
    let drivers: [Driver]
    /// What the report could not include, and why.
    var notes: [String] = []

    /// A bound driver.
    struct Driver: Encodable {
        let name: String
        let version: String?
        /// How many captured functions it drives.
        let functions: Int
    }

    static func make(sysfsRoot: String, firmwareRoot: String, functions: [PCIFunction], reader: any SysfsReader) -> SnapshotAbout {
        func line(_ path: String) -> String? {
            guard case .success(let bytes) = SafeFile.contents(of: path, limit: 4096) else { return nil }
            let text = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init)
            return text.map(TerminalText.escaped)
        }
        let versions = DriverVersions(root: sysfsRoot, reader: reader)
        let counts = Dictionary(functions.compactMap(\.driver).map { ($0, 1) }, uniquingKeysWith: +)
        return SnapshotAbout(vgpuProbe: VersionText.headline, sysfsRoot: sysfsRoot, firmwareRoot: firmwareRoot,
                             kernelRelease: line("/proc/sys/kernel/osrelease"), kernelVersion: line("/proc/version"),
                             drivers: counts.keys.sorted().map { Driver(name: $0, version: versions.version(of: $0), functions: counts[$0] ?? 0) })
    }
}
