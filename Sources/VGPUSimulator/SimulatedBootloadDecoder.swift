import VGPUCore
import VGPUPrimitives

/// GSP-RM's reading of NV2080_CTRL_VGPU_MGR_INTERNAL_BOOTLOAD_GSP_VGPU_PLUGIN_TASK_PARAMS.
///
/// Deliberately not built on `VGPUBootloadParameters.Layout`: it lays the C struct out itself, member by
/// member with C's alignment rules, so a wrong offset in the encoder's table shows up as a refused
/// bootload instead of agreeing with itself.
struct SimulatedBootloadDecoder {
    /// The decoded parameters; nil when the size is wrong or a field is out of range.
    let parameters: VGPUBootloadParameters?

    /// A C member: name, element size (its alignment too), element count.
    private typealias Member = (name: String, size: Int, count: Int)

    /// The struct's members in declaration order (ctrl2080vgpumgrinternal.h).
    private static func members(engines: Int, kernelLog: Bool, migHeap: Bool) -> [Member] {
        var m: [Member] = [("dbdf", 4, 1), ("gfid", 4, 1), ("vgpuType", 4, 1), ("vmPid", 4, 1), ("swizzId", 4, 1),
                           ("numChannels", 4, 1), ("numPluginChannels", 4, 1), ("chidOffset", 4, engines),
                           ("bDisableDefaultSmcExecPartRestore", 1, 1), ("numGuestFbSegments", 4, 1),
                           ("guestFbPhysAddrList", 8, 384), ("guestFbLengthList", 8, 384),
                           ("pluginHeapMemoryPhysAddr", 8, 1), ("pluginHeapMemoryLength", 8, 1), ("ctrlBuffOffset", 8, 1),
                           ("initTaskLogBuffOffset", 8, 1), ("initTaskLogBuffSize", 8, 1),
                           ("vgpuTaskLogBuffOffset", 8, 1), ("vgpuTaskLogBuffSize", 8, 1)]
        if kernelLog { m += [("kernelLogBuffOffset", 8, 1), ("kernelLogBuffSize", 8, 1)] }
        if migHeap { m += [("migRmHeapMemoryPhysAddr", 8, 1), ("migRmHeapMemoryLength", 8, 1)] }
        return m + [("bDeviceProfilingEnabled", 1, 1)]
    }

    init(bytes: [UInt8], numbering: NV2080Engine.Numbering) {
        let engines = Int(numbering.last)
        var offsets: [String: Int] = [:]
        var at = 0, largest = 1
        // The kernel log came with 570, the MIG RM heap with 545 (ctrl2080vgpumgrinternal.h at each tag).
        let kernelLog = numbering == .r570, migHeap = numbering != .r535
        for member in Self.members(engines: engines, kernelLog: kernelLog, migHeap: migHeap) {
            at = (at + member.size - 1) / member.size * member.size
            offsets[member.name] = at
            at += member.size * member.count
            largest = max(largest, member.size)
        }
        let size = (at + largest - 1) / largest * largest
        guard bytes.count == size else {
            parameters = nil
            return
        }
        func value(_ name: String, index: Int = 0, width: Int) -> UInt64 {
            let o = offsets[name]! + index * width
            return LittleEndian.get(bytes, o, width)
        }
        func u32(_ name: String, _ index: Int = 0) -> UInt32 { UInt32(value(name, index: index, width: 4)) }
        func u64(_ name: String, _ index: Int = 0) -> UInt64 { value(name, index: index, width: 8) }
        func bool(_ name: String) -> Bool? {
            switch value(name, width: 1) {
            case 0: false
            case 1: true
            default: nil
            }
        }
        let segments = Int(u32("numGuestFbSegments"))
        guard (1...384).contains(segments), let smc = bool("bDisableDefaultSmcExecPartRestore"), let profiling = bool("bDeviceProfilingEnabled") else {
            parameters = nil
            return
        }
        var p = VGPUBootloadParameters(
            dbdf: u32("dbdf"), gfid: u32("gfid"), vgpuType: u32("vgpuType"), vmPid: u32("vmPid"), swizzID: u32("swizzId"),
            numChannels: u32("numChannels"), numPluginChannels: u32("numPluginChannels"),
            channelOffsets: (0..<engines).map { u32("chidOffset", $0) }, disableDefaultSMCExecPartitionRestore: smc,
            guestFramebuffer: (0..<segments).map { .init(address: u64("guestFbPhysAddrList", $0), length: u64("guestFbLengthList", $0)) },
            pluginHeapAddress: u64("pluginHeapMemoryPhysAddr"), pluginHeapLength: u64("pluginHeapMemoryLength"),
            controlBufferOffset: u64("ctrlBuffOffset"), initTaskLogOffset: u64("initTaskLogBuffOffset"),
            initTaskLogSize: u64("initTaskLogBuffSize"), vgpuTaskLogOffset: u64("vgpuTaskLogBuffOffset"),
            vgpuTaskLogSize: u64("vgpuTaskLogBuffSize"), deviceProfilingEnabled: profiling)
        if kernelLog {
            p.kernelLogOffset = u64("kernelLogBuffOffset")
            p.kernelLogSize = u64("kernelLogBuffSize")
        }
        if migHeap {
            p.migRMHeapAddress = u64("migRmHeapMemoryPhysAddr")
            p.migRMHeapLength = u64("migRmHeapMemoryLength")
        }
        parameters = p
    }
}
