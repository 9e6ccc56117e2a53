import VGPUCore
import VGPUFirmware
import VGPUHost
import VGPUManager
import VGPUSimulator

/// Sets up a vGPU manager on a simulated GPU of a real board: its catalogue and engines from the
/// architecture module, a vGPU boot plan from the real firmware, and the PF's SR-IOV and BAR1 facts
/// from a probed GPU (-s) or, for a board alone, the values the data-center Ada boards report.
public enum SimulatedHost {
    /// What to simulate.
    public struct Request: Sendable {
        /// Board name or device id, or nil with `slot`.
        public var board: String?
        public var slot: SlotSelector?
        public var sysfsRoot = HostPaths.sysfsRoot
        public var firmwareRoot = HostPaths.firmwareRoot
        public var policy = VGPUResourcePolicy()
        public init() {}
    }

    /// The board simulated and where its facts came from.
    public struct Description: Sendable, Equatable, Codable {
        public let board: String
        public let chip: String
        public let module: String
        public let release: String
        /// The probed GPU's address, with -s; else the simulated PF's.
        public let address: String
        /// `sysfs` or `board defaults`.
        public let source: String
        /// With -s, when the GPU is not bound to NVIDIA's driver: whose driver the session simulates, and
        /// what the GPU is bound to now (the simulation always runs NVIDIA's vGPU host driver).
        public let driverNote: String?
        public let totalVFs: Int
        /// With -s, the VFs the host has enabled, when any: the session keeps that count (the kernel
        /// changes it only through 0, which ends every vGPU on them).
        public var enabledVFs: Int? = nil
        /// With -s, the vGPUs the host shows, which the session creates on their VFs before the plan's
        /// first step, nil when none (main simulated an idle GPU and placed the plan's first vGPU on a
        /// VF in use).
        public var existing: [ExistingVGPU]? = nil
        public let firstVFOffset: Int, vfStride: Int
        public let bar1Size: UInt64
        public let framebufferMiB: Int
        public let policy: VGPUResourcePolicy
        /// The GSP heap and WPR2 start of the vGPU boot.
        public let gspHeapSize: UInt64
        public let wpr2Start: UInt64
    }

    /// Why no simulated host was made.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case board(String)
        /// The plan asks what this GPU cannot give (a usage error, as a bad plan field is).
        case plan(String)
        case gpu(String)
        /// The sysfs root cannot be used (exit 66).
        case sysfsRoot(String)
        case setup(String)
        public var description: String {
            switch self {
            case .board(let why), .plan(let why), .gpu(let why), .sysfsRoot(let why), .setup(let why): why
            }
        }
    }

    /// A vGPU the probed host shows on one of its VFs.
    public struct ExistingVGPU: Sendable, Equatable, Codable {
        /// The VF's number, from 1 (the kernel's `virtfnN` is VF N + 1).
        public let vf: Int
        public let address: String
        public let type: String
    }

    /// The host's own region above the vGPU FB: room for the non-WPR heap and WPR2 (about 600 MiB with
    /// 535's 549 MiB vGPU heap).
    static let hostRegion: UInt64 = Sizes.GiB

    /// For a board alone: the PF the simulation puts it at, and what the data-center Ada and Ampere
    /// boards report (SR-IOV offset 4, stride 1; a 64 GiB BAR1 on the 48 GiB boards).
    static let defaultPF = PCIAddress(domain: 0, bus: 0x41, device: 0, function: 0)!  // constant parts, all in range

    /// Boots a manager for the request.
    public static func make(_ request: Request, registry: ModuleRegistry) throws(Failure) -> (VGPUManager, Description) {
        let providers = registry.modules.compactMap { $0 as? any VGPUTypeProviding }
        var catalogue: VGPUTypeCatalogue?
        var pf = defaultPF
        var source = "board defaults", driverNote: String?
        var totalVFs: Int?, offset = 4, stride = 1, bar1: UInt64?
        var vfInfo: GSPVFInfo?
        var enabledVFs: Int?, existing: [ExistingVGPU] = []
        var owner: ProbedGPU.Owner?
        var boardID: PCIBoardID?
        if let slot = request.slot {
            let gpu: ProbedGPU
            switch HostProbe.gpu(at: slot, sysfsRoot: request.sysfsRoot, registry: registry) {
            case .success(let found): gpu = found
            case .failure(let why): throw why.rootUnusable ? .sysfsRoot(why.description) : .gpu(why.description)
            }
            guard let c = gpu.catalogue else { throw .gpu("\(gpu.address) (\(gpu.name)) has no vGPU type catalogue") }
            if gpu.vgpuInterface == .mediatedDevices {
                throw .gpu("\(gpu.address) (\(gpu.name)) hosts vGPUs as mediated devices on its PF; the simulated life cycle models SR-IOV vGPUs (one per VF) only")
            }
            // The probe's one SR-IOV rule (`SRIOVState`), as `types -s` and the readiness checks apply it.
            guard let sriov = gpu.sriov.usable, let fields = gpu.vfInfo?.fields else {
                throw .gpu("\(gpu.address) (\(gpu.name)) cannot host vGPUs: \(gpu.sriov.problem ?? gpu.vfInfo?.unavailable ?? "no GSP_VF_INFO")")
            }
            catalogue = c
            owner = gpu.owner
            boardID = gpu.boardID
            pf = gpu.address
            source = "sysfs"
            if gpu.function.driver != "nvidia" {
                let bound = gpu.function.driver.map { "bound to \($0)" } ?? "not bound to a driver"
                let refused = gpu.owner.flatMap { o in gpu.bootingDriver.vgpuNotEnabled(on: o.chip.architecture).map { _ in ", which hosts no vGPU on \(o.chip.name)" } } ?? ""
                driverNote = "the GPU is \(bound)\(refused): this simulates NVIDIA's vGPU host driver (nvidia) as it would run once bound"
            }
            // What the host shows in use is where the session starts; unknown occupancy leaves no start.
            guard gpu.capacityUnknown.isEmpty else {
                throw .gpu("\(gpu.address): the vGPUs in use are unknown while this is: " + gpu.capacityUnknown.joined(separator: "; "))
            }
            totalVFs = sriov.totalVFs
            enabledVFs = sriov.enabledVFs > 0 ? sriov.enabledVFs : nil
            let numbers = Dictionary(gpu.function.virtualFunctions.map { ($0.address, $0.index + 1) }) { first, _ in first }
            existing = gpu.vfs.compactMap { vf in
                guard let type = vf.vgpu?.type, let number = numbers[vf.function.address] else { return nil }
                return ExistingVGPU(vf: number, address: vf.function.address.description, type: type.name)
            }
            offset = sriov.firstVFOffset ?? offset
            stride = sriov.vfStride ?? stride
            bar1 = gpu.function.resources.first { $0.index == 1 && $0.size > 0 }?.size
            vfInfo = fields
        } else if let board = request.board {
            catalogue = TypesReport.catalogue(board: board, registry: registry)
            guard let c = catalogue else {
                throw .board("no vGPU type catalogue for board '\(board)'; boards: \(providers.flatMap(\.vgpuBoards).joined(separator: ", "))")
            }
            // A board alone: the catalogue names its chip and PCI ids (both validated when it was loaded).
            owner = registry.module(forChipNamed: c.chip).map { ProbedGPU.Owner(module: $0.module, chip: $0.chip) }
            boardID = c.boardID
        }
        guard let c = catalogue else { throw .board("name a board or a GPU (-s)") }
        guard let (module, chip) = owner.map({ ($0.module, $0.chip) }) else { throw .setup("no module owns \(c.chip)") }
        let release = module.defaultRelease
        guard let inventory = module.engineInventory(for: chip) else {
            throw .setup("module \(module.name) has no engine table for \(chip.name)")
        }
        let engines: EngineBitmap
        do { engines = try EngineBitmap(inventory.engines, numbering: .of(release)) } catch { throw .setup(error.description) }

        // The plan for this chip and board, as `plan` makes it: NVIDIA's rules, vGPU mode, the verified firmware.
        let verifier = FirmwareVerifier(root: FirmwareRoot(path: request.firmwareRoot))
        let plan: GSPBootPlan, heapParameters: GSPHeapParameters
        do {
            (plan, heapParameters, _) = try BootPlanning.bootPlan(module: module, chip: chip, board: boardID, release: release,
                                                                 framebuffer: UInt64(c.framebufferMiB) * Sizes.MiB + hostRegion,
                                                                 mode: .vgpu(override: nil), driver: .nvidia, vga: nil, verifier: verifier)
        } catch { throw .setup("boot plan: \(error)") }

        let vfs = totalVFs ?? c.maxVFs ?? 32
        let bar1Size = bar1 ?? max(64 * Sizes.GiB, UInt64(c.framebufferMiB) * Sizes.MiB)
        // A board alone has no VF BAR addresses to report: its SET_SYSTEM_INFO carries no VF info.
        let configuration = VGPUManagerConfiguration(catalogue: c, policy: request.policy, engines: engines, pf: pf, totalVFs: vfs,
                                                     firstVFOffset: offset, vfStride: stride, bar1Size: bar1Size)
        let manager: VGPUManager
        do {
            // Hopper and Blackwell boot through the FSP, which verifies the FMC image.
            let fmcImage = try BootPlanning.fmcImage(module: module, chip: chip, release: release, verifier: verifier)
            manager = try VGPUManager.boot(configuration, plan: plan, heapParameters: heapParameters, chipID: chip.id,
                                           systemInfo: GSPSystemInfo.payload(vfInfo: vfInfo, release: release), fmcImage: fmcImage)
        } catch { throw .setup("\(error)") }
        var description = Description(board: c.board, chip: chip.name, module: module.name, release: release.description, address: pf.description,
                                      source: source, driverNote: driverNote, totalVFs: vfs, firstVFOffset: offset, vfStride: stride, bar1Size: bar1Size,
                                      framebufferMiB: c.framebufferMiB, policy: request.policy, gspHeapSize: plan.heap.size,
                                      wpr2Start: plan.layout.wpr2.start)
        (description.enabledVFs, description.existing) = (enabledVFs, existing.isEmpty ? nil : existing)
        return (manager, description)
    }
}

extension VGPUManager {
    /// A manager over a simulated GPU of `chipID`, booted in vGPU mode by `plan` (the simulator's
    /// `GSPRMChannel`): what `simulate` and the tests run on.
    public static func boot(_ configuration: VGPUManagerConfiguration, plan: GSPBootPlan, heapParameters: GSPHeapParameters,
                            chipID: ChipID, systemInfo: [UInt8] = [], fmcImage: [UInt8] = []) throws(VGPUManagerError) -> VGPUManager
    {
        guard case .vgpu = plan.mode else { throw .configuration("the boot plan is bare metal; vGPUs need a vGPU plan (plan --vgpu)") }
        let c = configuration
        let host = SimulatedGPU.VGPUHost(totalVFs: c.totalVFs, pf: c.pf, firstVFOffset: c.firstVFOffset, vfStride: c.vfStride,
                                         vgpuFramebufferSize: c.vgpuFramebufferSize, vmmuSegmentSize: UInt64(c.policy.vmmuSegmentMiB) * Sizes.MiB,
                                         vgpuChannels: UInt32(c.policy.hostChannels)..<UInt32(c.policy.totalChannels), bar1Size: c.bar1Size)
        let channel: SimulatedGSPChannel
        do {
            channel = try SimulatedGSPChannel.boot(chipID: chipID, host: host, plan: plan, heapParameters: heapParameters, systemInfo: systemInfo,
                                                   fmcImage: fmcImage)
        } catch { throw .boot(error.description) }
        return try VGPUManager(configuration: c, channel: channel, gspReservedStart: plan.layout.nonWPRHeap.start)
    }

    /// The simulated GPU behind a manager made by `boot`, read under the manager's lock.
    public func inspectGPU<R: Sendable>(_ body: (SimulatedGPU) -> R) -> R? {
        inspect { _, _, channel in (channel as? SimulatedGSPChannel).map { body($0.gpu) } }
    }
}
