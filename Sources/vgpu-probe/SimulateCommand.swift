import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VGPUCore
import VGPUManager
import VGPUProbe
import VGPUSystem

/// `vgpu-probe simulate`: a scripted vGPU session on a simulated GPU.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a scripted vGPU session (create, destroy, failures) on a simulated GPU and print the allocation map.",
        discussion: """
            The simulated GPU boots GSP-RM in vGPU mode from the real firmware's boot plan (so --firmware-root \
            must hold it), enables the VFs, then runs the plan's steps. Each create takes the lowest free \
            VF, a VMMU-aligned FB block (guest FB at its bottom, management heap at its top), a BAR1 \
            window onto the heap and a channel block, and sends the bootload control to GSP-RM; each \
            destroy sends shutdown and cleanup and frees in reverse order. A failed step unwinds what it did.

            The plan is JSON (docs/vgpu-lifecycle.md), for example:
              {"schema": "vgpukit.simulation-plan/1", "board": "L40S",
               "mixedSizes": true, "steps": [
                 {"create": "12Q", "count": 4}, {"destroy": [2, 4]},
                 {"inject": "map-heap"}, {"create": "3Q", "expect": "refused"}]}
            vGPUs are #1, #2, ... in creation order. "inject" arms one failure for the next \
            create or destroy that reaches it: a create step (reserve-vf, allocate-fb, map-heap, \
            clear-logs, reserve-channels, bootload, confirm-boot) or refuse:/unanswered: with \
            bootload, shutdown or cleanup.

            Exit status: 0 every step did what it expected ("expect": "ok" by default); 1 a step did not, \
            or the host cannot be simulated (firmware missing); 64 bad plan or command line; 66 no plan file.

            Examples:
              # four 12Q vGPUs on an L40S; a 1Q is then refused (one size at a time)
              echo '{"schema": "vgpukit.simulation-plan/1", "board": "L40S",
                "steps": [{"create": "12Q", "count": 4},
                          {"create": "1Q", "expect": "refused"}]}' |
                vgpu-probe simulate --plan -
              # on this host's GPU at 41:00.0, from its VFs and vGPUs in use, as JSON
              echo '{"schema": "vgpukit.simulation-plan/1",
                "steps": [{"create": "12Q", "count": 4}]}' |
                vgpu-probe simulate --plan - -s 41:00.0 --json
              # a picture of the FB, channels and VFs after each step (SVG)
              echo '{"schema": "vgpukit.simulation-plan/1", "board": "L40S",
                "steps": [{"create": "12Q", "count": 2}, {"destroy": [1]}]}' |
                vgpu-probe simulate --plan - --each-step --format svg |
                tee session.svg | grep '<title>'
            """
    )

    @Option(name: .long, help: ArgumentHelp("The plan file (JSON, schema vgpukit.simulation-plan/1); - reads standard input.", valueName: "file"))
    var plan: String

    @Option(name: .long, help: ArgumentHelp("Board to simulate (L40S, 26b9, ...), instead of the plan's.", valueName: "name"))
    var board: String?

    @OptionGroup var gpu: GPUSelection

    @OptionGroup var firmware: FirmwareRootOption

    @Flag(name: .long, help: "Keep the allocation map after every step: printed under each step, as steps[].map in JSON, one picture per step in SVG.")
    var eachStep = false

    @OptionGroup var output: DocumentFormatOption

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if board != nil && gpu.slot != nil { throw ValidationError("give at most one of --board or -s") }
    }

    func run() throws {
        let logger = global.makeLogger()
        let registry = try Output.registry()
        // Size-checked on the opened file before it is read; a FIFO or device is refused, not waited on.
        let data: Data
        let read = plan == "-" ? SafeFile.standardInput(limit: SimulationPlan.maximumEncodedSize)
                               : SafeFile.contents(of: plan, limit: SimulationPlan.maximumEncodedSize)
        switch read {
        case .success(let bytes): data = Data(bytes)
        case .failure(.tooLarge(let limit)):
            Output.error("\(plan): the file exceeds the \(limit)-byte limit for a plan")
            throw Output.exit(.usage)
        case .failure(let error):
            Output.error("\(plan): cannot read the plan file: \(error)")
            throw Output.exit(.noInput)
        }
        let script: SimulationPlan
        do { script = try SimulationPlan.load(data, name: plan) } catch {
            Output.error(error.description)
            throw Output.exit(.usage)
        }
        var request = SimulatedHost.Request()
        request.board = board ?? (gpu.slot == nil ? script.board : nil)
        request.slot = gpu.slot
        request.sysfsRoot = gpu.root
        request.firmwareRoot = firmware.firmwareRoot
        request.policy = VGPUResourcePolicy(vmmuSegmentMiB: script.vmmuSegmentMiB ?? 256, equalSizeOnly: !(script.mixedSizes ?? false))
        if request.board == nil && request.slot == nil {
            Output.error("\(plan): board: the plan names no board; pass --board or -s")
            throw Output.exit(.usage)
        }
        let report: Simulation.Report
        do { report = try Simulation.run(script, name: plan, on: request, registry: registry, eachStep: eachStep) } catch {
            Output.error(error.description)
            switch error {
            case .board, .plan: throw Output.exit(.usage)
            case .sysfsRoot: throw Output.exit(.noInput)
            case .gpu, .setup: break
            }
            throw Output.exit(.findings)
        }
        // -s simulates the host's GPU, whatever board the plan names: say so where they differ.
        if let named = script.board, gpu.slot != nil, named.lowercased() != report.host.board.lowercased() {
            logger.warning("\(plan): board: \(named) is not used: -s simulates the host's GPU (\(report.host.board))")
        }
        switch output.chosen {
        case .json: try Output.json(report)
        case .text: Output.print(SimulationText.render(report))
        case .svg: Output.print(SimulationPicture.render(report))
        }
        if !report.ok { throw Output.exit(.findings) }
    }
}
