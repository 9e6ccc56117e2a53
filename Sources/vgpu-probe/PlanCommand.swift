import ArgumentParser
import VGPUCore
import VGPUProbe

extension GSPDriver: ExpressibleByArgument {}

/// `vgpu-probe plan`: the GSP boot plan for a chip or a GPU of the host.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan the GSP boot: heap size, WPR2 layout, GspFwWprMeta bytes and the ordered steps.",
        discussion: """
            Sizes come from the real firmware under --firmware-root (verified first): the bootloader \
            payload and descriptor, the .fwimage size and the chip family's signature section. Nothing is \
            written to any device: this is what a driver would do.

            Bare metal, the heap follows the FB size; with --vgpu it is the release's fixed default (549 MiB \
            at 535) or --heap inside the allowed range, and the VF partition count becomes 32. When more than \
            the pre-scrubbed top of FB (256 MiB on TU10x, GA10x, AD10x) lies from gspFwRsvdStart to the end \
            of FB, the scrubber must run first: a plan that needs it where the chip, driver or release has \
            none is printed, the reason goes to stderr, and the exit status is 1. Where NVIDIA's driver and \
            nouveau differ (FRTS on GA100, the scrubber's source), --driver chooses whose rules apply. SIZE \
            takes 48G, 49152M, 48GiB or 0xc00000000.

            Examples:
              # bare metal, an AD102 with 48 GiB
              vgpu-probe plan --chip ad102 --fb-size 48G
              # vGPU mode, as JSON
              vgpu-probe plan --chip ad102 --fb-size 48G --vgpu --json
              # this host's GPU at 41:00.0 in vGPU mode, its FB size from the board
              vgpu-probe plan -s 41:00.0 --vgpu
              # an AD104 with 24 GiB, booted on a simulated GPU
              vgpu-probe plan --chip ad104 --fb-size 24G --simulate
              # draw bare metal and vGPU mode side by side (SVG); print its title
              vgpu-probe plan --chip ad102 --fb-size 48G --compare --format svg \\
                | tee ad102.svg | grep '<title>'
              # what moves between two releases
              vgpu-probe plan --chip ad102 --fb-size 48G --vgpu --compare \\
                --release 535.113.01 --release 570.144
            """
    )

    @Option(name: .long, help: ArgumentHelp("Chip to plan for (ad102, ...).", valueName: "chip"))
    var chip: String?

    @OptionGroup var gpu: GPUSelection

    @Option(name: .long, help: ArgumentHelp("VRAM size (48G, 49152M, 0xc00000000).", valueName: "size"), transform: ArgumentValue.byteSize)
    var fbSize: UInt64?

    @Flag(name: .long, help: "Plan for a vGPU host (fixed heap, 32 VF partitions).")
    var vgpu = false

    @Option(name: .long, help: ArgumentHelp("vGPU heap override, whole MiB, inside the release's range (with --vgpu, or for the vGPU plan of --compare).", valueName: "size"),
            transform: ArgumentValue.byteSize)
    var heap: UInt64?

    @Option(name: .long, help: ArgumentHelp("Firmware release (default: the module's, 535.113.01 for Ada); twice with --compare.", valueName: "release"),
            transform: ArgumentValue.release)
    var release: [FirmwareRelease] = []

    @Flag(name: .long, help: "Plan twice and show both side by side: at the two --release values, else bare metal against vGPU mode.")
    var compare = false

    @Option(name: .long, help: ArgumentHelp("Follow this driver's rules where drivers differ: nvidia (FRTS per chip, none on GA100; the AD10x scrubber built in) nouveau or nova-core (FRTS 1 MiB on every chip; the scrubber from a firmware file). Default: with -s, nouveau when the GPU is bound to it; else nvidia.", valueName: "driver"))
    var driver: GSPDriver?

    @Option(name: .long, help: ArgumentHelp("Value of NV_PDISP_VGA_WORKSPACE_BASE (0x625f04) on a GPU with display.", valueName: "hex"),
            transform: ArgumentValue.hex32)
    var vgaRegister: UInt32?

    @OptionGroup var firmware: FirmwareRootOption

    @Flag(name: .long, help: "Also run the boot and unload on a simulated GPU and show each step.")
    var simulate = false

    @OptionGroup var output: DocumentFormatOption

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard (chip == nil) != (gpu.slot == nil) else { throw ValidationError("give exactly one of --chip or -s") }
        if chip != nil && fbSize == nil { throw ValidationError("--chip needs --fb-size") }
        if release.count > (compare ? 2 : 1) { throw ValidationError(compare ? "--compare takes at most two --release values" : "give --release once, or twice with --compare") }
        if release.count == 2 && release[0] == release[1] { throw ValidationError("--compare needs two different --release values") }
        // Comparing modes plans bare metal and vGPU mode both: --vgpu would say nothing.
        let comparesModes = compare && release.count < 2
        if comparesModes && vgpu { throw ValidationError("--compare without two --release values sets bare metal beside vGPU mode already: drop --vgpu") }
        if heap != nil && !vgpu && !comparesModes { throw ValidationError("--heap applies to --vgpu plans only") }
        if compare && simulate { throw ValidationError("--simulate boots one plan: drop --compare or --simulate") }
    }

    func run() throws {
        _ = global.makeLogger()
        let registry = try Output.registry()
        var request = BootPlanning.Request()
        request.chip = chip
        request.slot = gpu.slot
        request.sysfsRoot = gpu.root
        request.framebufferSize = fbSize
        request.vgpu = vgpu
        request.heapOverride = heap
        request.release = release.first
        request.firmwareRoot = firmware.firmwareRoot
        request.simulate = simulate
        request.driver = driver
        request.vgaWorkspaceRegister = vgaRegister
        do {
            if compare {
                try show(BootPlanComparison.make(request, releases: release, registry: registry))
            } else {
                try show(BootPlanning.plan(request, registry: registry))
            }
        } catch let error as BootPlanning.Failure {
            Output.error(error.description)
            throw Output.exit(error.isNoInput ? .noInput : error.isUsageError ? .usage : .findings)
        }
    }

    /// Writes one plan; a requirement the plan knows is unmet fails it, whatever a simulation says.
    private func show(_ report: BootPlanning.Report) throws(ExitCode) {
        switch output.chosen {
        case .json: try Output.json(report)
        case .text: Output.print(BootPlanText.render(report))
        case .svg: Output.print(BootPlanPicture.render([report], captions: [report.plan.layout.fsp == nil ? "booter path" : "FSP path"]))
        }
        for unmet in report.warnings { Output.error(unmet) }
        if !report.warnings.isEmpty || report.simulation?.ok == false { throw Output.exit(.findings) }
    }

    /// Writes a comparison; an unmet requirement of either plan fails it.
    private func show(_ comparison: BootPlanComparison) throws(ExitCode) {
        switch output.chosen {
        case .json: try Output.json(comparison)
        case .text: Output.print(BootPlanComparisonText.render(comparison))
        case .svg: Output.print(BootPlanPicture.render(comparison.plans, captions: comparison.captions))
        }
        for unmet in comparison.warnings { Output.error(unmet) }
        if !comparison.warnings.isEmpty { throw Output.exit(.findings) }
    }
}
