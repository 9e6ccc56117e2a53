/// Registers the booter path uses (GSP-FACTS section 5), named once.
public enum GSPRegisters {
    /// GSP falcon base.
    public static let gspFalcon: UInt32 = 0x110000
    /// SEC2 falcon base.
    public static let sec2Falcon: UInt32 = 0x840000
    /// Falcon mailbox 0 / 1 (offsets from a falcon base).
    public static let mailbox0: UInt32 = 0x040, mailbox1: UInt32 = 0x044
    /// GSP register that receives the bootloader's appVersion.
    public static let appVersion: UInt32 = 0x080
    /// Falcon CPU control; bit 4 reads 1 when the falcon halted.
    public static let cpuctl: UInt32 = 0x100
    /// NV_PDISP_VGA_WORKSPACE_BASE.
    public static let vgaWorkspaceBase: UInt32 = 0x625f04
    /// NV_PGC6_BSI_SECURE_SCRATCH_15: the scrubber reports progress in bits 31:29.
    public static let secureScratch15: UInt32 = 0x1180fc
    /// NV_PFB_PRI_MMU_WPR2_ADDR_LO / HI; HI is 0 when no WPR2 is up.
    public static let wpr2AddrLo: UInt32 = 0x1fa824, wpr2AddrHi: UInt32 = 0x1fa828
    /// The value GSP mailbox 0 takes once GSP-RM has unloaded.
    public static let unloadDone: UInt32 = 0x8000_0000
}

/// What a boot plan is computed from, all values (read from firmware and device by the caller).
public struct GSPBootInputs: Sendable, Equatable, Codable {
    /// VRAM size and the VGA workspace register, when read.
    public var framebufferSize: UInt64
    public var vgaWorkspaceRegister: UInt32?
    /// From the bootloader file: payload size and the descriptor fields the meta needs.
    public var bootloaderSize: UInt64
    public var bootloaderCodeOffset: UInt64, bootloaderDataOffset: UInt64, bootloaderManifestOffset: UInt64
    public var appVersion: UInt32
    /// From the GSP image: `.fwimage` size and the family's signature size.
    public var imageSize: UInt64
    public var signatureSize: UInt64
    /// From the GSP-FMC image, on the FSP path (Hopper, Blackwell): what the chain-of-trust message carries.
    public var fmc: FMCSecurityMaterial?

    /// Inputs from their parts.
    public init(framebufferSize: UInt64, vgaWorkspaceRegister: UInt32? = nil, bootloaderSize: UInt64, bootloaderCodeOffset: UInt64,
                bootloaderDataOffset: UInt64, bootloaderManifestOffset: UInt64, appVersion: UInt32, imageSize: UInt64, signatureSize: UInt64) {
        self.framebufferSize = framebufferSize
        self.vgaWorkspaceRegister = vgaWorkspaceRegister
        self.bootloaderSize = bootloaderSize
        self.bootloaderCodeOffset = bootloaderCodeOffset
        self.bootloaderDataOffset = bootloaderDataOffset
        self.bootloaderManifestOffset = bootloaderManifestOffset
        self.appVersion = appVersion
        self.imageSize = imageSize
        self.signatureSize = signatureSize
    }
}

/// DMA addresses of what the driver places in system memory. A plan made without a device uses
/// zeros (shown as "filled at boot"); the boot runner fills real (or simulated) ones.
public struct SysmemPlacement: Sendable, Equatable, Codable {
    public var radix3: UInt64 = 0, bootloader: UInt64 = 0, signature: UInt64 = 0, meta: UInt64 = 0, libosArguments: UInt64 = 0
    /// The FSP path's: the FMC image and `GSP_FMC_BOOT_PARAMS` (nil on the booter path).
    public var fmcImage: UInt64?, fmcBootParams: UInt64?
    public init() {}
}

/// One step of the boot, in order.
public struct GSPBootStep: Sendable, Equatable, Codable {
    /// The part of the boot it belongs to; the boot runner acts on some (`frts`, `scrubber`, `fsp`, `prc`).
    public let phase: Phase
    /// What runs it: `host`, `FWSEC`, `SEC2`, `GSP`.
    public let engine: String
    /// What happens.
    public let action: String
    /// The firmware image used, if any.
    public let image: String?
    /// The register written or polled, and the value, when the step has one.
    public let register: UInt32?
    public let value: UInt64?

    /// The parts of a boot, as plans name them. The raw values are the outputs' (schemas/plan.schema.json).
    public enum Phase: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
        /// The host sets up memory and images.
        case prepare
        /// FWSEC-FRTS carves FRTS (booter path).
        case frts
        /// The scrubber ucode clears what the GSP reserves beyond the pre-scrubbed top of FB (booter path,
        /// chips with scrubber ucode: AD10x).
        case scrubber
        /// A falcon is reset and handed its arguments.
        case reset
        /// The booter loads GSP-RM through SEC2 (booter path).
        case booter
        /// The FSP's secure boot is awaited and its fuses checked (FSP path).
        case fsp
        /// The chain-of-trust message goes to the FSP, which answers (FSP path).
        case cot
        /// The vGPU mode is read from the FSP's PRC knob (nova-core on GB20x, in vGPU mode).
        case prc
        /// GSP-RM starts and reports.
        case start
        /// An RPC to GSP-RM.
        case rpc
        /// GSP-RM unloads.
        case unload

        /// The name as outputs write it.
        public var description: String { rawValue }
    }

    /// A step from its parts (a boot HAL lists them).
    public init(phase: Phase, engine: String, action: String, image: String?, register: UInt32?, value: UInt64?) {
        (self.phase, self.engine, self.action, self.image, self.register, self.value) = (phase, engine, action, image, register, value)
    }
}

extension GSPBootStep {
    /// What every boot path ends with once GSP-RM runs: GSP_INIT_DONE, SET_SYSTEM_INFO (whose GspSystemInfo
    /// has GSP_VF_INFO as its `gspVFInfo` member, zero where no VF info is sent), and SET_REGISTRY (with
    /// RMSetSriovMode in vGPU mode).
    public static func gspRMStart(mode: GSPHeapMode) -> [GSPBootStep] {
        let vgpu = if case .vgpu = mode { true } else { false }
        return [
            .init(phase: .start, engine: "GSP", action: "wait for GSP_INIT_DONE on the message queue", image: nil, register: nil, value: nil),
            .init(phase: .rpc, engine: "GSP", action: "SET_SYSTEM_INFO (GspSystemInfo; its gspVFInfo member is the VF info, zeros where none is sent)",
                  image: nil, register: nil, value: nil),
            .init(phase: .rpc, engine: "GSP", action: "SET_REGISTRY: RMSecBusResetEnable=1, RMForcePcieConfigSave=1" + (vgpu ? ", RMSetSriovMode=1" : ""),
                  image: nil, register: nil, value: nil),
        ]
    }

    /// How every path's unload starts: the RPC, then GSP mailbox 0 = 0x80000000.
    public static let gspRMUnload: [GSPBootStep] = [
        .init(phase: .unload, engine: "GSP", action: "UNLOADING_GUEST_DRIVER RPC", image: nil, register: nil, value: nil),
        .init(phase: .unload, engine: "GSP", action: "wait for GSP mailbox 0 = 0x80000000", image: nil,
              register: GSPRegisters.gspFalcon + GSPRegisters.mailbox0, value: UInt64(GSPRegisters.unloadDone)),
    ]
}

/// Everything needed to boot GSP-RM on one GPU: heap, layout, the exact meta, the steps.
public struct GSPBootPlan: Sendable, Equatable, Codable {
    public let chip: String
    public let release: FirmwareRelease
    /// Whose rules the plan follows where drivers differ (FRTS on GA100, where the scrubber comes from).
    public let driver: GSPDriver
    public let mode: GSPHeapMode
    public let heap: GSPHeapPlan
    public let layout: WPR2Layout
    public let metaVariant: GspFwWprMeta.Variant
    /// The meta to place (mutable so a dump or a test can alter what is handed to the booter).
    public var meta: GspFwWprMeta
    /// The bootloader descriptor's appVersion, written to the GSP before it starts.
    public let appVersion: UInt32
    public let steps: [GSPBootStep]
    public let unloadSteps: [GSPBootStep]
    /// What the boot needs that this chip, driver or release cannot provide; the steps go without it,
    /// as the hardware would (a boot with an unmet requirement fails).
    public let unmetRequirements: [String]
    /// What the plan cannot settle from public sources, said rather than guessed.
    public let notes: [String]
    /// The chain-of-trust message to the FSP, on the FSP path.
    public var chainOfTrust: FSPChainOfTrust?

    /// The meta's 256 bytes.
    public var metaBytes: [UInt8] { meta.encode(metaVariant) }
}

/// Builds boot plans from values; no I/O.
public enum GSPBootPlanner {
    /// Why no plan can be made.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case heap(GSPHeapError)
        case layout(WPR2LayoutError)
        /// The FMC's signature or key does not fit the chain-of-trust message.
        case chainOfTrust(FSPChainOfTrust.Overflow)
        /// The framebuffer cannot hold the plan; `smallest` is the least 128 KiB multiple that can.
        case framebufferTooSmall(framebuffer: UInt64, smallest: UInt64)
        public var description: String {
            switch self {
            case .heap(let e): e.description
            case .layout(let e): e.description
            case .chainOfTrust(let e): e.description
            case .framebufferTooSmall(let fb, let smallest):
                "a framebuffer of \(Sizes.describe(fb)) is too small for the GSP's layout: the smallest that holds this plan is \(Sizes.describe(smallest))"
            }
        }
    }

    /// Plans a boot as `makePlan` does; when the framebuffer is too small, says the smallest that holds
    /// the plan, found with the planner itself (heap, alignments and all), so the size it names works.
    public static func plan(chip die: Chip, release: FirmwareRelease, mode: GSPHeapMode, inputs: GSPBootInputs,
                            parameters: GSPHeapParameters, hal: any GSPBootHAL, driver: GSPDriver = .nvidia, scrubberFile: String? = nil,
                            sysmem: SysmemPlacement = SysmemPlacement()) throws(Failure) -> GSPBootPlan
    {
        func attempt(_ framebuffer: UInt64) throws(Failure) -> GSPBootPlan {
            var sized = inputs
            sized.framebufferSize = framebuffer
            return try makePlan(chip: die, release: release, mode: mode, inputs: sized, parameters: parameters, hal: hal, driver: driver,
                                scrubberFile: scrubberFile, sysmem: sysmem)
        }
        do {
            return try attempt(inputs.framebufferSize)
        } catch .layout(.framebufferTooSmall(let framebuffer, let needed)) {
            guard let smallest = smallestFramebuffer(above: framebuffer, fits: { (try? attempt($0)) != nil }) else {
                throw .layout(.framebufferTooSmall(framebuffer: framebuffer, needed: needed))
            }
            throw .framebufferTooSmall(framebuffer: inputs.framebufferSize, smallest: smallest)
        } catch {
            throw error
        }
    }

    /// The least multiple of 128 KiB (the FSP path's FB granule) above `framebuffer` that `fits`, by
    /// doubling then halving the gap: about 40 plans, made only for an error. Nil past 64 TiB.
    static func smallestFramebuffer(above framebuffer: UInt64, fits: (UInt64) -> Bool) -> UInt64? {
        let step = 128 * Sizes.KiB, limit: UInt64 = (1 << 46) / step
        var (low, high) = (framebuffer / step, max(framebuffer / step, 1) * 2)
        while !fits(high * step) {
            guard high < limit else { return nil }
            (low, high) = (high, high * 2)
        }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if fits(middle * step) { high = middle } else { low = middle }
        }
        return high * step
    }

    /// Plans a boot of `chip` at `release` with `parameters` and `hal` (from the chip's module), by
    /// `driver`'s rules.
    ///
    /// - Parameter scrubberFile: the release's scrubber file for the chip, as its manifest names it, nil
    ///   when none ships: named in the plan (NVIDIA's driver carries the same ucode in its binary; no
    ///   other driver runs it yet).
    static func makePlan(chip die: Chip, release: FirmwareRelease, mode: GSPHeapMode, inputs: GSPBootInputs,
                         parameters: GSPHeapParameters, hal: any GSPBootHAL, driver: GSPDriver, scrubberFile: String?,
                         sysmem: SysmemPlacement) throws(Failure) -> GSPBootPlan
    {
        let nonWPRHeapSize = hal.nonWPRHeapSize(release: release)
        var input = WPR2LayoutInput(framebufferSize: inputs.framebufferSize, vgaWorkspaceRegister: inputs.vgaWorkspaceRegister,
                                    bootloaderSize: inputs.bootloaderSize, imageSize: inputs.imageSize, heapSize: 0,
                                    nonWPRHeapSize: nonWPRHeapSize, frtsSize: driver.frtsSize(nvidiaSize: parameters.frtsSize))
        input.pmuReservation = hal.pmuReservation(release: release)
        let top: WPR2Layout.Top
        do { top = try hal.layoutTop(input) } catch { throw .layout(error) }
        let limit = scrubbedHeapLimit(framebuffer: inputs.framebufferSize, imageStart: top.gspImage.start,
                                      nonWPRHeapSize: nonWPRHeapSize, parameters: parameters)
        var heap: GSPHeapPlan
        do { heap = try GSPHeap.plan(framebuffer: inputs.framebufferSize, mode: mode, parameters: parameters, scrubbedLimit: limit) } catch { throw .heap(error) }
        input.heapSize = heap.size
        let layout: WPR2Layout
        do { layout = try hal.layout(input) } catch { throw .layout(error) }
        // NVIDIA 535 kernel_gsp.c:2465-2468 (570 :3335-3340): the scrubber runs when what lies from
        // gspFwRsvdStart to the end of FB exceeds the pre-scrubbed top of FB.
        let chip = die.name
        var unmet = hal.unmetRequirements(inputs: inputs), notes: [String] = []
        // A vGPU-mode plan for a driver that hosts no vGPU on the chip is the layout it would use if it
        // did: printed, and refused (the probe's vgpu-boot check says the same).
        if case .vgpu = mode, let why = driver.vgpuNotEnabled(on: die.architecture) { unmet.insert(why, at: 0) }
        let reserved = layout.framebufferSize - layout.nonWPRHeap.start
        let beyondPrescrubbed = parameters.prescrubbedSize.map { reserved > $0 } ?? false
        let described = "the \(Sizes.describe(reserved)) from gspFwRsvdStart to the end of FB exceed the \(Sizes.describe(parameters.prescrubbedSize ?? 0)) pre-scrubbed top"
        // Only a chip with scrubber ucode (AD10x) runs it; on one without, a heap this large happens
        // only in vGPU mode, whose default heap NVIDIA returns before the pre-scrub clamp.
        heap.requiresScrubber = beyondPrescrubbed && parameters.hasScrubberUcode
        let shipped = scrubberFile.map { "linux-firmware ships it as \($0)" } ?? "release \(release) ships no scrubber file for \(chip)"
        if heap.requiresScrubber && driver.runsScrubber { heap.scrubber = "built into NVIDIA's driver; \(shipped)" }
        if heap.requiresScrubber && !driver.runsScrubber {
            unmet.append("\(described), so the scrubber must run before booter_load, but \(driver) has no code that runs it (\(shipped); NVIDIA's firmware extraction for nouveau says \"Not currently used by Nouveau\"): without it the GSP hangs at boot")
        } else if beyondPrescrubbed && !parameters.hasScrubberUcode {
            notes.append("\(described) and \(chip) has no scrubber ucode: NVIDIA's open driver stops at this point (kgspAllocateScrubberUcodeImage returns NV_ERR_NOT_SUPPORTED, 535 kernel_gsp.c:2468-2478); how NVIDIA's vGPU host driver prepares this memory is not public")
        }
        let meta = hal.meta(layout: layout, heap: heap, inputs: inputs, sysmem: sysmem, variant: .of(release), driver: driver)
        return GSPBootPlan(chip: chip, release: release, driver: driver, mode: mode, heap: heap, layout: layout, metaVariant: .of(release),
                           meta: meta, appVersion: inputs.appVersion,
                           steps: hal.bootSteps(heap: heap, layout: layout, inputs: inputs, sysmem: sysmem, mode: mode, driver: driver),
                           unloadSteps: hal.unloadSteps(), unmetRequirements: unmet, notes: notes,
                           chainOfTrust: hal.chainOfTrust(layout: layout, inputs: inputs, sysmem: sysmem))
    }

    /// The largest bare-metal heap that keeps the GSP's reservation inside the pre-scrubbed top of FB, on
    /// a chip that has a finite pre-scrubbed area and no scrubber ucode (`maxScrubbedHeapSizeMB`): 535
    /// `kernel_gsp.c:3780-3784` subtracts what lies above the heap (FB end - image start); from 570
    /// (`:5099-5105`) also what lies below it (the meta's MiB and the non-WPR heap), each MiB-aligned.
    static func scrubbedHeapLimit(framebuffer: UInt64, imageStart: UInt64, nonWPRHeapSize: UInt64,
                                  parameters p: GSPHeapParameters) -> UInt64? {
        guard !p.hasScrubberUcode, let prescrubbed = p.prescrubbedSize else { return nil }
        var used = framebuffer - imageStart
        if p.prescrubLimitCountsAnterior {
            used = (Sizes.alignUp(used, Sizes.MiB) ?? used) + Sizes.MiB + (Sizes.alignUp(nonWPRHeapSize, Sizes.MiB) ?? nonWPRHeapSize)
        }
        guard prescrubbed > used else { return 0 }
        return ((prescrubbed - used) >> 20) << 20
    }
}
