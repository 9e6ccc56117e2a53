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
    /// The registry-override range in bare metal (`kgspGetMinWprHeapSizeMB`/`...MaxWprHeapSizeMB`). NVIDIA
    /// clamps the formula below to `minimum` only (which the formula's terms always exceed); `maximum`
    /// applies to an override (`NV_REG_STR_GSP_FIRMWARE_HEAP_SIZE_MB`), never to the formula
    /// (535 `kernel_gsp.c:3740-3745` and `3788-3816`; docs/boot-planning.md).
    public var minimum: UInt64, maximum: UInt64
    /// vGPU mode: the fixed default, used as it is (returned before any clamp, 535 `kernel_gsp.c:3713-3715`).
    public var vgpuDefault: UInt64
    /// The range an override may take in vGPU mode (LIBOS2 chips: the bare-metal 64...256 MiB, which
    /// NVIDIA does not widen for vGPU).
    public var vgpuOverrideRange: ClosedRange<UInt64>
    /// GspFwWprMeta.gspFwHeapVfPartitionCount in vGPU mode (`MAX_PARTITIONS_WITH_GFID`).
    public var vgpuPartitionCount: UInt8
    /// The top of the framebuffer the firmware finds already scrubbed (`kgspGetPrescrubbedTopFbSize`):
    /// 256 MiB on TU10x, GA102-GA107 and AD10x; nil (no limit) on GA100 and GH100 and later.
    public var prescrubbedSize: UInt64? = 256 * Sizes.MiB
    /// Whether the chip has scrubber ucode (`bScrubberUcodeSupported`): AD10x only, at every release.
    public var hasScrubberUcode = false
    /// The FRTS region NVIDIA's driver reserves (`kgspGetFrtsSize`): 1 MiB; 0 on GA100, which runs no
    /// FWSEC-FRTS.
    public var frtsSize: UInt64 = Sizes.MiB
    /// From 570 the pre-scrub limit on the heap also subtracts what lies below the heap (the meta's MiB
    /// and the non-WPR heap; 570 `kernel_gsp.c:5099-5105`), not only what lies above it.
    public var prescrubLimitCountsAnterior = false

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
    /// The heap parameters for `chip` at `release` on `board`, where a release sizes some boards apart
    /// (default: the chip's, whatever the board).
    func heapParameters(for chip: Chip, release: FirmwareRelease, board: PCIBoardID?) -> GSPHeapParameters?
}

extension GSPHeapSizing {
    /// The chip's parameters: most releases size the heap per chip, never per board.
    public func heapParameters(for chip: Chip, release: FirmwareRelease, board: PCIBoardID?) -> GSPHeapParameters? {
        heapParameters(for: chip, release: release)
    }
}

/// Bare metal or vGPU.
public enum GSPHeapMode: Sendable, Equatable, Codable {
    /// No vGPU: the heap follows the framebuffer size.
    case bareMetal
    /// vGPU host: the fixed default, or an override inside the allowed range.
    case vgpu(override: UInt64?)

    private enum CodingKeys: String, CodingKey { case vgpu, heapOverride }

    /// Decodes `{"vgpu": Bool, "heapOverride"?: bytes}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self = try c.decode(Bool.self, forKey: .vgpu) ? .vgpu(override: try c.decodeIfPresent(UInt64.self, forKey: .heapOverride)) : .bareMetal
    }

    /// Encodes `{"vgpu": false}` or `{"vgpu": true, "heapOverride"?: bytes}`: two values, where the
    /// synthesized form was `{"bareMetal": {}}` or `{"vgpu": {}}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .bareMetal: try c.encode(false, forKey: .vgpu)
        case .vgpu(let override):
            try c.encode(true, forKey: .vgpu)
            try c.encodeIfPresent(override, forKey: .heapOverride)
        }
    }
}

/// The sized heap and how it was reached.
public struct GSPHeapPlan: Sendable, Equatable, Codable {
    /// The heap size.
    public let size: UInt64
    /// GspFwWprMeta.gspFwHeapVfPartitionCount.
    public let vfPartitionCount: UInt8
    /// True when the scrubber must run before booter_load: `fbSize - gspFwRsvdStart` exceeds the
    /// pre-scrubbed size (known once the layout is; set by the boot planner).
    public var requiresScrubber: Bool
    /// Where the scrubber that must run comes from, set with `requiresScrubber` when the driver runs it:
    /// built into NVIDIA's driver, with the file linux-firmware ships it as
    /// (`nvidia/ad102/gsp/scrubber-570.144.bin`). Nil when none runs or the driver cannot run it.
    public var scrubber: String?
    /// The formula's terms, in order, for display (`os carveout 20 MiB`, ...).
    public let terms: [String]
}

/// Why a heap cannot be sized.
public enum GSPHeapError: Error, Equatable, CustomStringConvertible {
    /// A vGPU override outside the release's allowed range.
    case overrideOutOfRange(requested: UInt64, allowed: ClosedRange<UInt64>)
    /// A vGPU override that is not a whole number of MiB: NVIDIA's registry key is in MB.
    case overrideNotWholeMiB(UInt64)
    /// The framebuffer size is zero or absurd.
    case invalidFramebuffer(UInt64)

    public var description: String {
        switch self {
        case .overrideOutOfRange(let r, let a):
            "vGPU heap override \(Sizes.describe(r)) is outside the allowed \(Sizes.describe(a.lowerBound))...\(Sizes.describe(a.upperBound))"
        case .invalidFramebuffer(let fb): "framebuffer size \(fb) bytes is not usable"
        case .overrideNotWholeMiB(let r):
            "vGPU heap override \(r) bytes is not a whole number of MiB (NVIDIA's override, NV_REG_STR_GSP_FIRMWARE_HEAP_SIZE_MB, is in MB)"
        }
    }
}

/// The heap formula (NVIDIA `_kgspCalculateFwHeapSize` and `kgspGetFwHeapSize`; docs/boot-planning.md).
public enum GSPHeap {
    /// Sizes the heap for `framebuffer` bytes of VRAM.
    ///
    /// - Parameter scrubbedLimit: on a chip without scrubber ucode whose pre-scrubbed area is finite,
    ///   the largest heap that fits in it (`maxScrubbedHeapSizeMB`, whole MiB); nil otherwise.
    public static func plan(framebuffer: UInt64, mode: GSPHeapMode, parameters p: GSPHeapParameters,
                            scrubbedLimit: UInt64? = nil) throws(GSPHeapError) -> GSPHeapPlan {
        guard framebuffer >= Sizes.MiB, framebuffer <= 1 << 46 else { throw .invalidFramebuffer(framebuffer) }
        switch mode {
        case .vgpu(let override):
            // The default is returned before any clamp; an override must lie in the release's range.
            if let override, override % Sizes.MiB != 0 { throw .overrideNotWholeMiB(override) }
            if let override, !p.vgpuOverrideRange.contains(override) {
                throw .overrideOutOfRange(requested: override, allowed: p.vgpuOverrideRange)
            }
            let size = override ?? p.vgpuDefault
            return GSPHeapPlan(size: size, vfPartitionCount: p.vgpuPartitionCount, requiresScrubber: false, scrubber: nil,
                               terms: [override == nil ? "vGPU default \(Sizes.describe(size))" : "vGPU override \(Sizes.describe(size))"])
        case .bareMetal:
            let gib = (framebuffer + Sizes.GiB - 1) / Sizes.GiB
            let fbTerm = Sizes.alignUp(p.perGiBOfFramebuffer * gib, Sizes.MiB) ?? 0
            let client = Sizes.alignUp(p.clientAllocation, Sizes.MiB) ?? 0
            let raw = p.osCarveout + p.baseRM + fbTerm + client
            var size = max(raw, p.minimum)
            var terms = ["os carveout \(Sizes.describe(p.osCarveout))", "base RM \(Sizes.describe(p.baseRM))",
                         "96 KiB x \(gib) GiB of FB -> \(Sizes.describe(fbTerm))", "client allocation \(Sizes.describe(client))",
                         "sum \(Sizes.describe(raw))"]
            if size != raw { terms.append("raised to the \(p.libos) minimum \(Sizes.describe(p.minimum))") }
            if let limit = scrubbedLimit, size > limit {
                size = limit
                terms.append("limited to \(Sizes.describe(limit)) to stay in the pre-scrubbed top of FB (no scrubber ucode)")
            }
            return GSPHeapPlan(size: size, vfPartitionCount: 0, requiresScrubber: false, scrubber: nil, terms: terms)
        }
    }
}
