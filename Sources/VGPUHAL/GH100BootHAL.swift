import VGPUCore

/// The FSP path, Hopper and Blackwell: the driver no longer runs booters on SEC2. It copies the boot
/// binary (GspRmBoot), the GSP image, GspFwWprMeta (sizes only: the FMC fixes every offset), the FMC
/// image and GSP_FMC_BOOT_PARAMS to sysmem,
/// waits for the FSP's secure boot, sends the FSP a chain-of-trust message naming the FMC's hash,
/// public key and signature, and waits for GSP-RM. Named after GH100, the first chip booted this way;
/// NVIDIA's `kgspBootstrap_GH100`, `kfspPrepareBootCommands_GH100` and `kgspCalculateFbLayout_GH100`
/// at 570.144 (GB10x and GB20x use the same functions with their own HAL values), nova-core's
/// `gsp/fsp.rs` and nouveau's `gh100.c`.
public struct GH100BootHAL: GSPBootHAL {
    /// The per-family values of the path, from NVIDIA's generated HAL tables.
    public enum Family: String, Sendable, CaseIterable {
        /// GH100.
        case gh100
        /// GB100, GB102.
        case gb100
        /// GB202 to GB207.
        case gb202
    }
    /// Whose values these are.
    public let family: Family

    /// The path for a chip family.
    public init(_ family: Family) { self.family = family }

    /// `GH100 FSP`, `GB100 FSP`, `GB202 FSP`.
    public var name: String { "\(family.rawValue.uppercased()) FSP" }

    /// `cotPayloadVersion` (570 `g_kern_fsp_nvoc.c:240-250`).
    public var chainOfTrustVersion: UInt16 { family == .gh100 ? 1 : 2 }

    /// `cotPayloadSignatureSize` and `cotPayloadPublicKeySize` (570 `g_kern_fsp_nvoc.c:216-238`): what
    /// the driver asserts the FMC's `signature` and `publickey` sections measure.
    public var signatureLength: Int { family == .gh100 ? 384 : 96 }
    public var publicKeyLength: Int { family == .gh100 ? 384 : 97 }

    /// `NV_THERM_I2CS_SCRATCH_FSP_BOOT_COMPLETE_STATUS`: 0xff once the FSP's secure boot is done
    /// (published `gh100`/`gb100` `dev_therm.h`: 0x200bc; `gb202`: 0xad00bc).
    public var fspBootStatusRegister: UInt32 { family == .gb202 ? 0xad00bc : 0x200bc }
    /// How long the driver waits for it: 4 s, 5 s on GB20x ("for WS SKUs", `kern_fsp_gb202.c:77-78`).
    public var fspBootTimeoutSeconds: Int { family == .gb202 ? 5 : 4 }

    /// The end-of-FB terms (570 `mem_mgr_gm107.c:1749-1758`, `mem_mgr_gb100.c:47-56`,
    /// `kern_fsp_gh100.c:1613-1622`, `kern_pmu.c:63-120`).
    public func reservations(pmu: UInt64) -> WPR2Layout.FSPReservations {
        switch family {
        case .gh100: .init(fbEndReserve: 0x200000, fspExtra: 4 * Sizes.KiB, pmu: 0)
        case .gb100, .gb202: .init(fbEndReserve: 0x220000, fspExtra: 0, pmu: pmu)
        }
    }

    /// The PMU's reservation: backing store (8 MiB at 570, 9 MiB from 580), 16 MiB of surfaces and
    /// 4 KiB, aligned up to 128 KiB, on Blackwell, whose PMU initializes itself; none on GH100.
    public func pmuReservation(release: FirmwareRelease) -> UInt64 {
        guard family != .gh100 else { return 0 }
        let backingStore: UInt64 = release.major >= 580 ? 0x900000 : 0x800000
        let sum = backingStore + 0x1000000 + 4 * Sizes.KiB
        return (sum + 128 * Sizes.KiB - 1) / (128 * Sizes.KiB) * (128 * Sizes.KiB)
    }

    /// `kgspGetNonWprHeapSize`: 2 MiB on GH100 and GB10x; 0x220000 on GB20x at 570, 0x230000 from 580
    /// (570 `g_kernel_gsp_nvoc.h:1317-1323`, 580 `:1669-1671`).
    public func nonWPRHeapSize(release: FirmwareRelease) -> UInt64 {
        switch family {
        case .gh100, .gb100: 2 * Sizes.MiB
        case .gb202: release.major >= 580 ? 0x230000 : 0x220000
        }
    }

    public func layoutTop(_ input: WPR2LayoutInput) throws(WPR2LayoutError) -> WPR2Layout.Top {
        try WPR2Layout.fspTop(input, reservations: reservations(pmu: input.pmuReservation)).top
    }

    public func layout(_ input: WPR2LayoutInput) throws(WPR2LayoutError) -> WPR2Layout {
        try WPR2Layout(fsp: input, reservations: reservations(pmu: input.pmuReservation))
    }

    /// GspFwWprMeta as `kgspCalculateFbLayout_GH100` fills it (570 `kernel_gsp_gh100.c:294-387`): the
    /// sysmem addresses and sizes, the non-WPR and WPR heap sizes (the heap size a minimum request), FRTS
    /// and VGA workspace sizes, the partition count and the PMU reservation; every FB offset 0, for the
    /// FMC's ACR to fill ("most of the structure is 0-initialized here", `:256-262`). `flags` stays 0:
    /// the driver sets only GSP_FW_FLAGS_PPCIE_ENABLED here, for protected PCIe, which a plan does not use.
    public func meta(layout: WPR2Layout, heap: GSPHeapPlan, inputs: GSPBootInputs, sysmem: SysmemPlacement,
                     variant: GspFwWprMeta.Variant, driver: GSPDriver) -> GspFwWprMeta {
        var m = GspFwWprMeta(images: inputs, sysmem: sysmem)
        m.nonWprHeapSize = layout.nonWPRHeap.size
        m.gspFwHeapSize = heap.size
        m.frtsSize = layout.frts.size
        m.vgaWorkspaceSize = layout.vgaWorkspace.size
        m.gspFwHeapVfPartitionCount = heap.vfPartitionCount
        if variant == .r570 { m.pmuReservedSize = UInt32(clamping: layout.fsp?.pmuReservation.size ?? 0) }
        return m
    }

    /// The FSP boots nothing without the FMC, and NVIDIA's driver asserts the FMC's signature and key
    /// have the family's lengths (570 `kern_fsp_gh100.c:1058-1064`).
    public func unmetRequirements(inputs: GSPBootInputs) -> [String] {
        guard let fmc = inputs.fmc else {
            return ["the FSP path sends the GSP-FMC's hash, key and signature to the FSP, and no FMC image (fmc-<release>.bin) was given"]
        }
        var unmet: [String] = []
        if fmc.hash.count != FSPChainOfTrust.hashLength { unmet.append("the FMC's hash is \(fmc.hash.count) bytes; SHA-384 is 48") }
        if fmc.signature.count != signatureLength { unmet.append("the FMC's signature is \(fmc.signature.count) bytes; the \(name) path carries \(signatureLength)") }
        if fmc.publicKey.count != publicKeyLength { unmet.append("the FMC's public key is \(fmc.publicKey.count) bytes; the \(name) path carries \(publicKeyLength)") }
        return unmet
    }

    /// The chain-of-trust message for this layout and FMC (nil without one).
    public func chainOfTrust(layout: WPR2Layout, inputs: GSPBootInputs, sysmem: SysmemPlacement) -> FSPChainOfTrust? {
        guard let fmc = inputs.fmc, let terms = layout.fsp else { return nil }
        return FSPChainOfTrust(version: chainOfTrustVersion, gspFmcSysmemOffset: sysmem.fmcImage ?? 0, frtsVidmemOffset: terms.frtsVidmemOffset,
                               frtsVidmemSize: UInt32(clamping: layout.frts.size), material: fmc, gspBootArgsSysmemOffset: sysmem.fmcBootParams ?? 0)
    }


    public func bootSteps(heap: GSPHeapPlan, layout: WPR2Layout, inputs: GSPBootInputs, sysmem: SysmemPlacement, mode: GSPHeapMode,
                          driver: GSPDriver) -> [GSPBootStep] {
        let r = GSPRegisters.self
        let pages = (inputs.imageSize + 4095) / 4096
        let fmcSize = inputs.fmc.map { " (\($0.imageSize) bytes, 4 KiB aligned)" } ?? ""
        var steps: [GSPBootStep] = [
            .init(phase: .prepare, engine: "host", action: "check no WPR2 is up (WPR2_ADDR_HI reads 0)", image: nil, register: r.wpr2AddrHi, value: 0),
            .init(phase: .prepare, engine: "host", action: "copy the boot binary (\(inputs.bootloaderSize) bytes) to sysmem", image: "bootloader", register: nil, value: sysmem.bootloader),
            .init(phase: .prepare, engine: "host", action: "copy .fwimage to sysmem and build its radix3 page table (\(pages) 4 KiB pages, 3 levels)", image: "gsp", register: nil, value: sysmem.radix3),
            .init(phase: .prepare, engine: "host", action: "copy the signature section (\(inputs.signatureSize) bytes) to sysmem", image: "gsp", register: nil, value: sysmem.signature),
            .init(phase: .prepare, engine: "host", action: "copy the FMC image\(fmcSize) to sysmem", image: "fmc", register: nil, value: sysmem.fmcImage),
            .init(phase: .prepare, engine: "host", action: "write the LibOS argument page and the command and message queues", image: nil, register: nil, value: sysmem.libosArguments),
            .init(phase: .prepare, engine: "host", action: "write GspFwWprMeta (256 bytes; sizes only, the FMC fills the offsets) to sysmem", image: nil, register: nil, value: sysmem.meta),
            .init(phase: .prepare, engine: "host", action: "write GSP_FMC_BOOT_PARAMS (GspFwWprMeta's and the LibOS arguments' addresses) to sysmem", image: nil, register: nil, value: sysmem.fmcBootParams),
            .init(phase: .fsp, engine: "FSP", action: "wait up to \(fspBootTimeoutSeconds) s for the FSP's secure boot: FSP_BOOT_COMPLETE_STATUS reads 0xff",
                  image: nil, register: fspBootStatusRegister, value: 0xff),
        ]
        // nova-core enables vGPU on GB20x only once the FSP says the vGPU mode is on; NVIDIA's driver goes
        // by its RMSetSriovMode registry key (570 gpu_registry.c:104-137), set in SET_REGISTRY below.
        if case .vgpu = mode, family == .gb202, driver == .novaCore {
            steps.append(.init(phase: .prc, engine: "FSP",
                               action: "read the vGPU mode: PRC object read (NVDM 0x13) of knob 0x29; 1 enables vGPU (nova-core's vGPU support)",
                               image: nil, register: FSPRegisters.ememData, value: 1))
        }
        if family == .gb100 {
            steps.append(.init(phase: .fsp, engine: "FSP", action: "check NV_PFSP_FUSE_ERROR_CHECK reads 0 (fatal on GB100 and GB102)",
                               image: nil, register: FSPRegisters.fuseErrorCheck, value: 0))
        }
        steps += [
            .init(phase: .cot, engine: "FSP", action: "wait for the FSP's command queue to be empty (QUEUE_HEAD = QUEUE_TAIL)", image: nil, register: FSPRegisters.queueHead, value: nil),
            .init(phase: .cot, engine: "FSP", action: "write the chain-of-trust packet (8-byte MCTP/NVDM header + \(FSPChainOfTrust.size)-byte NVDM_PAYLOAD_COT, version \(chainOfTrustVersion)) through EMEM",
                  image: "fmc", register: FSPRegisters.ememData, value: nil),
            .init(phase: .cot, engine: "FSP", action: "set QUEUE_TAIL, then QUEUE_HEAD = 0 (interrupts the FSP)", image: nil, register: FSPRegisters.queueHead, value: 0),
            .init(phase: .cot, engine: "FSP", action: "wait for the FSP's answer (NVDM type 0x15) on the message queue: error code 0 (FSP_OK)",
                  image: nil, register: FSPRegisters.messageHead, value: 0),
            .init(phase: .start, engine: "GSP", action: "wait for the GSP's target mask to be released (HWCFG2 non-zero, not 0xbadf41xx)", image: nil, register: FSPRegisters.gspHWCFG2, value: nil),
            .init(phase: .start, engine: "GSP", action: "wait for the RISC-V lockdown to lift (HWCFG2 bit 13 = 0); GSP mailbox 0 non-zero is an FMC error",
                  image: nil, register: r.gspFalcon + r.mailbox0, value: 0),
            .init(phase: .start, engine: "GSP", action: "write the bootloader appVersion to the GSP", image: nil, register: r.gspFalcon + r.appVersion, value: UInt64(inputs.appVersion)),
            .init(phase: .start, engine: "GSP", action: "check the GSP's RISC-V core is active (CPUCTL bit 7)", image: nil, register: FSPRegisters.gspRISCVCPUCTL, value: 0x80),
        ]
        return steps + GSPBootStep.gspRMStart(mode: mode)
    }

    /// GSP-RM unloads and the RISC-V core halts; no booter takes WPR2 down on this path.
    public func unloadSteps() -> [GSPBootStep] {
        GSPBootStep.gspRMUnload
            + [.init(phase: .unload, engine: "GSP", action: "wait for the GSP's RISC-V core to halt", image: nil, register: FSPRegisters.gspRISCVCPUCTL, value: nil)]
    }
}
