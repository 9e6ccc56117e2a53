/// How a chip's GSP is booted, and how its firmware is laid out at the top of FB: one implementation
/// per boot path, named after the first chip that introduced it and chosen per chip by its generation
/// (`ArchitectureModule.bootHAL(for:)`), as nova-core's `gsp/hal.rs` and `fb/hal.rs` do.
///
/// Turing to Ada boot through the booter on SEC2 (`TU102BootHAL`, VGPUHAL); Hopper and Blackwell
/// through the FSP with an FMC image and a chain-of-trust message, with their own FB terms: each is a
/// conformance of its own, and the planner (`GSPBootPlanner`) works through this protocol only.
public protocol GSPBootHAL: Sendable {
    /// `TU102 booter` and the like, for plans and messages.
    var name: String { get }

    /// The regions fixed from the end of FB down to the GSP image, before the heap is sized.
    func layoutTop(_ input: WPR2LayoutInput) throws(WPR2LayoutError) -> WPR2Layout.Top

    /// The whole layout, the heap size now known.
    func layout(_ input: WPR2LayoutInput) throws(WPR2LayoutError) -> WPR2Layout

    /// GspFwWprMeta for a layout, field by field as `driver` fills it in the `variant` encoding.
    func meta(layout: WPR2Layout, heap: GSPHeapPlan, inputs: GSPBootInputs, sysmem: SysmemPlacement,
              variant: GspFwWprMeta.Variant, driver: GSPDriver) -> GspFwWprMeta

    /// The ordered boot steps (the scrubber's among them when `heap.scrubber` says where it comes from).
    func bootSteps(heap: GSPHeapPlan, layout: WPR2Layout, inputs: GSPBootInputs, sysmem: SysmemPlacement, mode: GSPHeapMode,
                   driver: GSPDriver) -> [GSPBootStep]

    /// The ordered unload steps.
    func unloadSteps() -> [GSPBootStep]

    /// The non-WPR heap below WPR2 at `release` (default 1 MiB, the booter path's).
    func nonWPRHeapSize(release: FirmwareRelease) -> UInt64

    /// The PMU's reservation at the end of FB at `release` (default 0; Blackwell's PMU initializes itself
    /// from FB memory the driver sets aside).
    func pmuReservation(release: FirmwareRelease) -> UInt64

    /// The chain-of-trust message to the FSP, on a path that sends one (default: none); nil also when
    /// the inputs carry no FMC.
    func chainOfTrust(layout: WPR2Layout, inputs: GSPBootInputs, sysmem: SysmemPlacement) -> FSPChainOfTrust?

    /// What the inputs lack for this path (default: nothing), each a sentence; the plan lists them as
    /// unmet requirements.
    func unmetRequirements(inputs: GSPBootInputs) -> [String]
}

extension GSPBootHAL {
    /// 1 MiB.
    public func nonWPRHeapSize(release: FirmwareRelease) -> UInt64 { Sizes.MiB }

    /// None.
    public func pmuReservation(release: FirmwareRelease) -> UInt64 { 0 }

    /// Nothing.
    public func unmetRequirements(inputs: GSPBootInputs) -> [String] { [] }

    /// None: the booter path sends no message to an FSP.
    public func chainOfTrust(layout: WPR2Layout, inputs: GSPBootInputs, sysmem: SysmemPlacement) -> FSPChainOfTrust? { nil }
}
