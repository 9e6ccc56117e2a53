import ArgumentParser
import VGPUCore
import VGPUProbe

/// `vgpu-probe types`: the vGPU types of a board and how many of each fit.
struct TypesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "types",
        abstract: "List a board's vGPU types with their capacity; plan a placement of several.",
        discussion: """
            Types come from the architecture module's catalogues (Sources/VGPUAda/vgpu-types, from NVIDIA's \
            vgpuConfig.xml and vGPU documentation). A vGPU needs a VF, its framebuffer (the profile size, \
            or guest FB + reservation + GSP heap when larger, aligned to the VMMU segment), and channels: \
            of 2048 ids the host keeps 512, and each vGPU gets the previous power of two of 1536 / the \
            type's max instances. In NVIDIA's default equal-size mode all vGPUs on a GPU have one size.

            Examples:
              # an L40S's types and how many of each fit
              vgpu-probe types --board L40S
              # which of these fit together, and why not
              vgpu-probe types --board L40S --place 4x12Q,2x6Q
              # this host's GPU at 41:00.0, as JSON
              vgpu-probe types -s 41:00.0 --json
            """
    )

    @Option(name: .long, help: ArgumentHelp("Board name, as the probe prints it or as its catalogue names it (L40S, A40, T4, H100 PCIe 80GB, B200, ...), or PCI device id; an unknown name lists every board.", valueName: "name"))
    var board: String?

    @OptionGroup var gpu: GPUSelection

    @Option(name: .long, help: ArgumentHelp("vGPUs to place in order, e.g. 4x12Q,8x3Q.", valueName: "spec"))
    var place: String?

    @Option(name: .long, help: ArgumentHelp("VMMU segment size in MiB: 32, 64, 128, 256 or 512 (the GPU reports it; no public default for Ada).", valueName: "MiB"))
    var vmmuSegment = 256

    @Flag(name: .long, help: "Allow vGPUs of different sizes on one GPU (NVIDIA's mixed-size mode).")
    var mixedSizes = false

    @Flag(name: .long, help: "Print the report as JSON (schema vgpukit.types/2).")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (board == nil) != (gpu.slot == nil) else { throw ValidationError("give exactly one of --board or -s") }
        guard [32, 64, 128, 256, 512].contains(vmmuSegment) else { throw ValidationError("--vmmu-segment must be 32, 64, 128, 256 or 512") }
    }

    func run() throws {
        _ = global.makeLogger()
        let registry = try Output.registry()
        let report: TypesReport
        do {
            report = try TypesReport.make(registry: registry, board: board, slot: gpu.slot, sysfsRoot: gpu.root,
                                          policy: VGPUResourcePolicy(vmmuSegmentMiB: vmmuSegment, equalSizeOnly: !mixedSizes), place: place)
        } catch {
            Output.error(error.description)
            switch error {
            case .gpu: throw Output.exit(.findings)
            case .sysfsRoot: throw Output.exit(.noInput)
            case .unknownBoard, .placement: throw Output.exit(.usage)
            }
        }
        if json { try Output.json(report) } else { Output.print(TypesReportText.render(report)) }
        if let p = report.placement, p.placedCount < p.placements.count { throw Output.exit(.findings) }
    }
}
