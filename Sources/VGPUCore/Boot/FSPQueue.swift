import VGPUPrimitives

/// Registers of the FSP's RM channel (channel 0) and of the GSP that the FSP path polls (published
/// `gh100` `dev_fsp_pri.h`, `dev_falcon_v4.h`, `dev_riscv_pri.h`; GB10x and GB20x use GH100's).
public enum FSPRegisters {
    /// EMEM window of channel 0: control (offset in bits 7:2, block in 15:8, auto-increment on write
    /// bit 24, on read bit 25) and data.
    public static let ememControl: UInt32 = 0x8f2ac0, ememData: UInt32 = 0x8f2ac4
    /// Command queue head and tail (the driver writes), message queue head and tail (the FSP writes).
    public static let queueHead: UInt32 = 0x8f2c00, queueTail: UInt32 = 0x8f2c04, messageHead: UInt32 = 0x8f2c80, messageTail: UInt32 = 0x8f2c84
    /// `NV_PFSP_FUSE_ERROR_CHECK` (GB10x): 0 when the fuses check out.
    public static let fuseErrorCheck: UInt32 = 0x8f033c
    /// The GSP falcon's HWCFG2: non-zero once the FSP releases the GSP's target mask; bit 13 the RISC-V
    /// boot ROM's lockdown (0 once lifted).
    public static let gspHWCFG2: UInt32 = 0x1100f4
    /// The GSP's `NV_PRISCV_RISCV_CPUCTL`: bit 7 reads 1 while its RISC-V core runs.
    public static let gspRISCVCPUCTL: UInt32 = 0x111388
    /// EMEMC bits: auto-increment on write, on read.
    public static let autoIncrementWrite: UInt32 = 1 << 24, autoIncrementRead: UInt32 = 1 << 25
}

/// The FSP's answer to a message (`NVDM_PAYLOAD_COMMAND_RESPONSE`, packed, after the NVDM header):
/// the task, the NVDM type answered and the error code (0: FSP_OK; 0xa0: IFS_ERR_NOT_SUPPORTED; 0xa1:
/// IFS_ERR_INVALID_DATA). An answer to a PRC object read carries the object's value after them
/// (`NVDM_PAYLOAD_PRC_OBJECT_RESPONSE`: `knobValue`, `misc`; 580 `kern_gpu_gh100.c:547-556`).
public struct FSPResponse: Sendable, Equatable {
    public var taskID: UInt32, commandType: UInt32, errorCode: UInt32
    /// A PRC object's value, in an answer to a PRC read.
    public var knobValue: UInt16?
    /// A response from its parts.
    public init(taskID: UInt32 = 0, commandType: UInt32, errorCode: UInt32, knobValue: UInt16? = nil) {
        (self.taskID, self.commandType, self.errorCode, self.knobValue) = (taskID, commandType, errorCode, knobValue)
    }

    /// The packet the FSP writes: MCTP header (one packet), NVDM header of type 0x15, the three words,
    /// then the PRC value and `misc` (0) when there is one.
    public func packet() -> [UInt8] {
        var b = [UInt8](repeating: 0, count: knobValue == nil ? 20 : 24)
        LittleEndian.put(&b, 0, UInt64(FSPChainOfTrust.mctpSingle), 4)
        LittleEndian.put(&b, 4, UInt64(FSPChainOfTrust.nvdmHeader(type: FSPChainOfTrust.nvdmTypeResponse)), 4)
        LittleEndian.put(&b, 8, UInt64(taskID), 4)
        LittleEndian.put(&b, 12, UInt64(commandType), 4)
        LittleEndian.put(&b, 16, UInt64(errorCode), 4)
        if let knobValue { LittleEndian.put(&b, 20, UInt64(knobValue), 2) }
        return b
    }

    /// Reads a response packet; nil unless it is one (NVDM type 0x15, 20 bytes or more).
    public static func decode(_ b: [UInt8]) -> FSPResponse? {
        guard b.count >= 20, LittleEndian.get(b, 4, 4) == UInt64(FSPChainOfTrust.nvdmHeader(type: FSPChainOfTrust.nvdmTypeResponse)) else { return nil }
        return FSPResponse(taskID: UInt32(LittleEndian.get(b, 8, 4)), commandType: UInt32(LittleEndian.get(b, 12, 4)), errorCode: UInt32(LittleEndian.get(b, 16, 4)),
                           knobValue: b.count >= 24 ? UInt16(LittleEndian.get(b, 20, 2)) : nil)
    }
}

/// A PRC object read: NVDM type 0x13 with `NVDM_PAYLOAD_PRC_OBJECT_READ` (packed: object type 0x0c =
/// read, the value's size, 2 bytes, and the knob; NVIDIA 580 `kern_gpu_gh100.c:538-561`, which reads the
/// protected-PCIe knob 0x2d this way). nova-core's vGPU series reads the vGPU mode as knob 0x29 before
/// it enables vGPU on Blackwell; NVIDIA's open driver decides by its `RMSetSriovMode` registry key.
/// The series also asks for the knob's value "active this boot" (a flag, 1 << 1); where that flag goes
/// in the read is not in the excerpts we could read, so this read carries NVIDIA's layout unchanged.
public struct FSPPRCRead: Sendable, Equatable {
    /// NVDM type of a PRC message.
    public static let nvdmType: UInt32 = 0x13
    /// `NVDM_PRC_PPCIE_READ_OBJECT`: the read operation; `NVDM_PRC_PPCIE_NUM_BYTES`: a 2-byte value.
    public static let readObject: UInt8 = 0x0c, valueSize: UInt8 = 2
    /// The vGPU-mode knob (nova-core's vGPU series, object 41), and NVIDIA's protected-PCIe knob.
    public static let vgpuModeKnob: UInt16 = 0x29, protectedPCIeKnob: UInt16 = 0x2d
    /// The knob read.
    public var knob: UInt16
    /// A read of `knob`.
    public init(knob: UInt16) { self.knob = knob }

    /// MCTP header, NVDM header of type 0x13, then the 4-byte read.
    public func packet() -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 12)
        LittleEndian.put(&b, 0, UInt64(FSPChainOfTrust.mctpSingle), 4)
        LittleEndian.put(&b, 4, UInt64(FSPChainOfTrust.nvdmHeader(type: Self.nvdmType)), 4)
        b[8] = Self.readObject
        b[9] = Self.valueSize
        LittleEndian.put(&b, 10, UInt64(knob), 2)
        return b
    }
}

/// The driver's side of the FSP's RM channel: a packet goes into EMEM a word at a time, then the
/// queue's tail and head (head last: it interrupts the FSP); the answer comes back the same way on the
/// message queue (570 `kern_fsp_gh100.c:659-764`).
public enum FSPChannel {
    /// The RM channel's size (`FSP_EMEM_CHANNEL_RM_SIZE`): the largest packet.
    public static let capacity = 1024

    /// Writes `packet` (zero-padded to whole words) and rings the FSP.
    public static func send(_ packet: [UInt8], on hw: any GSPHardware) {
        let r = FSPRegisters.self
        let words = max(1, (packet.count + 3) / 4)
        hw.write32(r.ememControl, r.autoIncrementWrite)
        for i in 0..<words {
            let word = (0..<4).reduce(UInt32(0)) { v, k in 4 * i + k < packet.count ? v | UInt32(packet[4 * i + k]) << (8 * UInt32(k)) : v }
            hw.write32(r.ememData, word)
        }
        hw.write32(r.queueTail, UInt32(4 * words - 4))
        hw.write32(r.queueHead, 0)
    }

    /// Reads the FSP's answer, if the message queue holds one, and acknowledges it.
    public static func receive(on hw: any GSPHardware) -> [UInt8]? {
        let r = FSPRegisters.self
        let head = hw.read32(r.messageHead), tail = hw.read32(r.messageTail)
        guard head != tail, tail >= head, tail - head < 1024 else { return nil }
        hw.write32(r.ememControl, r.autoIncrementRead)
        var bytes: [UInt8] = []
        for _ in 0..<((tail - head) / 4 + 1) {
            let word = hw.read32(r.ememData)
            bytes += (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * UInt32($0))) }
        }
        hw.write32(r.messageTail, head)
        return bytes
    }
}
