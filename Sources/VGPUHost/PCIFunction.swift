#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import VGPUCore

/// Everything the probe read about one PCI function from sysfs. A field that could not be read is
/// nil and has an entry in `diagnostics` saying why; the rest of the function is still reported.
public struct PCIFunction: Sendable, Codable, Equatable {
    /// `0000:41:00.0`.
    public let address: PCIAddress
    /// Ids from the sysfs text files (also right for VFs, whose config reads 0xffff).
    public var vendor: UInt16?, device: UInt16?
    /// 24-bit class code (`0x030200` 3D controller).
    public var classCode: UInt32?
    /// Subsystem ids and revision.
    public var subsystemVendor: UInt16?, subsystemDevice: UInt16?, revision: UInt8?

    /// The subsystem, when both its ids were read.
    public var subsystem: PCISubsystem? {
        subsystemVendor.flatMap { vendor in subsystemDevice.map { PCISubsystem(vendor: vendor, device: $0) } }
    }
    /// Decoded config space (header, capabilities, SR-IOV), when at least 64 bytes were readable.
    public var config: ConfigSpace?
    /// The `resource` file: BARs 0-5, ROM (6), SR-IOV VF BARs (7-12; total span over all VFs).
    public var resources: [Resource] = []
    /// The `sriov_*` files, on a PF with the SR-IOV capability.
    public var sriov: SRIOVFiles?
    /// VFs (`virtfnN` links) in order of N, on a PF.
    public var virtualFunctions: [VirtualFunctionLink] = []
    /// The PF (`physfn` link), on a VF.
    public var physicalFunction: PCIAddress?
    /// Bound driver name.
    public var driver: String?
    /// IOMMU group number.
    public var iommuGroup: Int?
    /// NUMA node (-1 when the platform gives none).
    public var numaNode: Int?
    /// `power/runtime_status`: active, suspended, ...
    public var runtimeStatus: String?
    /// `power_state` (Linux 5.12 and later): D0, D3hot, D3cold, ... The PCI power state, which runtime
    /// PM's `unsupported` (runtime PM disabled, whatever the device's state) does not tell.
    public var powerState: String?
    /// Why reading its `config` would wake it, or nil. A sysfs config read resumes the device's parent
    /// and, in D3cold, the device itself (Linux `pci_config_pm_runtime_get`); a device that is suspended
    /// (or suspending) therefore keeps its config unread, as BAR0 is.
    public var configReadWouldWake: String? {
        if powerState == "D3cold" { return "the device is in D3cold" }
        if let status = runtimeStatus, status == "suspended" || status == "suspending" { return "the device is runtime-\(status)" }
        return nil
    }
    /// Why `power/runtime_status` exists but could not be read (its diagnostic), nil otherwise.
    public var runtimeStatusProblem: String? { problem(reading: "power/runtime_status") }

    /// Why the file `field` (relative to the device directory) is there but could not be read or made
    /// no sense: its diagnostic's problem; nil when it was read, or is absent.
    public func problem(reading field: String) -> String? { diagnostics.first { $0.field == field }?.problem }
    /// The mediated-device types a PF offers (`mdev_supported_types/<type>/`): how NVIDIA's vGPU host
    /// driver exposes vGPU on Turing, and on later GPUs before vGPU 17. Nil when the directory is absent.
    public var mediatedDeviceTypes: [MediatedDeviceType]?
    /// Whether the function has NVIDIA's vGPU directory, `nvidia/` (vGPU 17 and later make it on each VF).
    public var hasNVIDIADirectory = false
    /// NVIDIA's vGPU host driver: `nvidia/creatable_vgpu_types` of a VF, as (id, name).
    public var creatableVGPUTypes: [CreatableVGPUType]?
    /// What NVIDIA's vGPU host driver offers to create on the function now: `nvidia/creatable_vgpu_types`
    /// (vGPU 17 and later), else its NVIDIA mdev types that have an instance available (vGPU 16 and
    /// earlier; one whose `available_instances` cannot be read counts as offered). nil where it shows
    /// neither. main took only the first, so the fleet outputs labelled every catalogue type on mdev VFs.
    public var offeredVGPUTypes: [CreatableVGPUType]? {
        if let creatableVGPUTypes { return creatableVGPUTypes }
        guard let types = mediatedDeviceTypes, !types.isEmpty else { return nil }
        return types.compactMap { t in
            guard let id = t.nvidiaTypeID, let name = t.name, t.availableInstances ?? 1 > 0 else { return nil }
            return CreatableVGPUType(id: id, name: name)
        }
    }
    /// NVIDIA's vGPU host driver: the type id in `nvidia/current_vgpu_type` of a VF, 0 when the VF hosts
    /// no vGPU; nil when the file is absent.
    public var currentVGPUType: Int?
    /// Negotiated link speed text and width.
    public var linkSpeed: String?, linkWidth: Int?
    /// Fields that could not be read or parsed, with the reason.
    public var diagnostics: [FieldDiagnostic] = []

    /// A function with only its address known.
    public init(address: PCIAddress) { self.address = address }

    /// True for an SR-IOV virtual function.
    public var isVirtualFunction: Bool { physicalFunction != nil }
}

/// One line of the sysfs `resource` file.
public struct Resource: Sendable, Codable, Equatable {
    /// Line number: 0-5 BARs, 6 ROM, 7-12 VF BARs 0-5.
    public let index: Int
    /// First and last address (both 0 when unused).
    public let start: UInt64, end: UInt64
    /// Kernel IORESOURCE_* flags.
    public let flags: UInt64

    /// Bytes covered, 0 when unused.
    /// (A line spanning the whole 64-bit space has no size that fits; the scanner refuses such lines,
    /// and this reports 0 rather than trap.)
    public var size: UInt64 {
        guard end > start || (end == start && start != 0) else { return 0 }
        let (size, overflow) = (end - start).addingReportingOverflow(1)
        return overflow ? 0 : size
    }
    /// IORESOURCE_IO.
    public var isIO: Bool { flags & 0x100 != 0 }
    /// IORESOURCE_MEM_64.
    public var is64Bit: Bool { flags & 0x10_0000 != 0 }
    /// IORESOURCE_PREFETCH.
    public var isPrefetchable: Bool { flags & 0x2000 != 0 }
}

/// The kernel's `sriov_*` attribute files (readable without root, unlike config past 64 bytes).
public struct SRIOVFiles: Sendable, Codable, Equatable {
    public var totalVFs: Int?
    public var numVFs: Int?
    public var offset: Int?
    public var stride: Int?
    public var vfDevice: UInt16?
}

/// Why a field is missing or suspect: which sysfs file, what happened.
public struct FieldDiagnostic: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The sysfs file (relative to the device directory) or decoded field.
    public let field: String
    /// What went wrong.
    public let problem: String

    /// `config: ...`.
    public var description: String { "\(field): \(problem)" }
}

/// One entry of a PF's `mdev_supported_types/` (drivers/vfio/mdev/mdev_sysfs.c): the directory name
/// (`nvidia-222`), the `name` attribute (`GRID T4-1B`), `available_instances` and how many devices of
/// the type exist (`devices/`, one link per mediated device the mdev core made).
public struct MediatedDeviceType: Sendable, Codable, Equatable, Hashable {
    /// The directory name, `<driver>-<id>`.
    public let directoryName: String
    /// The `name` attribute, when readable.
    public let name: String?
    /// How many more the driver can create now, when readable.
    public let availableInstances: Int?
    /// How many mediated devices of the type exist: the entries of `devices/` (0 where the directory is
    /// absent, as in a tree that never had one); nil when it exists but cannot be listed.
    public let devices: Int?

    /// A type from its parts.
    public init(directoryName: String, name: String?, availableInstances: Int?, devices: Int? = 0) {
        (self.directoryName, self.name, self.availableInstances, self.devices) = (directoryName, name, availableInstances, devices)
    }

    /// NVIDIA's vGPU type id: the number in `nvidia-<id>`.
    public var nvidiaTypeID: Int? {
        guard directoryName.hasPrefix("nvidia-"), let id = Int(directoryName.dropFirst(7)), id > 0 else { return nil }
        return id
    }
}

/// One line of NVIDIA's `nvidia/creatable_vgpu_types` (`1153  : NVIDIA L40S-12Q`).
public struct CreatableVGPUType: Sendable, Codable, Equatable, Hashable {
    public let id: Int
    public let name: String

    /// Parses the file: a header line (`ID    : vGPU Name`) then `<id> : <name>` lines. Malformed lines
    /// are returned separately so the scan can report them.
    public static func parse(_ text: String) -> (types: [CreatableVGPUType], malformed: [String]) {
        var types: [CreatableVGPUType] = [], malformed: [String] = []
        // Split as an array of bytes: Character-level splitting was most of the scan's time on hosts with
        // many VFs, and String slicing still a visible part.
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        func trimmed(_ part: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            guard let first = part.firstIndex(where: { !blank($0) }), let last = part.lastIndex(where: { !blank($0) }) else { return [] }
            return part[first...last]
        }
        for line in Array(text.utf8).split(separator: UInt8(ascii: "\n")) {
            let parts = line.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false).map(trimmed)
            if parts.count == 2, parts[0].elementsEqual("ID".utf8) { continue }
            guard parts.count == 2, let id = Int(String(decoding: parts[0], as: UTF8.self)), id > 0, !parts[1].isEmpty else {
                malformed.append(String(String(decoding: line, as: UTF8.self).prefix(80)))
                continue
            }
            types.append(CreatableVGPUType(id: id, name: String(decoding: parts[1], as: UTF8.self)))
        }
        return (types, malformed)
    }
}

/// A PF's `virtfnN` link: N as the kernel numbers VFs (from 0) and the VF it names. N is kept, not
/// re-counted, so a link that could not be read leaves a gap rather than renumbering the VFs after it.
public struct VirtualFunctionLink: Sendable, Codable, Equatable {
    /// N of `virtfnN`: the VF's number from 0 (PCI's VF number is N + 1).
    public let index: Int
    /// The VF's address.
    public let address: PCIAddress
}
