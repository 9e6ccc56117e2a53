/// How vGPU resources are budgeted (GSP-FACTS section 8).
public struct VGPUResourcePolicy: Sendable, Equatable, Codable {
    /// Channel ids of the GPU, and those the host keeps when vGPU is on.
    public var totalChannels = 2048, hostChannels = 512
    /// Guest FB allocations are aligned to the VMMU segment (32, 64, 128, 256 or 512 MiB).
    public var vmmuSegmentMiB = 256
    /// NVIDIA's default (equal-size) mode: every vGPU on a GPU has the same framebuffer size.
    public var equalSizeOnly = true

    public init(vmmuSegmentMiB: Int = 256, equalSizeOnly: Bool = true) {
        self.vmmuSegmentMiB = vmmuSegmentMiB
        self.equalSizeOnly = equalSizeOnly
    }

    /// Channels the vGPUs share.
    public var vgpuChannels: Int { totalChannels - hostChannels }

    /// Channels one vGPU of `type` gets: the previous power of two of available / max instances.
    public func channels(for type: VGPUType) -> Int {
        let share = vgpuChannels / max(type.maxInstances, 1)
        guard share > 0 else { return 0 }
        return 1 << (Int.bitWidth - 1 - share.leadingZeroBitCount)
    }

    /// The FB a vGPU of `type` takes: its profile size, or more when the catalogue's guest FB +
    /// reservation + GSP heap exceed it (NVIDIA's 1 GiB types: 1024 + 0 + 32), aligned up to the
    /// VMMU segment. NVIDIA's published per-GPU maxima equal board FB / profile size, so the profile,
    /// not the guest FB alone, is the unit that is allocated and aligned.
    public func framebuffer(for type: VGPUType) -> Int {
        let parts = (type.guestFramebufferMiB ?? 0) + (type.fbReservationMiB ?? 0) + (type.gspHeapMiB ?? 0)
        let size = max(type.framebufferMiB, type.guestFramebufferMiB == nil ? 0 : parts)
        return (size + vmmuSegmentMiB - 1) / vmmuSegmentMiB * vmmuSegmentMiB
    }
}

/// What fits on one board, for a sequence of vGPUs to place.
public struct VGPUCapacityPlan: Sendable, Equatable, Codable {
    /// Each requested vGPU, in order, and whether it was placed.
    public struct Placement: Sendable, Equatable, Codable {
        public let type: String
        public let placed: Bool
        /// Why not, when not placed.
        public let reason: String?
    }

    public let board: String
    public let policy: VGPUResourcePolicy
    /// The vGPUs already on the GPU (type names), counted before the requested ones.
    public let existing: [String]
    public let placements: [Placement]
    /// Totals of what was placed.
    public let vfsUsed: Int, framebufferUsedMiB: Int, channelsUsed: Int
    /// What is left; `vfsFree` is nil when the VF count is unknown.
    public let vfsFree: Int?, framebufferFreeMiB: Int, channelsFree: Int

    /// How many were placed.
    public var placedCount: Int { placements.filter(\.placed).count }
}

/// Places vGPUs on a board and says why the next one does not fit.
public enum VGPUCapacityPlanner {
    /// What has been placed so far on one board, and the rule for the next vGPU.
    struct Budget {
        let catalogue: VGPUTypeCatalogue
        let policy: VGPUResourcePolicy
        /// VFs available; `Int.max` when nothing says.
        let vfLimit: Int
        var usedVFs = 0, usedFB = 0, usedChannels = 0
        /// The framebuffer size of the vGPUs placed (equal-size mode allows one).
        var size: Int?

        init(catalogue: VGPUTypeCatalogue, policy: VGPUResourcePolicy, vfs: Int?) {
            self.catalogue = catalogue
            self.policy = policy
            // With no VF count from the GPU or the catalogue, VFs do not limit (the type maxima still do).
            vfLimit = min(vfs ?? Int.max, catalogue.maxVFs ?? Int.max)
        }

        /// Why one more `type` does not fit, given `placed` of that type already; nil when it does.
        func refusal(_ type: VGPUType, placed: Int, framebuffer fb: Int, channels ch: Int) -> String? {
            if placed + 1 > type.maxInstances { "\(type.name) allows at most \(type.maxInstances) per GPU" }
            else if policy.equalSizeOnly, let s = size, s != type.framebufferMiB { "equal-size mode: the GPU already hosts \(s) MiB vGPUs, \(type.name) is \(type.framebufferMiB) MiB" }
            else if usedVFs + 1 > vfLimit { "no free VF (\(vfLimit) VF(s))" }
            else if usedFB + fb > catalogue.framebufferMiB { "framebuffer: \(fb) MiB needed (VMMU-aligned), \(catalogue.framebufferMiB - usedFB) MiB free" }
            else if ch == 0 || usedChannels + ch > policy.vgpuChannels { "channels: \(ch) needed, \(policy.vgpuChannels - usedChannels) of \(policy.vgpuChannels) free" }
            else { nil }
        }

        /// Accounts for the vGPUs already on the GPU, whatever the rules would say of them now (they
        /// exist), and returns how many of each type there are.
        mutating func takeExisting(_ existing: [VGPUType]) -> [String: Int] {
            var counts: [String: Int] = [:]
            for type in existing {
                take(type, framebuffer: policy.framebuffer(for: type), channels: policy.channels(for: type))
                counts[type.name, default: 0] += 1
            }
            return counts
        }

        /// Accounts for one more vGPU of `type`.
        mutating func take(_ type: VGPUType, framebuffer fb: Int, channels ch: Int) {
            usedVFs += 1
            usedFB += fb
            usedChannels += ch
            size = size ?? type.framebufferMiB
        }
    }

    /// Places `requested` (type names, in order) on `catalogue`'s board with `vfs` VFs available, after
    /// the vGPUs `existing` already on it.
    public static func place(_ requested: [VGPUType], on catalogue: VGPUTypeCatalogue, vfs: Int? = nil,
                             policy: VGPUResourcePolicy = VGPUResourcePolicy(), existing: [VGPUType] = []) -> VGPUCapacityPlan
    {
        var budget = Budget(catalogue: catalogue, policy: policy, vfs: vfs)
        var counts = budget.takeExisting(existing)
        var placements: [VGPUCapacityPlan.Placement] = []
        for type in requested {
            let fb = policy.framebuffer(for: type), ch = policy.channels(for: type)
            let reason = budget.refusal(type, placed: counts[type.name, default: 0], framebuffer: fb, channels: ch)
            if reason == nil {
                budget.take(type, framebuffer: fb, channels: ch)
                counts[type.name, default: 0] += 1
            }
            placements.append(.init(type: type.name, placed: reason == nil, reason: reason))
        }
        let (vfLimit, usedVFs, usedFB, usedChannels) = (budget.vfLimit, budget.usedVFs, budget.usedFB, budget.usedChannels)
        return VGPUCapacityPlan(board: catalogue.board, policy: policy, existing: existing.map(\.name), placements: placements, vfsUsed: usedVFs, framebufferUsedMiB: usedFB,
                                channelsUsed: usedChannels, vfsFree: vfLimit == Int.max ? nil : vfLimit - usedVFs, framebufferFreeMiB: catalogue.framebufferMiB - usedFB,
                                channelsFree: policy.vgpuChannels - usedChannels)
    }

    /// How many more vGPUs of `type` fit beside `existing` (alone on an empty GPU), and why one more
    /// does not. The same rule as `place` with `maxInstances + 1` of the type, counted without building
    /// a plan (the probe asks this for every type of every GPU).
    public static func fill(_ type: VGPUType, on catalogue: VGPUTypeCatalogue, vfs: Int? = nil,
                            policy: VGPUResourcePolicy = VGPUResourcePolicy(), existing: [VGPUType] = []) -> (count: Int, limit: String)
    {
        var budget = Budget(catalogue: catalogue, policy: policy, vfs: vfs)
        let already = budget.takeExisting(existing)[type.name, default: 0]
        let fb = policy.framebuffer(for: type), ch = policy.channels(for: type)
        var count = 0
        // Ends by the type's maximum at the latest: every placement counts towards it.
        while true {
            if let reason = budget.refusal(type, placed: already + count, framebuffer: fb, channels: ch) { return (count, reason) }
            budget.take(type, framebuffer: fb, channels: ch)
            count += 1
        }
    }
}
