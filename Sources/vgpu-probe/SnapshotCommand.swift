import ArgumentParser
import VGPUCore
import VGPUHost
import VGPUProbe

/// `vgpu-probe snapshot`: copy what the probe reads into a tree `--sysfs-root` accepts.
struct SnapshotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Copy the sysfs files the probe reads, for NVIDIA functions, into a new directory.",
        discussion: """
            The copy is a tree that `vgpu-probe --sysfs-root DIR` and `lspci -A linux-sysfs -O \
            sysfs.path=DIR/bus/pci` read, so a bug report can carry the host as the probe saw it. Files \
            are copied byte for byte; links (driver, iommu_group, virtfnN, physfn) are recreated. BAR0 is \
            not copied: when the identity registers can be read (root, device not suspended) a 4 KiB \
            resource0 holding only BOOT_0 and BOOT_42 is written. Run as root to capture config space past \
            64 bytes. DIR must not exist (its parent must); nothing is written outside it, and no link is \
            followed when writing. Files keep their source's permissions, never looser than 0644.

            Example:
              # capture this host for a bug report
              sudo vgpu-probe snapshot --output gpu-host && tar czf gpu-host.tgz gpu-host
            """
    )

    @Option(name: .long, help: ArgumentHelp("New directory to write the snapshot into.", valueName: "dir"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("sysfs root to read.", valueName: "dir"))
    var sysfsRoot = "/sys"

    @Flag(name: .long, help: "Copy every PCI function, not only NVIDIA's.")
    var all = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let logger = global.makeLogger()
        let reader = LiveSysfs(confinedTo: sysfsRoot)
        guard let devices = SysfsScanner.devicesDirectory(root: sysfsRoot, reader: reader) else {
            Output.error("\(sysfsRoot) has no bus/pci/devices (a sysfs root) or devices/ (lspci's layout)")
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
            if case .registers(let r) = BAR0Identity.read(directory: "\(devices)/\(f.address)", runtimeStatus: f.runtimeStatus, reader: reader) {
                registers[f.address] = r
            }
        }
        do {
            let count = try SysfsSnapshot(reader: reader).write(chosen, from: devices, to: output, registers: registers, sysfsRoot: sysfsRoot)
            logger.debug("snapshot written", metadata: ["files": "\(count)"])
            Output.print("wrote \(chosen.count) PCI function(s), \(count) file(s) to \(output)\n")
        } catch {
            Output.error(error.description)
            throw Output.exit(.findings)
        }
    }
}
