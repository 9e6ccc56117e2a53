import VGPUCore
import VGPUHost

/// A vGPU type and how many fit on one GPU, for the reports.
public struct HostableType: Sendable, Codable, Equatable {
    public let name: String
    public let id: Int?
    public let series: String
    public let framebufferMiB: Int
    /// How many fit alone on the GPU, and the limit that stops one more.
    public let fits: Int
    public let limit: String
    /// FB each takes (guest FB aligned to the VMMU segment, plus reservation and GSP heap) and channels each gets.
    public let framebufferPerVGPUMiB: Int
    public let channelsPerVGPU: Int

    /// Every type of `catalogue` with its capacity under `policy`, given `vfs` VFs when known and the
    /// vGPUs `existing` on the GPU (`fits` is then how many more).
    static func all(_ catalogue: VGPUTypeCatalogue, vfs: Int?, policy: VGPUResourcePolicy, existing: [VGPUType] = []) -> [HostableType] {
        catalogue.types.map { t in
            let fill = VGPUCapacityPlanner.fill(t, on: catalogue, vfs: vfs, policy: policy, existing: existing)
            return HostableType(name: t.name, id: t.id, series: t.series, framebufferMiB: t.framebufferMiB, fits: fill.count, limit: fill.limit,
                                framebufferPerVGPUMiB: policy.framebuffer(for: t), channelsPerVGPU: policy.channels(for: t))
        }
    }
}

/// What NVIDIA's host driver offers on a VF (`nvidia/creatable_vgpu_types`) against the catalogue.
public struct CreatableTypesReport: Sendable, Codable, Equatable {
    /// The VF the list was read from.
    public let vf: String
    /// The types in the driver's order.
    public let types: [CreatableType]

    /// One line of `creatable_vgpu_types`: `1153 : NVIDIA L40S-12Q`.
    public struct CreatableType: Sendable, Codable, Equatable {
        public let id: Int
        public let name: String
    }
    /// Where driver and catalogue disagree.
    public let differences: [String]

    /// - Parameter stillCreatable: with vGPUs in use, the catalogue types that still fit beside them
    ///   (the driver offers no others); nil on an empty GPU.
    static func make(vf: PCIAddress, offered: [CreatableVGPUType], catalogue: VGPUTypeCatalogue?, stillCreatable: [String]? = nil) -> CreatableTypesReport {
        var differences: [String] = []
        if let catalogue {
            for o in offered {
                if let t = catalogue.types.first(where: { $0.name == o.name }) {
                    if let id = t.id, id != o.id { differences.append("driver lists \(o.name) as id \(o.id), the catalogue as \(id)") }
                } else {
                    differences.append("driver offers \(o.id) \(o.name), which the \(catalogue.board) catalogue lacks")
                }
            }
            let offeredNames = Set(offered.map(\.name))
            let expected = stillCreatable.map(Set.init)
            for t in catalogue.types where t.id != nil && !offeredNames.contains(t.name) && expected?.contains(t.name) ?? true {
                differences.append("catalogue type \(t.name) (id \(t.id ?? 0)) is not offered by the driver now")
            }
            let unlistedC = catalogue.types.filter { $0.id == nil && !offeredNames.contains($0.name) && expected?.contains($0.name) ?? true }
            if !unlistedC.isEmpty {
                differences.append("\(unlistedC.count) catalogue type(s) without a published id are not offered (\(unlistedC.map(\.profile).joined(separator: ", "))): C-series ships with NVIDIA AI Enterprise's vGPU manager")
            }
        } else {
            differences.append("no catalogue for this board to compare with")
        }
        return CreatableTypesReport(vf: vf.description, types: offered.map { CreatableType(id: Int($0.id), name: $0.name) }, differences: differences)
    }
}

extension HostReport.GPU {
    /// How many more vGPUs of `type` can be made now: what fits, or 0 where NVIDIA's driver, asked on a
    /// free VF (`creatableTypes`), does not offer the type (a C-series type without NVIDIA AI Enterprise's
    /// manager; a size the vGPUs in use rule out). The fleet outputs count this, so a label or a sample
    /// never advertises a type the text says the driver does not offer.
    public func creatable(_ type: HostableType) -> Int {
        guard let offered = creatableTypes?.types else { return type.fits }
        return offered.contains { $0.name == type.name } ? type.fits : 0
    }
}
