import VGPUPrimitives

/// `GSP_VF_INFO`: the SR-IOV layout the host hands GSP-RM in SET_SYSTEM_INFO (40 bytes, little endian;
/// GSP-FACTS section 6): u32 totalVFs @0, u32 firstVFOffset @4, u64 FirstVFBar0Address @8,
/// u64 FirstVFBar1Address @16, u64 FirstVFBar2Address @24, u8 b64bitBar0 @32, u8 b64bitBar1 @33,
/// u8 b64bitBar2 @34, padding to 40.
public struct GSPVFInfo: Sendable, Equatable, Codable {
    /// Encoded size.
    public static let size = 40

    public var totalVFs: UInt32
    public var firstVFOffset: UInt32
    /// Base addresses of the first VF's 1st, 2nd and 3rd memory BARs (type bits masked off).
    public var firstVFBar0Address: UInt64, firstVFBar1Address: UInt64, firstVFBar2Address: UInt64
    /// Whether each of those BARs is 64-bit.
    public var bar0Is64Bit: Bool, bar1Is64Bit: Bool, bar2Is64Bit: Bool

    /// A VF info from its parts.
    public init(totalVFs: UInt32, firstVFOffset: UInt32, firstVFBar0Address: UInt64, firstVFBar1Address: UInt64, firstVFBar2Address: UInt64,
                bar0Is64Bit: Bool, bar1Is64Bit: Bool, bar2Is64Bit: Bool) {
        self.totalVFs = totalVFs
        self.firstVFOffset = firstVFOffset
        self.firstVFBar0Address = firstVFBar0Address
        self.firstVFBar1Address = firstVFBar1Address
        self.firstVFBar2Address = firstVFBar2Address
        self.bar0Is64Bit = bar0Is64Bit
        self.bar1Is64Bit = bar1Is64Bit
        self.bar2Is64Bit = bar2Is64Bit
    }

    /// The 40 bytes.
    public func encode() -> [UInt8] {
        var b = [UInt8](repeating: 0, count: Self.size)
        func put(_ o: Int, _ v: UInt64, _ width: Int) { LittleEndian.put(&b, o, v, width) }
        put(0, UInt64(totalVFs), 4)
        put(4, UInt64(firstVFOffset), 4)
        put(8, firstVFBar0Address, 8)
        put(16, firstVFBar1Address, 8)
        put(24, firstVFBar2Address, 8)
        b[32] = bar0Is64Bit ? 1 : 0
        b[33] = bar1Is64Bit ? 1 : 0
        b[34] = bar2Is64Bit ? 1 : 0
        return b
    }

    /// Decodes 40 bytes; nil when the length is wrong or a flag byte is not 0/1.
    public static func decode(_ b: [UInt8]) -> GSPVFInfo? {
        guard b.count == size, b[32...34].allSatisfy({ $0 <= 1 }), b[35...].allSatisfy({ $0 == 0 }) else { return nil }
        func get(_ o: Int, _ width: Int) -> UInt64 { LittleEndian.get(b, o, width) }
        return GSPVFInfo(totalVFs: UInt32(get(0, 4)), firstVFOffset: UInt32(get(4, 4)), firstVFBar0Address: get(8, 8),
                         firstVFBar1Address: get(16, 8), firstVFBar2Address: get(24, 8), bar0Is64Bit: b[32] == 1, bar1Is64Bit: b[33] == 1,
                         bar2Is64Bit: b[34] == 1)
    }
}

/// The SR-IOV facts of a PF, as read from its capability (or the sysfs files): the input of VF info.
public struct SRIOVValues: Sendable, Equatable, Codable {
    public var totalVFs: UInt16
    public var numVFs: UInt16
    public var firstVFOffset: UInt16
    public var vfStride: UInt16
    /// The VFs' device id; nil when neither the capability nor `sriov_vf_device` could be read (an
    /// unprivileged read of config space stops at 64 bytes). GSP_VF_INFO does not carry it: only a
    /// read 0, which means the VFs are unusable, stops VF info.
    public var vfDeviceID: UInt16?
    /// The VF BAR registers in use, in register order: (BAR number, base address, 64-bit).
    public var vfBARs: [VFBARValue]

    /// One VF BAR register (a 64-bit BAR occupies its number and the next).
    public struct VFBARValue: Sendable, Equatable, Codable {
        public var index: Int
        public var address: UInt64
        public var is64Bit: Bool
        public init(index: Int, address: UInt64, is64Bit: Bool) {
            self.index = index
            self.address = address
            self.is64Bit = is64Bit
        }
    }

    public init(totalVFs: UInt16, numVFs: UInt16, firstVFOffset: UInt16, vfStride: UInt16, vfDeviceID: UInt16?, vfBARs: [VFBARValue]) {
        self.totalVFs = totalVFs
        self.numVFs = numVFs
        self.firstVFOffset = firstVFOffset
        self.vfStride = vfStride
        self.vfDeviceID = vfDeviceID
        self.vfBARs = vfBARs
    }
}

/// Why a PF cannot host vGPUs through SR-IOV.
public enum VFInfoError: Error, Equatable, CustomStringConvertible {
    case noSRIOVCapability
    case totalVFsZero
    case vfDeviceIDZero
    case missingMemoryBARs(found: Int)

    public var description: String {
        switch self {
        case .noSRIOVCapability: "the PF has no SR-IOV capability"
        case .totalVFsZero: "the SR-IOV capability reports TotalVFs 0"
        case .vfDeviceIDZero: "the SR-IOV VF device id is 0: the VFs are unusable"
        case .missingMemoryBARs(let n): "the VFs have \(n) memory BAR(s); GSP_VF_INFO needs 3"
        }
    }
}

/// A module that builds GSP_VF_INFO for its chips. The default is the rule for every GSP generation so
/// far: the first three memory BARs of the VF, whatever their numbers (0/1/3 on Ampere and Ada,
/// 0/2/4 on Hopper).
public protocol VFInfoProviding: Sendable {
    /// GSP_VF_INFO for a PF with these SR-IOV values, or why there is none.
    func vfInfo(for sriov: SRIOVValues?) throws(VFInfoError) -> GSPVFInfo
}

extension VFInfoProviding {
    public func vfInfo(for sriov: SRIOVValues?) throws(VFInfoError) -> GSPVFInfo {
        try GSPVFInfo.make(from: sriov)
    }
}

extension GSPVFInfo {
    /// The common rule (see `VFInfoProviding`).
    public static func make(from sriov: SRIOVValues?) throws(VFInfoError) -> GSPVFInfo {
        guard let s = sriov else { throw .noSRIOVCapability }
        guard s.totalVFs > 0 else { throw .totalVFsZero }
        // Only a read 0 stops it; an id that could not be read (nil) says nothing against the VFs.
        guard s.vfDeviceID != 0 else { throw .vfDeviceIDZero }
        let bars = s.vfBARs.sorted { $0.index < $1.index }
        guard bars.count >= 3 else { throw .missingMemoryBARs(found: bars.count) }
        return GSPVFInfo(totalVFs: UInt32(s.totalVFs), firstVFOffset: UInt32(s.firstVFOffset),
                         firstVFBar0Address: bars[0].address & ~0xf, firstVFBar1Address: bars[1].address & ~0xf,
                         firstVFBar2Address: bars[2].address & ~0xf,
                         bar0Is64Bit: bars[0].is64Bit, bar1Is64Bit: bars[1].is64Bit, bar2Is64Bit: bars[2].is64Bit)
    }
}
