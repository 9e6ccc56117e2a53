import VGPUCore
import VGPUHost

/// The document `vgpu-probe --json` prints (schema `vgpukit.probe/1`, docs/cli.md): per physical
/// NVIDIA GPU what it is, what the driver would load, and whether the host is ready for vGPU.
public struct HostReport: Sendable, Codable, Equatable {
    /// JSON schema identifier.
    public static let schemaID = "vgpukit.probe/1"
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

    /// True when there is at least one GPU and every GPU is ready with no diagnostics.
    public var ok: Bool { !gpus.isEmpty && gpus.allSatisfy { $0.readiness.ready } }

    /// One physical GPU.
    public struct GPU: Sendable, Codable, Equatable {
        public let address: String
        public let vendorID: String, deviceID: String
        /// pci.ids name, or `NVIDIA device 26b9` when pci.ids does not list it.
        public let name: String
        public let subsystem: String?
        public let revision: String?
        public let classCode: String?
        /// The chip, its architecture and the module that owns it; nil when unidentified.
        public let chip: String?, architecture: String?, module: String?
        /// How the chip was identified, and the registers when read.
        public let identity: Identity
        public let driver: String?, iommuGroup: Int?, numaNode: Int?, runtimeStatus: String?
        public let link: String?
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
    }

    /// Chip identification.
    public struct Identity: Sendable, Codable, Equatable {
        /// `BOOT_42`, `pci-id-table`, or `none`.
        public let source: String
        public let boot0: String?, boot42: String?
        /// Why BAR0 was not used, or what it said.
        public let note: String?
    }

    /// One BAR in use.
    public struct BAR: Sendable, Codable, Equatable {
        public let index: Int
        public let start: String
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
    public struct Firmware: Sendable, Codable, Equatable {
        public let release: String
        public let ok: Bool
        public let files: Int
        public let findings: [String]
    }

    /// The verdict.
    public struct Readiness: Sendable, Codable, Equatable {
        /// Every check made passed (skipped ones are not counted either way).
        public let ready: Bool
        public let checks: [Check]
        /// The checks skipped at the user's request (`--no-firmware`); absent when none was.
        public var notChecked: [String]? = nil
    }

    /// One readiness check.
    public struct Check: Sendable, Codable, Equatable {
        /// `module`, `sriov`, `vfs-enabled`, `iommu`, `firmware`.
        public let name: String
        /// Passed; false for a skipped check, which did not pass.
        public let ok: Bool
        public let detail: String
        /// True when the check was not made (shown `[--]`); absent otherwise.
        public var skipped: Bool? = nil
    }

    /// One VF of a PF.
    public struct VF: Sendable, Codable, Equatable {
        public let address: String
        public let driver: String?
        public let iommuGroup: Int?
    }
}
