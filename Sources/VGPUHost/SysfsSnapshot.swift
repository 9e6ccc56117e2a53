#if canImport(Glibc)
import Glibc
#endif
import VGPUCore
import VGPUSystem

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
        "numa_node", "power/runtime_status", "power_state", "current_link_speed", "current_link_width", "nvidia/creatable_vgpu_types",
        "nvidia/current_vgpu_type",
    ]

    /// Why a snapshot could not be written.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong, naming the path.
        public let description: String
    }

    let reader: any SysfsReader

    /// A snapshotter reading through `reader`.
    public init(reader: any SysfsReader = LiveSysfs()) { self.reader = reader }

    /// What a snapshot wrote, and what it could not copy.
    public struct Copy: Equatable, Sendable {
        /// How many files were written.
        public var files = 0
        /// Each file that exists but could not be read, as `path: why` (a file the kernel does not
        /// expose is not listed: its absence is what the snapshot shows). The snapshot lacks these, so
        /// a re-probe of it may differ from the host; the report must say so.
        public var unreadable: [String] = []
    }

    /// Writes `functions` (read from `devicesDirectory`) into `top`, a directory this run created.
    /// Everything is written relative to held directory descriptors, never through a link
    /// (`OutputDirectory`); each file gets its source's permission bits, never looser than 0644, and a
    /// config space read past the 64 bytes everyone may read is written 0600.
    ///
    /// - Parameters:
    ///   - registers: identity registers read for some functions, written as `resource0` stand-ins.
    ///   - sysfsRoot: the root whose `module/<driver>/version` files are copied for the functions'
    ///     drivers (the probe reports the driver's version from there); nil copies none.
    /// - Returns: how many files were written, and which could not be read.
    @discardableResult
    public func write(_ functions: [PCIFunction], from devicesDirectory: String, into top: OutputDirectory,
                      registers: [PCIAddress: IdentityRegisters] = [:], sysfsRoot: String? = nil) throws(Failure) -> Copy
    {
        var copy = Copy()
        do {
            let devices = try top.subdirectory("bus/pci/devices")
            for f in functions {
                let source = "\(devicesDirectory)/\(f.address)"
                let target = try devices.subdirectory(f.address.description)
                for file in Self.files {
                    // Not from a suspended device: the read would wake it (the scanner leaves it unread too).
                    if file == "config", let asleep = f.configReadWouldWake {
                        copy.unreadable.append("\(source)/config: not read: \(asleep), and a read would wake it")
                        continue
                    }
                    guard let bytes = read("\(source)/\(file)", into: &copy) else { continue }
                    var directory = target, name = file
                    if let slash = file.lastIndex(of: "/") {
                        directory = try target.subdirectory(String(file[..<slash]))
                        name = String(file[file.index(after: slash)...])
                    }
                    var mode = Self.permissions(of: "\(source)/\(file)")
                    if file == "config" && bytes.count > 64 { mode &= 0o600 }
                    try directory.write(name, bytes, mode: mode)
                    copy.files += 1
                }
                try copyMediatedDeviceTypes(of: f, from: source, into: target, copy: &copy)
                if let regs = registers[f.address] {
                    var page = [UInt8](repeating: 0, count: 4096)
                    for (offset, value) in [(IdentityRegisters.boot0Offset, regs.boot0), (IdentityRegisters.boot42Offset, regs.boot42)] {
                        for i in 0..<4 { page[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
                    }
                    try target.write("resource0", page, mode: 0o600)
                    copy.files += 1
                }
                // Link targets are built from parsed values (a driver name, a group number, PCI
                // addresses), never copied from the source's links.
                if let driver = f.driver, Self.isPlainName(driver) {
                    _ = try top.subdirectory("bus/pci/drivers/\(driver)")
                    try target.symlink("driver", to: "../../drivers/\(driver)")
                }
                if let group = f.iommuGroup {
                    _ = try top.subdirectory("kernel/iommu_groups/\(group)/devices")
                    try target.symlink("iommu_group", to: "../../../../kernel/iommu_groups/\(group)")
                }
                for link in f.virtualFunctions {
                    try target.symlink("virtfn\(link.index)", to: "../\(link.address)")
                }
                if let pf = f.physicalFunction {
                    try target.symlink("physfn", to: "../\(pf)")
                }
            }
            // nvidia's version also when it took no GPU: a driver too old for the chip binds none.
            let drivers = Set(functions.compactMap(\.driver) + ["nvidia"]).filter(DriverVersions.isModuleName).sorted()
            for driver in drivers {
                guard let root = sysfsRoot, let bytes = read("\(root)/module/\(driver)/version", limit: DriverVersions.limit, into: &copy)
                else { continue }
                try top.subdirectory("module/\(driver)").write("version", bytes, mode: 0o644)
                copy.files += 1
            }
        } catch {
            throw Failure(description: "cannot write the snapshot: \(error)")
        }
        return copy
    }

    /// The bytes of `path`, or nil: silently when the file is absent, else noted in `copy.unreadable`.
    private func read(_ path: String, limit: Int = 64 * 1024, into copy: inout Copy) -> [UInt8]? {
        switch reader.read(path, limit: limit) {
        case .success(let bytes): return bytes
        case .failure(.notFound): return nil
        case .failure(let why):
            copy.unreadable.append("\(path): \(why)")
            return nil
        }
    }

    /// The files the scanner reads in each `mdev_supported_types/<type>/` directory.
    static let mediatedDeviceTypeFiles = ["name", "available_instances"]

    /// Copies the mediated-device types the scanner found on `f` (Turing's GPU, the VFs of vGPU 16 and
    /// earlier): one directory per type, named from the parsed entry, with the files the scanner reads.
    /// Without them a snapshot of a ready Turing host re-probed as not ready.
    private func copyMediatedDeviceTypes(of f: PCIFunction, from source: String, into target: OutputDirectory, copy: inout Copy) throws {
        guard let listed = f.mediatedDeviceTypes else { return }
        // An empty directory too: a PF that lists no type once its VFs are on says so by it.
        let types = try target.subdirectory("mdev_supported_types")
        for type in listed where Self.isPlainName(type.directoryName) {
            let directory = try types.subdirectory(type.directoryName)
            for file in Self.mediatedDeviceTypeFiles {
                let path = "\(source)/mdev_supported_types/\(type.directoryName)/\(file)"
                guard let bytes = read(path, into: &copy) else { continue }
                try directory.write(file, bytes, mode: Self.permissions(of: path))
                copy.files += 1
            }
            try copyMediatedDevices(of: type, from: "\(source)/mdev_supported_types/\(type.directoryName)/devices", into: directory, copy: &copy)
        }
    }

    /// The mediated devices (vGPUs) of one type: a `devices/` link per mdev, named by its UUID and
    /// pointing where the kernel's does (the mdev's directory beside the type's parent, dangling in the
    /// snapshot). Without them a re-probe of the snapshot saw a GPU with vGPUs in use as free.
    private func copyMediatedDevices(of type: MediatedDeviceType, from source: String, into directory: OutputDirectory,
                                     copy: inout Copy) throws {
        guard (type.devices ?? 0) > 0 else { return }
        switch reader.list(source) {
        case .success(let names):
            let devices = try directory.subdirectory("devices")
            // Names from the listing, used only when they are UUIDs: never a path.
            for name in names where Self.isUUID(name) { try devices.symlink(name, to: "../../../\(name)") }
        case .failure(let e):
            copy.unreadable.append("\(source): \(e)")
        }
    }

    /// Whether `name` is a UUID as mdev names are (`8-4-4-4-12` hex digits).
    static func isUUID(_ name: String) -> Bool {
        let groups = name.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    /// The permission bits of the source file, no looser than 0644 (0600 when it cannot be stat'ed).
    static func permissions(of path: String) -> mode_t {
        var status = stat()
        guard stat(path, &status) == 0 else { return 0o600 }
        return status.st_mode & 0o644
    }

    /// A driver name usable as one path component.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/")
    }
}
