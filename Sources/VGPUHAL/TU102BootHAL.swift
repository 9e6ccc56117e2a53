import VGPUCore

/// The booter path, Turing to Ada: FWSEC-FRTS from the VBIOS, the scrubber on SEC2 where the chip needs
/// it, the GSP falcon reset into RISC-V mode with the LibOS arguments in its mailboxes, booter_load on
/// SEC2 with GspFwWprMeta's address, then GSP-RM's RPCs; booter_unload to take WPR2 down. The layout
/// from the end of FB down: VGA workspace, FRTS, bootloader, GSP image, heap, meta, non-WPR heap
/// (`WPR2Layout`). Named after TU102, the first chip booted this way; NVIDIA's `kgspCalculateFbLayout_TU102`
/// and `kgspBootstrap_TU102`, nouveau's `tu102_gsp_*`.
public struct TU102BootHAL: GSPBootHAL {
    /// The booter path.
    public init() {}

    /// `TU102 booter`.
    public var name: String { "TU102 booter" }

    public func layoutTop(_ input: WPR2LayoutInput) throws(WPR2LayoutError) -> WPR2Layout.Top { try WPR2Layout.top(input) }

    public func layout(_ input: WPR2LayoutInput) throws(WPR2LayoutError) -> WPR2Layout { try WPR2Layout(input) }

    /// Fills GspFwWprMeta from the layout, field by field as NVIDIA's `kgspCalculateFbLayout_TU102`
    /// does (535 `kernel_gsp_tu102.c:526-634`). The CrashCat queue fields (0xe0, 0xe8) stay 0: NVIDIA's
    /// 535 driver fills them when it has allocated a CrashCat queue in sysmem (GA10x, AD10x, GH100
    /// without confidential computing; at 570 only GB20x), which this plan does not allocate; nouveau
    /// never fills them.
    ///
    /// In the 570 encoding NVIDIA's driver sets `flags` to GSP_FW_FLAGS_CLOCK_BOOST (570
    /// `kernel_gsp_tu102.c:810-823`: the chip's clock-boost property, on for TU1xx to AD10x unless a
    /// registry key turns it off) and leaves `pmuReservedSize` 0 (only the GH100 path writes it). What
    /// nouveau's and nova-core's r570 code writes there is not in NVIDIA's sources: 0.
    public func meta(layout: WPR2Layout, heap: GSPHeapPlan, inputs: GSPBootInputs, sysmem: SysmemPlacement,
                     variant: GspFwWprMeta.Variant, driver: GSPDriver) -> GspFwWprMeta {
        var m = GspFwWprMeta(images: inputs, sysmem: sysmem)
        // tu102.c:600: the reservation starts at the non-WPR heap (the layout diagram in
        // gsp_fw_wpr_meta.h marks "nonWprHeapOffset, gspFwRsvdStart" at the same line).
        m.gspFwRsvdStart = layout.nonWPRHeap.start
        m.nonWprHeapOffset = layout.nonWPRHeap.start
        m.nonWprHeapSize = layout.nonWPRHeap.size
        m.gspFwWprStart = layout.wpr2.start
        m.gspFwHeapOffset = layout.heap.start
        m.gspFwHeapSize = layout.heap.size
        m.gspFwOffset = layout.gspImage.start
        m.bootBinOffset = layout.bootloader.start
        m.frtsOffset = layout.frts.start
        m.frtsSize = layout.frts.size
        m.gspFwWprEnd = layout.wpr2.end
        m.fbSize = layout.framebufferSize
        m.vgaWorkspaceOffset = layout.vgaWorkspace.start
        m.vgaWorkspaceSize = layout.vgaWorkspace.size
        m.gspFwHeapVfPartitionCount = heap.vfPartitionCount
        if variant == .r570 && driver == .nvidia { m.flags = GspFwWprMeta.clockBoostFlag }
        return m
    }

    public func bootSteps(heap: GSPHeapPlan, layout: WPR2Layout, inputs: GSPBootInputs, sysmem: SysmemPlacement, mode: GSPHeapMode,
                          driver: GSPDriver) -> [GSPBootStep] {
        let r = GSPRegisters.self
        let pages = (inputs.imageSize + 4095) / 4096
        var steps: [GSPBootStep] = [
            .init(phase: .prepare, engine: "host", action: "read the FB size and NV_PDISP_VGA_WORKSPACE_BASE", image: nil, register: r.vgaWorkspaceBase, value: inputs.vgaWorkspaceRegister.map(UInt64.init)),
            .init(phase: .prepare, engine: "host", action: "check no WPR2 is up (WPR2_ADDR_HI reads 0)", image: nil, register: r.wpr2AddrHi, value: 0),
            .init(phase: .prepare, engine: "host", action: "copy .fwimage to sysmem and build its radix3 page table (\(pages) 4 KiB pages, 3 levels)", image: "gsp", register: nil, value: sysmem.radix3),
            .init(phase: .prepare, engine: "host", action: "copy the signature section (\(inputs.signatureSize) bytes, padded to 256) to sysmem", image: "gsp", register: nil, value: sysmem.signature),
            .init(phase: .prepare, engine: "host", action: "copy the bootloader payload (\(inputs.bootloaderSize) bytes) to sysmem", image: "bootloader", register: nil, value: sysmem.bootloader),
            .init(phase: .prepare, engine: "host", action: "write the LibOS argument page: LOGINIT, LOGINTR, LOGRM 64 KiB each, RMARGS 4 KiB; command and message queues 256 KiB each, 4 KiB entries", image: nil, register: nil, value: sysmem.libosArguments),
            .init(phase: .prepare, engine: "host", action: "write GspFwWprMeta (256 bytes) to sysmem", image: nil, register: nil, value: sysmem.meta),
        ]
        // NVIDIA runs FWSEC-FRTS only where the chip has an FRTS region (535 kernel_gsp_tu102.c:367-368).
        if layout.frts.size > 0 {
            steps.append(.init(phase: .frts, engine: "FWSEC", action: "run FWSEC-FRTS from the VBIOS to carve FRTS", image: "vbios", register: nil, value: nil))
        }
        if heap.requiresScrubber, let source = heap.scrubber {
            let reserved = layout.framebufferSize - layout.nonWPRHeap.start
            steps.append(.init(phase: .scrubber, engine: "SEC2",
                               action: "run the scrubber (\(source); the \(Sizes.describe(reserved)) from gspFwRsvdStart to the end of FB exceed the pre-scrubbed top) and wait for SECURE_SCRATCH_15 bits 31:29 >= 3",
                               image: "scrubber", register: r.secureScratch15, value: 3 << 29))
        }
        steps += [
            .init(phase: .reset, engine: "GSP", action: "reset the GSP falcon into RISC-V mode", image: nil, register: nil, value: nil),
            .init(phase: .reset, engine: "GSP", action: "LibOS argument address, low 32 bits, to GSP mailbox 0", image: nil, register: r.gspFalcon + r.mailbox0, value: sysmem.libosArguments & 0xffff_ffff),
            .init(phase: .reset, engine: "GSP", action: "LibOS argument address, high 32 bits, to GSP mailbox 1", image: nil, register: r.gspFalcon + r.mailbox1, value: sysmem.libosArguments >> 32),
            .init(phase: .booter, engine: "SEC2", action: "GspFwWprMeta address, low 32 bits, to SEC2 mailbox 0", image: nil, register: r.sec2Falcon + r.mailbox0, value: sysmem.meta & 0xffff_ffff),
            .init(phase: .booter, engine: "SEC2", action: "GspFwWprMeta address, high 32 bits, to SEC2 mailbox 1", image: nil, register: r.sec2Falcon + r.mailbox1, value: sysmem.meta >> 32),
            .init(phase: .booter, engine: "SEC2", action: "run booter_load; wait for SEC2 to halt with mailbox 0 = 0", image: "booter_load", register: r.sec2Falcon + r.mailbox0, value: 0),
            .init(phase: .start, engine: "GSP", action: "write the bootloader appVersion to the GSP", image: nil, register: r.gspFalcon + r.appVersion, value: UInt64(inputs.appVersion)),
        ]
        return steps + GSPBootStep.gspRMStart(mode: mode)
    }

    public func unloadSteps() -> [GSPBootStep] {
        let r = GSPRegisters.self
        return GSPBootStep.gspRMUnload + [
            .init(phase: .unload, engine: "GSP", action: "reset the GSP falcon", image: nil, register: nil, value: nil),
            .init(phase: .unload, engine: "SEC2", action: "run booter_unload unless WPR2_ADDR_HI reads 0; it must read 0 afterwards", image: "booter_unload", register: r.wpr2AddrHi, value: 0),
        ]
    }
}
