import VGPUCore
import VGPUPrimitives

/// A simulated GPU for boot runs: a register file (BOOT_0/BOOT_42, the VGA workspace register, falcon
/// mailboxes and CPUCTL, WPR2 and scratch registers), bump-allocated DMA memory, SEC2 and GSP falcons,
/// and a GSP that checks the GspFwWprMeta it is given, answers GSP_INIT_DONE and serves RPCs.
///
/// The checks are written from GSP-FACTS independently of the planner, so a planner defect shows up as
/// a rejected boot. Faults can be injected to exercise every failure path of the boot runner.
public final class SimulatedGPU: GSPHardware {
    /// Failures the simulation can be told to produce.
    public enum Fault: Hashable, Sendable {
        /// booter_load never halts SEC2.
        case booterNeverReleases
        /// booter_load halts with this value in mailbox 0 instead of checking the meta.
        case booterMailbox(UInt32)
        /// GSP never posts GSP_INIT_DONE.
        case initDoneNeverComes
        /// GSP posts GSP_INIT_DONE with a broken checksum.
        case corruptQueueEntry
        /// WPR2 is already up when the simulation starts.
        case wpr2AlreadySet
        /// The scrubber never reports completion.
        case scrubberNeverFinishes
        /// GSP-RM ignores UNLOADING_GUEST_DRIVER.
        case unloadIgnored
    }

    /// Booter mailbox codes for meta rejections (simulation-defined).
    public enum Rejection: UInt32, Sendable {
        case badMeta = 0xbad0_0001, order = 0xbad0_0002, alignment = 0xbad0_0003, heapSize = 0xbad0_0004
        case scrubberNotRun = 0xbad0_0005, sysmem = 0xbad0_0006
    }

    /// What the simulated firmware accepts.
    public struct Firmware: Sendable {
        public var release: FirmwareRelease
        public var heap: GSPHeapParameters
        /// On an FSP chip (Hopper, Blackwell): the FMC the FSP trusts (its hash, key and signature, as
        /// the chip's ROM and fuses would accept them), and the VRAM size its FMC lays WPR2 out in.
        public var fmc: FMCSecurityMaterial?
        public var framebufferSize: UInt64?
        /// The FSP's vGPU-mode knob (PRC object 0x29) as it answers a read: 1 on, 0 off, nil not present.
        public var vgpuModeKnob: UInt16? = 1
        public init(release: FirmwareRelease, heap: GSPHeapParameters, fmc: FMCSecurityMaterial? = nil, framebufferSize: UInt64? = nil) {
            self.release = release
            self.heap = heap
            self.fmc = fmc
            self.framebufferSize = framebufferSize
        }
    }

    var registers: [UInt32: UInt32] = [:]
    private var memory: [(base: UInt64, bytes: [UInt8])] = []
    /// The FSP and its RM channel (SimulatedGPU+FSP.swift).
    var fsp = FSPSide()
    private var nextAddress: UInt64 = 0x1_0000_0000
    let firmware: Firmware
    private let faults: Set<Fault>
    var gspBooted = false
    private var initDonePosted = false
    private var messageSequence: UInt32 = 0
    /// Why the last booter_load (or, on an FSP chip, the FSP) rejected the boot, for tests and logs.
    public internal(set) var lastRejection: String?
    /// Payloads the GSP received, by RPC function.
    public private(set) var received: [UInt32: [UInt8]] = [:]
    /// Every falcon ucode run, in order.
    public private(set) var ucodeRuns: [FalconUcode] = []
    /// The vGPU side: VFs, BAR1 window, FB contents and the plugin tasks GSP-RM runs (SimulatedGPU+VGPU.swift).
    var vgpu = VGPUSide()
    /// The meta booter_load (or GSP-FMC) accepted (GSP-RM's view of the FB).
    var bootedMeta: GspFwWprMeta?

    /// A GPU identified by `boot42`, with `firmware` loaded, and `faults` to inject.
    public init(boot0: UInt32, boot42: UInt32, vgaWorkspaceRegister: UInt32 = 0, firmware: Firmware, faults: Set<Fault> = []) {
        self.firmware = firmware
        self.faults = faults
        registers[0] = boot0
        registers[0xa00] = boot42
        registers[GSPRegisters.vgaWorkspaceBase] = vgaWorkspaceRegister
        fspPowerOn(boot42: boot42)
        if faults.contains(.wpr2AlreadySet) {
            registers[GSPRegisters.wpr2AddrLo] = 0xbf570
            registers[GSPRegisters.wpr2AddrHi] = 0xbffef
        }
    }

    // MARK: GSPHardware

    public func read32(_ register: UInt32) -> UInt32 { fspRead(register) ?? registers[register, default: 0] }
    public func write32(_ register: UInt32, _ value: UInt32) {
        if fspWrite(register, value) { return }
        registers[register] = value
    }

    public func allocate(_ size: Int) -> UInt64 {
        let address = nextAddress
        memory.append((address, [UInt8](repeating: 0, count: size)))
        nextAddress += UInt64((size + 4095) / 4096 * 4096) + 4096  // a guard page between allocations
        return address
    }

    public func writeMemory(_ address: UInt64, _ bytes: [UInt8]) {
        guard let i = memory.firstIndex(where: { address >= $0.base && address + UInt64(bytes.count) <= $0.base + UInt64($0.bytes.count) }) else { return }
        let offset = Int(address - memory[i].base)
        memory[i].bytes.replaceSubrange(offset..<offset + bytes.count, with: bytes)
    }

    public func readMemory(_ address: UInt64, _ count: Int) -> [UInt8] {
        let (end, overflow) = address.addingReportingOverflow(UInt64(max(count, 0)))
        guard !overflow, let region = memory.first(where: { address >= $0.base && end <= $0.base + UInt64($0.bytes.count) }) else {
            return [UInt8](repeating: 0, count: count)
        }
        let offset = Int(address - region.base)
        return Array(region.bytes[offset..<offset + count])
    }

    /// True when `address` (+ `count`) lies inside an allocation.
    func isAllocated(_ address: UInt64, _ count: UInt64) -> Bool {
        // An address from a message may be anything: an end past 2^64 is simply not allocated.
        let (end, overflow) = address.addingReportingOverflow(count)
        return !overflow && memory.contains { address >= $0.base && end <= $0.base + UInt64($0.bytes.count) }
    }

    public func run(_ ucode: FalconUcode) {
        ucodeRuns.append(ucode)
        let r = GSPRegisters.self
        switch ucode {
        case .fwsecFRTS:
            break
        case .scrubber:
            if !faults.contains(.scrubberNeverFinishes) { registers[r.secureScratch15] = 3 << 29 }
        case .booterLoad:
            registers[r.sec2Falcon + r.cpuctl] = 0
            if faults.contains(.booterNeverReleases) { return }
            defer { registers[r.sec2Falcon + r.cpuctl] = 0x10 }
            if let fault = faults.first(where: { if case .booterMailbox = $0 { true } else { false } }), case .booterMailbox(let code) = fault {
                registers[r.sec2Falcon + r.mailbox0] = code
                return
            }
            let address = UInt64(registers[r.sec2Falcon + r.mailbox1, default: 0]) << 32 | UInt64(registers[r.sec2Falcon + r.mailbox0, default: 0])
            switch check(metaAt: address) {
            case .success(let meta):
                registers[r.wpr2AddrLo] = UInt32(truncatingIfNeeded: meta.gspFwWprStart >> 12)
                registers[r.wpr2AddrHi] = UInt32(truncatingIfNeeded: (meta.gspFwWprEnd - 1) >> 12)
                registers[r.sec2Falcon + r.mailbox0] = 0
                gspBooted = true
                bootedMeta = meta
                lastRejection = nil
            case .failure(let rejection):
                registers[r.sec2Falcon + r.mailbox0] = rejection.code.rawValue
                lastRejection = rejection.reason
            }
        case .booterUnload:
            registers[r.sec2Falcon + r.cpuctl] = 0x10
            registers[r.wpr2AddrLo] = 0
            registers[r.wpr2AddrHi] = 0
            registers[r.secureScratch15] = 0
            bootedMeta = nil
            vgpu.plugins = [:]
        }
    }

    public func resetGSP() {
        // A reset stops GSP-RM; only booter_load starts it again.
        gspBooted = false
        initDonePosted = false
        fsp.libosArguments = nil
        registers[FSPRegisters.gspRISCVCPUCTL] = 0
        registers[GSPRegisters.gspFalcon + GSPRegisters.mailbox0] = 0
        registers[GSPRegisters.gspFalcon + GSPRegisters.mailbox1] = 0
    }

    /// One tick: a booted GSP whose LibOS arguments check out posts GSP_INIT_DONE, then serves RPCs.
    public func wait() {
        guard gspBooted, let (cmdq, msgq) = queues() else { return }
        if !initDonePosted {
            guard !faults.contains(.initDoneNeverComes) else { return }
            initDonePosted = true
            post(GSPRPC.initDone, [], on: msgq, corrupt: faults.contains(.corruptQueueEntry))
            return
        }
        while let entry = try? cmdq.pop(on: self) {
            received[entry.function] = entry.payload
            if entry.function == GSPRPC.rmControl {
                if let reply = serveControl(entry.payload) { post(GSPRPC.rmControl, reply, on: msgq, corrupt: false) }
            } else if entry.function == GSPRPC.unloadingGuestDriver {
                if !faults.contains(.unloadIgnored) {
                    registers[GSPRegisters.gspFalcon + GSPRegisters.mailbox0] = GSPRegisters.unloadDone
                    registers[FSPRegisters.gspRISCVCPUCTL] = 0   // GSP-RM unloaded: the core halts
                }
            } else {
                post(entry.function, [0, 0, 0, 0], on: msgq, corrupt: false)
            }
        }
    }

    // MARK: The simulated firmware's checks

    private struct MetaRejection: Error {
        let code: Rejection
        let reason: String
    }

    /// Decodes and checks the meta at `address` as booter and GSP-RM would.
    private func check(metaAt address: UInt64) -> Result<GspFwWprMeta, MetaRejection> {
        guard isAllocated(address, UInt64(GspFwWprMeta.size)) else {
            return .failure(.init(code: .sysmem, reason: "meta address \(hex: address) is not in DMA memory"))
        }
        let m: GspFwWprMeta
        do { m = try GspFwWprMeta.decode(readMemory(address, GspFwWprMeta.size), variant: .of(firmware.release)) } catch {
            return .failure(.init(code: .badMeta, reason: error.description))
        }
        // Bottom to top: non-WPR heap, WPR2 start, heap, image, bootloader, FRTS, WPR2 end, VGA workspace, FB end.
        let ordered: [(String, UInt64, UInt64)] = [
            ("nonWprHeap", m.nonWprHeapOffset, m.nonWprHeapSize), ("wpr2 meta", m.gspFwWprStart, 256),
            ("heap", m.gspFwHeapOffset, m.gspFwHeapSize), ("image", m.gspFwOffset, m.sizeOfRadix3Elf),
            ("bootloader", m.bootBinOffset, m.sizeOfBootloader), ("frts", m.frtsOffset, m.frtsSize),
            ("vga", m.vgaWorkspaceOffset, m.vgaWorkspaceSize),
        ]
        for (a, b) in zip(ordered, ordered.dropFirst()) where a.1 + a.2 > b.1 {
            return .failure(.init(code: .order, reason: "\(a.0) ends past the start of \(b.0)"))
        }
        // The relations NVIDIA's kgspCalculateFbLayout_TU102 establishes (535 kernel_gsp_tu102.c:562-600),
        // checked here from the meta alone: FRTS ends at the WPR2 end, the VGA workspace at the end of
        // FB, and the reservation starts at the non-WPR heap (gspFwRsvdStart = nonWprHeapOffset).
        guard m.frtsOffset + m.frtsSize == m.gspFwWprEnd, m.gspFwWprEnd <= m.vgaWorkspaceOffset,
              m.vgaWorkspaceOffset + m.vgaWorkspaceSize == m.fbSize else {
            return .failure(.init(code: .order, reason: "WPR2 end, FRTS, VGA workspace and FB size are inconsistent"))
        }
        guard m.gspFwRsvdStart == m.nonWprHeapOffset else {
            return .failure(.init(code: .order, reason: "gspFwRsvdStart \(hex: m.gspFwRsvdStart) is not nonWprHeapOffset \(hex: m.nonWprHeapOffset)"))
        }
        let alignment: [(String, UInt64, UInt64)] = [("gspFwWprStart", m.gspFwWprStart, 1 << 20), ("gspFwHeapOffset", m.gspFwHeapOffset, 1 << 20),
                                                     ("gspFwOffset", m.gspFwOffset, 1 << 16), ("bootBinOffset", m.bootBinOffset, 1 << 12),
                                                     ("gspFwWprEnd", m.gspFwWprEnd, 1 << 17)]
        for (name, value, align) in alignment where value % align != 0 {
            return .failure(.init(code: .alignment, reason: "\(name) \(hex: value) is not aligned to \(hex: align)"))
        }
        let h = firmware.heap
        if m.gspFwHeapVfPartitionCount == 0 {
            // Bare metal: at least the release's minimum (NVIDIA raises the formula to it).
            guard m.gspFwHeapSize >= h.minimum else {
                return .failure(.init(code: .heapSize, reason: "bare-metal heap \(m.gspFwHeapSize >> 20) MiB under the \(h.minimum >> 20) MiB minimum"))
            }
        } else {
            // vGPU: the release's partition count, and its default heap or one in the override range.
            guard m.gspFwHeapVfPartitionCount == h.vgpuPartitionCount,
                  m.gspFwHeapSize == h.vgpuDefault || h.vgpuOverrideRange.contains(m.gspFwHeapSize) else {
                return .failure(.init(code: .heapSize, reason: "\(m.gspFwHeapVfPartitionCount) VF partitions with a \(m.gspFwHeapSize >> 20) MiB heap"))
            }
        }
        // On a chip that depends on its scrubber (AD10x), what lies from gspFwRsvdStart to the end of FB
        // must have been scrubbed: by the boot ROM up to the pre-scrubbed size, beyond it by the scrubber
        // (NVIDIA 535 kernel_gsp.c:2465-2468).
        if h.hasScrubberUcode, let prescrubbed = h.prescrubbedSize, m.fbSize > m.gspFwRsvdStart, m.fbSize - m.gspFwRsvdStart > prescrubbed,
           registers[GSPRegisters.secureScratch15, default: 0] >> 29 < 3 {
            return .failure(.init(code: .scrubberNotRun, reason: "\((m.fbSize - m.gspFwRsvdStart) >> 20) MiB from gspFwRsvdStart to the end of FB exceed the \(prescrubbed >> 20) MiB pre-scrubbed, and the scrubber has not run"))
        }
        for (name, at, size) in [("radix3", m.sysmemAddrOfRadix3Elf, UInt64(4096)), ("bootloader", m.sysmemAddrOfBootloader, m.sizeOfBootloader),
                                 ("signature", m.sysmemAddrOfSignature, m.sizeOfSignature)] where !isAllocated(at, size) {
            return .failure(.init(code: .sysmem, reason: "\(name) at \(hex: at) is not in DMA memory"))
        }
        return .success(m)
    }

    /// The command and message queues named by the LibOS arguments in the GSP mailboxes.
    private func queues() -> (GSPQueue, GSPQueue)? {
        let r = GSPRegisters.self
        // On the FSP path GSP-FMC read them from GSP_FMC_BOOT_PARAMS; on the booter path they are in the mailboxes.
        let args = fsp.libosArguments ?? (UInt64(registers[r.gspFalcon + r.mailbox1, default: 0]) << 32 | UInt64(registers[r.gspFalcon + r.mailbox0, default: 0]))
        guard args != 0, let rmargs = LibOSArguments.decode(readMemory(args, 4096)).first(where: { $0.name == "RMARGS" }) else { return nil }
        let words = readMemory(rmargs.address, 16)
        func u64(_ o: Int) -> UInt64 { LittleEndian.get(words, o, 8) }
        guard isAllocated(u64(0), UInt64(GSPQueue.size)), isAllocated(u64(8), UInt64(GSPQueue.size)) else { return nil }
        return (GSPQueue(base: u64(0)), GSPQueue(base: u64(8)))
    }

    private func post(_ function: UInt32, _ payload: [UInt8], on queue: GSPQueue, corrupt: Bool) {
        messageSequence += 1
        try? queue.push(.init(sequence: messageSequence, function: function, payload: payload), on: self)
        if corrupt {
            // Flip a payload byte of the entry just written, after its checksum was computed.
            let header = readMemory(queue.base, 4)
            let write = (0..<4).reduce(UInt32(0)) { $0 | UInt32(header[$1]) << (8 * UInt32($1)) }
            let slot = (write + UInt32(GSPQueue.capacity) - 1) % UInt32(GSPQueue.capacity)
            let at = queue.base + UInt64(GSPQueue.entrySize) * UInt64(slot + 1) + 20
            writeMemory(at, [readMemory(at, 1)[0] ^ 0x5a])
        }
    }
}
