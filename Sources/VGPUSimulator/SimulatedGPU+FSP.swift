import Crypto
import VGPUCore
import VGPUPrimitives

/// The simulated FSP of a Hopper or Blackwell GPU: its secure boot completes at power-on; the driver's
/// chain-of-trust message arrives through EMEM on the RM channel; the FSP checks it as NVIDIA documents
/// the FMC's requirements and either boots GSP-FMC, which reads GSP_FMC_BOOT_PARAMS and GspFwWprMeta and
/// releases the GSP, or answers IFS_ERR_INVALID_DATA with the reason in `lastRejection`.
///
/// Its expectations are stated here from NVIDIA's published values (protocol version and key sizes per
/// architecture, the boot-status registers), not taken from the boot HAL, so a HAL that gets one wrong is
/// refused.
struct FSPSide {
    /// The architecture's FSP, nil on a booter-path chip.
    var kind: Kind?
    /// EMEM: what the driver wrote, and the answer the FSP wrote, a word each.
    var inbox: [UInt32] = [], outbox: [UInt32] = []
    var ememCursor = 0, ememReading = false
    /// LibOS arguments named by GSP_FMC_BOOT_PARAMS once GSP-FMC booted.
    var libosArguments: UInt64?

    /// What the FSP of an architecture expects.
    struct Kind {
        let name: String
        /// `NV_THERM_I2CS_SCRATCH_FSP_BOOT_COMPLETE_STATUS`.
        let bootStatus: UInt32
        /// Chain-of-trust protocol version, signature and public-key lengths.
        let version: UInt16, signatureLength: Int, keyLength: Int

        /// GH100 speaks version 1 with RSA-3072 (384-byte signature and key); Blackwell version 2 with
        /// 96-byte signatures and 97-byte keys; GB20x's status register moved to 0xad00bc.
        static func of(boot42: UInt32) -> Kind? {
            switch Architecture(rawValue: UInt8(boot42 >> 24 & 0x3f)) {
            case .hopper: Kind(name: "GH100", bootStatus: 0x200bc, version: 1, signatureLength: 384, keyLength: 384)
            case .blackwellGB10x: Kind(name: "GB10x", bootStatus: 0x200bc, version: 2, signatureLength: 96, keyLength: 97)
            case .blackwellGB20x: Kind(name: "GB20x", bootStatus: 0xad00bc, version: 2, signatureLength: 96, keyLength: 97)
            default: nil  // the booter-path architectures, which have no FSP, and codes this build does not know
            }
        }
    }
}

extension SimulatedGPU.Firmware {
    /// The firmware a simulated GPU runs `plan` with: on the FSP path its FSP trusts the FMC whose parts
    /// the plan's chain of trust carries, of `fmcImage`'s length, in the plan's FB.
    public init(plan: GSPBootPlan, heap: GSPHeapParameters, fmcImage: [UInt8]) {
        let trusted = plan.chainOfTrust.map {
            FMCSecurityMaterial(hash: $0.hash384, publicKey: $0.publicKey, signature: $0.signature, imageSize: UInt64(fmcImage.count))
        }
        self.init(release: plan.release, heap: heap, fmc: trusted, framebufferSize: plan.layout.framebufferSize)
    }
}

/// IFS_ERR_INVALID_DATA (`kern_fsp_retval.h`).
let fspInvalidData: UInt32 = 0xa1

extension SimulatedGPU {
    /// An FSP chip's FSP finishes its secure boot at power-on.
    func fspPowerOn(boot42: UInt32) {
        fsp.kind = FSPSide.Kind.of(boot42: boot42)
        if let kind = fsp.kind { registers[kind.bootStatus] = 0xff }
    }

    /// EMEM data reads come from the FSP's answer.
    func fspRead(_ register: UInt32) -> UInt32? {
        guard fsp.kind != nil, register == FSPRegisters.ememData, fsp.ememReading else { return nil }
        defer { fsp.ememCursor += 1 }
        return fsp.ememCursor < fsp.outbox.count ? fsp.outbox[fsp.ememCursor] : 0
    }

    /// EMEM control and data writes, and the queue head that rings the FSP; true when handled.
    func fspWrite(_ register: UInt32, _ value: UInt32) -> Bool {
        let r = FSPRegisters.self
        guard fsp.kind != nil else { return false }
        switch register {
        case r.ememControl:
            fsp.ememCursor = Int(value >> 2 & 0x3f) + 64 * Int(value >> 8 & 0xff)
            fsp.ememReading = value & r.autoIncrementRead != 0
            if value & r.autoIncrementWrite != 0 { fsp.inbox = [] }
            return true
        case r.ememData:
            fsp.inbox.append(value)
            fsp.ememCursor += 1
            return true
        case r.queueHead:
            let tail = registers[r.queueTail, default: 0]
            let words = Array(fsp.inbox.prefix(Int(tail / 4) + 1))
            let bytes = words.flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * UInt32($0))) } }
            let answer = bytes.count >= 12 && bytes[7] == UInt8(FSPPRCRead.nvdmType) ? readPRC(bytes)
                : FSPResponse(commandType: FSPChainOfTrust.nvdmTypeCOT, errorCode: receiveChainOfTrust(bytes)).packet()
            fsp.outbox = stride(from: 0, to: answer.count, by: 4).map { i in (0..<4).reduce(UInt32(0)) { $0 | UInt32(answer[i + $1]) << (8 * UInt32($1)) } }
            // Consumed: head meets tail; the answer waits on the message queue.
            registers[r.queueHead] = tail
            registers[r.messageHead] = 0
            registers[r.messageTail] = UInt32(answer.count - 4)
            return true
        default:
            return false
        }
    }

    /// Answers a PRC object read: the vGPU-mode knob's value, IFS_ERR_NOT_SUPPORTED (0xa0) for a knob
    /// this FSP does not have.
    private func readPRC(_ bytes: [UInt8]) -> [UInt8] {
        let knob = UInt16(truncatingIfNeeded: LittleEndian.get(bytes, 10, 2))
        guard bytes[8] == FSPPRCRead.readObject, knob == FSPPRCRead.vgpuModeKnob, let value = firmware.vgpuModeKnob else {
            return FSPResponse(commandType: FSPPRCRead.nvdmType, errorCode: 0xa0, knobValue: 0).packet()
        }
        return FSPResponse(commandType: FSPPRCRead.nvdmType, errorCode: 0, knobValue: value).packet()
    }

    /// Checks a chain-of-trust packet; on success boots GSP-FMC. Returns the FSP's error code.
    private func receiveChainOfTrust(_ bytes: [UInt8]) -> UInt32 {
        guard let kind = fsp.kind else { return fspInvalidData }
        func refuse(_ why: String) -> UInt32 {
            lastRejection = why
            return fspInvalidData
        }
        func word(_ i: Int) -> UInt32 { UInt32(truncatingIfNeeded: LittleEndian.get(bytes, 4 * i, 4)) }
        guard bytes.count >= 8 + FSPChainOfTrust.size else { return refuse("the packet is \(bytes.count) bytes; a chain of trust takes \(8 + FSPChainOfTrust.size)") }
        guard word(0) & 0xc000_0000 == 0xc000_0000 else { return refuse("the MCTP header does not mark a single packet (SOM and EOM)") }
        guard word(1) == 0x7e | 0x10de << 8 | 0x14 << 24 else { return refuse("NVDM header \(hex: word(1)) is not a chain of trust (0x1410de7e)") }
        let payload = Array(bytes[8..<8 + FSPChainOfTrust.size])
        guard let cot = FSPChainOfTrust.decode(payload) else { return refuse("the payload's size field is not \(FSPChainOfTrust.size)") }
        guard cot.version == kind.version else { return refuse("chain-of-trust version \(cot.version); the \(kind.name) FSP speaks version \(kind.version)") }
        guard let trusted = firmware.fmc else { return refuse("this GPU trusts no FMC") }
        // The signature and key fill their rooms only to the architecture's lengths.
        for (name, bytes, length, expected) in [("signature", cot.signature, kind.signatureLength, trusted.signature), ("publicKey", cot.publicKey, kind.keyLength, trusted.publicKey)] {
            if bytes[length...].contains(where: { $0 != 0 }) {
                return refuse("\(name) runs past the \(length) bytes the \(kind.name) FSP checks")
            }
            guard Array(bytes[..<length]) == expected else { return refuse("\(name) is not the one the FSP trusts for this FMC") }
        }
        guard isAllocated(cot.gspFmcSysmemOffset, trusted.imageSize) else {
            return refuse("gspFmcSysmemOffset \(hex: cot.gspFmcSysmemOffset) does not hold \(trusted.imageSize) bytes of DMA memory")
        }
        let image = readMemory(cot.gspFmcSysmemOffset, Int(trusted.imageSize))
        guard cot.hash384 == Array(SHA384.hash(data: image)) else { return refuse("hash384 is not the SHA-384 of the FMC image at gspFmcSysmemOffset") }
        guard cot.hash384 == trusted.hash else { return refuse("hash384 is not the hash of the FMC this GPU trusts") }

        // GSP-FMC: its boot parameters, the meta, and the regions at the end of FB.
        guard isAllocated(cot.gspBootArgsSysmemOffset, 80), let params = GSPFMCBootParams.decode(readMemory(cot.gspBootArgsSysmemOffset, 80)) else {
            return refuse("gspBootArgsSysmemOffset does not hold GSP_FMC_BOOT_PARAMS for a GSP-RM boot")
        }
        guard isAllocated(params.metaAddress, UInt64(GspFwWprMeta.size)),
              let meta = try? GspFwWprMeta.decode(readMemory(params.metaAddress, GspFwWprMeta.size), variant: .of(firmware.release)),
              meta.magic == GspFwWprMeta.magic else { return refuse("GSP_FMC_BOOT_PARAMS does not point at a GspFwWprMeta") }
        guard cot.frtsVidmemSize == UInt32(truncatingIfNeeded: meta.frtsSize), meta.frtsSize > 0 else {
            return refuse("frtsVidmemSize \(hex: cot.frtsVidmemSize) is not the meta's FRTS size \(hex: meta.frtsSize)")
        }
        // Above FRTS: the VGA workspace at the very end and the PMU's reservation must fit in frtsVidmemOffset.
        let (above, tooLarge) = meta.vgaWorkspaceSize.addingReportingOverflow(UInt64(meta.pmuReservedSize))
        guard !tooLarge, cot.frtsVidmemOffset >= above else {
            return refuse("FRTS at \(hex: cot.frtsVidmemOffset) from the end of FB overlaps the VGA workspace and PMU reservation above it (\(hex: above))")
        }
        if let fb = firmware.framebufferSize {
            let below = [cot.frtsVidmemOffset, meta.frtsSize, meta.sizeOfBootloader, meta.sizeOfRadix3Elf, meta.gspFwHeapSize, Sizes.MiB, meta.nonWprHeapSize]
            let (total, overflow) = below.reduce((UInt64(0), false)) { acc, v in let (s, o) = acc.0.addingReportingOverflow(v); return (s, acc.1 || o) }
            guard !overflow, total <= fb else { return refuse("the regions from FRTS down to the non-WPR heap need more than the \(fb >> 20) MiB of FB") }
        }
        guard meta.gspFwHeapSize >= firmware.heap.minimum else {
            return refuse("the WPR heap request \(hex: meta.gspFwHeapSize) is below the firmware's minimum")
        }
        guard isAllocated(params.libosArguments, 4096) else { return refuse("GSP_FMC_BOOT_PARAMS names no LibOS arguments") }
        fsp.libosArguments = params.libosArguments
        bootedMeta = meta
        gspBooted = true
        lastRejection = nil
        registers[FSPRegisters.gspHWCFG2] = 0x1          // target mask released, lockdown lifted
        registers[FSPRegisters.gspRISCVCPUCTL] = 0x80     // the RISC-V core runs GSP-RM
        return 0
    }
}
