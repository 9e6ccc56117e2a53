/// A PCI function address, `domain:bus:device.function`, as sysfs names device directories.
public struct PCIAddress: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// PCI segment (domain), 0...0xffff (sysfs prints four hex digits; some hosts use more).
    public let domain: UInt32
    /// Bus, 0...0xff.
    public let bus: UInt8
    /// Device, 0...0x1f.
    public let device: UInt8
    /// Function, 0...7.
    public let function: UInt8

    /// Builds an address from its parts; returns nil when a part is out of range.
    public init?(domain: UInt32, bus: UInt8, device: UInt8, function: UInt8) {
        guard device < 32, function < 8 else { return nil }
        self.domain = domain
        self.bus = bus
        self.device = device
        self.function = function
    }

    /// Parses `0000:41:00.0` (the sysfs directory name). Anything else returns nil.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let dot = parts[2].firstIndex(of: ".") else { return nil }
        let devicePart = parts[2][..<dot]
        let functionPart = parts[2][parts[2].index(after: dot)...]
        guard parts[0].count >= 4, parts[1].count == 2, devicePart.count == 2, functionPart.count == 1,
              let domain = UInt32(parts[0], radix: 16), let bus = UInt8(parts[1], radix: 16),
              let device = UInt8(devicePart, radix: 16), let function = UInt8(functionPart, radix: 16)
        else { return nil }
        self.init(domain: domain, bus: bus, device: device, function: function)
    }

    /// The routing id (bus << 8 | devfn) used for SR-IOV VF numbering.
    public var routingID: UInt16 { UInt16(bus) << 8 | UInt16(device) << 3 | UInt16(function) }

    /// `0000:41:00.0`.
    public var description: String {
        func hex(_ v: some BinaryInteger, _ width: Int) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(hex(domain, 4)):\(hex(bus, 2)):\(hex(device, 2)).\(function)"
    }

    /// Orders by domain, bus, device, function: lspci's order.
    public static func < (a: PCIAddress, b: PCIAddress) -> Bool {
        (a.domain, a.bus, a.device, a.function) < (b.domain, b.bus, b.device, b.function)
    }
}
