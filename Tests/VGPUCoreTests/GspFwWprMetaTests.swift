import Testing
import VGPUCore

/// GspFwWprMeta byte for byte, against an offset table written here from GSP-FACTS section 4
/// (independent of the encoder's own table).
struct GspFwWprMetaTests {
    /// (offset, field) per GSP-FACTS section 4.
    static let documented: [(Int, WritableKeyPath<GspFwWprMeta, UInt64> & Sendable)] = [
        (0x10, \.sysmemAddrOfRadix3Elf), (0x18, \.sizeOfRadix3Elf), (0x20, \.sysmemAddrOfBootloader), (0x28, \.sizeOfBootloader),
        (0x30, \.bootloaderCodeOffset), (0x38, \.bootloaderDataOffset), (0x40, \.bootloaderManifestOffset),
        (0x48, \.sysmemAddrOfSignature), (0x50, \.sizeOfSignature), (0x58, \.gspFwRsvdStart), (0x60, \.nonWprHeapOffset),
        (0x68, \.nonWprHeapSize), (0x70, \.gspFwWprStart), (0x78, \.gspFwHeapOffset), (0x80, \.gspFwHeapSize),
        (0x88, \.gspFwOffset), (0x90, \.bootBinOffset), (0x98, \.frtsOffset), (0xa0, \.frtsSize), (0xa8, \.gspFwWprEnd),
        (0xb0, \.fbSize), (0xb8, \.vgaWorkspaceOffset), (0xc0, \.vgaWorkspaceSize), (0xc8, \.bootCount), (0xf8, \.verified),
    ]

    func u64(_ b: [UInt8], _ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[o + $1]) << (8 * UInt64($1)) } }

    /// A meta whose every field holds a value that names its offset.
    func patterned() -> GspFwWprMeta {
        var m = GspFwWprMeta()
        for (offset, path) in Self.documented { m[keyPath: path] = 0x1111_0000_0000_0000 | UInt64(offset) << 8 | 0x5a }
        m.gspFwHeapVfPartitionCount = 32
        m.flags = 0x3
        m.pmuReservedSize = 0xdead_beef
        return m
    }

    @Test(arguments: GspFwWprMeta.Variant.allCases)
    func byteForByte(variant: GspFwWprMeta.Variant) {
        let bytes = patterned().encode(variant)
        #expect(bytes.count == 256)
        #expect(Array(bytes[0..<8]) == [0xb3, 0x60, 0x1a, 0x37, 0x21, 0xae, 0x3a, 0xdc])  // magic, little endian
        #expect(u64(bytes, 0x08) == 1)
        for (offset, _) in Self.documented { #expect(u64(bytes, offset) == 0x1111_0000_0000_0000 | UInt64(offset) << 8 | 0x5a, "offset \(offset)") }
        #expect(bytes[0xd0..<0xf0].allSatisfy { $0 == 0 })
        #expect(bytes[0xf0] == 32)
        switch variant {
        case .r535:
            #expect(bytes[0xf1..<0xf8].allSatisfy { $0 == 0 })
        case .r570:
            #expect(bytes[0xf1] == 3)
            #expect(bytes[0xf2..<0xf4].allSatisfy { $0 == 0 })
            #expect(Array(bytes[0xf4..<0xf8]) == [0xef, 0xbe, 0xad, 0xde])
        }
    }

    @Test(arguments: GspFwWprMeta.Variant.allCases)
    func roundTrip(variant: GspFwWprMeta.Variant) throws {
        var m = patterned()
        if variant == .r535 { m.flags = 0; m.pmuReservedSize = 0 }
        #expect(try GspFwWprMeta.decode(m.encode(variant), variant: variant) == m)
    }

    @Test func decodeRefusals() {
        let good = GspFwWprMeta().encode(.r535)
        #expect(throws: GspFwWprMeta.DecodeError.wrongSize(255)) { try GspFwWprMeta.decode(Array(good.prefix(255)), variant: .r535) }
        var bad = good
        bad[0] ^= 1
        #expect(throws: GspFwWprMeta.DecodeError.badMagic(GspFwWprMeta.magic ^ 1)) { try GspFwWprMeta.decode(bad, variant: .r535) }
        var rev = good
        rev[8] = 2
        #expect(throws: GspFwWprMeta.DecodeError.unsupportedRevision(2)) { try GspFwWprMeta.decode(rev, variant: .r535) }
        var pad = good
        pad[0xf4] = 1
        #expect(throws: GspFwWprMeta.DecodeError.nonZeroPadding(offset: 0xf4)) { try GspFwWprMeta.decode(pad, variant: .r535) }
        #expect((try? GspFwWprMeta.decode(pad, variant: .r570))?.pmuReservedSize == 1)
    }

    @Test func variantByRelease() {
        #expect(GspFwWprMeta.Variant.of(FirmwareRelease("535.113.01")!) == .r535)
        #expect(GspFwWprMeta.Variant.of(FirmwareRelease("570.144")!) == .r570)
    }
}
