import VGPUCore
import VGPUHost

/// The document `vgpu-probe --json` prints (schema `vgpukit.probe/2`, schemas/probe.schema.json): per
/// physical NVIDIA GPU what it is, what the driver would load, and whether the host is ready for vGPU.
///
/// Values, not prose: addresses, sizes, offsets and register values are JSON integers (bytes for
/// sizes); ids stay the hex strings lspci prints; only `detail`, `note`, `findings` and `diagnostics`
/// are sentences, for people.
public struct HostReport: Sendable, Codable, Equatable {
    /// JSON schema identifier (2: values instead of formatted strings, board, counts, driver version).
    public static let schemaID = "vgpukit.probe/2"
    /// Always `schemaID`.
    public let schema: String
    /// The sysfs root scanned and the firmware root used.
    public let sysfsRoot: String, firmwareRoot: String
    /// One entry per physical NVIDIA GPU (display-class function that is not a VF), in address order.
    public let gpus: [GPU]
    /// Other NVIDIA functions (HD audio, USB-C controllers): listed, not judged.
    public let otherNVIDIAFunctions: [String]
    /// Scan-level warnings (entries skipped).
    public let warnings: [String]
    /// How many PCI functions the scan read.
    public let functionsScanned: Int
    /// How many GPUs were reported, and how many of them are ready.
    public let counts: Counts
    /// Why pci.ids could not be read (`path: why`), where GPUs were reported; nil when it was. Their
    /// names then come from the modules' board tables, and nothing is said of what pci.ids lists.
    public var pciIDsUnread: String? = nil

    /// GPUs reported and ready.
    public struct Counts: Sendable, Codable, Equatable {
        public let gpus: Int, ready: Int
    }

    /// True when there is at least one GPU and every GPU is ready (diagnostics are notes about fields, never a verdict).
    public var ok: Bool { !gpus.isEmpty && gpus.allSatisfy { $0.readiness.ready } }

    /// One physical GPU.
    public struct GPU: Sendable, Codable, Equatable {
        public let address: String
        /// lspci's hex; the device id is nil when sysfs did not give one (the text shows `????`).
        public let vendorID: String, deviceID: String?
        /// pci.ids name, or `NVIDIA device 26b9` when pci.ids does not list it.
        public let name: String
        /// Where the name came from: `pci.ids`, `module <name>` (the board table; the host's pci.ids does
        /// not list the device, or was not read) or `none`.
        public let nameSource: ProbedGPU.NameSource
        /// The interface through which NVIDIA's host driver offers vGPUs on this GPU, as sysfs shows it
        /// (`VGPUInterfaceReport`); absent when none is seen.
        public var vgpuInterface: VGPUInterfaceReport? = nil
        public let subsystem: String?
        public let revision: String?
        public let classCode: String?
        /// The chip, its architecture and the module that owns it; nil when unidentified.
        public let chip: String?, architecture: String?, module: String?
        /// The board, from the module's tables; nil when they do not list the device id.
        public let board: Board?
        /// How the chip was identified, and the registers when read.
        public let identity: Identity
        /// The bound kernel driver and its version (`/sys/module/<driver>/version`) when it has one.
        public let driver: String?, driverVersion: String?
        public let iommuGroup: Int?, numaNode: Int?, runtimeStatus: String?
        /// The negotiated PCIe link; nil when sysfs does not say.
        public let link: Link?
        /// BARs 0-5 in use.
        public let bars: [BAR]
        /// SR-IOV as the PF reports it; nil when it has no SR-IOV capability.
        public let sriov: SRIOV?
        /// Firmware verification for the chip at its module's default release.
        public let firmware: Firmware?
        /// GSP_VF_INFO the driver would send, or why it cannot.
        public let vfInfo: VFInfoReport?
        /// The vGPU engine bitmap at the module's default release.
        public let engines: EngineReport?
        /// The board's vGPU types with how many fit (VF-capable GPUs whose board has a catalogue).
        public let vgpuTypes: [HostableType]?
        /// NVIDIA's host driver's list from a VF, compared with the catalogue.
        public let creatableTypes: CreatableTypesReport?
        /// The verdict and the checks behind it.
        public let readiness: Readiness
        /// The PF's enabled VFs.
        public let vfs: [VF]
        /// Fields of this GPU (or its VFs) that could not be read, with the reason.
        public let diagnostics: [String]
        /// Enabled VFs whose vGPU is unknown (`current_vgpu_type` unreadable, or the VF not read), each
        /// with why; nil when none. Then what more fits, and how many vGPUs are in use, are not counted.
        public var vgpusUnknown: [String]? = nil
        /// vGPUs in use of a type the catalogue does not list, each with its VF; nil when none. Their size
        /// is unknown, so what more fits is not counted either.
        public var vgpusUnsized: [String]? = nil
        /// Why whether the GPU has SR-IOV is unknown (`sriov_totalvfs` unreadable and the capability
        /// not read); nil otherwise. `sriov` is then absent without meaning "none".
        public var sriovUnknown: String? = nil
    }

    /// A board from the module's tables.
    public struct Board: Sendable, Codable, Equatable {
        public let name: String
        /// Framebuffer in bytes.
        public let framebuffer: UInt64
    }

    /// A negotiated PCIe link.
    public struct Link: Sendable, Codable, Equatable {
        /// Transfer rate per lane in GT/s (`current_link_speed`), nil when the kernel says "Unknown".
        public let gtPerSecond: Double?
        /// Lanes (`current_link_width`).
        public let width: Int?
    }

    /// Chip identification.
    public struct Identity: Sendable, Codable, Equatable {
        /// How the chip was told.
        public let source: Source
        /// NV_PMC_BOOT_0 and NV_PMC_BOOT_42 as read from BAR0.
        public let boot0: UInt32?, boot42: UInt32?
        /// Why BAR0 was not used, or what it said.
        public let note: String?

        /// How a chip was identified; the raw values are the outputs' names.
        public enum Source: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
            /// NV_PMC_BOOT_42 read from BAR0.
            case boot42 = "BOOT_42"
            /// The PCI device id, by the modules' id blocks.
            case pciIDTable = "pci-id-table"
            /// Neither told it.
            case none

            /// The name as outputs write it.
            public var description: String { rawValue }
        }
    }

    /// One BAR in use.
    public struct BAR: Sendable, Codable, Equatable {
        public let index: Int
        /// Bus address and size in bytes.
        public let start: UInt64
        public let size: UInt64
        /// `mem32`, `mem64`, `io`; `prefetchable` separately.
        public let kind: String
        public let prefetchable: Bool
    }

    /// SR-IOV of a PF.
    public struct SRIOV: Sendable, Codable, Equatable {
        /// `config` (capability decoded) or `sysfs` (sriov_* files only, e.g. unprivileged).
        public let source: String
        public let capabilityOffset: Int?
        public let totalVFs: Int, enabledVFs: Int
        public let firstVFOffset: Int?, vfStride: Int?
        public let vfDeviceID: String?
        /// Per-VF BAR sizes (from the `resource` VF lines divided by TotalVFs).
        public let vfBARs: [VFBAR]
    }

    /// One VF BAR.
    public struct VFBAR: Sendable, Codable, Equatable {
        public let index: Int
        public let sizePerVF: UInt64
        public let is64Bit: Bool
    }

    /// Firmware state for the GPU's chip.
    /// The GSP firmware the bound driver loads (`DriverFirmware`) and how it verified.
    public struct Firmware: Sendable, Codable, Equatable {
        /// Who loads it: `nvidia 535.261.03`, `nouveau`, `nova-core`.
        public let loader: String
        /// The release it loads.
        public let release: String
        /// True when a manifest pins every file's size and SHA-256; false when they were checked by
        /// their contents only (a release of NVIDIA's driver no manifest lists).
        public let pinned: Bool
        /// The files, relative to the firmware root.
        public let paths: [String]
        public let ok: Bool
        public let files: Int
        public let findings: [String]
        /// How the choice was made where the driver alone does not settle it.
        public var note: String?

        /// The verdict on `selection`, which `choice` made.
        init(_ choice: DriverFirmware, _ selection: DriverFirmware.Selection, ok: Bool, findings: [String]) {
            loader = choice.loader.description
            release = selection.release.description
            pinned = selection.pinned
            paths = selection.files.files.map(\.path)
            self.ok = ok
            files = selection.files.files.count
            self.findings = findings
            note = selection.note
        }
    }

    /// The verdict.
    public struct Readiness: Sendable, Codable, Equatable {
        /// Every check made passed (skipped ones are not counted either way).
        public let ready: Bool
        public let checks: [Check]
        /// The checks skipped at the user's request (`--no-firmware`); absent when none was.
        public var notChecked: [Check.Name]? = nil
    }

    /// One readiness check.
    public struct Check: Sendable, Codable, Equatable {
        /// Which check (the report's and the schema's names).
        public let name: Name
        /// Passed; false for a skipped check, which did not pass.
        public let ok: Bool
        public let detail: String
        /// True when the check was not made (shown `[--]`); absent otherwise.
        public var skipped: Bool? = nil

        /// The readiness checks, in the order a report lists them; the raw values are the names in every
        /// output (schemas/probe.schema.json lists them), so code that selects a check (NFD's interface
        /// label) matches a case, not a string.
        public enum Name: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
            /// A module of this build owns the chip.
            case support
            /// The GPU answers MMIO (listed only when it does not: BAR0 read from an awake device gave all
            /// ones or a security fault).
            case responds
            /// The bound NVIDIA driver's branch knows the chip.
            case driverBranch = "driver-branch"
            /// SR-IOV is usable (`SRIOVState`).
            case sriov
            /// VFs are enabled.
            case vfsEnabled = "vfs-enabled"
            /// The GPU lists mediated-device types (generations that host vGPUs on the PF: Turing).
            case mdevTypes = "mdev-types"
            /// Every VF is bound to nvidia.
            case vfDriver = "vf-driver"
            /// Where the types are once VFs are on (the PF lists none).
            case pfTypes = "pf-types"
            /// The GPU is in an IOMMU group.
            case iommu
            /// The firmware the bound driver loads verifies.
            case firmware
            /// The driver could boot the GSP in vGPU mode with that firmware.
            case vgpuBoot = "vgpu-boot"

            /// The name as outputs write it.
            public var description: String { rawValue }
        }
    }

    /// One VF of a PF.
    public struct VF: Sendable, Codable, Equatable {
        public let address: String
        public let driver: String?
        public let iommuGroup: Int?
        /// The vGPU it hosts (`nvidia/current_vgpu_type`), nil when none or when the driver does not say.
        public var vgpu: VGPUInUse? = nil
        /// Why what it hosts is unknown (`nvidia/current_vgpu_type` exists but cannot be read); nil
        /// otherwise. Such a VF is neither in use nor free, and what more fits is not counted.
        public var vgpuUnknown: String? = nil
    }

    /// A vGPU that exists on a VF: its type id, and name when the board's catalogue lists the id.
    public struct VGPUInUse: Sendable, Codable, Equatable {
        public let id: Int
        public let name: String?
    }
}

extension HostReport.Link {
    /// The link sysfs describes for `f`; nil when it gives neither speed nor width.
    ///
    /// `current_link_speed` reads `16.0 GT/s PCIe` (older kernels `8 GT/s`), or `Unknown` with no link.
    init?(_ f: PCIFunction) {
        guard f.linkSpeed != nil || f.linkWidth != nil else { return nil }
        gtPerSecond = f.linkSpeed.flatMap { $0.split(separator: " ").first.flatMap { Double($0) } }.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        width = f.linkWidth
    }
}

extension HostReport.VF {
    /// A discovered VF as the reports show it.
    init(_ vf: ProbedGPU.VirtualFunction) {
        self.init(address: vf.function.address.description, driver: vf.function.driver, iommuGroup: vf.function.iommuGroup,
                  vgpu: vf.vgpu.map { HostReport.VGPUInUse(id: $0.id, name: $0.type?.name) },
                  vgpuUnknown: vf.function.problem(reading: "nvidia/current_vgpu_type").map { "nvidia/current_vgpu_type: \($0)" })
    }
}

/// How NVIDIA's host driver offers vGPUs on a GPU, as seen in sysfs, and what tools on top must use.
public struct VGPUInterfaceReport: Sendable, Codable, Equatable {
    /// Which interface.
    public let kind: Kind
    /// What that means for the tools that create vGPUs.
    public let detail: String

    /// The interfaces NVIDIA's host driver has offered; the raw values are the outputs' names.
    public enum Kind: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
        /// vGPU 17 and later: `nvidia/` on each VF.
        case vendorSpecificVFIO = "vendor-specific-vfio"
        /// vGPU 16 and earlier on SR-IOV GPUs: `mdev_supported_types` on each VF.
        case mediatedDevicesOnVFs = "mdev-vfs"
        /// Turing: `mdev_supported_types` on the GPU itself.
        case mediatedDevicesOnGPU = "mdev-gpu"

        /// The name as outputs write it.
        public var description: String { rawValue }
    }

    /// The interface the functions show: the VFs' `nvidia/` or `mdev_supported_types`, or the PF's
    /// `mdev_supported_types`; nil when none shows one.
    static func of(_ gpu: ProbedGPU) -> VGPUInterfaceReport? {
        let vfs = gpu.vfs.map(\.function)
        if vfs.contains(where: { $0.creatableVGPUTypes != nil || $0.currentVGPUType != nil }) {
            return .init(kind: .vendorSpecificVFIO,
                         detail: "vendor-specific VFIO (NVIDIA vGPU 17 and later): each VF's nvidia/creatable_vgpu_types and current_vgpu_type; "
                             + "tools written for mediated devices (mdev_supported_types, /sys/bus/mdev) find none")
        }
        if vfs.contains(where: { !($0.mediatedDeviceTypes ?? []).isEmpty }) {
            return .init(kind: .mediatedDevicesOnVFs,
                         detail: "mediated devices on the VFs (NVIDIA vGPU 16 and earlier): each VF's mdev_supported_types; "
                             + "tools written for vGPU 17's vendor-specific VFIO (nvidia/creatable_vgpu_types) find none")
        }
        if !(gpu.function.mediatedDeviceTypes ?? []).isEmpty {
            return .init(kind: .mediatedDevicesOnGPU, detail: "mediated devices on the GPU (time-sliced, no SR-IOV): its mdev_supported_types")
        }
        return nil
    }
}
