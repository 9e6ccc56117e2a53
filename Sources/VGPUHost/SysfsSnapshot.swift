#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SystemPackage
import VGPUCore

/// Copies what the probe reads about a set of PCI functions into a new tree that `--sysfs-root`
/// (and lspci's `-A linux-sysfs`) accepts: for bug reports and fixtures.
///
/// Files are copied byte for byte (not re-rendered from parsed values) so the snapshot shows what the
/// kernel showed. Links (driver, iommu_group, virtfnN, physfn) are recreated inside the snapshot.
/// BAR0 is never copied: `resource0` is MMIO, not a file to read; when the identity registers were
/// read, a 4 KiB stand-in holding just BOOT_0 and BOOT_42 is written instead.
public struct SysfsSnapshot {
    /// The files the scanner reads, relative to a device directory.
    public static let files = [
        "vendor", "device", "class", "subsystem_vendor", "subsystem_device", "revision", "config", "resource",
        "sriov_totalvfs", "sriov_numvfs", "sriov_offset", "sriov_stride", "sriov_vf_device",
        "numa_node", "power/runtime_status", "current_link_speed", "current_link_width", "nvidia/creatable_vgpu_types",
    ]

    /// Why a snapshot could not be written.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, naming the path.
        public let description: String
    }

    let reader: any SysfsReader

    /// A snapshotter reading through `reader`.
    public init(reader: any SysfsReader = LiveSysfs()) { self.reader = reader }

    /// Writes `functions` (read from `devicesDirectory`) under `output`, which must not exist or be empty.
    ///
    /// - Parameter registers: identity registers read for some functions, written as `resource0` stand-ins.
    /// - Returns: how many files were written.
    @discardableResult
    public func write(_ functions: [PCIFunction], from devicesDirectory: String, to output: String,
                      registers: [PCIAddress: IdentityRegisters] = [:]) throws(Failure) -> Int
    {
        let fm = FileManager.default
        if let existing = try? fm.contentsOfDirectory(atPath: output), !existing.isEmpty {
            throw Failure(description: "\(output) exists and is not empty; choose a new directory")
        }
        var written = 0
        do {
            let devices = output + "/bus/pci/devices"
            try fm.createDirectory(atPath: devices, withIntermediateDirectories: true)
            for f in functions {
                let source = "\(devicesDirectory)/\(f.address)"
                let target = "\(devices)/\(f.address)"
                try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
                for file in Self.files {
                    guard case .success(let bytes) = reader.read("\(source)/\(file)", limit: 64 * 1024) else { continue }
                    if let slash = file.lastIndex(of: "/") {
                        try fm.createDirectory(atPath: "\(target)/\(file[..<slash])", withIntermediateDirectories: true)
                    }
                    try Data(bytes).write(to: URL(fileURLWithPath: "\(target)/\(file)"))
                    written += 1
                }
                if let regs = registers[f.address] {
                    var page = [UInt8](repeating: 0, count: 4096)
                    for (offset, value) in [(IdentityRegisters.boot0Offset, regs.boot0), (IdentityRegisters.boot42Offset, regs.boot42)] {
                        for i in 0..<4 { page[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
                    }
                    try Data(page).write(to: URL(fileURLWithPath: "\(target)/resource0"))
                    written += 1
                }
                if let driver = f.driver {
                    try fm.createDirectory(atPath: "\(output)/bus/pci/drivers/\(driver)", withIntermediateDirectories: true)
                    try fm.createSymbolicLink(atPath: "\(target)/driver", withDestinationPath: "../../drivers/\(driver)")
                }
                if let group = f.iommuGroup {
                    try fm.createDirectory(atPath: "\(output)/kernel/iommu_groups/\(group)/devices", withIntermediateDirectories: true)
                    try fm.createSymbolicLink(atPath: "\(target)/iommu_group", withDestinationPath: "../../../../kernel/iommu_groups/\(group)")
                }
                for (n, vf) in f.virtualFunctions.enumerated() {
                    try fm.createSymbolicLink(atPath: "\(target)/virtfn\(n)", withDestinationPath: "../\(vf)")
                }
                if let pf = f.physicalFunction {
                    try fm.createSymbolicLink(atPath: "\(target)/physfn", withDestinationPath: "../\(pf)")
                }
            }
        } catch {
            throw Failure(description: "cannot write the snapshot under \(output): \(Self.describe(error))")
        }
        return written
    }

    /// `PATH: strerror` for a file-system error. FoundationEssentials' own description is a dump of
    /// the error's user-info dictionary, which tells an operator nothing.
    private static func describe(_ error: any Error) -> String {
        guard let cocoa = error as? CocoaError else { return "\(error)" }
        let reason = cocoa.underlying.flatMap { $0 as? POSIXError }.map { Errno(rawValue: $0.code.rawValue).description }
        return "\(cocoa.filePath ?? "?"): \(reason ?? "error \(cocoa.code.rawValue)")"
    }
}
