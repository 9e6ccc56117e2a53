import VGPUCore
import VGPUFirmware
import VGPUHost
import VGPUSystem

/// Builds a `HostReport`: scan sysfs, group VFs under their PF, identify each NVIDIA GPU, select its
/// module, verify its firmware, and judge vGPU readiness.
public struct HostProbe {
    /// What to probe and how.
    public struct Options: Sendable, Equatable {
        public var sysfsRoot: String = HostPaths.sysfsRoot
        public var firmwareRoot: String = HostPaths.firmwareRoot
        public var pciIDsPath: String = PCIIDDatabase.defaultPath
        /// True when the user named the pci.ids file: then it must be readable (the default may be absent).
        public var pciIDsRequired = false
        public var slot: SlotSelector?
        public var ids: IDSelector?
        public var verifyFirmware = true
        public var readBAR0 = true
        /// The digest cache file (nil: no cache) and whether to hash everything regardless.
        public var digestCache: DigestCache.Location? = DigestCache.defaultLocation
        public var verifyAll = false
        /// How vGPU capacity is budgeted (VMMU segment, equal-size mode).
        public var policy = VGPUResourcePolicy()
        /// When `run(_:rendering:)` renders the report ahead of the firmware verdicts.
        public var renderAhead = RenderAhead.whileHashing
        public init() {}
    }

    /// When to render a report ahead of its firmware verdicts (see `run(_:rendering:)`).
    public enum RenderAhead: Sendable, Equatable {
        /// When the firmware is still being examined once the report is drafted: then a core is free.
        case whileHashing
        /// Every time firmware is verified (tests use it to take that path for certain).
        case always
        /// Never: render once the verdicts are in.
        case never
    }

    /// Why no report could be made.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The sysfs root has no usable bus/pci/devices, nor (where that is absent) devices/.
        case noDevicesDirectory(String)
        /// The devices directory lists no PCI function.
        case noDevices(String)
        /// The firmware root cannot be used: the path, and why.
        case firmwareRootUnusable(String, String)
        /// The pci.ids file the user named cannot be read: the path, and why.
        case pciIDsUnreadable(String, String)

        public var description: String {
            switch self {
            case .noDevicesDirectory(let root): "\(root) has no usable bus/pci/devices (a sysfs root) or devices/ (lspci's layout)"
            case .noDevices(let directory): "\(directory) lists no PCI functions"
            case .firmwareRootUnusable(let root, let why): "firmware root \(root) \(why) (install the GSP firmware there, pass --firmware-root, or --no-firmware)"
            case .pciIDsUnreadable(let path, let why): "--pci-ids \(path): \(why)"
            }
        }
    }

    let registry: ModuleRegistry
    /// The file-system seam; nil: the real file system, confined to each run's sysfs root.
    private let givenReader: (any SysfsReader)?

    /// A probe over the given modules and file-system seam (nil: the real file system, every path
    /// under the sysfs root resolved inside it).
    public init(registry: ModuleRegistry, reader: (any SysfsReader)? = nil) {
        self.registry = registry
        self.givenReader = reader
    }

    /// The reader for a run over `options.sysfsRoot`.
    func reader(for options: Options) -> any SysfsReader { givenReader ?? LiveSysfs(confinedTo: options.sysfsRoot) }

    static let nvidia: UInt16 = 0x10de

    /// Runs the probe.
    public func run(_ options: Options) throws(Failure) -> HostReport {
        let drafted = try draftReport(options)
        return drafted.finishWithVerdicts()
    }

    /// Runs the probe and renders its report: the same as `render(run(options))`, sooner.
    ///
    /// The report is drafted while the firmware is still being hashed (a 38 MB GSP image: the probe's
    /// critical path), and the verdicts only fill in each GPU's firmware and readiness. So, while the
    /// hash still runs, the report is rendered on another core as it will read if every file verifies;
    /// when the verdicts come, the report is compared with that guess, and the early rendering is used
    /// if they are equal (`renderedAhead`). A file that fails costs one more rendering, nothing else:
    /// the output is always the rendering of the report the verdicts made.
    public func run<Rendering: Sendable>(
        _ options: Options, rendering render: @escaping @Sendable (HostReport) -> Rendering
    ) throws(Failure) -> (report: HostReport, rendering: Rendering, renderedAhead: Bool) {
        let drafted = try draftReport(options)
        let ahead = switch options.renderAhead {
        case .whileHashing: drafted.verifier.isPrefetching
        case .always: options.verifyFirmware
        case .never: false
        }
        guard ahead else {
            let report = drafted.finishWithVerdicts()
            return (report, render(report), false)
        }
        let guess = drafted.finish(drafted.drafts.map(\.firmwareIfVerified))
        let early = EarlyRendering { render(guess) }
        let report = drafted.finishWithVerdicts()
        if report == guess, let rendering = early.wait() { return (report, rendering, true) }
        return (report, render(report), false)
    }

    /// Every GPU's report but for the firmware verdicts, and how to finish the host's report.
    private struct DraftedReport {
        let drafts: [Draft]
        let verifier: FirmwareVerifier
        let cache: DigestCache?
        /// The host's report, given each draft's firmware verdict (in `drafts` order).
        let finish: ([HostReport.Firmware?]) -> HostReport

        /// Waits for every verdict, saves the digest cache (it now holds this run's digests) and
        /// finishes the report.
        func finishWithVerdicts() -> HostReport {
            let verdicts = drafts.map { $0.firmware() }
            cache?.save()
            return finish(verdicts)
        }
    }

    /// A scanned host: its devices directory, the functions read, and the GPUs chosen by the options.
    private struct ScannedHost {
        let devices: String
        let scan: SysfsScanner.Result
        let byAddress: [PCIAddress: PCIFunction]
        /// The NVIDIA display functions that are not VFs and pass -s and -d, with the note -s earns
        /// when it named one of their VFs.
        let gpus: [(function: PCIFunction, selectedVF: String?)]
        /// Other NVIDIA functions (audio, USB-C), as one line each.
        let others: [String]
        /// pci.ids, loaded for the GPUs' names only.
        let names: PCIIDDatabase?
        /// Why pci.ids could not be read (`path: why`); nil when it was.
        let namesUnread: String?
        /// The bound drivers' versions, read once per driver.
        let driverVersions: DriverVersions
    }

    /// The sysfs root's PCI devices directory.
    private func devicesDirectory(_ options: Options, reader: any SysfsReader) throws(Failure) -> String {
        guard let devices = SysfsScanner.devicesDirectory(root: options.sysfsRoot, reader: reader) else {
            throw .noDevicesDirectory(options.sysfsRoot)
        }
        return devices
    }

    /// Scans `devices` (calling `prefetch` on each function as it is read) and chooses the GPUs.
    private func scanHost(_ devices: String, options: Options, reader: any SysfsReader, driverVersions: DriverVersions,
                          prefetch: (@Sendable (PCIFunction) -> Void)?) throws(Failure) -> ScannedHost {
        // Only NVIDIA's functions are reported; the rest (bridges, NICs) are counted, not read.
        let scan = SysfsScanner(devicesDirectory: devices, reader: reader, depth: .devicesOf(vendor: Self.nvidia)).scan(onEach: prefetch)
        if scan.functions.isEmpty && scan.warnings.isEmpty { throw .noDevices(devices) }
        var gpus: [(PCIFunction, String?)] = [], others: [String] = []
        // A function some PF lists as its VF is a VF even where its own physfn link is missing: it is
        // reported under its PF, never as a GPU of its own.
        let listedAsVFs = Set(scan.functions.flatMap { pf in pf.virtualFunctions.map(\.address).filter { $0 != pf.address } })
        for f in scan.functions where f.vendor == Self.nvidia && !f.isVirtualFunction && !listedAsVFs.contains(f.address) {
            guard (f.classCode ?? 0) >> 16 == 0x03 else {
                others.append("\(f.address) [\(hex4(f.vendor)):\(hex4(f.device))] class \(f.classCode.map { hex6($0) } ?? "?")")
                continue
            }
            // -s may name a VF: the report is then its PF's, and says so.
            var selectedVF: String?
            if let slot = options.slot, !slot.matches(f.address) {
                guard let link = f.virtualFunctions.first(where: { slot.matches($0.address) }) else { continue }
                selectedVF = "\(link.address) is VF \(link.index + 1) of \(f.address): the report is the PF's"
            }
            if let ids = options.ids, !ids.matches(vendor: f.vendor, device: f.device) { continue }
            gpus.append((f, selectedVF))
        }
        // Only the names the report shows are decoded from pci.ids: those of the NVIDIA physical functions.
        let named = Set(gpus.compactMap { gpu in gpu.0.device.map { UInt32(Self.nvidia) << 16 | UInt32($0) } })
        let names = PCIIDDatabase.read(path: options.pciIDsPath, vendors: [Self.nvidia], devices: named, reader: reader)
        let namesUnread: String? = if case .failure(let why) = names { "\(options.pciIDsPath): \(why)" } else { nil }
        return ScannedHost(devices: devices, scan: scan, byAddress: Dictionary(scan.functions.map { ($0.address, $0) }, uniquingKeysWith: { a, _ in a }),
                           gpus: gpus, others: others,
                           names: try? names.get(),
                           namesUnread: namesUnread,
                           driverVersions: driverVersions)
    }

    /// The GPUs the options select, discovered and named but not judged (no firmware is read): what
    /// the commands that act on one GPU start from.
    public func gpus(_ options: Options) throws(Failure) -> [ProbedGPU] {
        let reader = reader(for: options)
        let host = try scanHost(try devicesDirectory(options, reader: reader), options: options, reader: reader,
                                driverVersions: DriverVersions(root: options.sysfsRoot, reader: reader), prefetch: nil)
        return host.gpus.map { discover($0.function, in: host, reader: reader, options: options, selectedVF: $0.selectedVF) }
    }

    /// Scans, starts hashing each GPU's firmware as the scan meets it, and drafts every report.
    private func draftReport(_ options: Options) throws(Failure) -> DraftedReport {
        let reader = reader(for: options)
        // One rule for roots in every command: a root that cannot be used is a 66, not a report of
        // every file "missing".
        let devices = try devicesDirectory(options, reader: reader)
        if options.verifyFirmware, let why = FirmwareRoot(path: options.firmwareRoot).unusable {
            throw .firmwareRootUnusable(options.firmwareRoot, why)
        }
        // A pci.ids file the user named is an input like the roots: unreadable is an error, not silence.
        if options.pciIDsRequired, case .failure(let why) = SafeFile.openRegular(options.pciIDsPath).map({ try? $0.descriptor.close() }) {
            throw .pciIDsUnreadable(options.pciIDsPath, why.description)
        }
        let cache = options.verifyFirmware ? options.digestCache.map(DigestCache.init) : nil
        let verifier = FirmwareVerifier(root: FirmwareRoot(path: options.firmwareRoot), cache: cache, verifyAll: options.verifyAll)
        // The vGPU boot check needs the files' sizes and descriptors, not their digests: parsed while
        // `verifier` hashes, so the check never waits for the hash (and each file is parsed once per run).
        let parser = FirmwareVerifier(root: FirmwareRoot(path: options.firmwareRoot), verifiesDigests: false)
        let driverVersions = DriverVersions(root: options.sysfsRoot, reader: reader)
        var prefetch: (@Sendable (PCIFunction) -> Void)?
        if options.verifyFirmware {
            prefetch = { [registry] f in
                Self.prefetchFirmware(f, registry: registry, verifier: verifier, driverVersions: driverVersions, options: options)
            }
        }
        let host = try scanHost(devices, options: options, reader: reader, driverVersions: driverVersions, prefetch: prefetch)
        let drafts = host.gpus.map { gpu in
            draft(discover(gpu.function, in: host, reader: reader, options: options, selectedVF: gpu.selectedVF),
                  verifier: verifier, parser: parser, options: options)
        }
        // Every report is drafted before any firmware verdict is awaited: the prefetch may still be
        // hashing, and only the firmware and readiness parts depend on it.
        return DraftedReport(drafts: drafts, verifier: verifier, cache: cache) { [drafts] verdicts in
            let gpus = zip(drafts, verdicts).map { $0.finish($1) }
            return HostReport(schema: HostReport.schemaID, sysfsRoot: options.sysfsRoot, firmwareRoot: options.firmwareRoot,
                              gpus: gpus, otherNVIDIAFunctions: host.others, warnings: host.scan.warnings,
                              functionsScanned: host.scan.functions.count,
                              counts: .init(gpus: gpus.count, ready: gpus.filter(\.readiness.ready).count),
                              pciIDsUnread: host.gpus.isEmpty ? nil : host.namesUnread)
        }
    }

    /// Starts hashing the firmware the bound driver loads for a GPU the scan has just read, the chip
    /// chosen by its PCI device id, so the 38 MB image is hashed while the rest of the host is scanned.
    /// Only a head start: the report still verifies the firmware of the chip BOOT_42 names, and a file
    /// already examined is not read again.
    static func prefetchFirmware(_ f: PCIFunction, registry: ModuleRegistry, verifier: FirmwareVerifier, driverVersions: DriverVersions,
                                 options: Options) {
        guard f.vendor == nvidia, !f.isVirtualFunction, (f.classCode ?? 0) >> 16 == 0x03, let device = f.device,
              options.slot.map({ slot in slot.matches(f.address) || f.virtualFunctions.contains { slot.matches($0.address) } }) ?? true,
              options.ids?.matches(vendor: f.vendor, device: f.device) ?? true,
              let owner = registry.select(pciDeviceID: device),
              let selection = DriverFirmware.choose(module: owner.module, chip: owner.chip, kernelDriver: f.driver,
                                                    driverVersion: f.driver.map(driverVersions.reading(of:)) ?? .absent, root: verifier.root).selection
        else { return }
        verifier.prefetch(selection.files.files, pinned: selection.pinned)
    }

    /// A GPU's report but for its firmware verdict: `firmware` waits for the verification (perhaps
    /// still running in the background), `finish` adds it and the readiness checks.
    private struct Draft {
        let firmware: () -> HostReport.Firmware?
        /// The verdict `firmware` will give if every file verifies, known without waiting.
        let firmwareIfVerified: HostReport.Firmware?
        let finish: (HostReport.Firmware?) -> HostReport.GPU
    }

    /// Discovers one GPU: its identity (BOOT_42, else the module id tables), owner, board, SR-IOV, VFs
    /// and the vGPUs on them.
    private func discover(_ f: PCIFunction, in host: ScannedHost, reader: any SysfsReader, options: Options, selectedVF: String?) -> ProbedGPU {
        var diagnostics = (selectedVF.map { ["-s: " + $0] } ?? []) + f.diagnostics.map(\.description)
        let (owner, identity, unresponsive) = identify(f, devices: host.devices, reader: reader, options: options)
        let catalogue = f.device.flatMap { id in (owner?.module as? any VGPUTypeProviding)?.catalogue(deviceID: id, subsystem: f.subsystem) }
        var vfs: [ProbedGPU.VirtualFunction] = []
        var unknownOccupancy: [String] = [], unsizedVGPUs: [String] = []
        /// The vGPU of type `id` that `place` hosts; one the catalogue lacks is of unknown size (it may be
        /// the largest type), so what still fits cannot be counted beside it.
        func hosted(_ id: Int, at place: PCIAddress) -> (id: Int, type: VGPUType?) {
            let type = catalogue?.types.first { $0.id == id }
            if type == nil, let catalogue { unsizedVGPUs.append("\(place) hosts vGPU type \(id), which the \(catalogue.board) catalogue does not list") }
            return (id, type)
        }
        /// The mediated devices that exist on `function` (vGPU 16's VFs, Turing's GPU), by type id; a
        /// `devices/` directory that cannot be listed leaves them unknown.
        func mediatedDevices(of function: PCIFunction) -> [(id: Int, count: Int)] {
            (function.mediatedDeviceTypes ?? []).compactMap { t in
                guard let count = t.devices else {
                    unknownOccupancy.append("\(function.address): mdev_supported_types/\(t.directoryName)/devices cannot be listed")
                    return nil
                }
                return count > 0 ? t.nvidiaTypeID.map { ($0, count) } : nil
            }
        }
        var seen: Set<PCIAddress> = []
        for link in f.virtualFunctions {
            let address = link.address
            // Links the kernel never makes (to the PF itself, twice to one VF, to another PF's VF) place
            // no VF: the enabled VF this link stands for is unknown.
            let refused: String? =
                if address == f.address { "is the PF itself" }
                else if !seen.insert(address).inserted { "names a VF an earlier virtfn link names" }
                else if let pf = host.byAddress[address]?.physicalFunction, pf != f.address { "is a VF of \(pf) (its physfn)" }
                else { nil }
            if let refused {
                diagnostics.append("virtfn\(link.index) -> \(address) \(refused): not counted as a VF")
                unknownOccupancy.append("virtfn\(link.index) does not name a VF of this GPU")
                continue
            }
            guard let vf = host.byAddress[address] else {
                // Dangling, or refused by the scan (its warnings say why): either way, what it hosts is unknown.
                let warning = host.scan.warnings.first { $0.hasPrefix("\(address):") }
                diagnostics.append("virtfn -> \(address): " + (warning.map { "not read (\($0))" } ?? "no such function in the tree (dangling link)"))
                unknownOccupancy.append("\(address) was not read")
                continue
            }
            if let unread = vf.problem(reading: "nvidia/current_vgpu_type") {
                unknownOccupancy.append("\(address): nvidia/current_vgpu_type: \(unread)")
            }
            diagnostics += vf.diagnostics.filter { $0.field != "config" }.map { "\(address): \($0)" }
            // The vGPUs that exist count against what still fits; an id the catalogue lacks is said, not guessed.
            var vgpu: (id: Int, type: VGPUType?)?
            if let id = vf.currentVGPUType, id > 0 {
                vgpu = hosted(id, at: address)
            } else if let mdev = mediatedDevices(of: vf).first {
                // vGPU 16 and earlier: the VF's one vGPU is a mediated device of one of its types.
                vgpu = hosted(mdev.id, at: address)
            }
            vfs.append(.init(function: vf, vgpu: vgpu))
        }
        // Turing: the vGPUs are mediated devices on the GPU itself (at most a board's worth are counted).
        var mediatedVGPUs: [VGPUType] = []
        for (id, count) in mediatedDevices(of: f) {
            guard let type = hosted(id, at: f.address).type else { continue }
            mediatedVGPUs += Array(repeating: type, count: min(count, 1024))
        }
        if !mediatedVGPUs.isEmpty {
            let byType = Dictionary(grouping: mediatedVGPUs, by: \.name).map { "\($0.key) x\($0.value.count)" }.sorted()
            diagnostics.append("vGPUs in use as mediated devices on the GPU: \(byType.joined(separator: ", ")): what more fits is counted beside them")
        }
        if !(unknownOccupancy + unsizedVGPUs).isEmpty, catalogue != nil {
            diagnostics.append("vGPU types not counted: what fits beside the vGPUs in use is unknown while this is: " + (unknownOccupancy + unsizedVGPUs).joined(separator: "; "))
        }
        let summary = Self.sriovSummary(f)
        // A board that shares its device id (Quadro RTX 6000/8000) is named by its catalogue.
        let board = f.device.flatMap { id in (owner?.module as? any BoardCatalog)?.board(deviceID: id) }
            ?? catalogue.map { Board(name: $0.board, framebuffer: UInt64($0.framebufferMiB) * Sizes.MiB) }
        // pci.ids' name when the host's file has the device (bookworm's 2023 file lacks L40S, L20, H200,
        // B200, RTX PRO 6000); else the module's board name; else the ids.
        let (name, nameSource): (String, ProbedGPU.NameSource) =
            if let listed = f.device.flatMap({ host.names?.name(vendor: Self.nvidia, device: $0) }) { (listed, .pciIDs) }
            else if let board, let module = owner?.module.name { (board.name, .module(module)) }
            else { ("NVIDIA device \(hex4(f.device))", .none) }
        return ProbedGPU(function: f, name: name, nameSource: nameSource, owner: owner, identity: identity, unresponsive: unresponsive,
                         driverVersion: f.driver.map(host.driverVersions.reading(of:)) ?? .absent,
                         nvidiaModuleVersion: host.driverVersions.reading(of: "nvidia"),
                         board: board,
                         catalogue: catalogue, sriov: SRIOVState(f, summary: summary), vfs: vfs, unknownOccupancy: unknownOccupancy, unsizedVGPUs: unsizedVGPUs, mediatedVGPUs: mediatedVGPUs,
                         vfInfo: summary == nil ? nil : Self.vfInfo(f, owner: owner), diagnostics: diagnostics)
    }

    /// GSP_VF_INFO from the SR-IOV values; on a generation that hosts vGPUs as mediated devices, none
    /// is sent, and the report says why rather than calling its VFs unusable.
    static func vfInfo(_ f: PCIFunction, owner: ProbedGPU.Owner?) -> VFInfoReport? {
        if let owner, owner.module.vgpuInterface(for: owner.chip) == .mediatedDevices {
            return VFInfoReport(fields: nil, hex: nil,
                                unavailable: "not sent: \(owner.chip.name) hosts vGPUs as mediated devices on the PF, not on VFs (a VF device id of 0 is normal here)")
        }
        if !f.unreadableVFPlacement.isEmpty {
            return VFInfoReport(fields: nil, hex: nil, unavailable: "not sent: \(f.unreadableVFPlacement.joined(separator: " and ")) cannot be read, so no VF's routing ID is known")
        }
        return VFInfoReport.make(module: owner?.module, sriov: f.sriovValues)
    }

    /// The chip: from BOOT_42 when BAR0 can be read, else from the modules' PCI id tables; and why the
    /// GPU does not answer, when BAR0 was read and gave no register values.
    private func identify(_ f: PCIFunction, devices: String, reader: any SysfsReader, options: Options)
        -> (ProbedGPU.Owner?, HostReport.Identity, unresponsive: String?)
    {
        var identity = HostReport.Identity(source: .none, boot0: nil, boot42: nil, note: nil)
        var owner: ProbedGPU.Owner?
        var bar0Note: String?
        var unresponsive: String?
        if options.readBAR0 {
            switch BAR0Identity.read(directory: "\(devices)/\(f.address)", runtimeStatus: f.runtimeStatus, runtimeStatusProblem: f.runtimeStatusProblem,
                                       powerState: f.powerState, reader: reader) {
            case .registers(let regs):
                switch regs.chipID() {
                case .success(let id):
                    if let found = registry.select(chipID: id) {
                        owner = .init(module: found.module, chip: found.chip)
                        identity = .init(source: .boot42, boot0: regs.boot0, boot42: regs.boot42, note: "chip id \(id)")
                    } else {
                        bar0Note = "BOOT_42 chip id \(id) (\(id.architecture?.description ?? "unknown architecture")) is not supported by any module"
                        identity = .init(source: .none, boot0: regs.boot0, boot42: regs.boot42, note: bar0Note)
                    }
                case .failure(let why):
                    bar0Note = why.description
                    // BAR0 is read only from a device known to be awake, so all ones is not D3: the GPU
                    // does not answer (NVIDIA's driver logs Xid 79, "fallen off the bus"), and no driver can boot it.
                    switch why {
                    case .readFailed:
                        unresponsive = "BAR0 reads as all ones although the device is awake (\(Self.awakeBy(f))): the GPU does not answer MMIO, as after it falls off the bus (Xid 79); reset or reseat it"
                    case .securityFault:
                        unresponsive = "\(why) although the device is awake (\(Self.awakeBy(f))): the GPU refuses MMIO reads"
                    case .preFermi: break
                    }
                }
            case .suspended: bar0Note = "device is runtime-suspended: BAR0 not read (vgpu-probe never wakes a device)"
            case .permissionDenied: bar0Note = "BAR0 needs root to map: permission denied"
            case .unavailable(let why): bar0Note = "BAR0 not readable: \(why)"
            }
        } else {
            bar0Note = "BAR0 reading disabled"
        }
        // A decoded BOOT_42 is authoritative: an unknown chip stays unsupported. Only when BAR0 gave no
        // chip id does the PCI device-id table decide.
        if owner == nil && identity.boot42 == nil {
            if let device = f.device, let found = registry.select(pciDeviceID: device) {
                owner = .init(module: found.module, chip: found.chip)
                identity = .init(source: .pciIDTable, boot0: identity.boot0, boot42: identity.boot42, note: bar0Note)
            } else {
                identity = .init(source: .none, boot0: identity.boot0, boot42: identity.boot42,
                                 note: [bar0Note, "no module claims device id \(hex4(f.device))"].compactMap { $0 }.joined(separator: "; "))
            }
        }
        return (owner, identity, unresponsive)
    }

    /// What shows a function awake, as `BAR0Identity.read` required before reading.
    private static func awakeBy(_ f: PCIFunction) -> String {
        switch f.runtimeStatus {
        case nil: "no runtime power management"
        case "unsupported"?: "runtime PM disabled, power_state \(f.powerState ?? "?")"
        case let status?: "runtime status \(status)"
        }
    }

    /// The report of a discovered GPU, but for its firmware verdict.
    private func draft(_ gpu: ProbedGPU, verifier: FirmwareVerifier, parser: FirmwareVerifier, options: Options) -> Draft
    {
        let f = gpu.function, owner = gpu.owner
        let bars = f.resources.filter { $0.index < 6 && $0.size > 0 }.map {
            HostReport.BAR(index: $0.index, start: $0.start, size: $0.size, kind: $0.isIO ? "io" : ($0.is64Bit ? "mem64" : "mem32"),
                           prefetchable: $0.isPrefetchable)
        }
        let vfs = gpu.vfs.map(HostReport.VF.init)
        let choice = gpu.firmwareChoice(root: verifier.root)
        let selection = options.verifyFirmware ? choice?.selection : nil
        let firmware = { () -> HostReport.Firmware? in
            guard let choice, let s = selection else { return nil }
            let report = verifier.verify(chip: s.files, release: s.manifestRelease, pinned: s.pinned)
            return .init(choice, s, ok: report.isOK, findings: report.files.flatMap(\.findings).map(\.message))
        }
        let firmwareIfVerified = choice.flatMap { choice in selection.map { HostReport.Firmware(choice, $0, ok: true, findings: []) } }
        // The list of a free VF: one that hosts a vGPU can create none.
        let creatable = gpu.vfs.lazy.compactMap { vf in
            vf.isFree ? vf.function.offeredVGPUTypes.map { (vf.function.address, $0) } : nil
        }.first
        let existing = gpu.existingVGPUs
        // What still fits is unknown while a VF's vGPU is: no count rather than one that ignores it.
        let hostable = gpu.capacityUnknown.isEmpty
            ? gpu.catalogue.map { HostableType.all($0, vfs: gpu.placeableVFs, policy: options.policy, existing: existing) } : nil
        let engines = EngineReport.make(module: owner?.module, chip: owner?.chip, release: nil)
        // With vGPUs in use the driver offers only what still fits beside them; compare with that.
        let stillCreatable = existing.isEmpty ? nil : hostable?.filter { $0.fits > 0 }.map(\.name)
        // With a VF's vGPU unknown, what should still be offered is unknown too: no "not offered" claims.
        let creatableTypes = creatable.map { vf, offered in
            CreatableTypesReport.make(vf: vf, offered: offered, catalogue: gpu.catalogue,
                                      stillCreatable: gpu.capacityUnknown.isEmpty ? stillCreatable : offered.map(\.name))
        }
        let bootCheck = owner.map { owner in
            guard options.verifyFirmware else {
                return HostReport.Check(name: VGPUBootCheck.name, ok: false, detail: "not checked (--no-firmware)", skipped: true)
            }
            guard let choice, choice.selection != nil else { return VGPUBootCheck.unjudged(choice) }
            if let unplannable = VGPUBootCheck.unplannable(choice, module: owner.module) { return unplannable }
            return VGPUBootCheck.judge(module: owner.module, chip: owner.chip, board: gpu.boardID, kernelDriver: f.driver,
                                       release: choice.planRelease(in: owner.module), verifier: parser)
        }
        return Draft(firmware: firmware, firmwareIfVerified: firmwareIfVerified) { [self] firmware in
            let interface = VGPUInterfaceReport.of(gpu)
            let readiness = judge(gpu, interface: interface, firmware: firmware, choice: choice, verify: options.verifyFirmware, bootCheck: bootCheck)
            var report = HostReport.GPU(
                address: f.address.description, vendorID: hex4(f.vendor), deviceID: f.device.map { hex4($0) }, name: gpu.name, nameSource: gpu.nameSource,
                subsystem: f.subsystemVendor.flatMap { v in f.subsystemDevice.map { "\(hex4(v)):\(hex4($0))" } }, revision: f.revision.map { hex2($0) },
                classCode: f.classCode.map(hex6), chip: owner?.chip.name, architecture: owner?.chip.architecture?.description,
                module: owner?.module.name, board: gpu.board.map { HostReport.Board(name: $0.name, framebuffer: $0.framebuffer) },
                identity: gpu.identity, driver: f.driver, driverVersion: gpu.driverVersion.shown,
                iommuGroup: f.iommuGroup, numaNode: f.numaNode, runtimeStatus: f.runtimeStatus, link: HostReport.Link(f),
                bars: bars, sriov: gpu.sriov.summary, firmware: firmware,
                vfInfo: gpu.vfInfo, engines: engines,
                vgpuTypes: gpu.sriov.usable == nil && gpu.vgpuInterface != .mediatedDevices ? nil : hostable,
                creatableTypes: creatableTypes, readiness: readiness, vfs: vfs, diagnostics: gpu.diagnostics)
            report.vgpuInterface = interface
            report.vgpusUnknown = gpu.unknownOccupancy.isEmpty ? nil : gpu.unknownOccupancy
            report.vgpusUnsized = gpu.unsizedVGPUs.isEmpty ? nil : gpu.unsizedVGPUs
            if case .unreadable(nil, let unread) = gpu.sriov { report.sriovUnknown = unread.first }
            return report
        }
    }

    /// SR-IOV from the decoded capability when config was readable, else from the sriov_* files.
    static func sriovSummary(_ f: PCIFunction) -> HostReport.SRIOV? {
        let total: Int
        let perVF: (Int) -> [HostReport.VFBAR] = { total in
            guard total > 0 else { return [] }
            return f.resources.filter { (7...12).contains($0.index) && $0.size > 0 }
                .map { HostReport.VFBAR(index: $0.index - 7, sizePerVF: $0.size / UInt64(total), is64Bit: $0.is64Bit) }
        }
        if let cap = f.config?.sriov {
            total = Int(cap.totalVFs)
            return .init(source: "config", capabilityOffset: cap.offset, totalVFs: total,
                         enabledVFs: f.enabledVFCount ?? 0, firstVFOffset: Int(cap.firstVFOffset),
                         vfStride: Int(cap.vfStride), vfDeviceID: hex4(cap.vfDeviceID), vfBARs: perVF(total))
        }
        if let files = f.sriov, let t = files.totalVFs {
            return .init(source: "sysfs", capabilityOffset: nil, totalVFs: t, enabledVFs: f.enabledVFCount ?? 0,
                         firstVFOffset: files.offset, vfStride: files.stride, vfDeviceID: files.vfDevice.map(hex4), vfBARs: perVF(t))
        }
        return nil
    }

    /// The `mdev-types` check of a GPU that hosts vGPUs as mediated devices on its PF (Turing): in
    /// place of the SR-IOV checks, whose VF device id of 0 is normal there.
    static func mediatedDeviceCheck(_ gpu: ProbedGPU) -> HostReport.Check {
        let chip = gpu.owner?.chip.name ?? "this chip"
        let nvidia = (gpu.function.mediatedDeviceTypes ?? []).filter { $0.nvidiaTypeID != nil }
        guard let first = nvidia.first else {
            return .init(name: .mdevTypes, ok: false,
                         detail: "\(chip) hosts vGPUs as mediated devices on the PF, and \(gpu.address) lists no nvidia-<id> type in mdev_supported_types: "
                             + "load NVIDIA's vGPU host driver (nvidia) for it, with the IOMMU on")
        }
        let available = nvidia.filter { ($0.availableInstances ?? 0) > 0 }.count
        return .init(name: .mdevTypes, ok: true,
                     detail: "mediated devices on the PF (\(chip) has no SR-IOV vGPU): \(nvidia.count) types in mdev_supported_types, "
                         + "\(available) with instances available, e.g. \(first.name ?? "?") (\(first.directoryName))")
    }

    /// The `vf-driver` check: every enabled VF bound to NVIDIA's vGPU host driver.
    static func vfDriverCheck(_ gpu: ProbedGPU) -> HostReport.Check {
        // An enabled VF the probe could not read (a dangling or refused virtfn link) has no known driver.
        if let enabled = gpu.function.enabledVFCount, gpu.vfs.count < enabled {
            // Links the kernel does not list are the sriov check's finding; refused or dangling ones are notes.
            let why = gpu.function.virtualFunctions.count < enabled ? "see sriov" : "see notes"
            return .init(name: .vfDriver, ok: false,
                         detail: "\(enabled) VFs are enabled but \(gpu.vfs.count) could be read (\(why)): the driver of the others is unknown")
        }
        let others = gpu.vfs.filter { $0.function.driver != "nvidia" }
        guard let first = others.first else {
            // NVIDIA's vGPU host driver gives each VF nvidia/ (vGPU 17 on) or mdev types (16 and before):
            // a VF bound to nvidia with neither can create no vGPU (main passed it).
            let bare = gpu.vfs.filter { !$0.function.hasNVIDIADirectory && ($0.function.mediatedDeviceTypes ?? []).isEmpty }
            if let example = bare.first {
                return .init(name: .vfDriver, ok: false,
                             detail: "\(bare.count) of \(gpu.vfs.count) VFs are bound to nvidia but show neither nvidia/ (vGPU 17 and later) nor "
                                 + "mdev_supported_types (vGPU 16 and earlier), e.g. \(example.function.address): no vGPU can be created on them; "
                                 + "NVIDIA's vGPU host driver makes those (is the vGPU Manager, with nvidia-vgpu-mgr, installed?)")
            }
            // Say the interface the VFs really show: vGPU 16's mdev VFs have no nvidia/ directory.
            let throughDirectory = gpu.vfs.filter(\.function.hasNVIDIADirectory).count
            let interface = switch throughDirectory {
            case gpu.vfs.count: "each VF's nvidia/ directory"
            case 0: "each VF's mdev_supported_types, as in vGPU 16 and earlier"
            default: "each VF's nvidia/ directory (\(throughDirectory) VFs) or mdev_supported_types (\(gpu.vfs.count - throughDirectory))"
            }
            return .init(name: .vfDriver, ok: true, detail: "all \(gpu.vfs.count) VFs bound to nvidia (vGPUs are created through \(interface))")
        }
        let drivers = Dictionary(grouping: others) { $0.function.driver ?? "no driver" }
            .map { "\($0.value.count) to \($0.key)" }.sorted().joined(separator: ", ")
        let vf = first.function.address
        return .init(name: .vfDriver, ok: false,
                     detail: "\(others.count) of \(gpu.vfs.count) VFs are not bound to nvidia (\(drivers)), so they have no nvidia/ directory and offer no vGPU type: "
                         + "hand them to NVIDIA's driver, e.g. for \(vf): echo nvidia > /sys/bus/pci/devices/\(vf)/driver_override; "
                         + (first.function.driver == nil ? "" : "echo \(vf) > /sys/bus/pci/devices/\(vf)/driver/unbind; ")
                         + "echo \(vf) > /sys/bus/pci/drivers_probe (or disable and enable the VFs again with sriov-manage)")
    }

    /// The `iommu` check: the GPU is in an IOMMU group, and so is each VF, in one of its own. VFIO
    /// assigns a group whole, so a VF without a group, or one that shares the PF's or another VF's,
    /// cannot go to a VM of its own (main looked at the GPU alone and passed both).
    static func iommuCheck(_ gpu: ProbedGPU) -> HostReport.Check {
        let f = gpu.function
        guard let group = f.iommuGroup else {
            // A link that is there but cannot be read is not an IOMMU that is off: say which, not how to reboot.
            return .init(name: .iommu, ok: false,
                         detail: f.problem(reading: "iommu_group").map { "the iommu_group link cannot be read (\($0)), so the group is unknown" }
                             ?? "no IOMMU group: the IOMMU is off; enable VT-d or AMD-Vi in the firmware setup and boot with intel_iommu=on (Intel; AMD's is on by default), then /sys/kernel/iommu_groups lists groups")
        }
        if let vf = gpu.vfs.first(where: { $0.function.iommuGroup == nil }) {
            let count = gpu.vfs.filter { $0.function.iommuGroup == nil }.count
            let why = vf.function.problem(reading: "iommu_group").map { "its iommu_group link cannot be read (\($0))" } ?? "it has no iommu_group link"
            return .init(name: .iommu, ok: false,
                         detail: "IOMMU group \(group), but \(count) of \(gpu.vfs.count) VFs are in none, e.g. \(vf.function.address): \(why); VFIO assigns only what is in a group")
        }
        let members = Dictionary(grouping: [f] + gpu.vfs.map(\.function)) { $0.iommuGroup ?? -1 }
        if let (shared, functions) = members.filter({ $0.value.count > 1 }).min(by: { $0.key < $1.key }) {
            let named = functions.prefix(3).map(\.address.description).joined(separator: ", ") + (functions.count > 3 ? ", ..." : "")
            return .init(name: .iommu, ok: false,
                         detail: "IOMMU group \(shared) holds \(functions.count) of this GPU's functions (\(named)): VFIO assigns a group whole, so its VFs "
                             + "cannot go to VMs of their own (ACS isolates them on neither the GPU nor the PCIe path above it)")
        }
        return .init(name: .iommu, ok: true, detail: "IOMMU group \(group)")
    }

    /// The readiness checks; the GPU is ready when every one passes.
    private func judge(_ gpu: ProbedGPU, interface: VGPUInterfaceReport?, firmware: HostReport.Firmware?, choice: DriverFirmware?, verify: Bool,
                       bootCheck: HostReport.Check?) -> HostReport.Readiness {
        let f = gpu.function
        var checks: [HostReport.Check] = []
        if let owner = gpu.owner {
            checks.append(.init(name: .support, ok: true, detail: "\(owner.chip.name) is covered by this build's \(owner.module.name) support (identified by \(gpu.identity.source))"))
        } else {
            // The tool's limit, not a fault of the GPU: say so, and that the rest of the checks still describe the host.
            checks.append(.init(name: .support, ok: false,
                                detail: "not covered by this build of vgpu-probe (the GPU may be fine): \(gpu.identity.note ?? "chip not identified")"))
        }
        // Shown only when it fails: a GPU that answers needs no line saying so.
        if let why = gpu.unresponsive { checks.append(.init(name: .responds, ok: false, detail: why)) }
        if let branch = Self.driverBranchCheck(gpu) { checks.append(branch) }
        switch gpu.sriov {
        case _ where gpu.vgpuInterface == .mediatedDevices:
            checks.append(Self.mediatedDeviceCheck(gpu))
        case .usable(let s):
            checks.append(.init(name: .sriov, ok: true, detail: "SR-IOV capable: \(s.totalVFs) VFs, VF device \(s.vfDeviceID ?? "?") (from \(s.source))"))
            let enabled = s.enabledVFs
            checks.append(.init(name: .vfsEnabled, ok: enabled > 0,
                                detail: enabled > 0 ? "\(enabled) VFs enabled"
                                    : "no VFs enabled: with NVIDIA's vGPU host driver run 'sriov-manage -e \(f.address)'; otherwise write the count to \(f.address)/sriov_numvfs"))
        case .inconsistent:
            checks.append(.init(name: .sriov, ok: false, detail: gpu.sriov.problem ?? ""))
            checks.append(.init(name: .vfsEnabled, ok: false, detail: "cannot be judged: the SR-IOV values are inconsistent"))
        case .unreadable:
            checks.append(.init(name: .sriov, ok: false, detail: gpu.sriov.problem ?? ""))
            checks.append(.init(name: .vfsEnabled, ok: false, detail: "cannot be judged: the SR-IOV values cannot be read"))
        case .absent, .noVFs, .singleVF, .unusableVFDevice:
            checks.append(.init(name: .sriov, ok: false, detail: gpu.sriov.problem ?? ""))
            // No remedy can work on a board without usable VFs: name none.
            checks.append(.init(name: .vfsEnabled, ok: false, detail: "no VFs: this GPU has no usable SR-IOV (see sriov)"))
        }
        // vGPU 17 and later create vGPUs through the nvidia/ directory NVIDIA's driver gives each VF it
        // is bound to; a VF bound to vfio-pci (passed through whole) or to nothing has none.
        if gpu.vgpuInterface == .sriovVirtualFunctions, !gpu.vfs.isEmpty {
            checks.append(Self.vfDriverCheck(gpu))
        }
        if let pfTypes = Self.pfTypesCheck(gpu, interface: interface) { checks.append(pfTypes) }
        checks.append(Self.iommuCheck(gpu))
        if !verify {
            checks.append(.init(name: .firmware, ok: false, detail: "not checked (--no-firmware)", skipped: true))
        } else if let firmware {
            let what = "GSP firmware \(firmware.release), which \(firmware.loader) loads"
            let how = firmware.pinned ? "present and verified (\(firmware.files) files)" : "present and checked by contents (\(firmware.files) files; no manifest pins its digests)"
            checks.append(.init(name: .firmware, ok: firmware.ok,
                                detail: firmware.ok ? "\(what): \(how)" : "\(what): " + firmware.findings.joined(separator: "; ")))
        } else if case .none(let why)? = choice?.loader {
            checks.append(.init(name: .firmware, ok: false, detail: why))
        } else if let why = choice?.notShown {
            checks.append(.init(name: .firmware, ok: false, detail: "not checked: \(why)", skipped: true))
        } else if let why = choice?.unknown {
            checks.append(.init(name: .firmware, ok: false, detail: why))
        } else {
            checks.append(.init(name: .firmware, ok: false, detail: "no firmware manifest for this chip"))
        }
        // Booting in vGPU mode is a question only for a GPU that can host vGPUs at all.
        if let bootCheck, gpu.sriov.usable != nil || gpu.vgpuInterface == .mediatedDevices {
            // The plan reads the images' layout, not their digests: beside files that do not verify, a
            // passing plan says nothing of a boot (main read "[ok] nvidia can boot" beside a bad image).
            if bootCheck.ok, let firmware, !firmware.ok {
                checks.append(.init(name: .vgpuBoot, ok: false,
                                    detail: "not checked: the firmware \(firmware.loader) loads does not verify (see firmware)", skipped: true))
            } else {
                checks.append(bootCheck)
            }
        }
        // A skipped check neither passes nor fails: the verdict is over the checks made, and says which
        // were not.
        let skipped = checks.filter { $0.skipped == true }.map(\.name)
        return .init(ready: checks.allSatisfy { $0.ok || $0.skipped == true }, checks: checks, notChecked: skipped.isEmpty ? nil : skipped)
    }
}

func hex4(_ v: UInt16?) -> String { v.map { "\(hexDigits: $0, width: 4)" } ?? "????" }
func hex2(_ v: UInt8) -> String { "\(hexDigits: v, width: 2)" }
func hex6(_ v: UInt32) -> String { "\(hexDigits: v, width: 6)" }
func hex8(_ v: UInt32) -> String { "0x\(hexDigits: v, width: 8)" }

extension HostProbe {
    /// The one GPU `slot` selects under `sysfsRoot`, discovered without firmware verification: what
    /// the commands that take -s start from. Fails with a sentence for the user.
    public static func gpu(at slot: SlotSelector, sysfsRoot: String, registry: ModuleRegistry) -> Result<ProbedGPU, SlotLookupFailure> {
        var options = Options()
        options.sysfsRoot = sysfsRoot
        options.slot = slot
        options.verifyFirmware = false
        let gpus: [ProbedGPU]
        do { gpus = try HostProbe(registry: registry).gpus(options) } catch {
            return .failure(.init(description: error.description, rootUnusable: true))
        }
        guard let gpu = gpus.first else { return .failure(.init(description: "no NVIDIA GPU matches -s under \(sysfsRoot)")) }
        // lspci's forms may leave the domain or bus out; a command about one GPU must not pick one.
        guard gpus.count == 1 else {
            return .failure(.init(description: "-s matches \(gpus.count) GPUs under \(sysfsRoot) (\(gpus.map(\.address.description).joined(separator: ", "))): give the bus too, as in -s \(gpus[0].address.description)"))
        }
        return .success(gpu)
    }
}

/// Why -s found no GPU.
public struct SlotLookupFailure: Error, CustomStringConvertible {
    public let description: String
    /// The sysfs root cannot be used (no devices directory, or no function in it): exit 66 in every
    /// command, as the probe's, rather than "no GPU found".
    public var rootUnusable = false
}
