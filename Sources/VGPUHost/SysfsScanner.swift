import Dispatch
import VGPUCore

/// Scans a sysfs tree for PCI functions.
///
/// Accepts a sysfs root (`/sys`, with `bus/pci/devices`) or lspci's layout (a directory with `devices/`).
/// Never writes anything and never maps a BAR (identity registers are read separately, on request).
public struct SysfsScanner: Sendable {
    /// The directory holding one entry per function.
    public let devicesDirectory: String
    /// The file-system seam.
    public let reader: any SysfsReader
    /// How much of each function is read.
    public let depth: Depth

    /// How much of each function a scan reads.
    public enum Depth: Sendable, Equatable {
        /// Every attribute the scanner knows, of every function: a listing of the whole host, a snapshot.
        case everything
        /// What a probe of one vendor's devices reports. That vendor's physical functions are read in
        /// full; its virtual functions as far as a report lists them (vendor and device ids, the
        /// `physfn`, `driver` and `iommu_group` links, vGPU types); every other function only as far as
        /// its vendor id, so it is counted but not described. On a GPU host most functions are
        /// bridges and VFs, and each attribute skipped is an open, a read and a close.
        case devicesOf(vendor: UInt16)
    }

    /// Where a root's device directory is, or nil when it has none it can use. lspci's layout
    /// (`devices/`) is tried only where `bus/pci/devices` is absent: one that is there but refused (a
    /// link out of the root) is no reason to read another tree in its place.
    public static func devicesDirectory(root: String, reader: any SysfsReader = LiveSysfs()) -> String? {
        let sysfs = "\(root)/bus/pci/devices", lspci = "\(root)/devices"
        switch reader.list(sysfs) {
        case .success: return sysfs
        case .failure(.notFound): break
        case .failure: return nil
        }
        if case .success = reader.list(lspci) { return lspci }
        return nil
    }

    /// A scanner over `devicesDirectory`, reading as much of each function as `depth` says.
    public init(devicesDirectory: String, reader: any SysfsReader = LiveSysfs(), depth: Depth = .everything) {
        self.devicesDirectory = devicesDirectory
        self.reader = reader
        self.depth = depth
    }

    /// The outcome of a scan.
    public struct Result: Sendable {
        /// Functions in address order.
        public var functions: [PCIFunction]
        /// Entries skipped as a whole (not an address, or gone mid-scan).
        public var warnings: [String]
    }

    /// Largest config space (PCIe extended).
    static let configLimit = 4096

    /// Reads every function whose address passes `filter`, on all cores: each function is independent,
    /// and a host with thousands of VFs is mostly waiting on small sysfs reads.
    ///
    /// - Parameter onEach: called with each function as soon as it is read, from the scanning threads,
    ///   in no particular order (the probe starts hashing a GPU's firmware then, not after the scan).
    public func scan(where filter: (PCIAddress) -> Bool = { _ in true },
                     onEach: (@Sendable (PCIFunction) -> Void)? = nil) -> Result {
        var warnings: [String] = []
        let names: [String]
        switch reader.list(devicesDirectory) {
        case .success(let n): names = n
        case .failure(let e): return Result(functions: [], warnings: ["\(devicesDirectory): \(e)"])
        }
        var selected: [(PCIAddress, String)] = []
        for name in names.sorted() {
            guard let address = PCIAddress(name) else {
                warnings.append("\(devicesDirectory)/\(name): not a PCI address, skipped")
                continue
            }
            // The kernel names each function once, in one spelling (four lower-case domain digits, more
            // only past 0xffff); another spelling (00000:41:00.0, 0000:4A:00.0) would report it twice.
            guard address.description == name else {
                warnings.append("\(devicesDirectory)/\(name): not the kernel's name for \(address), skipped")
                continue
            }
            if filter(address) { selected.append((address, name)) }
        }
        let work = selected
        var slots = [Slot](repeating: Slot(), count: work.count)
        slots.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            let output = SlotOutput(base: base)
            DispatchQueue.concurrentPerform(iterations: work.count) { i in
                var warning: [String] = []
                let entry = "\(devicesDirectory)/\(work[i].1)"
                let f = Self.linksElsewhere(entry, name: work[i].1, reader: reader, warnings: &warning)
                    ? nil : read(work[i].0, directory: entry, warnings: &warning)
                if let f, let onEach { onEach(f) }
                output.base.advanced(by: i).pointee = Slot(function: f, warnings: warning)
            }
        }
        for slot in slots { warnings += slot.warnings }
        return Result(functions: slots.compactMap(\.function).sorted { $0.address < $1.address }, warnings: warnings)
    }

    /// Whether `entry` is a link to a directory of another name. The kernel links each entry to the
    /// function's own directory, which bears its address; a link to another is a second entry for that
    /// function, which would be reported twice. (lspci's layout may hold directories: no link, no check.)
    static func linksElsewhere(_ entry: String, name: String, reader: any SysfsReader, warnings: inout [String]) -> Bool {
        guard case .success(let target) = reader.readLink(entry), let last = target.split(separator: "/").last, last != name else { return false }
        warnings.append("\(entry): links to \(last), not to a directory of its own name: another function's entry, skipped")
        return true
    }

    /// The result slots of a concurrent scan. Sound to share: iteration i writes only slot i, and
    /// `concurrentPerform` returns only after every iteration has finished, before the array is read.
    struct SlotOutput: @unchecked Sendable {
        let base: UnsafeMutablePointer<Slot>
    }

    /// One function's outcome in a concurrent scan.
    struct Slot {
        var function: PCIFunction?
        var warnings: [String] = []
    }

    /// The most mediated-device types read per function (NVIDIA boards offer under 50); a directory
    /// with more is cut there and said so.
    static let mediatedDeviceTypeLimit = 256

    /// The entries of a PF's `mdev_supported_types/`, sorted by name, each with its `name` and
    /// `available_instances` (read through the function's own readers, so the usual limits apply).
    private func readMediatedDeviceTypes(in dir: String, text: (String, Int) -> String?,
                                         decimal: (String) -> Int?) -> ([MediatedDeviceType], [FieldDiagnostic]) {
        let field = "mdev_supported_types"
        var problems: [FieldDiagnostic] = []
        let names: [String]
        switch reader.directory(dir + "/" + field).list() {
        case .success(let listed): names = listed.sorted()
        case .failure(let e): return ([], [FieldDiagnostic(field: field, problem: "\(e)")])
        }
        if names.count > Self.mediatedDeviceTypeLimit {
            problems.append(FieldDiagnostic(field: field, problem: "\(names.count) entries; read the first \(Self.mediatedDeviceTypeLimit)"))
        }
        // A name with a slash or a dot-dot is no directory entry the kernel makes: never a path.
        let types = names.prefix(Self.mediatedDeviceTypeLimit).filter { !$0.contains("/") && $0 != ".." && $0 != "." }.map { name in
            // The vGPUs that exist: each a link in devices/ (an unlistable directory leaves them unknown).
            let devices: Int?
            switch reader.directory("\(dir)/\(field)/\(name)/devices").list() {
            case .success(let links): devices = links.count
            case .failure(.notFound): devices = 0
            case .failure(let e):
                devices = nil
                problems.append(FieldDiagnostic(field: "\(field)/\(name)/devices", problem: "\(e)"))
            }
            return MediatedDeviceType(directoryName: name, name: text("\(field)/\(name)/name", 256),
                                      availableInstances: decimal("\(field)/\(name)/available_instances"), devices: devices)
        }
        return (types, problems)
    }

    /// Reads one function; nil (with a warning) when its directory vanished.
    func read(_ address: PCIAddress, directory dir: String, warnings: inout [String]) -> PCIFunction? {
        var f = PCIFunction(address: address)
        var diagnostics: [FieldDiagnostic] = []
        // One listing per function: it says which files exist (so absent ones cost no open) and
        // whether the device vanished mid-scan.
        let directory = reader.directory(dir)
        let entries: Set<String>
        switch directory.list() {
        case .success(let names): entries = Set(names)
        case .failure(.notFound):
            warnings.append("\(address): disappeared during the scan, skipped")
            return nil
        case .failure(let e):
            warnings.append("\(address): cannot list its directory (\(e)), skipped")
            return nil
        }
        func text(_ file: String, limit: Int = 256) -> String? {
            // Byte-level: a Character-level split here ran for every attribute of every function.
            let top = file.utf8.firstIndex(of: UInt8(ascii: "/")).map { String(file[..<$0]) } ?? file
            guard entries.contains(top) else { return nil }
            switch directory.read(file, limit: limit) {
            case .success(let bytes):
                guard let s = Self.trimmed(bytes) else { diagnostics.append(FieldDiagnostic(field: file, problem: "empty file")) ; return nil }
                return s
            case .failure(.notFound):
                return nil
            case .failure(let e):
                diagnostics.append(FieldDiagnostic(field: file, problem: "\(e)"))
                return nil
            }
        }
        func hex<T: FixedWidthInteger>(_ file: String, _: T.Type, prefixed: Bool = true, required: Bool = true) -> T? {
            let said = diagnostics.count
            guard let s = text(file) else {
                // Absent, that is: an empty or unreadable file already has its own diagnostic.
                if required && diagnostics.count == said { diagnostics.append(FieldDiagnostic(field: file, problem: "missing")) }
                return nil
            }
            guard let v = HexText.value(s, as: T.self, prefixed: prefixed) else {
                diagnostics.append(FieldDiagnostic(field: file, problem: "'\(s.prefix(40))' is not a \(prefixed ? "0x-prefixed " : "")hex value that fits \(T.bitWidth) bits"))
                return nil
            }
            return v
        }
        func decimal(_ file: String) -> Int? {
            guard let s = text(file) else { return nil }
            guard let v = Int(s) else {
                diagnostics.append(FieldDiagnostic(field: file, problem: "'\(s.prefix(40))' is not a decimal number"))
                return nil
            }
            return v
        }
        func linkName(_ file: String) -> String? {
            guard entries.contains(file) else { return nil }
            switch directory.readLink(file) {
            case .success(let target): return target.split(separator: "/").last.map(String.init)
            case .failure(.notFound): return nil
            case .failure(let e):
                diagnostics.append(FieldDiagnostic(field: file, problem: "\(e)"))
                return nil
            }
        }

        /// The links and the vGPU types: all a report says of a virtual function besides its ids.
        func readLinksAndTypes() {
            if let pf = linkName("physfn") {
                f.physicalFunction = PCIAddress(pf)
                if f.physicalFunction == nil { diagnostics.append(FieldDiagnostic(field: "physfn", problem: "link target '\(pf)' is not a PCI function")) }
            }
            f.driver = linkName("driver")
            if let group = linkName("iommu_group") {
                f.iommuGroup = Int(group)
                if f.iommuGroup == nil { diagnostics.append(FieldDiagnostic(field: "iommu_group", problem: "link target '\(group)' is not a group number")) }
            }
            f.hasNVIDIADirectory = entries.contains("nvidia")
            if entries.contains("nvidia"), let text = text("nvidia/creatable_vgpu_types", limit: 64 * 1024) {
                let parsed = CreatableVGPUType.parse(text)
                f.creatableVGPUTypes = parsed.types
                for line in parsed.malformed {
                    diagnostics.append(FieldDiagnostic(field: "nvidia/creatable_vgpu_types", problem: "'\(line)' is not '<id> : <name>'"))
                }
            }
            // NVIDIA vGPU 16 and earlier expose each VF's types through the mdev core instead.
            if entries.contains("mdev_supported_types") {
                let (types, problems) = readMediatedDeviceTypes(in: dir, text: text, decimal: decimal)
                f.mediatedDeviceTypes = types
                diagnostics += problems
            }
            if entries.contains("nvidia"), let id = decimal("nvidia/current_vgpu_type") {
                if id >= 0 { f.currentVGPUType = id } else {
                    diagnostics.append(FieldDiagnostic(field: "nvidia/current_vgpu_type", problem: "'\(id)' is not a vGPU type id"))
                }
            }
        }

        /// `count` little-endian bytes at `offset` of the config header, where the sysfs attribute that
        /// says the same could not be read: the header's first 64 bytes are readable by anyone. main
        /// took a GPU whose `vendor` was unreadable for another vendor's function and left it out of
        /// every output.
        var headerBytes: [UInt8]??  // read once, on the first fallback
        func header(_ offset: Int, _ count: Int) -> UInt32? {
            if headerBytes == nil {
                // Not from a suspended device either (the read would wake it). Its power files are read
                // here without diagnostics: a function that is described reads them again, with them.
                var power = PCIFunction(address: address)
                func quiet(_ file: String) -> String? { (try? directory.read(file, limit: 256).get()).flatMap(Self.trimmed) }
                (power.runtimeStatus, power.powerState) = (quiet("power/runtime_status"), quiet("power_state"))
                let readable = entries.contains("config") && power.configReadWouldWake == nil
                headerBytes = .some(readable ? (try? directory.read("config", limit: Self.configLimit).get()) : nil)
            }
            guard let bytes = headerBytes ?? nil, bytes.count >= offset + count else { return nil }
            let value = (0..<count).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
            return value == (count == 2 ? 0xffff : 0xff_ffff) ? nil : value  // all ones: no device answered
        }
        f.vendor = hex("vendor", UInt16.self) ?? header(0, 2).map { UInt16($0) }
        if case .devicesOf(let vendor) = depth, f.vendor != vendor {
            if f.vendor == nil, let why = diagnostics.first(where: { $0.field == "vendor" })?.problem {
                warnings.append("\(address): not described: vendor \(why), and the config header gives none")
            }
            f.diagnostics = diagnostics
            return f  // counted, not described
        }
        f.device = hex("device", UInt16.self) ?? header(2, 2).map { UInt16($0) }
        if case .devicesOf = depth, entries.contains("physfn") {
            readLinksAndTypes()
            f.diagnostics = diagnostics
            return f
        }
        f.classCode = hex("class", UInt32.self).map { $0 & 0xff_ffff } ?? header(9, 3)
        f.subsystemVendor = hex("subsystem_vendor", UInt16.self)
        f.subsystemDevice = hex("subsystem_device", UInt16.self)
        f.revision = hex("revision", UInt8.self)

        // Power first: config is not read from a suspended device (a read would wake it).
        f.runtimeStatus = text("power/runtime_status")
        f.powerState = text("power_state")
        if let asleep = f.configReadWouldWake {
            diagnostics.append(FieldDiagnostic(field: "config", problem: "not read: \(asleep), and a read would wake it; using sriov_* files"))
        } else {
            switch entries.contains("config") ? directory.read("config", limit: Self.configLimit) : .failure(.notFound) {
            case .success(let bytes):
                if bytes.count < 64 {
                    diagnostics.append(FieldDiagnostic(field: "config", problem: "\(bytes.count) bytes, under the 64-byte header"))
                } else {
                    f.config = ConfigSpace(bytes)
                    if bytes.count == 64 {
                        diagnostics.append(FieldDiagnostic(field: "config", problem: "only 64 bytes readable (capabilities past the header need root); using sriov_* files"))
                    }
                    for problem in f.config?.problems ?? [] { diagnostics.append(FieldDiagnostic(field: "config", problem: problem)) }
                }
            case .failure(let e):
                diagnostics.append(FieldDiagnostic(field: "config", problem: "\(e)"))
            }
        }

        if let text = text("resource", limit: 4096) {  // 13 lines (endpoint) or 17 (bridge) of 57 bytes
            // Split as an array of bytes: String and UTF8View slicing cost more than the reads.
            for (i, line) in Array(text.utf8).split(separator: UInt8(ascii: "\n")).enumerated() {
                let parts = line.split(separator: UInt8(ascii: " "))
                let values = parts.compactMap { HexText.value(bytes: $0, as: UInt64.self, prefixed: true) }
                guard parts.count == 3, values.count == 3, values[1] >= values[0] || values[1] == 0, values[1] &- values[0] != .max else {
                    let shown = String(decoding: line.prefix(60), as: UTF8.self)
                    diagnostics.append(FieldDiagnostic(field: "resource", problem: "line \(i + 1) '\(shown)' is not 'start end flags' in hex"))
                    continue
                }
                f.resources.append(Resource(index: i, start: values[0], end: values[1], flags: values[2]))
            }
        }

        if entries.contains("mdev_supported_types") {
            let (types, problems) = readMediatedDeviceTypes(in: dir, text: text, decimal: decimal)
            f.mediatedDeviceTypes = types
            diagnostics += problems
        }

        if let total = decimal("sriov_totalvfs") {
            var s = SRIOVFiles(totalVFs: total)
            s.numVFs = decimal("sriov_numvfs")
            if s.numVFs == nil && !entries.contains("sriov_numvfs") {
                diagnostics.append(FieldDiagnostic(field: "sriov_numvfs", problem: "missing beside sriov_totalvfs (the kernel writes both): the enabled count is taken from the virtfn links"))
            }
            s.offset = decimal("sriov_offset")
            s.stride = decimal("sriov_stride")
            s.vfDevice = hex("sriov_vf_device", UInt16.self, prefixed: false)
            f.sriov = s
        }

        var vfs: [VirtualFunctionLink] = []
        do {
            for entry in entries where entry.utf8.starts(with: "virtfn".utf8) {
                guard let n = Int(entry.dropFirst(6)) else { continue }
                switch directory.readLink(entry) {
                case .success(let target):
                    if let a = target.split(separator: "/").last.flatMap({ PCIAddress($0) }) { vfs.append(VirtualFunctionLink(index: n, address: a)) }
                    else { diagnostics.append(FieldDiagnostic(field: entry, problem: "link target '\(target)' is not a PCI function")) }
                case .failure(let e):
                    diagnostics.append(FieldDiagnostic(field: entry, problem: "\(e)"))
                }
            }
        }
        f.virtualFunctions = vfs.sorted { $0.index < $1.index }
        readLinksAndTypes()
        f.numaNode = decimal("numa_node")
        f.linkSpeed = text("current_link_speed")
        f.linkWidth = decimal("current_link_width")
        f.diagnostics = diagnostics
        return f
    }

    /// The text of a sysfs attribute without surrounding whitespace and NULs; nil when nothing is left.
    static func trimmed(_ bytes: [UInt8]) -> String? {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0a || b == 0x09 || b == 0x0d || b == 0 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return nil }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
