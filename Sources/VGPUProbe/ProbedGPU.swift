import VGPUCore
import VGPUFirmware
import VGPUHost

/// What discovery knows of one physical NVIDIA GPU, as typed values: the function the scan read, the
/// module and chip that own it, its board, SR-IOV state, VFs and the vGPUs on them.
///
/// The probe's report (`HostReport.GPU`) is rendered from it, and the commands that act on one GPU
/// (`plan -s`, `types -s`, `simulate -s`) take it from `HostProbe.gpu(at:)`: nothing reads a report
/// back into values.
public struct ProbedGPU: Sendable {
    /// The module and chip that own a GPU.
    public struct Owner: Sendable {
        public let module: any ArchitectureModule
        public let chip: Chip
    }

    /// One enabled VF.
    public struct VirtualFunction: Sendable {
        public let function: PCIFunction
        /// The vGPU it hosts (`nvidia/current_vgpu_type`): the type id, and the type when the board's
        /// catalogue lists it.
        public let vgpu: (id: Int, type: VGPUType?)?

        /// Known to host no vGPU: none is shown, and `nvidia/current_vgpu_type` was not unreadable.
        public var isFree: Bool { vgpu == nil && function.problem(reading: "nvidia/current_vgpu_type") == nil }
    }

    /// The PF as the scan read it.
    public let function: PCIFunction
    /// pci.ids' name (`AD102GL [L40]`), else the owning module's board name (`L40S`), else
    /// `NVIDIA device 26b9`.
    public let name: String
    /// Where `name` came from.
    public let nameSource: NameSource

    /// Where a GPU's name came from, as the report says it (in JSON, the description as a string).
    public enum NameSource: Sendable, Equatable, Codable, CustomStringConvertible {
        /// The host's pci.ids.
        case pciIDs
        /// The board table of the module named (the host's pci.ids does not list the device).
        case module(String)
        /// Neither: the ids.
        case none

        /// `pci.ids`, `module ada`, `none`.
        public var description: String {
            switch self {
            case .pciIDs: "pci.ids"
            case .module(let m): "module \(m)"
            case .none: "none"
            }
        }

        /// From the report's string: `pci.ids`, `module <name>` or `none`.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            switch text {
            case "pci.ids": self = .pciIDs
            case "none": self = .none
            case _ where text.hasPrefix("module ") && text.count > 7: self = .module(String(text.dropFirst(7)))
            default: throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not pci.ids, module <name> or none")
            }
        }

        /// As its description.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }
    /// Who owns it; nil when this build does not cover the chip.
    public let owner: Owner?
    /// How the chip was identified.
    public let identity: HostReport.Identity
    /// Why the GPU does not answer MMIO: BAR0, read because the device is awake, reads as all ones or
    /// as a security fault. nil when it answered, or when BAR0 was not read.
    public let unresponsive: String?
    /// The bound driver's version as sysfs shows it (`module/<driver>/version`); absent without one.
    public let driverVersion: DriverVersion
    /// The loaded nvidia module's version (`module/nvidia/version`), whether or not it took this GPU:
    /// a driver that predates the chip is loaded yet leaves the GPU without a driver.
    public let nvidiaModuleVersion: DriverVersion
    /// The board, from the owner's tables.
    public let board: Board?
    /// The board's vGPU types, when the owner has a catalogue for it.
    public let catalogue: VGPUTypeCatalogue?
    /// SR-IOV as the function reports it, judged once (`SRIOVState`).
    public let sriov: SRIOVState
    /// The enabled VFs whose functions the scan found, in VF order.
    public let vfs: [VirtualFunction]
    /// Enabled VFs whose vGPU is unknown (`nvidia/current_vgpu_type` unreadable, or the VF not read at
    /// all), each with why: what still fits beside the vGPUs in use cannot be counted then. main
    /// counted such a VF as free and overstated what fits.
    public let unknownOccupancy: [String]
    /// vGPUs in use whose type the catalogue does not list, each with its VF: their size is unknown (one
    /// may be the largest type), so what still fits cannot be counted either. main counted them as
    /// taking no framebuffer.
    public let unsizedVGPUs: [String]
    /// The vGPUs that exist as mediated devices on the GPU itself (Turing), whose types the catalogue lists.
    public let mediatedVGPUs: [VGPUType]

    /// Why what still fits cannot be counted: VFs whose vGPU is unknown, and vGPUs of unknown size.
    public var capacityUnknown: [String] { unknownOccupancy + unsizedVGPUs }
    /// GSP_VF_INFO the driver would send, or why it cannot (nil without SR-IOV or a module).
    public let vfInfo: VFInfoReport?
    /// What could not be read or does not add up, for the report's diagnostics.
    public let diagnostics: [String]

    /// The PCI address.
    public var address: PCIAddress { function.address }

    /// The board's PCI ids (device and subsystem), for what NVIDIA sizes per board; nil without a device id.
    public var boardID: PCIBoardID? {
        function.device.map { PCIBoardID(deviceID: $0, subsystem: function.subsystem) }
    }

    /// The vGPUs that exist on its VFs, or as mediated devices on the GPU, and whose types the catalogue lists.
    public var existingVGPUs: [VGPUType] { vfs.compactMap { $0.vgpu?.type } + mediatedVGPUs }

    /// How many VFs vGPUs can be placed on, counting those in use: the VFs enabled, once any are (the
    /// kernel changes `sriov_numvfs` only through 0, which ends every vGPU on them), else all the GPU has
    /// (vfs-enabled's remedy, `sriov-manage -e`, enables all). nil for mediated devices on the GPU, where
    /// no VF count limits placements. main counted all VFs, so a GPU whose enabled VFs were all in use
    /// still "fit" more.
    public var placeableVFs: Int? {
        guard vgpuInterface == .sriovVirtualFunctions, let s = sriov.summary else { return nil }
        return s.enabledVFs > 0 ? min(s.enabledVFs, s.totalVFs) : s.totalVFs
    }

    /// Whose rules would boot its GSP: those of the driver it is bound to.
    public var bootingDriver: GSPDriver { GSPDriver.booting(kernelDriver: function.driver) }

    /// How it hosts vGPUs: its generation's interface; SR-IOV VFs when no module owns it.
    public var vgpuInterface: VGPUInterface { owner.map { $0.module.vgpuInterface(for: $0.chip) } ?? .sriovVirtualFunctions }

    /// The GSP firmware its bound driver loads, with files looked up under `root`; nil when no module owns it.
    func firmwareChoice(root: FirmwareRoot) -> DriverFirmware? {
        owner.map { DriverFirmware.choose(module: $0.module, chip: $0.chip, kernelDriver: function.driver, driverVersion: driverVersion, root: root) }
    }
}

/// A GPU's SR-IOV, judged by one rule (used by the readiness checks, `types -s` and `simulate -s`).
public enum SRIOVState: Sendable, Equatable {
    /// No SR-IOV capability: the GPU cannot host vGPUs.
    case absent
    /// What is needed cannot be read (`PCIFunction.sriovUnreadable`): whether there is SR-IOV, or
    /// where the VFs are, is unknown.
    case unreadable(HostReport.SRIOV?, [String])
    /// The values contradict each other (`PCIFunction.sriovProblems`).
    case inconsistent(HostReport.SRIOV?, [String])
    /// TotalVFs is 0.
    case noVFs(HostReport.SRIOV)
    /// TotalVFs is 1: a consumer board's capability, not a vGPU host's.
    case singleVF(HostReport.SRIOV)
    /// The VF device id is 0: the VFs are unusable.
    case unusableVFDevice(HostReport.SRIOV)
    /// SR-IOV the driver can use.
    case usable(HostReport.SRIOV)

    /// Judges `f`'s SR-IOV, summarised as `summary`.
    init(_ f: PCIFunction, summary: HostReport.SRIOV?) {
        let unreadable = f.sriovUnreadable
        if !unreadable.isEmpty { self = .unreadable(summary, unreadable); return }
        let problems = f.sriovProblems
        if !problems.isEmpty { self = .inconsistent(summary, problems); return }
        guard let s = summary else { self = .absent; return }
        // The VF device id as read: the capability's, else the sriov_vf_device file's (nil when unreadable).
        let vfDevice = f.config?.sriov.map(\.vfDeviceID) ?? f.sriov?.vfDevice
        if s.totalVFs == 0 { self = .noVFs(s) } else if vfDevice == 0 { self = .unusableVFDevice(s) }
        else if s.totalVFs == 1 { self = .singleVF(s) } else { self = .usable(s) }
    }

    /// The values, when the GPU has SR-IOV at all.
    public var summary: HostReport.SRIOV? {
        switch self {
        case .absent: nil
        case .unreadable(let s, _), .inconsistent(let s, _): s
        case .noVFs(let s), .singleVF(let s), .unusableVFDevice(let s), .usable(let s): s
        }
    }

    /// The usable values, or nil.
    public var usable: HostReport.SRIOV? { if case .usable(let s) = self { s } else { nil } }

    /// Why the GPU cannot host vGPUs through SR-IOV; nil when it can.
    public var problem: String? {
        switch self {
        case .absent: "no SR-IOV capability: this GPU cannot host vGPUs"
        case .unreadable(_, let unread): "SR-IOV values cannot be read: " + unread.joined(separator: "; ")
        case .inconsistent(_, let problems): "SR-IOV values are inconsistent: " + problems.joined(separator: "; ")
        case .noVFs: "SR-IOV capability reports TotalVFs 0"
        // nova-core's vGPU support requires at least 2 VFs; NVIDIA's vGPU boards expose 16 to 48.
        case .singleVF: "SR-IOV capability allows a single VF: this board is not a vGPU host (vGPU needs at least 2 VFs; NVIDIA's vGPU boards expose 16 or more)"
        case .unusableVFDevice: "SR-IOV VF device id is 0: the VFs are unusable"
        case .usable: nil
        }
    }
}
