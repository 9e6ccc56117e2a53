import VGPUCore

/// Who holds which FB range, channel ids, BAR1 window and VF; free space included, so each list covers
/// its whole span in order.
public struct VGPUAllocationMap: Sendable, Equatable, Codable {
    /// A range and its holder (`nil`: free).
    public struct Block: Sendable, Equatable, Codable {
        public let range: ResourceRange
        /// `device 3 (NVIDIA L40S-12Q)`, `quarantined (device 5)`, or nil when free.
        public let owner: String?
        /// The vGPU's id when a live vGPU holds it.
        public let id: DeviceID?
        /// The vGPU whose resources these were, when they are quarantined (GSP-RM did not confirm its
        /// teardown): a renderer names it without reading `owner`.
        public let quarantined: DeviceID?
    }

    /// One VF.
    public struct VFSlot: Sendable, Equatable, Codable {
        public let vf: Int
        public let address: String
        public let owner: String?
        public let id: DeviceID?
        /// As `Block.quarantined`.
        public let quarantined: DeviceID?
    }

    public let framebuffer: [Block]
    public let channels: [Block]
    public let bar1: [Block]
    public let vfs: [VFSlot]
    public let quarantine: [VGPUQuarantine]

    init(_ s: VGPUHostState) {
        let live = s.instances.values.sorted { $0.id < $1.id }
        // Device ids, as the quarantine names them; a plan's numbers (#n) are the renderer's to add.
        func label(_ i: VGPUInstance) -> String { "\(i.id) (\(i.type))" }
        func blocks(_ a: RangeAllocator, includeFree: Bool, owner: (Range<UInt64>) -> (String, DeviceID?, DeviceID?)) -> [Block] {
            let used = a.allocated.map { r -> Block in
                let (name, id, quarantined) = owner(r)
                return Block(range: ResourceRange(r), owner: name, id: id, quarantined: quarantined)
            }
            let free = includeFree ? a.freeRanges.map { Block(range: ResourceRange($0), owner: nil, id: nil, quarantined: nil) } : []
            return (used + free).sorted { $0.range.start < $1.range.start }
        }
        func holder(_ match: (VGPUInstance) -> Bool, quarantined: (VGPUQuarantine) -> Bool) -> (String, DeviceID?, DeviceID?) {
            if let i = live.first(where: match) { return (label(i), i.id, nil) }
            if let q = s.quarantine.first(where: quarantined) { return ("quarantined (\(q.id))", nil, q.id) }
            return ("unaccounted", nil, nil)
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
            if let i = live.first(where: { $0.vf == vf }) { return VFSlot(vf: vf, address: address, owner: label(i), id: i.id, quarantined: nil) }
            if let q = s.quarantine.first(where: { $0.vf == vf }) {
                return VFSlot(vf: vf, address: address, owner: "quarantined (\(q.id))", id: nil, quarantined: q.id)
            }
            return VFSlot(vf: vf, address: address, owner: s.usedVFs.contains(vf) ? "unaccounted" : nil, id: nil, quarantined: nil)
        }
        quarantine = s.quarantine
    }
}
