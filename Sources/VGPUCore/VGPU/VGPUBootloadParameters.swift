import VGPUPrimitives

/// The parameters of NV2080_CTRL_CMD_VGPU_MGR_INTERNAL_BOOTLOAD_GSP_VGPU_PLUGIN_TASK (0x20804001): what the
/// host tells GSP-RM to start a vGPU's plugin task (GSP-FACTS section 8; the 2024/2025 RFC's bootload.h,
/// an excerpt of NVIDIA's ctrl2080vgpumgrinternal.h).
///
/// The struct has one `chidOffset` entry per NV2080 engine type, so its layout depends on the release's
/// numbering: `Layout.r535` (LAST 0x3e, 6496 bytes), `.r545` (0x3f, with the MIG-heap fields 545 added,
/// 6512), `.r550` (0x40, 6520) and `.r570` (0x54, with the kernel-log fields too, 6616); NVIDIA's compiled
/// struct at each tag is in Tests/Fixtures/nvidia-vectors.json (`bootload`). Offsets are explicit, as gcc
/// lays the C struct out on x86-64 (NvBool one byte, u64 members 8-aligned).
public struct VGPUBootloadParameters: Sendable, Equatable, Codable {
    /// The control's command number.
    public static let command: UInt32 = 0x2080_4001
    /// NV2080_CTRL_MAX_VMMU_SEGMENTS: capacity of the guest FB segment lists.
    public static let maxGuestFBSegments = 384

    /// PCI domain/bus/device/function of the VF: domain << 16 | bus << 8 | device << 3 | function.
    public var dbdf: UInt32
    /// The VF's GPU function id (VF index + 1).
    public var gfid: UInt32
    /// NVIDIA's vGPU type id (`NVIDIA L40S-12Q` is 1153).
    public var vgpuType: UInt32
    /// The VM's process id, 0 when none.
    public var vmPid: UInt32
    /// MIG swizzle id, 0 without MIG.
    public var swizzID: UInt32
    /// Channels of the vGPU, and of its plugin.
    public var numChannels: UInt32, numPluginChannels: UInt32
    /// Channel-id base per NV2080 engine type (the vGPU's base at each engine of its bitmap, 0 elsewhere).
    public var channelOffsets: [UInt32]
    public var disableDefaultSMCExecPartitionRestore: Bool
    /// The guest FB as (address, length) segments.
    public var guestFramebuffer: [Segment]
    /// The management ("plugin") heap.
    public var pluginHeapAddress: UInt64, pluginHeapLength: UInt64
    /// Offsets (FB addresses, as the RFC fills them) of the control buffer and the task logs.
    public var controlBufferOffset: UInt64
    public var initTaskLogOffset: UInt64, initTaskLogSize: UInt64
    public var vgpuTaskLogOffset: UInt64, vgpuTaskLogSize: UInt64
    /// 570 only (zero and not encoded at 535).
    public var kernelLogOffset: UInt64 = 0, kernelLogSize: UInt64 = 0
    public var migRMHeapAddress: UInt64 = 0, migRMHeapLength: UInt64 = 0
    public var deviceProfilingEnabled: Bool

    /// One guest FB segment.
    public struct Segment: Sendable, Equatable, Codable {
        public var address: UInt64
        public var length: UInt64
        public init(address: UInt64, length: UInt64) {
            self.address = address
            self.length = length
        }
    }

    /// Byte offsets of every field for one engine numbering.
    public struct Layout: Sendable, Equatable {
        public let engineCount: Int
        public let channelOffsets = 28
        public let disableSMCRestore: Int, numGuestFBSegments: Int, guestFBAddresses: Int, guestFBLengths: Int
        public let pluginHeapAddress: Int, pluginHeapLength: Int, controlBuffer: Int
        public let initTaskLogOffset: Int, initTaskLogSize: Int, vgpuTaskLogOffset: Int, vgpuTaskLogSize: Int
        /// The kernel log (570 on) and the MIG RM heap (545 on); nil where the release has none.
        public let kernelLog: (offset: Int, size: Int)?, migRMHeap: (address: Int, length: Int)?
        public let deviceProfiling: Int
        /// sizeof: the struct is 8-aligned.
        public let size: Int

        /// The layout for an engine numbering.
        public static func of(_ numbering: NV2080Engine.Numbering) -> Layout {
            switch numbering {
            case .r535: .r535
            case .r545: .r545
            case .r550: .r550
            case .r570: .r570
            }
        }

        /// 535: 62 chidOffset entries.
        public static let r535 = Layout(engines: 0x3e, kernelLog: false, migHeap: false)
        /// 545: 63 entries and the MIG RM heap.
        public static let r545 = Layout(engines: 0x3f, kernelLog: false, migHeap: true)
        /// 550: 64 entries and the MIG RM heap.
        public static let r550 = Layout(engines: 0x40, kernelLog: false, migHeap: true)
        /// 570: 84 entries, the kernel log and the MIG RM heap.
        public static let r570 = Layout(engines: 0x54, kernelLog: true, migHeap: true)

        private init(engines: Int, kernelLog hasKernelLog: Bool, migHeap hasMIGHeap: Bool) {
            engineCount = engines
            disableSMCRestore = 28 + 4 * engines
            numGuestFBSegments = (disableSMCRestore + 1 + 3) / 4 * 4
            guestFBAddresses = (numGuestFBSegments + 4 + 7) / 8 * 8
            guestFBLengths = guestFBAddresses + 8 * VGPUBootloadParameters.maxGuestFBSegments
            pluginHeapAddress = guestFBLengths + 8 * VGPUBootloadParameters.maxGuestFBSegments
            pluginHeapLength = pluginHeapAddress + 8
            controlBuffer = pluginHeapAddress + 16
            initTaskLogOffset = pluginHeapAddress + 24
            initTaskLogSize = pluginHeapAddress + 32
            vgpuTaskLogOffset = pluginHeapAddress + 40
            vgpuTaskLogSize = pluginHeapAddress + 48
            var next = pluginHeapAddress + 56
            kernelLog = hasKernelLog ? (next, next + 8) : nil
            if hasKernelLog { next += 16 }
            migRMHeap = hasMIGHeap ? (next, next + 8) : nil
            if hasMIGHeap { next += 16 }
            deviceProfiling = next
            size = (next + 1 + 7) / 8 * 8
        }

        public static func == (a: Layout, b: Layout) -> Bool { a.engineCount == b.engineCount }
    }

    /// Parameters from their parts (570-only fields default to zero).
    public init(dbdf: UInt32, gfid: UInt32, vgpuType: UInt32, vmPid: UInt32 = 0, swizzID: UInt32 = 0, numChannels: UInt32,
                numPluginChannels: UInt32 = 0, channelOffsets: [UInt32], disableDefaultSMCExecPartitionRestore: Bool = false,
                guestFramebuffer: [Segment], pluginHeapAddress: UInt64, pluginHeapLength: UInt64, controlBufferOffset: UInt64 = 0,
                initTaskLogOffset: UInt64, initTaskLogSize: UInt64, vgpuTaskLogOffset: UInt64, vgpuTaskLogSize: UInt64,
                deviceProfilingEnabled: Bool = false) {
        self.dbdf = dbdf
        self.gfid = gfid
        self.vgpuType = vgpuType
        self.vmPid = vmPid
        self.swizzID = swizzID
        self.numChannels = numChannels
        self.numPluginChannels = numPluginChannels
        self.channelOffsets = channelOffsets
        self.disableDefaultSMCExecPartitionRestore = disableDefaultSMCExecPartitionRestore
        self.guestFramebuffer = guestFramebuffer
        self.pluginHeapAddress = pluginHeapAddress
        self.pluginHeapLength = pluginHeapLength
        self.controlBufferOffset = controlBufferOffset
        self.initTaskLogOffset = initTaskLogOffset
        self.initTaskLogSize = initTaskLogSize
        self.vgpuTaskLogOffset = vgpuTaskLogOffset
        self.vgpuTaskLogSize = vgpuTaskLogSize
        self.deviceProfilingEnabled = deviceProfilingEnabled
    }

    /// Why parameters cannot be encoded.
    public enum EncodingError: Error, Equatable, CustomStringConvertible {
        case channelOffsetCount(found: Int, layout: Int)
        case segmentCount(Int)
        public var description: String {
            switch self {
            case .channelOffsetCount(let n, let l): "chidOffset has \(n) entries; this release's layout has \(l)"
            case .segmentCount(let n): "numGuestFbSegments \(n) is outside 1...\(VGPUBootloadParameters.maxGuestFBSegments)"
            }
        }
    }

    /// The control's params bytes in `layout`.
    public func encode(_ layout: Layout) throws(EncodingError) -> [UInt8] {
        guard channelOffsets.count == layout.engineCount else { throw .channelOffsetCount(found: channelOffsets.count, layout: layout.engineCount) }
        guard (1...Self.maxGuestFBSegments).contains(guestFramebuffer.count) else { throw .segmentCount(guestFramebuffer.count) }
        var b = [UInt8](repeating: 0, count: layout.size)
        for (i, v) in [dbdf, gfid, vgpuType, vmPid, swizzID, numChannels, numPluginChannels].enumerated() {
            LittleEndian.put(&b, 4 * i, UInt64(v), 4)
        }
        for (i, v) in channelOffsets.enumerated() { LittleEndian.put(&b, layout.channelOffsets + 4 * i, UInt64(v), 4) }
        b[layout.disableSMCRestore] = disableDefaultSMCExecPartitionRestore ? 1 : 0
        LittleEndian.put(&b, layout.numGuestFBSegments, UInt64(guestFramebuffer.count), 4)
        for (i, s) in guestFramebuffer.enumerated() {
            LittleEndian.put(&b, layout.guestFBAddresses + 8 * i, s.address, 8)
            LittleEndian.put(&b, layout.guestFBLengths + 8 * i, s.length, 8)
        }
        let fields: [(Int, UInt64)] = [
            (layout.pluginHeapAddress, pluginHeapAddress), (layout.pluginHeapLength, pluginHeapLength),
            (layout.controlBuffer, controlBufferOffset), (layout.initTaskLogOffset, initTaskLogOffset),
            (layout.initTaskLogSize, initTaskLogSize), (layout.vgpuTaskLogOffset, vgpuTaskLogOffset),
            (layout.vgpuTaskLogSize, vgpuTaskLogSize),
        ] + (layout.kernelLog.map { [($0.offset, kernelLogOffset), ($0.size, kernelLogSize)] } ?? [])
          + (layout.migRMHeap.map { [($0.address, migRMHeapAddress), ($0.length, migRMHeapLength)] } ?? [])
        for (offset, value) in fields { LittleEndian.put(&b, offset, value, 8) }
        b[layout.deviceProfiling] = deviceProfilingEnabled ? 1 : 0
        return b
    }
}

/// The parameters of the two teardown controls, both `{ NvU32 gfid; }`.
public enum VGPUPluginTaskControl {
    /// NV2080_CTRL_CMD_VGPU_MGR_INTERNAL_SHUTDOWN_GSP_VGPU_PLUGIN_TASK.
    public static let shutdown: UInt32 = 0x2080_4002
    /// NV2080_CTRL_CMD_VGPU_MGR_INTERNAL_VGPU_PLUGIN_CLEANUP.
    public static let cleanup: UInt32 = 0x2080_4008

    /// The 4-byte params of either control.
    public static func params(gfid: UInt32) -> [UInt8] {
        var b = [UInt8](repeating: 0, count: 4)
        LittleEndian.put(&b, 0, UInt64(gfid), 4)
        return b
    }
}
