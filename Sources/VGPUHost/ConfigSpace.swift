import VGPUPrimitives

/// A PCI function's configuration space as far as it could be read, decoded without trusting it:
/// capability lists are walked with bounds checks, a visited set and an iteration cap, so a loop or a
/// pointer past the end is reported instead of followed.
public struct ConfigSpace: Sendable, Codable, Equatable {
    /// How many bytes were available (64 for an unprivileged reader, 256 or 4096 for root).
    public let size: Int
    /// Vendor and device id from the header (0xffff on an SR-IOV VF, whose ids live in sysfs).
    public let vendorID: UInt16, deviceID: UInt16
    /// Command and status registers.
    public let command: UInt16, status: UInt16
    /// Revision and 24-bit class code.
    public let revision: UInt8, classCode: UInt32
    /// Header type (low 7 bits: 0 endpoint, 1 bridge).
    public let headerType: UInt8
    /// Standard capabilities in list order.
    public var capabilities: [Capability] = []
    /// Extended (PCIe) capabilities in list order.
    public var extendedCapabilities: [Capability] = []
    /// The decoded SR-IOV extended capability, when present.
    public var sriov: SRIOVCapability?
    /// Problems met while walking the lists.
    public var problems: [String] = []

    /// One capability: its id (and version for extended ones) and where it is.
    public struct Capability: Sendable, Codable, Equatable {
        public let id: UInt16
        public let offset: Int
        public let version: UInt8?
    }

    /// Capability id of SR-IOV in the extended list.
    public static let sriovID: UInt16 = 0x0010

    /// Decodes `bytes`; returns nil when not even the 64-byte header is there.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count >= 64 else { return nil }
        func u8(_ o: Int) -> UInt8 { bytes[o] }
        func u16(_ o: Int) -> UInt16 { UInt16(truncatingIfNeeded: LittleEndian.get(bytes, o, 2)) }
        func u32(_ o: Int) -> UInt32 { UInt32(truncatingIfNeeded: LittleEndian.get(bytes, o, 4)) }
        size = bytes.count
        vendorID = u16(0)
        deviceID = u16(2)
        command = u16(4)
        status = u16(6)
        revision = u8(8)
        classCode = UInt32(u8(9)) | UInt32(u8(10)) << 8 | UInt32(u8(11)) << 16
        headerType = u8(0x0e)
        if bytes.allSatisfy({ $0 == 0xff }) {
            problems.append("config space reads as all ones: the device is not responding (powered off or removed)")
            return
        }

        // Standard list: Capabilities List bit (status bit 4), pointer at 0x34, entries 0x40...0xff, dword aligned.
        if status & 0x10 != 0 {
            var pointer = Int(u8(0x34)) & ~3
            var visited: Set<Int> = []
            while pointer != 0 {
                guard pointer >= 0x40, pointer + 2 <= min(bytes.count, 256) else {
                    problems.append("capability pointer \(hex: pointer) is outside 0x40...0xff"
                                    + (bytes.count < 256 ? " or past the \(bytes.count) bytes read" : ""))
                    break
                }
                guard visited.insert(pointer).inserted, visited.count <= 48 else {
                    problems.append("capability list loops back to \(hex: pointer)")
                    break
                }
                capabilities.append(Capability(id: UInt16(u8(pointer)), offset: pointer, version: nil))
                pointer = Int(u8(pointer + 1)) & ~3
            }
        }

        // Extended list from 0x100, only when more than 256 bytes could be read.
        guard bytes.count > 0x100 else { return }
        var offset = 0x100
        var visited: Set<Int> = []
        while offset != 0 {
            guard offset >= 0x100, offset + 4 <= bytes.count else {
                problems.append("extended capability pointer \(hex: offset) is outside 0x100...\(hex: bytes.count - 4)")
                break
            }
            let header = u32(offset)
            if header == 0 || header == 0xffff_ffff { break }  // no extended capabilities
            guard visited.insert(offset).inserted, visited.count <= (4096 - 256) / 4 else {
                problems.append("extended capability list loops back to \(hex: offset)")
                break
            }
            let id = UInt16(header & 0xffff)
            extendedCapabilities.append(Capability(id: id, offset: offset, version: UInt8((header >> 16) & 0xf)))
            if id == Self.sriovID {
                if offset + SRIOVCapability.size <= bytes.count {
                    sriov = SRIOVCapability(bytes, at: offset)
                } else {
                    problems.append("SR-IOV capability at \(hex: offset) runs past the \(bytes.count) bytes read")
                }
            }
            offset = Int(header >> 20) & ~3
        }
    }
}

/// The SR-IOV extended capability (PCIe base spec 9.3.3), as GSP_VF_INFO needs it.
public struct SRIOVCapability: Sendable, Codable, Equatable {
    /// Length of the capability structure.
    public static let size = 0x40
    /// Where it is in config space.
    public let offset: Int
    /// SR-IOV Control (bit 0 VF Enable, bit 3 VF MSE, bit 4 ARI Capable Hierarchy).
    public let control: UInt16
    /// InitialVFs, TotalVFs, NumVFs.
    public let initialVFs: UInt16, totalVFs: UInt16, numVFs: UInt16
    /// First VF Offset and VF Stride, in routing-id units.
    public let firstVFOffset: UInt16, vfStride: UInt16
    /// VF Device ID (0 means the VFs are unusable).
    public let vfDeviceID: UInt16
    /// Supported Page Sizes and System Page Size.
    public let supportedPageSizes: UInt32, systemPageSize: UInt32
    /// VF BARs 0...5 as programmed; a 64-bit BAR takes two slots (its pair has `upperHalf` true).
    public let vfBARs: [VFBAR]

    /// One VF BAR register.
    public struct VFBAR: Sendable, Codable, Equatable {
        /// BAR number 0...5.
        public let index: Int
        /// Base address (64-bit BARs combined with the next register), type bits masked off.
        public let address: UInt64
        /// True for a 64-bit memory BAR (type bits 2:1 = 0b10).
        public let is64Bit: Bool
        /// Prefetchable bit.
        public let prefetchable: Bool
    }

    /// VF Enable is set.
    public var vfEnabled: Bool { control & 1 != 0 }

    init(_ bytes: [UInt8], at o: Int) {
        func u16(_ p: Int) -> UInt16 { UInt16(truncatingIfNeeded: LittleEndian.get(bytes, p, 2)) }
        func u32(_ p: Int) -> UInt32 { UInt32(truncatingIfNeeded: LittleEndian.get(bytes, p, 4)) }
        offset = o
        control = u16(o + 0x08)
        initialVFs = u16(o + 0x0c)
        totalVFs = u16(o + 0x0e)
        numVFs = u16(o + 0x10)
        firstVFOffset = u16(o + 0x14)
        vfStride = u16(o + 0x16)
        vfDeviceID = u16(o + 0x1a)
        supportedPageSizes = u32(o + 0x1c)
        systemPageSize = u32(o + 0x20)
        var bars: [VFBAR] = []
        var i = 0
        while i < 6 {
            let low = u32(o + 0x24 + 4 * i)
            let is64 = low & 0x6 == 0x4
            if is64 && i < 5 {
                let high = u32(o + 0x24 + 4 * (i + 1))
                bars.append(VFBAR(index: i, address: UInt64(high) << 32 | UInt64(low & ~0xf), is64Bit: true, prefetchable: low & 0x8 != 0))
                i += 2
            } else {
                bars.append(VFBAR(index: i, address: UInt64(low & ~0xf), is64Bit: false, prefetchable: low & 0x8 != 0))
                i += 1
            }
        }
        vfBARs = bars
    }
}
