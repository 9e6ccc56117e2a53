import VGPUCore

/// Who holds which FB range, channel ids, BAR1 window and VF; free space included, so each list covers
/// its whole span in order.
public struct VGPUAllocationMap: Sendable, Equatable, Codable {
    /// A range and its holder (`nil`: free).
    public struct Block: Sendable, Equatable, Codable {
        public let range: ResourceRange
        /// `vgpu 3 (NVIDIA L40S-12Q)`, `quarantined (device 5)`, or nil when free.
        public let owner: String?
        /// The vGPU's id when a live vGPU holds it.
        public let id: DeviceID?
    }

    /// One VF.
    public struct VFSlot: Sendable, Equatable, Codable {
        public let vf: Int
        public let address: String
        public let owner: String?
        public let id: DeviceID?
    }

    public let framebuffer: [Block]
    public let channels: [Block]
    public let bar1: [Block]
    public let vfs: [VFSlot]
    public let quarantine: [VGPUQuarantine]

    init(_ s: VGPUHostState) {
        let live = s.instances.values.sorted { $0.id < $1.id }
        func label(_ i: VGPUInstance) -> String { "vgpu \(i.id.rawValue) (\(i.type))" }
        func blocks(_ a: RangeAllocator, includeFree: Bool, owner: (Range<UInt64>) -> (String, DeviceID?)) -> [Block] {
            let used = a.allocated.map { r -> Block in
                let (name, id) = owner(r)
                return Block(range: ResourceRange(r), owner: name, id: id)
            }
            let free = includeFree ? a.freeRanges.map { Block(range: ResourceRange($0), owner: nil, id: nil) } : []
            return (used + free).sorted { $0.range.start < $1.range.start }
        }
        func holder(_ match: (VGPUInstance) -> Bool, quarantined: (VGPUQuarantine) -> Bool) -> (String, DeviceID?) {
            if let i = live.first(where: match) { return (label(i), i.id) }
            if let q = s.quarantine.first(where: quarantined) { return ("quarantined (\(q.id))", nil) }
            return ("unaccounted", nil)
        }
        framebuffer = blocks(s.framebuffer, includeFree: true) { r in
            holder({ $0.framebuffer.range == r }, quarantined: { $0.framebuffer?.range == r })
        }
        channels = blocks(s.channels, includeFree: true) { r in
            holder({ $0.channels.range == r }, quarantined: { $0.channels?.range == r })
        }
        bar1 = blocks(s.bar1, includeFree: false) { r in holder({ $0.bar1.range == r }, quarantined: { _ in false }) }
        vfs = (0..<s.enabledVFs).map { n in
            let vf = n + 1
            let address = s.configuration.vfAddress(vf)?.description ?? "?"
            if let i = live.first(where: { $0.vf == vf }) { return VFSlot(vf: vf, address: address, owner: label(i), id: i.id) }
            if let q = s.quarantine.first(where: { $0.vf == vf }) { return VFSlot(vf: vf, address: address, owner: "quarantined (\(q.id))", id: nil) }
            return VFSlot(vf: vf, address: address, owner: s.usedVFs.contains(vf) ? "unaccounted" : nil, id: nil)
        }
        quarantine = s.quarantine
    }
}
