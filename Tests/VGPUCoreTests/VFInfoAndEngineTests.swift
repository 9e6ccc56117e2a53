import Testing
import VGPUCore

/// GSP_VF_INFO byte for byte, its refusals, and NV2080 engine numbering per release.
struct VFInfoAndEngineTests {
    static let l40 = SRIOVValues(totalVFs: 32, numVFs: 32, firstVFOffset: 4, vfStride: 1, vfDeviceID: 0x26b5, vfBARs: [
        .init(index: 0, address: 0xb108_0000, is64Bit: false),
        .init(index: 1, address: 0x210_0000_0000, is64Bit: true),
        .init(index: 3, address: 0x220_0000_000c, is64Bit: true),   // type bits left in: must be masked
    ])

    @Test func vfInfoBytes() throws {
        let info = try GSPVFInfo.make(from: Self.l40)
        let b = info.encode()
        #expect(b.count == 40)
        #expect(Array(b[0..<4]) == [32, 0, 0, 0])                                   // totalVFs @0
        #expect(Array(b[4..<8]) == [4, 0, 0, 0])                                    // firstVFOffset @4
        #expect(Array(b[8..<16]) == [0x00, 0x00, 0x08, 0xb1, 0, 0, 0, 0])           // FirstVFBar0Address @8
        #expect(Array(b[16..<24]) == [0, 0, 0, 0, 0x10, 0x02, 0, 0])                // FirstVFBar1Address @16
        #expect(Array(b[24..<32]) == [0, 0, 0, 0, 0x20, 0x02, 0, 0])                // FirstVFBar2Address @24, masked
        #expect(Array(b[32..<40]) == [0, 1, 1, 0, 0, 0, 0, 0])                       // b64bitBar0..2 @32..34, padding
        #expect(GSPVFInfo.decode(b) == info)
        #expect(GSPVFInfo.decode(Array(b.prefix(39))) == nil)
    }

    @Test func refusals() {
        #expect(throws: VFInfoError.noSRIOVCapability) { try GSPVFInfo.make(from: nil) }
        var s = Self.l40
        s.totalVFs = 0
        #expect(throws: VFInfoError.totalVFsZero) { try GSPVFInfo.make(from: s) }
        s = Self.l40
        s.vfDeviceID = 0
        #expect(throws: VFInfoError.vfDeviceIDZero) { try GSPVFInfo.make(from: s) }
        s.vfDeviceID = nil   // not read: GSP_VF_INFO does not carry it
        #expect((try? GSPVFInfo.make(from: s)) == (try? GSPVFInfo.make(from: Self.l40)))
        s = Self.l40
        s.vfBARs.removeLast()
        #expect(throws: VFInfoError.missingMemoryBARs(found: 2)) { try GSPVFInfo.make(from: s) }
    }

    @Test("engine numbers per release (GSP-FACTS section 7)", arguments: [
        (NV2080Engine.Kind.gr, 0, UInt32?(0x01), UInt32?(0x01)), (.gr, 7, 0x08, 0x08), (.copy, 0, 0x09, 0x09), (.copy, 9, 0x12, 0x12),
        (.copy, 10, nil, 0x34), (.copy, 19, nil, 0x3d), (.nvdec, 0, 0x13, 0x13), (.nvdec, 7, 0x1a, 0x1a),
        (.nvenc, 2, 0x1d, 0x1d), (.nvenc, 3, nil, 0x3f), (.sec2, 0, 0x26, 0x26), (.nvjpeg, 0, 0x2b, 0x2b), (.nvjpeg, 7, 0x32, 0x32),
        (.ofa, 0, 0x33, 0x33), (.ofa, 1, nil, 0x3e), (.compDecompCopy, 0, nil, 0x40), (.compDecompCopy, 19, nil, 0x53), (.gr, 8, nil, nil),
    ])
    func numbering(kind: NV2080Engine.Kind, instance: Int, r535: UInt32?, r570: UInt32?) {
        #expect(NV2080Engine.type(kind, instance, in: .r535) == r535)
        #expect(NV2080Engine.type(kind, instance, in: .r570) == r570)
    }

    @Test func bitmapAndChannelOffsets() throws {
        // AD102's inventory per nouveau: CE 0x1f, NVDEC 0xf, NVENC 0x7, NVJPG 0xf, OFA 0x1, GR 0x1.
        let ad102 = EngineInventory([.gr: 0x1, .copy: 0x1f, .nvdec: 0xf, .nvenc: 0x7, .nvjpeg: 0xf, .ofa: 0x1])
        let bitmap = try EngineBitmap(ad102.engines, numbering: .r535)
        #expect(bitmap.types == [0x01, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x13, 0x14, 0x15, 0x16, 0x1b, 0x1c, 0x1d, 0x2b, 0x2c, 0x2d, 0x2e, 0x33])
        #expect(bitmap.words == [0x0008_7800_3878_3e02])  // bit t for each type t above
        let offsets = bitmap.channelOffsets(base: 512)
        #expect(offsets.count == 0x3e)
        #expect(offsets.enumerated().allSatisfy { bitmap.types.contains(UInt32($0.offset)) ? $0.element == 512 : $0.element == 0 })
        // The same engines in 570 numbering: two words, LAST 0x54.
        #expect(try EngineBitmap(ad102.engines, numbering: .r570).words.count == 2)
        // A fourth NVENC exists only in 570.
        #expect(throws: EngineBitmapError.notInNumbering(kind: .nvenc, instance: 3, numbering: .r535)) {
            try EngineBitmap([(.nvenc, 3)], numbering: .r535)
        }
    }
}
