import VGPUCore

/// What the vGPU manager needs to know about its GPU: the board's types, the resource policy, the
/// engines, and the PF's SR-IOV and BAR1 facts.
public struct VGPUManagerConfiguration: Sendable {
    /// The board's vGPU types.
    public var catalogue: VGPUTypeCatalogue
    /// FB alignment, channel budget and size mode.
    public var policy: VGPUResourcePolicy
    /// The engines every vGPU gets (one channel base per engine type in the bootload control).
    public var engines: EngineBitmap
    /// The PF and its SR-IOV layout: VF n (from 1) is at routing id PF + firstVFOffset + (n - 1) * vfStride.
    public var pf: PCIAddress
    public var totalVFs: Int
    public var firstVFOffset: Int
    public var vfStride: Int
    /// BAR1 size: the window the management heaps are mapped through.
    public var bar1Size: UInt64

    /// A configuration from its parts.
    public init(catalogue: VGPUTypeCatalogue, policy: VGPUResourcePolicy, engines: EngineBitmap, pf: PCIAddress, totalVFs: Int,
                firstVFOffset: Int, vfStride: Int, bar1Size: UInt64) {
        self.catalogue = catalogue
        self.policy = policy
        self.engines = engines
        self.pf = pf
        self.totalVFs = totalVFs
        self.firstVFOffset = firstVFOffset
        self.vfStride = vfStride
        self.bar1Size = bar1Size
    }

    /// The FB vGPUs are placed in: the board's FB, as the capacity model counts it.
    public var vgpuFramebufferSize: UInt64 { UInt64(catalogue.framebufferMiB) * Sizes.MiB }

    /// Channel ids reserved for vGPUs.
    public var vgpuChannels: Range<UInt64> { UInt64(policy.hostChannels)..<UInt64(policy.totalChannels) }

    /// Where each plugin task logs inside its management heap (GSP-FACTS section 8): the init-task log at
    /// heap + 0x204000 (128 KiB), the vGPU-task log right after it (128 KiB).
    public static let initTaskLogOffset: UInt64 = 0x20_4000, taskLogSize: UInt64 = 128 * Sizes.KiB

    /// BAR1 windows are aligned to 2 MiB (a big page).
    static let bar1Alignment: UInt64 = 2 * Sizes.MiB

    /// The PCI address of VF `vf` (from 1); nil when it would fall outside the PF's segment.
    public func vfAddress(_ vf: Int) -> PCIAddress? { pf.vfAddress(vf, firstVFOffset: firstVFOffset, vfStride: vfStride) }
}
