import VGPUCore

/// A byte or id range, for reports: `start` inclusive, `end` exclusive.
public struct ResourceRange: Sendable, Equatable, Codable, CustomStringConvertible {
    public let start: UInt64
    public let end: UInt64
    public var size: UInt64 { end - start }
    init(_ r: Range<UInt64>) {
        start = r.lowerBound
        end = r.upperBound
    }
    var range: Range<UInt64> { start..<end }
    /// `0x300000000-0x5ffffffff`.
    public var description: String { "\(hex: start)-\(hex: end - 1)" }
}

/// The driver's private state behind one vGPU: every resource it holds, as created.
public struct VGPUInstance: Sendable, Equatable, Codable {
    /// The core's id.
    public let id: DeviceID
    /// `NVIDIA L40S-12Q`, NVIDIA's type id, and its profile size.
    public let type: String
    public let typeID: Int
    public let profileMiB: Int
    /// The VF (from 1), its gfid, and its PCI address.
    public let vf: Int
    public let gfid: UInt32
    public let address: String
    /// The whole FB allocation (VMMU-aligned), the guest segment at its bottom, and the management heap at its top.
    public let framebuffer: ResourceRange
    public let guestSegment: ResourceRange
    public let heap: ResourceRange
    /// The heap's BAR1 window.
    public let bar1: ResourceRange
    /// Channel ids.
    public let channels: ResourceRange
    /// The bootload control's params, as sent (length in bytes).
    public let bootloadBytes: Int
    /// The plugin task's first init-task log line, read back through BAR1.
    public let initLog: String
}

/// What destroying (or unwinding) a vGPU did, step by step.
public struct VGPUTeardown: Sendable, Equatable, Codable {
    /// One teardown step.
    public struct Step: Sendable, Equatable, Codable {
        public let step: VGPUDestroyStep
        public let ok: Bool
        public let detail: String?
    }
    public let id: DeviceID
    public let steps: [Step]
    /// True when GSP-RM did not confirm the plugin task stopped: the VF, FB and channels are then kept
    /// out of use (quarantined), because the firmware may still be using them.
    public let quarantined: Bool
}
