/// The numbers that size the GSP-RM heap for one chip family at one firmware release.
///
/// The formula is the core's (`GSPHeap.plan`); these numbers are each module's, keyed by
/// (chip family, release), never tested for in the core.
public struct GSPHeapParameters: Sendable, Equatable, Codable {
    /// Which LibOS the firmware runs (`LIBOS2`, `LIBOS3`), for display.
    public var libos: String
    /// OS carve-out.
    public var osCarveout: UInt64
    /// Base RM allocation.
    public var baseRM: UInt64
    /// Per started GiB of framebuffer.
    public var perGiBOfFramebuffer: UInt64 = 96 * Sizes.KiB
    /// Client allocations: 48 KiB x 2048 channels.
    public var clientAllocation: UInt64 = 96 * Sizes.MiB
    /// Bare-metal clamp.
    public var minimum: UInt64, maximum: UInt64
    /// vGPU mode: the fixed default and the range an override may take.
    public var vgpuDefault: UInt64
    /// Allowed override range in vGPU mode (a single value where no range is published).
    public var vgpuOverrideRange: ClosedRange<UInt64>
    /// GspFwWprMeta.gspFwHeapVfPartitionCount in vGPU mode.
    public var vgpuPartitionCount: UInt8
    /// A heap above this needs the scrubber ucode run before booter_load.
    public var scrubberThreshold: UInt64 = 256 * Sizes.MiB

    /// Parameters from their parts.
    public init(libos: String, osCarveout: UInt64, baseRM: UInt64, minimum: UInt64, maximum: UInt64,
                vgpuDefault: UInt64, vgpuOverrideRange: ClosedRange<UInt64>, vgpuPartitionCount: UInt8) {
        self.libos = libos
        self.osCarveout = osCarveout
        self.baseRM = baseRM
        self.minimum = minimum
        self.maximum = maximum
        self.vgpuDefault = vgpuDefault
        self.vgpuOverrideRange = vgpuOverrideRange
        self.vgpuPartitionCount = vgpuPartitionCount
    }
}

/// A module that knows how to size the GSP heap for its chips.
public protocol GSPHeapSizing: Sendable {
    /// The heap parameters for `chip` at `release`, or nil when the module has none for that release.
    func heapParameters(for chip: Chip, release: FirmwareRelease) -> GSPHeapParameters?
}

/// Bare metal or vGPU.
public enum GSPHeapMode: Sendable, Equatable, Codable {
    /// No vGPU: the heap follows the framebuffer size.
    case bareMetal
    /// vGPU host: the fixed default, or an override inside the allowed range.
    case vgpu(override: UInt64?)
}

/// The sized heap and how it was reached.
public struct GSPHeapPlan: Sendable, Equatable, Codable {
    /// The heap size.
    public let size: UInt64
    /// GspFwWprMeta.gspFwHeapVfPartitionCount.
    public let vfPartitionCount: UInt8
    /// True when the scrubber must run before booter_load.
    public let requiresScrubber: Bool
    /// The formula's terms, in order, for display (`os carveout 20 MiB`, ...).
    public let terms: [String]
}

/// Why a heap cannot be sized.
public enum GSPHeapError: Error, Equatable, CustomStringConvertible {
    /// A vGPU override outside the release's allowed range.
    case overrideOutOfRange(requested: UInt64, allowed: ClosedRange<UInt64>)
    /// The framebuffer size is zero or absurd.
    case invalidFramebuffer(UInt64)

    public var description: String {
        switch self {
        case .overrideOutOfRange(let r, let a):
            "vGPU heap override \(Sizes.describe(r)) is outside the allowed \(Sizes.describe(a.lowerBound))...\(Sizes.describe(a.upperBound))"
        case .invalidFramebuffer(let fb): "framebuffer size \(fb) bytes is not usable"
        }
    }
}

/// The heap formula (GSP-FACTS section 3).
public enum GSPHeap {
    /// Sizes the heap for `framebuffer` bytes of VRAM.
    public static func plan(framebuffer: UInt64, mode: GSPHeapMode, parameters p: GSPHeapParameters) throws(GSPHeapError) -> GSPHeapPlan {
        guard framebuffer >= Sizes.MiB, framebuffer <= 1 << 46 else { throw .invalidFramebuffer(framebuffer) }
        switch mode {
        case .vgpu(let override):
            let size = override ?? p.vgpuDefault
            guard p.vgpuOverrideRange.contains(size) else { throw .overrideOutOfRange(requested: size, allowed: p.vgpuOverrideRange) }
            return GSPHeapPlan(size: size, vfPartitionCount: p.vgpuPartitionCount, requiresScrubber: size > p.scrubberThreshold,
                               terms: [override == nil ? "vGPU default \(Sizes.describe(size))" : "vGPU override \(Sizes.describe(size))"])
        case .bareMetal:
            let gib = (framebuffer + Sizes.GiB - 1) / Sizes.GiB
            let fbTerm = Sizes.alignUp(p.perGiBOfFramebuffer * gib, Sizes.MiB) ?? 0
            let client = Sizes.alignUp(p.clientAllocation, Sizes.MiB) ?? 0
            let raw = p.osCarveout + p.baseRM + fbTerm + client
            let size = min(max(raw, p.minimum), p.maximum)
            var terms = ["os carveout \(Sizes.describe(p.osCarveout))", "base RM \(Sizes.describe(p.baseRM))",
                         "96 KiB x \(gib) GiB of FB -> \(Sizes.describe(fbTerm))", "client allocation \(Sizes.describe(client))",
                         "sum \(Sizes.describe(raw))"]
            if size != raw { terms.append("clamped to \(Sizes.describe(size)) (\(p.libos) range \(Sizes.describe(p.minimum))...\(Sizes.describe(p.maximum)))") }
            return GSPHeapPlan(size: size, vfPartitionCount: 0, requiresScrubber: size > p.scrubberThreshold, terms: terms)
        }
    }
}
