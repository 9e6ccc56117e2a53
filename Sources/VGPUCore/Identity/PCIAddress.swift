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
    ///
    /// Byte by byte: a scan parses every directory entry and link target of every function.
    public init?(_ text: some StringProtocol) {
        var fields: [UInt32] = [0, 0, 0, 0], digits = [0, 0, 0, 0], field = 0
        for byte in text.utf8 {
            let value: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = UInt32(byte - UInt8(ascii: "A") + 10)
            case UInt8(ascii: ":") where field < 2, UInt8(ascii: ".") where field == 2:
                field += 1
                continue
            default: return nil
            }
            guard digits[field] < 8 else { return nil }
            fields[field] = fields[field] << 4 | value
            digits[field] += 1
        }
        guard field == 3, digits[0] >= 4, digits[1] == 2, digits[2] == 2, digits[3] == 1 else { return nil }
        self.init(domain: fields[0], bus: UInt8(fields[1]), device: UInt8(fields[2]), function: UInt8(fields[3]))
    }

    /// The routing id (bus << 8 | devfn) used for SR-IOV VF numbering.
    public var routingID: UInt16 { UInt16(bus) << 8 | UInt16(device) << 3 | UInt16(function) }

    /// The routing id of this PF's VF `vf` (from 1), as the SR-IOV capability places it: PF + First VF
    /// Offset + (vf - 1) * VF Stride. In `Int`, and possibly past 0xffff, so a caller can say where a VF
    /// would fall; nil when an operand is outside the capability's 16-bit fields (nothing can overflow).
    /// The stride plays no part in VF 1's place, so it is not checked there.
    public func vfRoutingID(_ vf: Int, firstVFOffset: Int, vfStride: Int) -> Int? {
        guard (1...0x10000).contains(vf), (0...0xffff).contains(firstVFOffset), vf == 1 || (0...0xffff).contains(vfStride) else { return nil }
        return Int(routingID) + firstVFOffset + (vf - 1) * vfStride
    }

    /// The address of this PF's VF `vf` (from 1); nil when it would fall outside the PF's segment.
    public func vfAddress(_ vf: Int, firstVFOffset: Int, vfStride: Int) -> PCIAddress? {
        guard let routing = vfRoutingID(vf, firstVFOffset: firstVFOffset, vfStride: vfStride), routing <= 0xffff else { return nil }
        return PCIAddress(domain: domain, bus: UInt8(routing >> 8), device: UInt8(routing >> 3 & 0x1f), function: UInt8(routing & 7))
    }

    /// `0000:41:00.0`.
    public var description: String {
        "\(hexDigits: domain, width: 4):\(hexDigits: bus, width: 2):\(hexDigits: device, width: 2).\(function)"
    }

    /// Orders by domain, bus, device, function: lspci's order.
    public static func < (a: PCIAddress, b: PCIAddress) -> Bool {
        (a.domain, a.bus, a.device, a.function) < (b.domain, b.bus, b.device, b.function)
    }
}
