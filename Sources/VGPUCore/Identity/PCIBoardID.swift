/// A board as the PCI ids tell it: the device id and, where known, the subsystem. NVIDIA's driver sizes
/// some things per board, not per chip (from 580, GB202's 48-VM boards get a larger vGPU heap).
public struct PCIBoardID: Sendable, Hashable, CustomStringConvertible {
    /// The PCI device id (vendor 0x10de).
    public let deviceID: UInt16
    /// The subsystem vendor and device, when read.
    public let subsystem: PCISubsystem?

    /// The board with these ids.
    public init(deviceID: UInt16, subsystem: PCISubsystem?) {
        (self.deviceID, self.subsystem) = (deviceID, subsystem)
    }

    /// `10de:2bb5 subsystem 10de:204e`.
    public var description: String { "10de:\(hexDigits: deviceID, width: 4)" + (subsystem.map { " subsystem \($0)" } ?? "") }
}
