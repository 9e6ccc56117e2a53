import VGPUCore
import VGPUHost

/// `vgpu-probe types`: a board's vGPU types with their capacity, and optionally a placement.
public struct TypesReport: Sendable, Codable, Equatable {
    public static let schemaID = "vgpukit.types/2"
    public let schema: String
    public let board: String
    public let pciDeviceID: String
    public let chip: String
    public let framebufferMiB: Int
    /// The board's SR-IOV TotalVFs (from the GPU with -s, else the catalogue, when known).
    public let vfs: Int?
    /// The GPU, with -s.
    public let address: String?
    /// With -s: the VFs that host a vGPU already; capacities and placements count them first.
    public let inUse: [HostReport.VF]?
    public let policy: VGPUResourcePolicy
    public let types: [Row]
    /// The requested placement, with --place.
    public let placement: VGPUCapacityPlan?
    /// In equal-size mode, when NVIDIA's mixed-size mode would place more of the request: how many of
    /// it that mode places (the same placement, planned again), so a hint names a real gain.
    public var placedInMixedSizeMode: Int?
    public let sources: [String]
    /// The NVIDIA vGPU driver release the catalogue describes.
    public let driverRelease: String?
    /// With -s: how the GPU hosts vGPUs (`sriov` VFs, or `mdev` mediated devices on the PF, where no VF
    /// count limits placements).
    public var vgpuInterface: VGPUInterface?

    /// One type with its catalogue facts and its capacity.
    public struct Row: Sendable, Codable, Equatable {
        public let type: VGPUType
        public let capacity: HostableType
    }

    /// Why there is no report.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unknownBoard(String, known: [String])
        case gpu(String)
        /// The sysfs root cannot be used (exit 66).
        case sysfsRoot(String)
        case placement(String)
        public var description: String {
            switch self {
            case .unknownBoard(let b, let known): "no vGPU type catalogue for board '\(b)'; boards: \(known.joined(separator: ", "))"
            case .gpu(let why), .sysfsRoot(let why): why
            case .placement(let why): why
            }
        }
    }

    /// The catalogue of `board`: a catalogue's board name or PCI device id, or the name a module's board
    /// table gives (the one the probe prints, `H100 PCIe` for the catalogue's `H100 PCIe 80GB`).
    static func catalogue(board: String, registry: ModuleRegistry) -> VGPUTypeCatalogue? {
        let providers = registry.modules.compactMap { $0 as? any VGPUTypeProviding }
        if let named = providers.lazy.compactMap({ $0.catalogue(board: board) }).first { return named }
        return registry.modules.lazy.compactMap { module -> VGPUTypeCatalogue? in
            guard let id = (module as? any BoardCatalog)?.deviceID(ofBoardNamed: board) else { return nil }
            return (module as? any VGPUTypeProviding)?.catalogue(deviceID: id, subsystem: nil)
        }.first
    }

    /// Builds the report for `board` (name or device id) or for the GPU at `slot`.
    public static func make(registry: ModuleRegistry, board: String?, slot: SlotSelector?, sysfsRoot: String,
                            policy: VGPUResourcePolicy, place: String?) throws(Failure) -> TypesReport
    {
        let providers = registry.modules.compactMap { $0 as? any VGPUTypeProviding }
        var catalogue: VGPUTypeCatalogue?
        var vfs: Int?
        var address: String?
        var inUse: [HostReport.VF]?
        var existing: [VGPUType] = []
        var mediated = false
        if let slot {
            let gpu: ProbedGPU
            switch HostProbe.gpu(at: slot, sysfsRoot: sysfsRoot, registry: registry) {
            case .success(let found): gpu = found
            case .failure(let why): throw why.rootUnusable ? .sysfsRoot(why.description) : .gpu(why.description)
            }
            guard gpu.function.device != nil else { throw .gpu("\(gpu.address): device id unreadable") }
            catalogue = gpu.catalogue
            guard catalogue != nil else { throw .gpu("\(gpu.address) (\(gpu.name)) has no vGPU type catalogue") }
            // Mediated devices on the PF (Turing): no VF count limits placements, and the SR-IOV
            // capability (VF device id 0) is not used.
            mediated = gpu.vgpuInterface == .mediatedDevices
            if !mediated {
                if let reason = gpu.sriov.problem { throw .gpu("\(gpu.address): \(reason)") }
                vfs = gpu.placeableVFs
            }
            guard gpu.capacityUnknown.isEmpty else {
                throw .gpu("\(gpu.address): what more fits is unknown while this is: " + gpu.capacityUnknown.joined(separator: "; "))
            }
            address = gpu.address.description
            inUse = gpu.vfs.filter { $0.vgpu != nil }.map(HostReport.VF.init)
            existing = gpu.existingVGPUs
        } else if let board {
            catalogue = Self.catalogue(board: board, registry: registry)
        }
        guard let c = catalogue else {
            throw .unknownBoard(board ?? "", known: providers.flatMap(\.vgpuBoards))
        }
        let capacity = HostableType.all(c, vfs: vfs, policy: policy, existing: existing)
        var placement: VGPUCapacityPlan?
        var placedInMixedSizeMode: Int?
        if let place {
            let request = try Self.parsePlacement(place, c)
            let plan = VGPUCapacityPlanner.place(request, on: c, vfs: vfs, policy: policy, existing: existing)
            if policy.equalSizeOnly, plan.placedCount < request.count {
                var mixed = policy
                mixed.equalSizeOnly = false
                let alternative = VGPUCapacityPlanner.place(request, on: c, vfs: vfs, policy: mixed, existing: existing)
                if alternative.placedCount > plan.placedCount { placedInMixedSizeMode = alternative.placedCount }
            }
            placement = plan
        }
        var report = TypesReport(schema: schemaID, board: c.board, pciDeviceID: c.pciDeviceID, chip: c.chip, framebufferMiB: c.framebufferMiB,
                           vfs: mediated ? nil : vfs ?? c.maxVFs, address: address, inUse: inUse, policy: policy,
                           types: zip(c.types, capacity).map { Row(type: $0, capacity: $1) }, placement: placement, sources: c.sources,
                           driverRelease: c.driverRelease, vgpuInterface: slot == nil ? nil : mediated ? .mediatedDevices : .sriovVirtualFunctions)
        report.placedInMixedSizeMode = placedInMixedSizeMode
        return report
    }

    /// `4x12Q,8x3Q` (or `12Q`, `2xL40S-3Q`, `NVIDIA L40S-12Q`) to the list of types to place, in order.
    static func parsePlacement(_ spec: String, _ c: VGPUTypeCatalogue) throws(Failure) -> [VGPUType] {
        var out: [VGPUType] = []
        for item in spec.split(separator: ",").map(\.trimmingBlanks) where !item.isEmpty {
            var count = 1
            var name = item
            if let x = item.firstIndex(where: { $0 == "x" || $0 == "*" }), let n = Int(item[..<x]) {
                count = n
                name = String(item[item.index(after: x)...])
            }
            guard (1...1024).contains(count) else { throw .placement("'\(item)': count must be 1...1024") }
            guard let t = c.type(named: name) else {
                throw .placement("'\(name)' is not a \(c.board) type; types: \(c.types.map(\.profile).joined(separator: ", "))")
            }
            out += Array(repeating: t, count: count)
        }
        guard !out.isEmpty else { throw .placement("--place is empty") }
        return out
    }
}
