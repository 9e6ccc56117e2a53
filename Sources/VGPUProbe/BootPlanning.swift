import VGPUCore
import VGPUFirmware
import VGPUFirmwareFormats
import VGPUHost

/// `vgpu-probe plan`: a GSP boot plan for a chip (or a probed GPU) from the real firmware's sizes.
public enum BootPlanning {
    /// What to plan.
    public struct Request: Sendable {
        public var chip: String?
        public var slot: SlotSelector?
        public var sysfsRoot = HostPaths.sysfsRoot
        public var framebufferSize: UInt64?
        public var vgpu = false
        public var heapOverride: UInt64?
        public var release: FirmwareRelease?
        public var firmwareRoot = HostPaths.firmwareRoot
        public var vgaWorkspaceRegister: UInt32?
        public var simulate = false
        /// Whose rules to follow where drivers differ; nil: those of the driver the GPU at -s is bound
        /// to (`GSPDriver.booting(kernelDriver:)`), else NVIDIA's.
        public var driver: GSPDriver?
        public init() {}
    }

    /// The document `plan --json` prints (schema `vgpukit.plan/2`).
    public struct Report: Sendable, Codable, Equatable {
        public static let schemaID = "vgpukit.plan/2"
        public let schema: String
        /// The GPU planned for, when chosen with -s.
        public let address: String?
        public let board: String?
        public let module: String
        public let heapParameters: GSPHeapParameters
        public let plan: GSPBootPlan
        /// The meta's 256 bytes as lower-case hex, 32 bytes a line.
        public let metaHex: [String]
        /// Firmware files the sizes came from.
        public let firmwareFiles: [String]
        /// What the boot needs that the chip, driver or release cannot provide (`GSPBootPlan.unmetRequirements`):
        /// the plan is still printed, and the command fails.
        public let warnings: [String]
        /// GSP_VF_INFO (with -s: from the GPU's SR-IOV capability) and the vGPU engine bitmap.
        public var vfInfo: VFInfoReport?
        public var engines: EngineReport?
        /// The boot and unload run on a simulated GPU, with `--simulate`.
        public var simulation: SimulatedBoot.Outcome?
        /// On the FSP path: the chain-of-trust packet as it enters the FSP's queue (the 8-byte MCTP and
        /// NVDM headers, then the 860-byte payload), lower-case hex, 32 bytes a line.
        public var chainOfTrustHex: [String]?
    }

    /// Why no plan was made.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unknownChip(String, known: [String])
        case gpuNotFound(String)
        case noFramebufferSize(String)
        case unsupported(String)
        case firmware([String])
        case plan(GSPBootPlanner.Failure)
        /// The firmware root, or with -s the sysfs root, cannot be used (exit 66, as every command).
        case firmwareRoot(String)
        case sysfsRoot(String)

        public var description: String {
            switch self {
            case .unknownChip(let c, let known): "unknown chip '\(c)'; supported chips: \(known.joined(separator: ", "))"
            case .gpuNotFound(let why): why
            case .noFramebufferSize(let board): "the framebuffer size of \(board) is not known: pass --fb-size"
            case .unsupported(let why): why
            case .firmware(let findings): "firmware does not verify: " + findings.joined(separator: "; ")
            case .plan(let e): e.description
            case .firmwareRoot(let why), .sysfsRoot(let why): why
            }
        }

        /// A root that cannot be used, not a finding about the host or the firmware.
        public var isNoInput: Bool {
            switch self {
            case .firmwareRoot, .sysfsRoot: true
            default: false
            }
        }

        /// Usage errors (the request) vs findings (the host or firmware).
        public var isUsageError: Bool {
            switch self {
            case .unknownChip, .noFramebufferSize, .unsupported, .plan: true
            case .gpuNotFound, .firmware, .firmwareRoot, .sysfsRoot: false
            }
        }
    }

    /// Makes the plan.
    public static func plan(_ request: Request, registry: ModuleRegistry) throws(Failure) -> Report {
        var module: any ArchitectureModule
        var chip: Chip
        var address: String?
        var fb = request.framebufferSize
        var boardName: String?
        var vfInfo: VFInfoReport?
        var boundDriver: GSPDriver?
        var boundRelease: FirmwareRelease?
        var board: PCIBoardID?
        /// Why the GPU at -s cannot host the vGPUs a vGPU-mode plan is for.
        var hostsNoVGPUs: String?
        let root = FirmwareRoot(path: request.firmwareRoot)
        if let slot = request.slot {
            let gpu: ProbedGPU
            switch HostProbe.gpu(at: slot, sysfsRoot: request.sysfsRoot, registry: registry) {
            case .success(let found): gpu = found
            case .failure(let why): throw why.rootUnusable ? .sysfsRoot(why.description) : .gpuNotFound(why.description)
            }
            guard let owner = gpu.owner else {
                throw .unsupported("\(gpu.address): \(gpu.identity.note ?? "chip not identified")")
            }
            (module, chip, address) = (owner.module, owner.chip, gpu.address.description)
            boundDriver = gpu.bootingDriver
            boundRelease = gpu.firmwareChoice(root: root)?.planRelease(in: owner.module)
            vfInfo = gpu.vfInfo
            // On an SR-IOV generation a vGPU-mode plan needs usable VFs, which GSP_VF_INFO describes: without
            // them the plan is the layout the driver would use if the GPU could host vGPUs, printed and refused.
            let noVFInfo = gpu.vfInfo?.fields == nil ? "no GSP_VF_INFO (\(gpu.vfInfo?.unavailable ?? "not made"))" : nil
            if request.vgpu, owner.module.vgpuInterface(for: owner.chip) == .sriovVirtualFunctions, let why = gpu.sriov.problem ?? noVFInfo {
                vfInfo = vfInfo ?? VFInfoReport(fields: nil, hex: nil, unavailable: "not sent: " + why)
                hostsNoVGPUs = "vGPU mode on \(gpu.address): \(why)"
            }
            board = gpu.boardID
            if let board = gpu.board {
                boardName = board.name
                fb = fb ?? board.framebuffer
            }
            if fb == nil { throw .noFramebufferSize("\(gpu.name) at \(gpu.address)") }
        } else {
            guard let name = request.chip, let found = registry.module(forChipNamed: name) else {
                throw .unknownChip(request.chip ?? "", known: registry.allChips.map(\.name))
            }
            (module, chip) = (found.module, found.chip)
        }
        guard let framebuffer = fb else { throw .noFramebufferSize(chip.name) }
        // In the manifest's spelling (535.113.01 for --release 535.113.1): the plan names the files' release.
        let requested = request.release ?? boundRelease ?? module.defaultRelease
        let release = module.supportedReleases.first { $0 == requested } ?? requested
        let verifier = FirmwareVerifier(root: root)
        let (plan, parameters, files) = try bootPlan(module: module, chip: chip, board: board, release: release, framebuffer: framebuffer,
                                                     mode: request.vgpu ? .vgpu(override: request.heapOverride) : .bareMetal,
                                                     driver: request.driver ?? boundDriver ?? .nvidia,
                                                     vga: request.vgaWorkspaceRegister, verifier: verifier)
        let hexLines = Self.hexLines(plan.metaBytes)
        let warnings = plan.unmetRequirements + (hostsNoVGPUs.map { [$0] } ?? [])
        var report = Report(schema: Report.schemaID, address: address, board: boardName, module: module.name, heapParameters: parameters,
                            plan: plan, metaHex: hexLines, firmwareFiles: files, warnings: warnings)
        report.vfInfo = vfInfo
        if let cot = plan.chainOfTrust {
            do { report.chainOfTrustHex = Self.hexLines(try cot.packet()) } catch { throw .plan(.chainOfTrust(error)) }
        }
        report.engines = EngineReport.make(module: module, chip: chip, release: release)
        if request.simulate {
            // The FSP path's FMC image, for the simulated FSP to verify (read again: the plan keeps only its parts).
            let fmcImage = try Self.fmcImage(module: module, chip: chip, release: release, verifier: verifier)
            report.simulation = SimulatedBoot.run(plan, chipID: chip.id, parameters: parameters, fmcImage: fmcImage,
                                                  systemInfo: GSPSystemInfo.payload(vfInfo: vfInfo?.fields, release: release))
        }
        return report
    }

    /// The bytes of the chip's FMC image at `release`, empty on the booter path.
    /// Only the FMC file is verified here (the plan verified the rest): `simulate`'s own verifier would
    /// otherwise hash the 63 MB GSP image a second time.
    static func fmcImage(module: any ArchitectureModule, chip: Chip, release: FirmwareRelease, verifier: FirmwareVerifier) throws(Failure) -> [UInt8] {
        guard let file = module.firmware(for: chip, release: release)?.files.files.first(where: { $0.role == .fmc }) else { return [] }
        let report = verifier.verify(file)
        guard report.isOK, case .fmc(let fmc)? = report.contents else { throw .firmware(report.findings.map(\.message)) }
        do { return try fmc.imageBytes() } catch { throw .firmware(["\(error.file): \(error.field): \(error.problem)"]) }
    }

    /// Lower-case hex, 32 bytes a line (the last may be shorter).
    static func hexLines(_ bytes: [UInt8]) -> [String] {
        stride(from: 0, to: bytes.count, by: 32).map { i in
            "\(hexBytes: bytes[i..<min(i + 32, bytes.count)])"
        }
    }

    /// The plan for `chip` (on `board`, when known) at `release` by `driver`'s rules, from the firmware `verifier` reads (the
    /// plan command's, which hashes; the probe's vGPU boot check, which only parses), with the heap
    /// parameters and the firmware files it used.
    static func bootPlan(module: any ArchitectureModule, chip: Chip, board: PCIBoardID?, release: FirmwareRelease, framebuffer: UInt64,
                         mode: GSPHeapMode, driver: GSPDriver, vga: UInt32?, verifier: FirmwareVerifier) throws(Failure) -> (GSPBootPlan, GSPHeapParameters, [String])
    {
        guard let parameters = module.heapParameters(for: chip, release: release, board: board) else {
            let planned = module.supportedReleases.filter { module.heapParameters(for: chip, release: $0, board: board) != nil }
            throw .unsupported("module \(module.name) has no GSP heap parameters for \(chip.name) at \(release); supported: "
                + (planned.isEmpty ? "none" : planned.map(\.description).joined(separator: ", ")))
        }
        let (inputs, files) = try firmwareInputs(module: module, chip: chip, release: release, verifier: verifier, framebuffer: framebuffer, vga: vga)
        guard let hal = module.bootHAL(for: chip) else { throw .unsupported("module \(module.name) has no boot path for \(chip.name)") }
        let scrubberFile = module.firmware(for: chip, release: release)?.files.files.first(where: { $0.role == .scrubber })?.path
        do {
            let plan = try GSPBootPlanner.plan(chip: chip, release: release, mode: mode, inputs: inputs, parameters: parameters, hal: hal,
                                               driver: driver, scrubberFile: scrubberFile)
            return (plan, parameters, files)
        } catch { throw .plan(error) }
    }

    /// Sizes and descriptor fields from the chip's verified firmware.
    static func firmwareInputs(module: any ArchitectureModule, chip: Chip, release: FirmwareRelease, verifier: FirmwareVerifier,
                               framebuffer: UInt64, vga: UInt32?) throws(Failure) -> (GSPBootInputs, [String])
    {
        let root = verifier.root.path
        if let why = verifier.root.unusable {
            throw .firmwareRoot("firmware root \(root) \(why) (install the GSP firmware there, or pass --firmware-root)")
        }
        guard let (r, files) = module.firmware(for: chip, release: release) else {
            throw .unsupported("\(chip.name) has no firmware manifest for \(release); supported: \(module.supportedReleases.map(\.description).joined(separator: ", "))")
        }
        let report = verifier.verify(chip: files, release: r)
        guard report.isOK else { throw .firmware(report.files.flatMap(\.findings).map(\.message)) }
        var image: GSPFirmwareImage?, bootloader: RISCVBootloader?, signature: ELFSection?, fmc: FMCImage?
        for file in report.files {
            switch file.contents {
            case .gsp(let g)?: image = g; signature = file.signature
            case .bootloader(let b)?: bootloader = b
            case .fmc(let f)?: fmc = f
            default: break
            }
        }
        guard let image, let signature else { throw .unsupported("release \(release) lists no GSP image for \(chip.name)") }
        guard let bootloader else {
            throw .unsupported("release \(release) (\(r.layout.rawValue) layout) ships no bootloader file for \(chip.name); plan with a linux-firmware release")
        }
        let d = bootloader.descriptor
        var inputs = GSPBootInputs(framebufferSize: framebuffer, vgaWorkspaceRegister: vga, bootloaderSize: bootloader.payload.size,
                                   bootloaderCodeOffset: UInt64(d.monitorCodeOffset), bootloaderDataOffset: UInt64(d.monitorDataOffset),
                                   bootloaderManifestOffset: UInt64(d.manifestOffset), appVersion: d.appVersion,
                                   imageSize: image.image.size, signatureSize: signature.range.size)
        inputs.fmc = fmc.map { FMCSecurityMaterial(hash: $0.hash, publicKey: $0.publicKey, signature: $0.signature, imageSize: $0.image.size) }
        return (inputs, report.files.compactMap(\.resolvedPath))
    }
}
