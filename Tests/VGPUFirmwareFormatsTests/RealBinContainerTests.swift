import Testing
import VGPUFirmware
import VGPUFirmwareFormats
import VGPUTestSupport

/// The bin-container parsers on Debian's real bootloader and booter files (values: GSP-FACTS section 2
/// and an independent struct.unpack dump of the same files).
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct RealBinContainerTests {
    @Test("AD102 bootloader: bin header and 84-byte RM_RISCV_UCODE_DESC")
    func ad102Bootloader() throws {
        let path = RealFirmware.path("nvidia/ad102/gsp/bootloader-535.113.01.bin")
        let bytes = try RealFirmware.bytes("nvidia/ad102/gsp/bootloader-535.113.01.bin")
        #expect(bytes.count == 32_876)
        let b = try RISCVBootloader(bytes: bytes, file: path)
        #expect(b.bin.binMagic == 0x10de)
        #expect(b.bin.binSize == 0x8100)
        #expect(b.bin.headerOffset == 0x18)
        #expect(b.payload == FileRange(offset: 0x6c, size: 0x8000))
        let d = b.descriptor
        #expect(d.encodedSize == 84)
        #expect(d.version == 5)
        #expect(d.fields["bootloaderOffset"] == 0x7000)
        #expect(d.fields["bootloaderSize"] == 0x458)
        #expect(d.fields["bootloaderParamOffset"] == 0x7458)
        #expect(d.manifestOffset == 0)
        #expect(d.fields["manifestSize"] == 0x800)
        #expect(d.monitorDataOffset == 0x800)
        #expect(d.fields["monitorDataSize"] == 0x4000)
        #expect(d.monitorCodeOffset == 0x4800)
        #expect(d.fields["monitorCodeSize"] == 0x2500)
        #expect(d.fields["bIsMonitorEnabled"] == 1)
        #expect(d.fields["fbReservedSize"] == 0x8000)
        #expect(d.fields["bSignedAsCode"] == 0)
    }

    @Test("TU102 bootloader: the 76-byte descriptor form, version 4")
    func tu102Bootloader() throws {
        let rel = "nvidia/tu102/gsp/bootloader-535.113.01.bin"
        let b = try RISCVBootloader(bytes: try RealFirmware.bytes(rel), file: rel)
        #expect(b.payload == FileRange(offset: 0x64, size: 0x1000))
        #expect(b.descriptor.encodedSize == 76)
        #expect(b.descriptor.version == 4)
        #expect(b.descriptor.fields["fbReservedSize"] == nil)
    }

    @Test("AD102 booter_load: HS v2 header, dereferenced patch words, signatures, metadata, load header")
    func ad102BooterLoad() throws {
        let rel = "nvidia/ad102/gsp/booter_load-535.113.01.bin"
        let b = try BooterUcode(bytes: try RealFirmware.bytes(rel), file: rel)
        #expect(b.bin.payload == FileRange(offset: 0x378, size: 0xd700))
        #expect(b.hsHeader.sigProdOffset == 0x3c)
        #expect(b.hsHeader.sigProdSize == 0x300)
        #expect(b.hsHeader.patchLoc == 0x33c)
        #expect(b.patchLocation == 0x7710)
        #expect(b.patchSignatureIndex == 0)
        #expect(b.signatureCount == 2)
        #expect(b.signatures == [FileRange(offset: 0x3c, size: 384), FileRange(offset: 0x1bc, size: 384)])
        #expect((b.fuseVersion, b.engineID, b.ucodeID) == (1, 1, 3))
        #expect(b.loadHeader.osCodeOffset == 0)
        #expect(b.loadHeader.osCodeSize == 0x100)
        #expect(b.loadHeader.osDataOffset == 0x7700)
        #expect(b.loadHeader.osDataSize == 0x6000)
        #expect(b.loadHeader.apps == [FileRange(offset: 0x100, size: 0x7600)])
    }

    @Test("every Ada booter_unload and the GA100 booter parse (one signature, fuse 0)")
    func otherBooters() throws {
        for chip in ["ad102", "ad103", "ad104", "ad106", "ad107"] {
            let rel = "nvidia/\(chip)/gsp/booter_unload-535.113.01.bin"
            let b = try BooterUcode(bytes: try RealFirmware.bytes(rel), file: rel)
            #expect(b.patchLocation == 0x4910)
            #expect(b.signatureCount == 2)
        }
        let ga100 = try BooterUcode(bytes: try RealFirmware.bytes("nvidia/ga100/gsp/booter_load-535.113.01.bin"), file: "ga100")
        #expect(ga100.signatureCount == 1)
        #expect(ga100.fuseVersion == 0)
    }

    @Test("AD102 scrubber (570.144): SEC2 HS v2 ucode like the booters, ucode id 13")
    func ad102Scrubber() throws {
        let rel = "nvidia/ad102/gsp/scrubber-570.144.bin"
        let bytes = try RealFirmware.bytes(rel)
        #expect(bytes.count == 8_312)
        let b = try BooterUcode(bytes: bytes, file: rel)
        #expect(b.bin.binSize == 0x2100)
        #expect(b.bin.payload == FileRange(offset: 0x378, size: 0x1d00))
        #expect(b.hsHeader.sigProdOffset == 0x3c && b.hsHeader.sigProdSize == 0x300)
        #expect(b.patchLocation == 0x1a00)
        #expect(b.patchSignatureIndex == 0)
        #expect(b.signatureCount == 2)
        #expect((b.fuseVersion, b.engineID, b.ucodeID) == (1, 1, 13))
        #expect(b.loadHeader.osCodeOffset == 0 && b.loadHeader.osCodeSize == 0x100)
        #expect(b.loadHeader.osDataOffset == 0x1a00 && b.loadHeader.osDataSize == 0x300)
        #expect(b.loadHeader.apps == [FileRange(offset: 0x100, size: 0x1900)])
    }

    @Test("TU102 gen_bootloader (570.144): bin header and nvfw_bl_desc; code and data fill the payload")
    func tu102GenBootloader() throws {
        let rel = "nvidia/tu102/gsp/gen_bootloader-570.144.bin"
        let bytes = try RealFirmware.bytes(rel)
        #expect(bytes.count == 816)
        let g = try FalconBootloader(bytes: bytes, file: rel)
        #expect(g.bin.binSize == 0x400)
        #expect(g.bin.payload == FileRange(offset: 0x30, size: 0x300))
        let d = g.descriptor
        #expect((d.startTag, d.dmemLoadOffset) == (0xfd, 0))
        #expect((d.codeOffset, d.codeSize, d.dataOffset, d.dataSize) == (0, 0x200, 0x200, 0x100))
        #expect(g.code == FileRange(offset: 0x30, size: 0x200))
        #expect(g.data == FileRange(offset: 0x230, size: 0x100))
        // GA100 shares Turing's file (a symlink in the Debian package).
        #expect(try RealFirmware.bytes("nvidia/ga100/gsp/gen_bootloader-570.144.bin") == bytes)
    }

    @Test("570.144 RISC-V bootloaders keep the 84-byte descriptor, version 5, with new offsets")
    func bootloaders570() throws {
        for (chip, payload, code) in [("ad102", UInt64(0x9000), UInt32(0x4800)), ("ga102", 0x6000, 0x1800)] {
            let rel = "nvidia/\(chip)/gsp/bootloader-570.144.bin"
            let b = try RISCVBootloader(bytes: try RealFirmware.bytes(rel), file: rel)
            #expect(b.payload == FileRange(offset: 0x6c, size: payload), "\(chip)")
            #expect(b.descriptor.encodedSize == 84 && b.descriptor.version == 5, "\(chip)")
            #expect(b.descriptor.fields["bootloaderParamOffset"] == UInt32(payload - 0x1000) + 0x880, "\(chip)")
            #expect(b.descriptor.monitorCodeOffset == code && b.descriptor.monitorDataOffset == 0x800, "\(chip)")
            #expect(b.descriptor.fields["monitorCodeSize"] == 0x2900, "\(chip)")
        }
    }
}
