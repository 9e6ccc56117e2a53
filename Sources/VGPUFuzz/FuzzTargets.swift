#if canImport(Glibc)
import Glibc
#endif
import Foundation
import VGPUCore
import VGPUPrimitives
import VGPUFirmware
import VGPUFirmwareFormats
import VGPUHost
import VGPUManager
import VGPUProbe

/// The fuzz targets: every parser that reads bytes a user, a kernel or a vendor wrote. Each takes
/// arbitrary bytes and must return (typed errors are fine); a trap, a sanitizer report or a hang is a bug.
/// `vgpu-fuzz` runs them under libFuzzer (docs/reliability.md) or replays corpus files.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The GSP ELF and GSP-FMC readers (libelf), through a memory file.
    case elf
    /// Bin header, RISC-V bootloader descriptor, booter (and scrubber) HS headers, the falcon generic
    /// bootloader's descriptor.
    case bin
    /// PCI config space and its capability lists, SR-IOV decoding, VF info.
    case config
    /// The sysfs scanner over one device directory whose files are slices of the input.
    case sysfs
    /// Firmware manifests, vGPU type catalogues and simulation plans.
    case manifest
    /// GspFwWprMeta, GSP queue messages, RM control envelopes, the FSP's chain-of-trust message, its boot
    /// parameters and its answer, from dumps.
    case meta
    /// The whole probe over a host whose GPU and VF files are slices of the input: scan, identity
    /// (BAR0 registers included), modules, SR-IOV validation, VF info, engines, types, readiness, and
    /// both renderings. Finds what the parsers' own targets cannot: a value that parses but breaks a
    /// later step.
    case probe

    /// Feeds `bytes` to the target's parsers.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .elf: Self.elf(bytes)
        case .bin:
            _ = try? RISCVBootloader(bytes: bytes, file: "fuzz")
            _ = try? BooterUcode(bytes: bytes, file: "fuzz")
            _ = try? FalconBootloader(bytes: bytes, file: "fuzz")
        case .config:
            if let c = ConfigSpace(bytes) {
                var f = PCIFunction(address: PCIAddress(domain: 0, bus: 1, device: 0, function: 0)!)
                f.config = c
                _ = try? GSPVFInfo.make(from: f.sriovValues)
            }
        case .sysfs: Self.sysfs(bytes)
        case .probe: Self.probe(bytes)
        case .manifest:
            _ = try? FirmwareManifest.load(Data(bytes), name: "fuzz")
            _ = try? VGPUTypeCatalogue.load(Data(bytes), name: "fuzz")
            _ = try? SimulationPlan.load(Data(bytes), name: "fuzz")
        case .meta:
            if bytes.count >= GspFwWprMeta.size {
                _ = try? GspFwWprMeta.decode(Array(bytes.prefix(GspFwWprMeta.size)), variant: .r535)
                _ = try? GspFwWprMeta.decode(Array(bytes.prefix(GspFwWprMeta.size)), variant: .r570)
            }
            if bytes.count >= GSPQueue.entrySize { _ = try? GSPQueue.decode(Array(bytes.prefix(bytes.count / GSPQueue.entrySize * GSPQueue.entrySize))) }
            _ = GSPVFInfo.decode(Array(bytes.prefix(GSPVFInfo.size)))
            _ = FSPChainOfTrust.decode(Array(bytes.prefix(FSPChainOfTrust.size)))
            _ = GSPFMCBootParams.decode(Array(bytes.prefix(88)))
            _ = FSPResponse.decode(Array(bytes.prefix(24)))
            _ = GSPRMControl.decode(bytes)
            _ = CreatableVGPUType.parse(String(decoding: bytes, as: UTF8.self))
            _ = PCIIDDatabase(bytes: bytes, vendorsOfInterest: [0x10de])
        }
    }

    /// libelf reads from a file: the bytes go to a file on tmpfs, one per thread (the corpus test runs
    /// cases in parallel in one process: one per-process file let a case parse another's bytes),
    /// removed after each input.
    static let elfDirectory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()

    static func elf(_ bytes: [UInt8]) {
        let elfPath = "\(elfDirectory)/vgpu-fuzz-\(getpid())-\(pthread_self()).elf"
        defer { unlink(elfPath) }
        let fd = open(elfPath, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            written += n
        }
        close(fd)
        _ = try? GSPFirmwareImage(path: elfPath)
        if let fmc = try? FMCImage(path: elfPath) {
            // What the plan does with a parsed FMC: carry its parts in a chain-of-trust message.
            let material = FMCSecurityMaterial(hash: fmc.hash, publicKey: fmc.publicKey, signature: fmc.signature, imageSize: fmc.image.size)
            _ = try? FSPChainOfTrust(version: 2, gspFmcSysmemOffset: 0, frtsVidmemOffset: 0, frtsVidmemSize: 0, material: material,
                                     gspBootArgsSysmemOffset: 0).packet()
        }
    }

    /// The input split at NUL bytes gives each file of one device directory its contents.
    static func sysfs(_ bytes: [UInt8]) {
        let files = ["vendor", "device", "class", "subsystem_vendor", "subsystem_device", "revision", "config", "resource",
                     "sriov_totalvfs", "sriov_numvfs", "sriov_offset", "sriov_stride", "sriov_vf_device", "numa_node",
                     "power/runtime_status", "current_link_speed", "current_link_width", "nvidia/creatable_vgpu_types",
                     "driver", "iommu_group", "physfn", "virtfn0", "nvidia/current_vgpu_type"]
        let chunks = bytes.split(separator: 0, maxSplits: files.count - 1, omittingEmptySubsequences: false).map(Array.init)
        var contents: [String: [UInt8]] = [:]
        for (file, chunk) in zip(files, chunks) { contents[file] = chunk }
        let reader = FuzzSysfsReader(files: contents)
        _ = SysfsScanner(devicesDirectory: "/fuzz", reader: reader).scan()
        // The probe's depth too: its early returns for other vendors and for VFs.
        _ = SysfsScanner(devicesDirectory: "/fuzz", reader: reader, depth: .devicesOf(vendor: 0x10de)).scan()
    }
}

extension FuzzTarget {
    /// The files of the PF, then its BAR0 registers (`resource0`: BOOT_0, BOOT_42), then the VF's files.
    static let probePFFiles = ["vendor", "device", "class", "subsystem_vendor", "subsystem_device", "revision", "config", "resource",
                               "sriov_totalvfs", "sriov_numvfs", "sriov_offset", "sriov_stride", "sriov_vf_device", "numa_node",
                               "power/runtime_status", "current_link_speed", "current_link_width", "iommu_group", "driver", "resource0"]
    static let probeVFFiles = ["vendor", "device", "class", "driver", "iommu_group", "nvidia/creatable_vgpu_types", "nvidia/current_vgpu_type"]
    /// Modules, loaded once per process.
    static let registry: ModuleRegistry? = try? BuiltInModules.registry()

    /// The input split at NUL bytes fills the PF's files, its registers and one VF's files.
    static func probe(_ bytes: [UInt8]) {
        guard let registry else { return }
        let names = probePFFiles.map { "0000:41:00.0/" + $0 } + probeVFFiles.map { "0000:41:00.4/" + $0 }
        let chunks = bytes.split(separator: 0, maxSplits: names.count - 1, omittingEmptySubsequences: false).map(Array.init)
        var files: [String: [UInt8]] = ["0000:41:00.0/virtfn0": Array("../0000:41:00.4".utf8), "0000:41:00.4/physfn": Array("../0000:41:00.0".utf8)]
        for (name, chunk) in zip(names, chunks) { files[name] = chunk }
        var options = HostProbe.Options()
        options.sysfsRoot = "/fuzz"
        options.verifyFirmware = false
        options.digestCache = nil
        guard let report = try? HostProbe(registry: registry, reader: FuzzHostReader(files: files)).run(options) else { return }
        _ = TerminalText.escaped(HostReportText.render(report, verbose: true))
        _ = try? JSONOutput.encode(report)
    }
}

/// A host of one GPU (0000:41:00.0) and one VF (0000:41:00.4) under /fuzz/bus/pci/devices, through the
/// `SysfsReader` seam; file names are `<address>/<file>`, links hold their target as text.
struct FuzzHostReader: SysfsReader {
    let files: [String: [UInt8]]
    static let devices = "/fuzz/bus/pci/devices"
    static let links: Set<String> = ["driver", "iommu_group", "physfn", "virtfn0"]

    func entry(_ path: String) -> [UInt8]? {
        guard path.hasPrefix(Self.devices + "/") else { return nil }
        return files[String(path.dropFirst(Self.devices.count + 1))]
    }
    func read(_ path: String, limit: Int) -> Result<[UInt8], SysfsReadError> {
        guard let bytes = entry(path), !Self.links.contains(String(path.split(separator: "/").last ?? "")) else { return .failure(.notFound) }
        return bytes.count > limit ? .failure(.tooLarge(limit)) : .success(bytes)
    }
    func readLink(_ path: String) -> Result<String, SysfsReadError> {
        guard let bytes = entry(path) else { return .failure(.notFound) }
        return .success(String(decoding: bytes, as: UTF8.self))
    }
    func list(_ path: String) -> Result<[String], SysfsReadError> {
        if path == Self.devices { return .success(["0000:41:00.0", "0000:41:00.4"]) }
        guard path.hasPrefix(Self.devices + "/") else { return .failure(.notFound) }
        let device = String(path.dropFirst(Self.devices.count + 1)) + "/"
        return .success(Set(files.keys.filter { $0.hasPrefix(device) }.map { String($0.dropFirst(device.count).split(separator: "/")[0]) }).sorted())
    }
    func readRegisters(_ path: String, offsets: [Int]) -> Result<[UInt32], SysfsReadError> {
        guard let bytes = entry(path), bytes.count >= 4 * offsets.count else { return .failure(.notFound) }
        return .success(offsets.indices.map { i in UInt32(truncatingIfNeeded: LittleEndian.get(bytes, 4 * i, 4)) })
    }
}

/// A sysfs seen through the `SysfsReader` seam: one device, `0000:01:00.0`, whose files hold fuzz bytes.
struct FuzzSysfsReader: SysfsReader {
    let files: [String: [UInt8]]
    static let device = "/fuzz/0000:01:00.0"

    func read(_ path: String, limit: Int) -> Result<[UInt8], SysfsReadError> {
        guard path.hasPrefix(Self.device + "/"), let bytes = files[String(path.dropFirst(Self.device.count + 1))] else { return .failure(.notFound) }
        return bytes.count > limit ? .failure(.tooLarge(limit)) : .success(bytes)
    }

    func readLink(_ path: String) -> Result<String, SysfsReadError> {
        guard path.hasPrefix(Self.device + "/"), let bytes = files[String(path.dropFirst(Self.device.count + 1))] else { return .failure(.notFound) }
        return .success(String(decoding: bytes, as: UTF8.self))
    }

    func list(_ path: String) -> Result<[String], SysfsReadError> {
        if path == "/fuzz" { return .success(["0000:01:00.0", "not-an-address"]) }
        if path == Self.device { return .success(Set(files.keys.map { String($0.split(separator: "/")[0]) }).sorted()) }
        return .failure(.notFound)
    }

    func readRegisters(_ path: String, offsets: [Int]) -> Result<[UInt32], SysfsReadError> { .failure(.notFound) }
}
