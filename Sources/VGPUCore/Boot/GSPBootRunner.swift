/// Why a boot or unload failed. Each failure leaves the device in a state `unload()` cleans.
public enum GSPBootError: Error, Equatable, CustomStringConvertible {
    /// WPR2 was already up before the boot (a previous driver did not unload).
    case wpr2AlreadyUp(hi: UInt32)
    /// The scrubber did not report completion in SECURE_SCRATCH_15 within the poll limit.
    case scrubberTimeout(scratch: UInt32)
    /// SEC2 did not halt after booter_load within the poll limit.
    case booterTimeout
    /// booter_load halted with a non-zero mailbox 0.
    case booterFailed(mailbox0: UInt32)
    /// booter_load reported success but WPR2 is not up.
    case wpr2NotUp
    /// GSP_INIT_DONE never arrived within the poll limit.
    case initDoneTimeout
    /// A message-queue entry failed its checks.
    case corruptQueueEntry(String)
    /// An RPC got no reply within the poll limit.
    case rpcTimeout(function: UInt32)
    /// GSP mailbox 0 never read 0x80000000 after UNLOADING_GUEST_DRIVER.
    case unloadTimeout(mailbox0: UInt32)
    /// booter_unload ran but WPR2 is still up.
    case wpr2StillUp(hi: UInt32)
    /// An RPC was asked of a GSP that is not running.
    case gspNotRunning
    /// The FSP path: the FSP's secure boot never completed (its status register never read 0xff).
    case fspNotReady(status: UInt32)
    /// The FSP's queues never became idle.
    case fspBusy
    /// The FSP never answered (`what` was sent).
    case fspNoAnswer(String)
    /// The FSP answered something else than what was sent (the NVDM type it answered, if readable).
    case fspUnexpectedAnswer(String, UInt32?)
    /// The plan has no chain of trust or the runner no FMC image: nothing to send the FSP.
    case noFMC
    /// The chain-of-trust message could not be encoded or sent.
    case chainOfTrust(String)
    /// GB10x: the FSP's fuse-error check is non-zero.
    case fspFuseError(UInt32)
    /// The GSP's RISC-V core did not halt after GSP-RM unloaded.
    case riscvStillRunning
    /// The FSP refused the chain-of-trust message with this error code.
    case fspRefused(errorCode: UInt32)
    /// The GSP's target mask was never released, or its lockdown never lifted.
    case gspLockedDown(hwcfg2: UInt32)
    /// GSP-FMC reported an error in GSP mailbox 0.
    case fmcError(mailbox0: UInt32)
    /// The GSP's RISC-V core is not running after the FMC handed over.
    case riscvNotActive
    /// The FSP reports the vGPU mode off (or cannot say: its error code), so vGPU is not enabled.
    case vgpuModeOff(value: UInt16?, errorCode: UInt32)

    public var description: String {
        func hex(_ v: UInt32) -> String { "\(hex: v)" }
        switch self {
        case .wpr2AlreadyUp(let hi): return "WPR2 is already up (WPR2_ADDR_HI \(hex(hi))): unload the previous GSP first"
        case .scrubberTimeout(let s): return "scrubber did not finish: SECURE_SCRATCH_15 is \(hex(s)), bits 31:29 never reached 3"
        case .booterTimeout: return "booter_load never released SEC2 (no halt within the poll limit)"
        case .booterFailed(let m): return "booter_load failed: SEC2 mailbox 0 is \(hex(m))"
        case .wpr2NotUp: return "booter_load reported success but WPR2_ADDR_HI reads 0"
        case .initDoneTimeout: return "GSP_INIT_DONE never arrived on the message queue"
        case .corruptQueueEntry(let why): return "corrupt message-queue entry: \(why)"
        case .rpcTimeout(let f): return "RPC \(f) got no reply"
        case .unloadTimeout(let m): return "GSP did not unload: mailbox 0 is \(hex(m)), expected 0x80000000"
        case .wpr2StillUp(let hi): return "booter_unload ran but WPR2 is still up (WPR2_ADDR_HI \(hex(hi)))"
        case .gspNotRunning: return "GSP-RM is not running: boot it first"
        case .fspNotReady(let s): return "the FSP's secure boot did not complete: its status register reads \(hex(s)), never 0xff"
        case .fspBusy: return "the FSP's command or message queue stayed busy"
        case .fspNoAnswer(let what): return "the FSP did not answer \(what)"
        case .fspUnexpectedAnswer(let what, let type): return "the FSP's answer to \(what) is not one" + (type.map { " (it answers NVDM type \(hex($0)))" } ?? " (not an NVDM response)")
        case .noFMC: return "the FSP path needs the FMC image and the plan's chain of trust, and one is missing"
        case .chainOfTrust(let why): return "the chain-of-trust message cannot be sent: \(why)"
        case .fspFuseError(let v): return "the FSP's fuse check failed: NV_PFSP_FUSE_ERROR_CHECK reads \(hex(v))"
        case .riscvStillRunning: return "the GSP's RISC-V core did not halt after GSP-RM unloaded"
        case .fspRefused(let code): return "the FSP refused the chain-of-trust message: error \(hex(code))"
        case .gspLockedDown(let v): return "the GSP stayed locked down after the chain of trust: HWCFG2 reads \(hex(v))"
        case .fmcError(let m): return "GSP-FMC failed: GSP mailbox 0 is \(hex(m))"
        case .riscvNotActive: return "the GSP's RISC-V core is not running after GSP-FMC"
        case .vgpuModeOff(let v, let code):
            return code != 0 ? "the FSP cannot say the vGPU mode: error \(hex(code)) reading PRC knob 0x29"
                : "the FSP reports the vGPU mode \(v.map { String($0) } ?? "?") (1 enables vGPU): vGPU is off on this GPU"
        }
    }
}

/// Runs a boot plan against a `GSPHardware`, step by step, with bounded waits; and the unload path.
///
/// The runner places everything in DMA memory itself, so the meta it hands the booter carries real
/// bus addresses (the plan's meta with its sysmem fields filled in).
public final class GSPBootRunner {
    let hw: any GSPHardware
    /// Polls before a wait is declared failed.
    public let pollLimit: Int
    /// What each completed step did, in order.
    public private(set) var log: [String] = []
    /// True once GSP_INIT_DONE arrived (so unload must ask GSP-RM to unload first).
    public private(set) var gspRunning = false
    /// The meta as written to sysmem, once placed.
    public private(set) var placedMeta: GspFwWprMeta?
    /// True when the last boot went through the FSP (no booter to run at unload).
    public private(set) var bootedThroughFSP = false
    private var commandQueue: GSPQueue?
    private var messageQueue: GSPQueue?
    private var sequence: UInt32 = 0

    /// A runner over `hardware`.
    public init(hardware: any GSPHardware, pollLimit: Int = 1000) {
        self.hw = hardware
        self.pollLimit = pollLimit
    }

    /// Boots GSP-RM following `plan`; `systemInfo` is the SET_SYSTEM_INFO payload (GSP_VF_INFO at its end).
    /// On the FSP path, `fmcImage` is the FMC image the FSP is to verify and boot.
    public func boot(_ plan: GSPBootPlan, systemInfo: [UInt8] = [], registry: [(String, UInt32)]? = nil,
                     fmcImage: [UInt8] = []) throws(GSPBootError) {
        let r = GSPRegisters.self
        let hi = hw.read32(r.wpr2AddrHi)
        guard hi == 0 else { throw .wpr2AlreadyUp(hi: hi) }
        record("WPR2 is down")

        // System memory: image (its radix3 table stands for it), signature, bootloader, LibOS regions, queues, meta.
        var place = SysmemPlacement()
        place.radix3 = hw.allocate(4096 * 3)
        place.signature = hw.allocate(Int(plan.meta.sizeOfSignature))
        place.bootloader = hw.allocate(Int(plan.meta.sizeOfBootloader))
        let logs = LibOSArguments.regions.dropLast().map { ($0, hw.allocate(64 * 1024), UInt64(64 * 1024)) }
        let rmargs = hw.allocate(4096)
        let cmdq = GSPQueue(base: hw.allocate(GSPQueue.size)), msgq = GSPQueue(base: hw.allocate(GSPQueue.size))
        var args = [UInt8](repeating: 0, count: 16)
        for (i, v) in [cmdq.base, msgq.base].enumerated() { for b in 0..<8 { args[8 * i + b] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(b))) } }
        hw.writeMemory(rmargs, args)
        place.libosArguments = hw.allocate(4096)
        hw.writeMemory(place.libosArguments, LibOSArguments.encode(logs.map { (name: $0.0, address: $0.1, size: $0.2) } + [("RMARGS", rmargs, 4096)]))
        commandQueue = cmdq
        messageQueue = msgq
        var meta = plan.meta
        meta.sysmemAddrOfRadix3Elf = place.radix3
        meta.sysmemAddrOfBootloader = place.bootloader
        meta.sysmemAddrOfSignature = place.signature
        place.meta = hw.allocate(GspFwWprMeta.size)
        hw.writeMemory(place.meta, meta.encode(plan.metaVariant))
        placedMeta = meta
        record("placed meta at \(hex: place.meta), LibOS arguments at \(hex: place.libosArguments)")

        // The layout says which path: the FSP path's has its own terms.
        if plan.layout.fsp != nil {
            try bootThroughFSP(plan, place: &place, fmcImage: fmcImage)
        } else {
            try bootThroughBooter(plan, place: place)
        }

        hw.write32(r.gspFalcon + r.appVersion, plan.appVersion)
        if bootedThroughFSP && hw.read32(FSPRegisters.gspRISCVCPUCTL) & 0x80 == 0 { throw .riscvNotActive }
        _ = try waitFor(function: GSPRPC.initDone, timeout: .initDoneTimeout)
        gspRunning = true
        record("GSP_INIT_DONE")

        try call(GSPRPC.setSystemInfo, payload: systemInfo)
        record("SET_SYSTEM_INFO acknowledged")
        let vgpu = if case .vgpu = plan.mode { true } else { false }
        let base: [(String, UInt32)] = [("RMSecBusResetEnable", 1), ("RMForcePcieConfigSave", 1)]
        let keys: [(String, UInt32)] = registry ?? (base + (vgpu ? [("RMSetSriovMode", 1)] : []))
        try call(GSPRPC.setRegistry, payload: Self.registryPayload(keys))
        record("SET_REGISTRY acknowledged (\(keys.map(\.0).joined(separator: ", ")))")
    }

    /// Turing to Ada: FWSEC-FRTS, the scrubber where the plan runs it, booter_load on SEC2.
    private func bootThroughBooter(_ plan: GSPBootPlan, place: SysmemPlacement) throws(GSPBootError) {
        let r = GSPRegisters.self
        bootedThroughFSP = false
        // The runner does what the plan's steps say: no FWSEC-FRTS where the chip has no FRTS, no
        // scrubber where none is available (the GSP then refuses the meta, as the hardware would).
        if plan.steps.contains(where: { $0.phase == .frts }) {
            hw.run(.fwsecFRTS)
            record("FWSEC-FRTS ran")
        }
        if plan.steps.contains(where: { $0.phase == .scrubber }) {
            hw.run(.scrubber)
            let done = poll { self.hw.read32(r.secureScratch15) >> 29 >= 3 }
            guard done else { throw .scrubberTimeout(scratch: hw.read32(r.secureScratch15)) }
            record("scrubber finished")
        }
        hw.resetGSP()
        hw.write32(r.gspFalcon + r.mailbox0, UInt32(truncatingIfNeeded: place.libosArguments))
        hw.write32(r.gspFalcon + r.mailbox1, UInt32(truncatingIfNeeded: place.libosArguments >> 32))
        record("GSP reset, LibOS arguments in its mailboxes")

        hw.write32(r.sec2Falcon + r.mailbox0, UInt32(truncatingIfNeeded: place.meta))
        hw.write32(r.sec2Falcon + r.mailbox1, UInt32(truncatingIfNeeded: place.meta >> 32))
        hw.run(.booterLoad)
        guard poll({ self.hw.read32(r.sec2Falcon + r.cpuctl) & 0x10 != 0 }) else { throw .booterTimeout }
        let status = hw.read32(r.sec2Falcon + r.mailbox0)
        guard status == 0 else { throw .booterFailed(mailbox0: status) }
        guard hw.read32(r.wpr2AddrHi) != 0 else { throw .wpr2NotUp }
        record("booter_load released SEC2; WPR2 is up")
    }

    /// Hopper and Blackwell: wait for the FSP's secure boot (and, on GB10x, its fuse check), ask for the
    /// vGPU mode where the plan does, place the FMC image and GSP_FMC_BOOT_PARAMS, send the chain of trust
    /// with their addresses and read the FSP's answer, then wait for GSP-FMC to release the GSP (570
    /// `kgspBootstrap_GH100`).
    private func bootThroughFSP(_ plan: GSPBootPlan, place: inout SysmemPlacement, fmcImage: [UInt8]) throws(GSPBootError) {
        let r = FSPRegisters.self, g = GSPRegisters.self
        bootedThroughFSP = true
        guard let message = plan.chainOfTrust, !fmcImage.isEmpty else { throw .noFMC }
        if let status = plan.steps.first(where: { $0.phase == .fsp })?.register {
            guard poll({ self.hw.read32(status) == 0xff }) else { throw .fspNotReady(status: hw.read32(status)) }
            record("FSP secure boot complete")
        }
        if plan.steps.contains(where: { $0.phase == .fsp && $0.register == r.fuseErrorCheck }) {
            let fuses = hw.read32(r.fuseErrorCheck)
            guard fuses == 0 else { throw .fspFuseError(fuses) }
            record("FSP fuse check passed")
        }
        if plan.steps.contains(where: { $0.phase == .prc }) {
            // nova-core's gate: the FSP's vGPU-mode knob must read 1 before the GPU boots in vGPU mode.
            let response = try exchange(FSPPRCRead(knob: FSPPRCRead.vgpuModeKnob).packet(), answering: FSPPRCRead.nvdmType, what: "the vGPU-mode read")
            guard response.errorCode == 0, response.knobValue == 1 else { throw .vgpuModeOff(value: response.knobValue, errorCode: response.errorCode) }
            record("FSP: vGPU mode enabled (PRC knob 0x29 = 1)")
        }
        let fmc = hw.allocate(fmcImage.count)
        hw.writeMemory(fmc, fmcImage)
        let params = hw.allocate(4096)
        hw.writeMemory(params, GSPFMCBootParams(metaAddress: place.meta, libosArguments: place.libosArguments).encode(plan.release))
        (place.fmcImage, place.fmcBootParams) = (fmc, params)
        var cot = message
        cot.gspFmcSysmemOffset = fmc
        cot.gspBootArgsSysmemOffset = params
        let packet: [UInt8]
        do { packet = try cot.packet() } catch { throw .chainOfTrust(error.description) }
        let response = try exchange(packet, answering: FSPChainOfTrust.nvdmTypeCOT, what: "the chain of trust")
        record("chain of trust sent: FMC image at \(hex: fmc) (\(fmcImage.count) bytes), GSP_FMC_BOOT_PARAMS at \(hex: params)")
        guard response.errorCode == 0 else { throw .fspRefused(errorCode: response.errorCode) }
        record("FSP accepted the chain of trust")
        // GSP-FMC may leave the boot-arguments address in the mailboxes: NVIDIA ignores that value
        // (570 kernel_gsp_gh100.c:484-528); anything else there is the FMC's error code.
        let ignored = (UInt32(truncatingIfNeeded: params), UInt32(truncatingIfNeeded: params >> 32))
        let fmcError = { () -> UInt32? in
            let (m0, m1) = (self.hw.read32(g.gspFalcon + g.mailbox0), self.hw.read32(g.gspFalcon + g.mailbox1))
            return m0 == 0 || m0 == ignored.0 || (m0 == ignored.1 && m1 == ignored.0) ? nil : m0
        }
        let released = poll {
            let v = self.hw.read32(r.gspHWCFG2)
            return v != 0 && v & 0xffff_ff00 != 0xbadf_4100 && (v & 1 << 13 == 0 || fmcError() != nil)
        }
        if let code = fmcError() { throw .fmcError(mailbox0: code) }
        guard released else { throw .gspLockedDown(hwcfg2: hw.read32(r.gspHWCFG2)) }
        record("GSP-FMC released the GSP")
    }

    /// Sends `packet` on the FSP's RM channel once both its queues are idle, and reads the answer, which
    /// must answer `type`.
    private func exchange(_ packet: [UInt8], answering type: UInt32, what: String) throws(GSPBootError) -> FSPResponse {
        let r = FSPRegisters.self
        guard packet.count <= FSPChannel.capacity else { throw .chainOfTrust("\(what) is \(packet.count) bytes; the FSP's channel holds \(FSPChannel.capacity)") }
        // 580 also waits for the message queue to be empty (kern_fsp_gh100.c:256).
        guard poll({ self.hw.read32(r.queueHead) == self.hw.read32(r.queueTail) && self.hw.read32(r.messageHead) == self.hw.read32(r.messageTail) }) else {
            throw .fspBusy
        }
        FSPChannel.send(packet, on: hw)
        var answer: [UInt8]?
        guard poll({ answer = FSPChannel.receive(on: self.hw); return answer != nil }), let bytes = answer else { throw .fspNoAnswer(what) }
        guard let response = FSPResponse.decode(bytes), response.commandType == type else {
            throw .fspUnexpectedAnswer(what, FSPResponse.decode(bytes)?.commandType)
        }
        return response
    }

    /// Unloads from whatever state a boot reached or failed in: ask GSP-RM to unload if it runs,
    /// reset the GSP, run booter_unload if WPR2 is up, and check WPR2 is down.
    public func unload() throws(GSPBootError) {
        let r = GSPRegisters.self
        if gspRunning {
            try send(GSPRPC.unloadingGuestDriver, payload: [])
            guard poll({ self.hw.read32(r.gspFalcon + r.mailbox0) == r.unloadDone }) else {
                throw .unloadTimeout(mailbox0: hw.read32(r.gspFalcon + r.mailbox0))
            }
            record("GSP-RM unloaded")
            gspRunning = false
        }
        if bootedThroughFSP {
            guard poll({ self.hw.read32(FSPRegisters.gspRISCVCPUCTL) & 0x80 == 0 }) else { throw .riscvStillRunning }
            record("the GSP's RISC-V core halted")
        }
        hw.resetGSP()
        record("GSP reset")
        if bootedThroughFSP {
            record("FSP path: no booter_unload")
        } else if hw.read32(r.wpr2AddrHi) != 0 {
            hw.run(.booterUnload)
            guard poll({ self.hw.read32(r.sec2Falcon + r.cpuctl) & 0x10 != 0 }) else { throw .booterTimeout }
            let hi = hw.read32(r.wpr2AddrHi)
            guard hi == 0 else { throw .wpr2StillUp(hi: hi) }
            record("booter_unload took WPR2 down")
        } else {
            record("WPR2 already down: booter_unload skipped")
        }
    }

    /// Runs an RM control on GSP-RM (GSP_RM_CONTROL) and returns its answer: the status GSP-RM set and
    /// the params as it wrote them back. Needs a running GSP.
    public func control(_ call: GSPRMControl) throws(GSPBootError) -> GSPRMControl {
        guard gspRunning else { throw .gspNotRunning }
        try send(GSPRPC.rmControl, payload: call.encode())
        let reply = try waitFor(function: GSPRPC.rmControl, timeout: .rpcTimeout(function: GSPRPC.rmControl))
        guard let answer = GSPRMControl.decode(reply.payload), answer.command == call.command else {
            throw .corruptQueueEntry("GSP_RM_CONTROL reply does not answer command \(hex: call.command)")
        }
        return answer
    }

    /// SET_REGISTRY payload: entries of NUL-terminated key then u32 value, little endian.
    public static func registryPayload(_ entries: [(String, UInt32)]) -> [UInt8] {
        entries.flatMap { key, value in Array(key.utf8) + [0] + (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) } }
    }

    private func call(_ function: UInt32, payload: [UInt8]) throws(GSPBootError) {
        try send(function, payload: payload)
        _ = try waitFor(function: function, timeout: .rpcTimeout(function: function))
    }

    private func send(_ function: UInt32, payload: [UInt8]) throws(GSPBootError) {
        guard let commandQueue else { throw .rpcTimeout(function: function) }
        sequence += 1
        do { try commandQueue.push(.init(sequence: sequence, function: function, payload: payload), on: hw) } catch {
            throw .corruptQueueEntry("command queue: \(error)")
        }
    }

    /// Waits for a message with `function`, skipping others; fails on a corrupt entry.
    private func waitFor(function: UInt32, timeout: GSPBootError) throws(GSPBootError) -> GSPQueue.Entry {
        guard let messageQueue else { throw timeout }
        for _ in 0..<pollLimit {
            let entry: GSPQueue.Entry?
            do { entry = try messageQueue.pop(on: hw) } catch { throw .corruptQueueEntry("\(error)") }
            if let entry, entry.function == function { return entry }
            if entry == nil { hw.wait() }
        }
        throw timeout
    }

    private func poll(_ condition: () -> Bool) -> Bool {
        for _ in 0..<pollLimit {
            if condition() { return true }
            hw.wait()
        }
        return condition()
    }

    private func record(_ line: String) { log.append(line) }
}
