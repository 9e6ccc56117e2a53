/// A region of the framebuffer: `[start, start + size)`.
public struct FBRegion: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Which region.
    public let name: Name
    /// First byte.
    public let start: UInt64
    /// Length.
    public let size: UInt64
    /// One past the last byte.
    public var end: UInt64 { start + size }

    /// `heap 0xbf5800000-0xbfd900000 (129 MiB)`.
    public var description: String {
        "\(name) \(hex: start)-\(hex: end) (\(Sizes.describe(size)))"
    }

    /// The regions of a GSP framebuffer layout, top down. The raw values are the names every output
    /// (text, JSON, pictures, errors) uses.
    public enum Name: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
        /// The VBIOS's VGA workspace, at the top of VRAM.
        case vgaWorkspace = "vga-workspace"
        /// The PMU's reservation above FRTS (FSP path, GB10x and GB20x).
        case pmuReserved = "pmu-reserved"
        /// FRTS: carved by FWSEC-FRTS (booter path) or placed by the FSP (FSP path).
        case frts
        /// The RISC-V bootloader payload (booter path).
        case bootloader
        /// The bootloader file's GspRmBoot image (FSP path).
        case bootBinary = "boot-binary"
        /// The GSP-RM image (`.fwimage`).
        case gspImage = "gsp-image"
        /// The GSP-RM heap.
        case heap
        /// The whole WPR2.
        case wpr2
        /// GspFwWprMeta: WPR2's first 256 bytes.
        case meta
        /// The non-WPR heap, just below WPR2.
        case nonWPRHeap = "non-wpr-heap"

        /// The name as outputs write it.
        public var description: String { rawValue }
    }
}

/// What the WPR2 layout is computed from; every size comes from the real firmware or the device.
public struct WPR2LayoutInput: Sendable, Equatable, Codable {
    /// VRAM size.
    public var framebufferSize: UInt64
    /// `NV_PDISP_VGA_WORKSPACE_BASE` (0x625f04), when the GPU has a display engine and it was read.
    public var vgaWorkspaceRegister: UInt32?
    /// Bootloader payload size (the bootloader bin's data_size).
    public var bootloaderSize: UInt64
    /// `.fwimage` size.
    public var imageSize: UInt64
    /// GSP heap size (from `GSPHeap.plan`).
    public var heapSize: UInt64
    /// Non-WPR heap below WPR2 (1 MiB; 2 MiB on GH100).
    public var nonWPRHeapSize: UInt64 = Sizes.MiB
    /// FRTS, ending at the WPR2 end: 1 MiB, or 0 where the driver reserves none (NVIDIA on GA100).
    public var frtsSize: UInt64 = Sizes.MiB
    /// The PMU's reservation above FRTS on the FSP path (Blackwell; 0 elsewhere).
    public var pmuReservation: UInt64 = 0

    /// An input from its parts.
    public init(framebufferSize: UInt64, vgaWorkspaceRegister: UInt32? = nil, bootloaderSize: UInt64, imageSize: UInt64,
                heapSize: UInt64, nonWPRHeapSize: UInt64 = Sizes.MiB, frtsSize: UInt64 = Sizes.MiB) {
        self.framebufferSize = framebufferSize
        self.vgaWorkspaceRegister = vgaWorkspaceRegister
        self.bootloaderSize = bootloaderSize
        self.imageSize = imageSize
        self.heapSize = heapSize
        self.nonWPRHeapSize = nonWPRHeapSize
        self.frtsSize = frtsSize
    }
}

/// Why a layout cannot be made.
public enum WPR2LayoutError: Error, Equatable, CustomStringConvertible {
    /// The framebuffer cannot hold the regions; `needed` is what the layout takes from the top.
    case framebufferTooSmall(framebuffer: UInt64, needed: UInt64)
    /// A computed region broke an alignment or overlap rule (a defect; reported, never trapped).
    case inconsistent(String)
    /// On the FSP path FRTS lies a fixed distance below the end of FB, so the size must keep it aligned.
    case unalignedFramebuffer(UInt64)

    public var description: String {
        switch self {
        case .framebufferTooSmall(let fb, let needed):
            "a framebuffer of \(Sizes.describe(fb)) is too small: the GSP layout needs at least \(Sizes.describe(needed)) below its top"
        case .inconsistent(let why): "layout rule broken: \(why)"
        case .unalignedFramebuffer(let fb): "a framebuffer of \(fb) bytes is not a whole number of 128 KiB blocks: the FSP path places FRTS a fixed distance below its end"
        }
    }
}

/// The framebuffer layout the booter path (Turing, Ampere, Ada) uses, computed from the top of VRAM
/// downwards as NVIDIA's `kgspCalculateFbLayout_TU102` does (nouveau and nova-core agree but for FRTS
/// on GA100, see `GSPDriver`).
public struct WPR2Layout: Sendable, Equatable, Codable {
    /// VRAM size.
    public let framebufferSize: UInt64
    /// VGA workspace (VBIOS), at the top.
    public let vgaWorkspace: FBRegion
    /// FWSEC-FRTS region ending at the WPR2 end: 1 MiB, or empty where the driver reserves none.
    public let frts: FBRegion
    /// The RISC-V bootloader payload.
    public let bootloader: FBRegion
    /// The GSP-RM image (`.fwimage`).
    public let gspImage: FBRegion
    /// The GSP-RM heap.
    public let heap: FBRegion
    /// The whole WPR2: from its start (where the 256-byte GspFwWprMeta lives) to its end.
    public let wpr2: FBRegion
    /// Non-WPR heap, just below WPR2.
    public let nonWPRHeap: FBRegion
    /// The FSP path's own terms (Hopper, Blackwell); nil on the booter path.
    public let fsp: FSPTerms?

    /// Regions from the bottom up.
    public var regions: [FBRegion] {
        // GH100's PMU reserves nothing: no empty row.
        [nonWPRHeap, wpr2, heap, gspImage, bootloader, frts] + (fsp.map { $0.pmuReservation.size > 0 ? [$0.pmuReservation] : [] } ?? []) + [vgaWorkspace]
    }

    /// What the FSP path places differently: FRTS sits above WPR2, at a distance from the end of FB that
    /// the chain-of-trust message carries, with the PMU's reservation above it on Blackwell.
    public struct FSPTerms: Sendable, Equatable, Codable {
        /// From the end of FB to the top of FRTS (`NVDM_PAYLOAD_COT.frtsVidmemOffset`).
        public let frtsVidmemOffset: UInt64
        /// The PMU's reservation, from the top of FRTS up (GB10x, GB20x; empty on GH100).
        public let pmuReservation: FBRegion
    }

    /// The regions above the heap, which do not depend on it: NVIDIA's `kgspCalculateFbLayout_TU102`
    /// sizes the heap only once it knows where the GSP image starts (the part of FB above it counts
    /// against the pre-scrubbed area).
    public struct Top: Sendable, Equatable {
        public let vgaWorkspace: FBRegion, frts: FBRegion, bootloader: FBRegion, gspImage: FBRegion
        /// The WPR2 end (128 KiB aligned below the VGA workspace).
        public let wprEnd: UInt64
    }

    /// Computes the regions from the top of VRAM down to the GSP image (`heapSize` is not used).
    public static func top(_ input: WPR2LayoutInput) throws(WPR2LayoutError) -> Top {
        let fb = input.framebufferSize
        let praminTop = Sizes.MiB   // NV_PRAMIN window: VBIOS keeps the top 1 MiB
        let vbiosWorkspace = 128 * Sizes.KiB
        guard fb > praminTop else { throw .framebufferTooSmall(framebuffer: fb, needed: praminTop) }
        // NVIDIA 535 kernel_gsp_tu102.c:535-549: when the display's workspace register is valid (bit 3),
        // its address (bits 31:8 << 8) if it lies in the top 1 MiB, else fb - 128 KiB; no display (or
        // the valid bit clear): fb - 1 MiB.
        var vgaStart = fb - praminTop
        if let reg = input.vgaWorkspaceRegister, reg & 0x8 != 0 {
            let address = UInt64(reg & 0xffff_ff00) << 8
            // An address at or past the end of VRAM cannot be right; treat it like one too low.
            vgaStart = address < fb - praminTop || address >= fb ? fb - vbiosWorkspace : address
        }
        let descent = Descent(framebuffer: fb, needed: Self.needed(input))
        let wprEnd = Sizes.alignDown(vgaStart, 128 * Sizes.KiB)
        let frtsStart = try descent.start(below: wprEnd, size: input.frtsSize, align: 1)
        let bootStart = try descent.start(below: frtsStart, size: input.bootloaderSize, align: 4 * Sizes.KiB)
        let imageStart = try descent.start(below: bootStart, size: input.imageSize, align: 64 * Sizes.KiB)
        return Top(vgaWorkspace: FBRegion(name: .vgaWorkspace, start: vgaStart, size: fb - vgaStart),
                   frts: FBRegion(name: .frts, start: frtsStart, size: input.frtsSize),
                   bootloader: FBRegion(name: .bootloader, start: bootStart, size: input.bootloaderSize),
                   gspImage: FBRegion(name: .gspImage, start: imageStart, size: input.imageSize), wprEnd: wprEnd)
    }

    /// What the layout takes below the top of VRAM, for the too-small error: the PRAMIN MiB, FRTS, the
    /// bootloader, the image, the heap, the meta's MiB and the non-WPR heap.
    static func needed(_ input: WPR2LayoutInput) -> UInt64 {
        [Sizes.MiB, input.frtsSize, input.bootloaderSize, input.imageSize, input.heapSize, Sizes.MiB, input.nonWPRHeapSize]
            .reduce(0) { $0.addingReportingOverflow($1).overflow ? .max : $0 + $1 }
    }

    /// What the FSP path takes below the top of VRAM: the booter path's needs, plus the distance of
    /// FRTS from the end of FB (saturating, for the too-small error).
    static func needed(_ input: WPR2LayoutInput, frtsVidmemOffset offset: UInt64) -> UInt64 {
        let (sum, overflow) = needed(input).addingReportingOverflow(offset)
        return overflow ? .max : sum
    }

    /// Places regions downwards from a top; a region that would pass zero means the framebuffer is too
    /// small for the whole layout, whose size the error reports.
    struct Descent {
        /// VRAM size, for the error.
        let framebuffer: UInt64
        /// What the whole layout takes, for the error.
        let needed: UInt64

        /// The start of `size` bytes placed just under `top`, aligned down to `align`.
        func start(below top: UInt64, size: UInt64, align: UInt64) throws(WPR2LayoutError) -> UInt64 {
            guard top >= size else { throw .framebufferTooSmall(framebuffer: framebuffer, needed: needed) }
            return Sizes.alignDown(top - size, align)
        }
    }

    /// Computes the booter path's layout.
    public init(_ input: WPR2LayoutInput) throws(WPR2LayoutError) {
        try self.init(input, top: Self.top(input), fsp: nil, needed: Self.needed(input))
    }

    /// The layout from the regions above the heap, on either path: below the GSP image, the heap, then
    /// GspFwWprMeta's MiB (where WPR2 begins), then the non-WPR heap at its chip's size.
    private init(_ input: WPR2LayoutInput, top: Top, fsp: FSPTerms?, needed: UInt64) throws(WPR2LayoutError) {
        let descent = Descent(framebuffer: input.framebufferSize, needed: needed)
        framebufferSize = input.framebufferSize
        (vgaWorkspace, frts, bootloader, gspImage) = (top.vgaWorkspace, top.frts, top.bootloader, top.gspImage)
        let heapStart = try descent.start(below: top.gspImage.start, size: input.heapSize, align: Sizes.MiB)
        heap = FBRegion(name: .heap, start: heapStart, size: Sizes.alignDown(top.gspImage.start - heapStart, Sizes.MiB))
        let wprStart = try descent.start(below: heapStart, size: 256, align: Sizes.MiB)
        wpr2 = FBRegion(name: .wpr2, start: wprStart, size: top.wprEnd - wprStart)
        // 535 aligns the non-WPR heap's start down to 1 MiB; its size is a whole MiB on every chip.
        let nonWPRStart = try descent.start(below: wprStart, size: input.nonWPRHeapSize, align: Sizes.MiB)
        nonWPRHeap = FBRegion(name: .nonWPRHeap, start: nonWPRStart, size: input.nonWPRHeapSize)
        self.fsp = fsp
        try check()
    }

    /// What the FSP path reserves at the end of FB besides the firmware: the driver's estimate of the
    /// end-of-FB reservation (`memmgrGetFBEndReserveSizeEstimate`), the FSP's own extra reservation and
    /// the PMU's, and the VGA workspace size it reports.
    public struct FSPReservations: Sendable, Equatable {
        public let fbEndReserve: UInt64, fspExtra: UInt64, pmu: UInt64, vgaWorkspace: UInt64
        /// Reservations from their parts.
        public init(fbEndReserve: UInt64, fspExtra: UInt64, pmu: UInt64, vgaWorkspace: UInt64 = 128 * Sizes.KiB) {
            (self.fbEndReserve, self.fspExtra, self.pmu, self.vgaWorkspace) = (fbEndReserve, fspExtra, pmu, vgaWorkspace)
        }

        /// `frtsVidmemOffset` as NVIDIA computes it (570 `kern_fsp_gh100.c:1407-1450`): the end-of-FB
        /// estimate; with a PMU reservation, plus the FSP's extra and the PMU's, aligned up to 2 MiB.
        public var frtsVidmemOffset: UInt64 {
            guard pmu > 0 else { return fbEndReserve }
            let sum = fbEndReserve + fspExtra + pmu
            return (sum + 2 * Sizes.MiB - 1) / (2 * Sizes.MiB) * (2 * Sizes.MiB)
        }
    }

    /// The FSP path's regions from the top of FB down to the GSP image: VGA workspace at the top, the
    /// PMU's reservation and FRTS at `frtsVidmemOffset` below the end, WPR2 ending where FRTS begins,
    /// then the boot binary (the bootloader file's GspRmBoot image, 4 KiB aligned) and the GSP image (64 KiB aligned),
    /// in the order NVIDIA's `kernel_gsp_gh100.c:265-286` draws. On this path the FMC, not the driver,
    /// fixes the offsets; these follow the documented order with the booter path's alignments.
    public static func fspTop(_ input: WPR2LayoutInput, reservations r: FSPReservations) throws(WPR2LayoutError) -> (top: Top, terms: FSPTerms) {
        let fb = input.framebufferSize
        guard fb % (128 * Sizes.KiB) == 0 else { throw .unalignedFramebuffer(fb) }
        let offset = r.frtsVidmemOffset
        let descent = Descent(framebuffer: fb, needed: Self.needed(input, frtsVidmemOffset: offset))
        guard offset < fb, input.frtsSize < fb - offset, r.vgaWorkspace <= offset else { throw .framebufferTooSmall(framebuffer: fb, needed: descent.needed) }
        let frtsTop = fb - offset
        let frtsStart = try descent.start(below: frtsTop, size: input.frtsSize, align: 1)
        let bootStart = try descent.start(below: frtsStart, size: input.bootloaderSize, align: 4 * Sizes.KiB)
        let imageStart = try descent.start(below: bootStart, size: input.imageSize, align: 64 * Sizes.KiB)
        let top = Top(vgaWorkspace: FBRegion(name: .vgaWorkspace, start: fb - r.vgaWorkspace, size: r.vgaWorkspace),
                      frts: FBRegion(name: .frts, start: frtsStart, size: input.frtsSize),
                      bootloader: FBRegion(name: .bootBinary, start: bootStart, size: input.bootloaderSize),
                      gspImage: FBRegion(name: .gspImage, start: imageStart, size: input.imageSize), wprEnd: frtsStart)
        return (top, FSPTerms(frtsVidmemOffset: offset, pmuReservation: FBRegion(name: .pmuReserved, start: frtsTop, size: r.pmu)))
    }

    /// The FSP path's layout, the heap size now known: heap, GspFwWprMeta and non-WPR heap below the
    /// GSP image as on the booter path, the non-WPR heap at its chip's size (2 MiB from GH100).
    public init(fsp input: WPR2LayoutInput, reservations: FSPReservations) throws(WPR2LayoutError) {
        let (top, terms) = try Self.fspTop(input, reservations: reservations)
        try self.init(input, top: top, fsp: terms, needed: Self.needed(input, frtsVidmemOffset: terms.frtsVidmemOffset))
    }

    /// The alignment a region's start keeps: the rules `check` enforces (the meta starts WPR2, so keeps
    /// its MiB); nil for a region placed by what lies above it (the VGA workspace, the PMU's reservation).
    public static func requiredAlignment(of name: FBRegion.Name) -> UInt64? {
        switch name {
        case .wpr2, .meta, .heap, .nonWPRHeap: Sizes.MiB
        case .gspImage: 64 * Sizes.KiB
        case .bootloader, .bootBinary: 4 * Sizes.KiB
        case .frts: 128 * Sizes.KiB
        case .vgaWorkspace, .pmuReserved: nil
        }
    }

    /// Alignment and order rules every layout must satisfy.
    public func check() throws(WPR2LayoutError) {
        for region in regions {
            guard let alignment = Self.requiredAlignment(of: region.name), region.start % alignment != 0 else { continue }
            throw .inconsistent("\(region.name) at \(hex: region.start) is not \(Sizes.describe(alignment))-aligned")
        }
        // Bottom up, each region ends at or before the next begins; the meta is WPR2's first 256 bytes.
        let ordered = [nonWPRHeap, FBRegion(name: .meta, start: wpr2.start, size: 256), heap, gspImage, bootloader, frts]
            + (fsp.map { [$0.pmuReservation] } ?? []) + [vgaWorkspace]
        for (lower, upper) in zip(ordered, ordered.dropFirst()) where lower.end > upper.start {
            throw .inconsistent("\(lower.name) overlaps \(upper.name)")
        }
        guard vgaWorkspace.end == framebufferSize else { throw .inconsistent("the VGA workspace must end at the top of VRAM") }
        if let fsp {
            // The FSP path: FRTS above WPR2, its top frtsVidmemOffset below the end of FB, the PMU above it.
            guard frts.start == wpr2.end, frts.end == framebufferSize - fsp.frtsVidmemOffset, fsp.pmuReservation.start == frts.end else {
                throw .inconsistent("on the FSP path WPR2 must end where FRTS begins, FRTS end frtsVidmemOffset below the end of FB, the PMU reservation begin at FRTS's top")
            }
        } else if frts.end != wpr2.end {
            throw .inconsistent("WPR2 must end where FRTS ends, and the VGA workspace at the top of VRAM")
        }
    }
}
