import VGPUPrimitives

/// `GspFwWprMeta`: the 256-byte, little-endian structure at the start of WPR2 that tells the booter and
/// GSP-RM where everything is (GSP-FACTS section 4). Encoded from an explicit offset table, not from
/// a Swift memory layout.
public struct GspFwWprMeta: Sendable, Equatable, Codable {
    /// `magic`.
    public static let magic: UInt64 = 0xdc3a_ae21_371a_60b3
    /// `revision`.
    public static let revision: UInt64 = 1
    /// `verified` once the firmware has checked the structure.
    public static let verifiedMagic: UInt64 = 0xa0a0_a0a0_a0a0_a0a0
    /// Encoded size.
    public static let size = 256

    /// The two encodings: 535 pads after the partition count; 570 adds flags and pmuReservedSize there.
    public enum Variant: String, Sendable, Codable, CaseIterable {
        /// 535.x.
        case r535
        /// 570 and later.
        case r570

        /// The variant a release uses.
        public static func of(_ release: FirmwareRelease) -> Variant { release.major >= 570 ? .r570 : .r535 }
    }

    public var magic = GspFwWprMeta.magic
    public var revision = GspFwWprMeta.revision
    public var sysmemAddrOfRadix3Elf: UInt64 = 0
    public var sizeOfRadix3Elf: UInt64 = 0
    public var sysmemAddrOfBootloader: UInt64 = 0
    public var sizeOfBootloader: UInt64 = 0
    public var bootloaderCodeOffset: UInt64 = 0
    public var bootloaderDataOffset: UInt64 = 0
    public var bootloaderManifestOffset: UInt64 = 0
    public var sysmemAddrOfSignature: UInt64 = 0
    public var sizeOfSignature: UInt64 = 0
    public var gspFwRsvdStart: UInt64 = 0
    public var nonWprHeapOffset: UInt64 = 0
    public var nonWprHeapSize: UInt64 = 0
    public var gspFwWprStart: UInt64 = 0
    public var gspFwHeapOffset: UInt64 = 0
    public var gspFwHeapSize: UInt64 = 0
    public var gspFwOffset: UInt64 = 0
    public var bootBinOffset: UInt64 = 0
    public var frtsOffset: UInt64 = 0
    public var frtsSize: UInt64 = 0
    public var gspFwWprEnd: UInt64 = 0
    public var fbSize: UInt64 = 0
    public var vgaWorkspaceOffset: UInt64 = 0
    public var vgaWorkspaceSize: UInt64 = 0
    public var bootCount: UInt64 = 0
    /// 0xd0...0xef: partition RPC / ELF code-data union; zero at boot.
    public var partitionUnion: [UInt64] = [0, 0, 0, 0]
    /// 0xf0: VF partition count (0 bare metal, 32 vGPU).
    public var gspFwHeapVfPartitionCount: UInt8 = 0
    /// GSP_FW_FLAGS_CLOCK_BOOST, bit 0 of `flags` (570 gsp_fw_wpr_meta.h).
    public static let clockBoostFlag: UInt8 = 1
    /// 0xf1 (570 only): flags.
    public var flags: UInt8 = 0
    /// 0xf4 (570 only): PMU reserved size.
    public var pmuReservedSize: UInt32 = 0
    /// 0xf8: 0 until the firmware verified the structure.
    public var verified: UInt64 = 0

    /// An all-default meta (magic and revision set).
    public init() {}

    /// The u64 fields with their offsets: the one table both encoder and decoder use.
    public static let u64Fields: [(name: String, offset: Int, path: WritableKeyPath<GspFwWprMeta, UInt64> & Sendable)] = [
        ("magic", 0x00, \.magic), ("revision", 0x08, \.revision),
        ("sysmemAddrOfRadix3Elf", 0x10, \.sysmemAddrOfRadix3Elf), ("sizeOfRadix3Elf", 0x18, \.sizeOfRadix3Elf),
        ("sysmemAddrOfBootloader", 0x20, \.sysmemAddrOfBootloader), ("sizeOfBootloader", 0x28, \.sizeOfBootloader),
        ("bootloaderCodeOffset", 0x30, \.bootloaderCodeOffset), ("bootloaderDataOffset", 0x38, \.bootloaderDataOffset),
        ("bootloaderManifestOffset", 0x40, \.bootloaderManifestOffset),
        ("sysmemAddrOfSignature", 0x48, \.sysmemAddrOfSignature), ("sizeOfSignature", 0x50, \.sizeOfSignature),
        ("gspFwRsvdStart", 0x58, \.gspFwRsvdStart), ("nonWprHeapOffset", 0x60, \.nonWprHeapOffset),
        ("nonWprHeapSize", 0x68, \.nonWprHeapSize), ("gspFwWprStart", 0x70, \.gspFwWprStart),
        ("gspFwHeapOffset", 0x78, \.gspFwHeapOffset), ("gspFwHeapSize", 0x80, \.gspFwHeapSize),
        ("gspFwOffset", 0x88, \.gspFwOffset), ("bootBinOffset", 0x90, \.bootBinOffset),
        ("frtsOffset", 0x98, \.frtsOffset), ("frtsSize", 0xa0, \.frtsSize), ("gspFwWprEnd", 0xa8, \.gspFwWprEnd),
        ("fbSize", 0xb0, \.fbSize), ("vgaWorkspaceOffset", 0xb8, \.vgaWorkspaceOffset),
        ("vgaWorkspaceSize", 0xc0, \.vgaWorkspaceSize), ("bootCount", 0xc8, \.bootCount),
        ("verified", 0xf8, \.verified),
    ]

    /// The 256 bytes for `variant`.
    public func encode(_ variant: Variant) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: Self.size)
        func put(_ offset: Int, _ value: UInt64, _ width: Int) { LittleEndian.put(&bytes, offset, value, width) }
        for field in Self.u64Fields { put(field.offset, self[keyPath: field.path], 8) }
        for (i, word) in partitionUnion.prefix(4).enumerated() { put(0xd0 + 8 * i, word, 8) }
        bytes[0xf0] = gspFwHeapVfPartitionCount
        if variant == .r570 {
            bytes[0xf1] = flags
            put(0xf4, UInt64(pmuReservedSize), 4)
        }
        return bytes
    }

    /// Why bytes are not a GspFwWprMeta.
    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        /// Not 256 bytes.
        case wrongSize(Int)
        /// The magic field differs.
        case badMagic(UInt64)
        /// A revision other than 1.
        case unsupportedRevision(UInt64)
        /// 535 padding bytes (0xf1...0xf7) are not zero.
        case nonZeroPadding(offset: Int)

        public var description: String {
            switch self {
            case .wrongSize(let n): "GspFwWprMeta is 256 bytes, got \(n)"
            case .badMagic(let m): "magic (offset 0x00) is \(hex: m), expected \(hex: GspFwWprMeta.magic)"
            case .unsupportedRevision(let r): "revision (offset 0x08) is \(r), expected 1"
            case .nonZeroPadding(let o): "byte \(hex: o) is padding in the 535 layout but not zero"
            }
        }
    }

    /// Decodes 256 bytes (a dump, or what a simulated GSP reads from sysmem).
    public static func decode(_ bytes: [UInt8], variant: Variant) throws(DecodeError) -> GspFwWprMeta {
        guard bytes.count == size else { throw .wrongSize(bytes.count) }
        func get(_ offset: Int, _ width: Int) -> UInt64 { LittleEndian.get(bytes, offset, width) }
        var meta = GspFwWprMeta()
        for field in u64Fields { meta[keyPath: field.path] = get(field.offset, 8) }
        guard meta.magic == magic else { throw .badMagic(meta.magic) }
        guard meta.revision == revision else { throw .unsupportedRevision(meta.revision) }
        meta.partitionUnion = (0..<4).map { get(0xd0 + 8 * $0, 8) }
        meta.gspFwHeapVfPartitionCount = bytes[0xf0]
        switch variant {
        case .r570:
            meta.flags = bytes[0xf1]
            meta.pmuReservedSize = UInt32(get(0xf4, 4))
        case .r535:
            if let o = (0xf1...0xf7).first(where: { bytes[$0] != 0 }) { throw .nonZeroPadding(offset: o) }
        }
        return meta
    }

    /// Every field as (name, offset, value) in offset order, for display.
    public func fields(_ variant: Variant) -> [(name: String, offset: Int, value: UInt64)] {
        var out: [(name: String, offset: Int, value: UInt64)] = Self.u64Fields.map { ($0.name, $0.offset, self[keyPath: $0.path]) }
        out += partitionUnion.enumerated().map { ("partitionUnion[\($0.offset)]", 0xd0 + 8 * $0.offset, $0.element) }
        out.append(("gspFwHeapVfPartitionCount", 0xf0, UInt64(gspFwHeapVfPartitionCount)))
        if variant == .r570 {
            out.append(("flags", 0xf1, UInt64(flags)))
            out.append(("pmuReservedSize", 0xf4, UInt64(pmuReservedSize)))
        }
        return out.sorted { $0.offset < $1.offset }
    }
}

extension GspFwWprMeta {
    /// A meta naming the images in sysmem, as both boot paths fill it first: the radix3 GSP image, the
    /// bootloader (or boot binary) with its descriptor's offsets, and the signature section.
    public init(images inputs: GSPBootInputs, sysmem: SysmemPlacement) {
        self.init()
        sysmemAddrOfRadix3Elf = sysmem.radix3
        sizeOfRadix3Elf = inputs.imageSize
        sysmemAddrOfBootloader = sysmem.bootloader
        sizeOfBootloader = inputs.bootloaderSize
        bootloaderCodeOffset = inputs.bootloaderCodeOffset
        bootloaderDataOffset = inputs.bootloaderDataOffset
        bootloaderManifestOffset = inputs.bootloaderManifestOffset
        sysmemAddrOfSignature = sysmem.signature
        sizeOfSignature = inputs.signatureSize
    }
}
