import Testing
import VGPUFirmware
import VGPUFirmwareFormats
import VGPUTestSupport

/// Bad bin containers, made by corrupting real files in memory (or from scratch where the real file
/// cannot reach the state): each yields its own typed error naming the field.
struct MalformedBinContainerTests {
    func bootloaderError(_ bytes: [UInt8]) -> FirmwareError? {
        do { _ = try RISCVBootloader(bytes: bytes, file: "bootloader.bin"); return nil } catch { return error }
    }

    func booterError(_ bytes: [UInt8]) -> FirmwareError? {
        do { _ = try BooterUcode(bytes: bytes, file: "booter_load.bin"); return nil } catch { return error }
    }

    @Test func syntheticBootloaderParses() throws {
        #expect(bootloaderError(SyntheticBootloader.bytes()) == nil)
    }

    @Test func emptyFile() {
        let e = bootloaderError([])
        #expect(e?.field == "bin_hdr.bin_magic")
        #expect(e?.problem == .truncated(needed: 4, available: 0))
        #expect(e?.file == "bootloader.bin")
    }

    @Test func truncatedInsideBinHeader() {
        let e = bootloaderError(Array(SyntheticBootloader.bytes().prefix(10)))
        #expect(e?.field == "bin_hdr.bin_size")
        #expect(e?.problem == .truncated(needed: 12, available: 10))
    }

    @Test func badMagic() {
        var b = SyntheticBootloader.bytes()
        put(&b, 0, UInt32(0x1002))
        #expect(bootloaderError(b)?.problem == .badMagic(expected: 0x10de, found: 0x1002))
    }

    @Test func unknownBinVersion() {
        var b = SyntheticBootloader.bytes()
        put(&b, 4, UInt32(2))
        #expect(bootloaderError(b) == FirmwareError(file: "bootloader.bin", field: "bin_hdr.bin_ver", problem: .unsupportedVersion(2)))
    }

    @Test func dataPastEnd() {
        var b = SyntheticBootloader.bytes()
        put(&b, 20, UInt32(0x10000))  // data_size
        let e = bootloaderError(b)
        #expect(e?.field == "bin_hdr.data_offset")
        #expect(e?.problem == .outOfBounds(offset: 0x6c, size: 0x10000, limit: UInt64(b.count)))
    }

    @Test func dataOffsetOverflowsU32Arithmetic() {
        var b = SyntheticBootloader.bytes()
        put(&b, 16, UInt32.max)
        put(&b, 20, UInt32.max)
        #expect(bootloaderError(b)?.field == "bin_hdr.data_offset")
    }

    @Test func headerOffsetPastEnd() {
        var b = SyntheticBootloader.bytes()
        put(&b, 12, UInt32(0xffff_fff0))
        #expect(bootloaderError(b)?.field == "bin_hdr.header_offset")
    }

    @Test func headerOffsetInsideBinHeader() {
        var b = SyntheticBootloader.bytes()
        put(&b, 12, UInt32(4))
        #expect(bootloaderError(b)?.field == "bin_hdr.header_offset")
    }

    @Test func descriptorTruncated() {
        // Payload first, descriptor last, cut 20 bytes into the descriptor.
        var b = [UInt8](repeating: 0, count: 0x40 + 20)
        for (i, v) in [0x10de, 1, 0x100, 0x40, 0x18, 0x28].enumerated() { put(&b, i * 4, UInt32(v)) }
        let e = bootloaderError(b)
        #expect(e?.field == "RM_RISCV_UCODE_DESC.riscvElfOffset")  // the 6th word, bytes 20..23
        if case .truncated = e?.problem {} else { Issue.record("expected truncated, got \(String(describing: e))") }
    }

    @Test func descriptorRangeOutsidePayload() {
        var b = SyntheticBootloader.bytes()
        put(&b, 0x18 + 4 * 12, UInt32(0xf0))  // monitorCodeOffset
        put(&b, 0x18 + 4 * 13, UInt32(0x20))  // monitorCodeSize: 0xf0 + 0x20 > 0x100
        let e = bootloaderError(b)
        #expect(e?.field == "RM_RISCV_UCODE_DESC.monitorCodeOffset")
        #expect(e?.problem == .outOfBounds(offset: 0xf0, size: 0x20, limit: 0x100))
    }

    // Booter cases corrupt the real AD102 booter_load (HS header v2 at 0x18).
    static let hs = 0x18

    func realBooter() throws -> [UInt8] { try RealFirmware.bytes("nvidia/ad102/gsp/booter_load-535.113.01.bin") }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)),
          arguments: [(2, "hs_header_v2.patch_loc"), (3, "hs_header_v2.patch_sig"), (6, "hs_header_v2.num_sig"),
                      (0, "hs_header_v2.sig_prod_offset"), (4, "hs_header_v2.meta_data_offset"), (7, "hs_header_v2.header_offset")])
    func booterOffsetPointsOutside(word: Int, field: String) throws {
        var b = try realBooter()
        put(&b, Self.hs + 4 * word, UInt32(b.count - 2))
        let e = booterError(b)
        #expect(e?.field == field)
        if case .outOfBounds = e?.problem {} else { Issue.record("expected outOfBounds for \(field), got \(String(describing: e))") }
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func booterNumSigZero() throws {
        var b = try realBooter()
        let numSigAt = Int(get(b, Self.hs + 24, as: UInt32.self))
        put(&b, numSigAt, UInt32(0))
        let e = booterError(b)
        #expect(e?.field == "hs_header_v2.num_sig")
        #expect(e?.problem == .invalidValue("num_sig is 0; at least one signature is required"))
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func booterPatchSignatureIndexBeyondCount() throws {
        var b = try realBooter()
        let at = Int(get(b, Self.hs + 12, as: UInt32.self))
        put(&b, at, UInt32(7))
        #expect(booterError(b)?.field == "hs_header_v2.patch_sig")
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func booterHugeAppCount() throws {
        var b = try realBooter()
        let load = Int(get(b, Self.hs + 28, as: UInt32.self))
        put(&b, load + 16, UInt32.max)
        #expect(booterError(b)?.field == "hs_load_header_v2.num_apps")
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func booterAppOutsidePayload() throws {
        var b = try realBooter()
        let load = Int(get(b, Self.hs + 28, as: UInt32.self))
        put(&b, load + 24, UInt32(0x100_0000))  // app[0].size
        #expect(booterError(b)?.field == "hs_load_header_v2.app[0].offset")
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func booterTruncatedInsideHSHeader() throws {
        var b = Array(try realBooter().prefix(Self.hs + 10))
        put(&b, 16, UInt32(Self.hs))  // an empty payload, so only the HS header is short
        put(&b, 20, UInt32(0))
        let e = booterError(b)
        #expect(e?.field == "hs_header_v2.patch_loc")
        #expect(e?.problem == .truncated(needed: Self.hs + 12, available: Self.hs + 10))
    }

    // MARK: the falcon generic bootloader (gen_bootloader, 570 on)

    func genBootloaderError(_ bytes: [UInt8]) -> FirmwareError? {
        do { _ = try FalconBootloader(bytes: bytes, file: "gen_bootloader.bin"); return nil } catch { return error }
    }

    func realGenBootloader() throws -> [UInt8] { try RealFirmware.bytes("nvidia/tu102/gsp/gen_bootloader-570.144.bin") }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func genBootloaderDescriptorTruncated() throws {
        // The payload moved to the end, so the 24-byte descriptor at 0x18 runs out of file first.
        var b = Array(try realGenBootloader().prefix(0x18 + 10))
        put(&b, 16, UInt32(0x18))
        put(&b, 20, UInt32(0))
        let e = genBootloaderError(b)
        #expect(e?.field == "bl_desc.code_off")
        #expect(e?.problem == .truncated(needed: 0x18 + 12, available: 0x18 + 10))
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func genBootloaderCodeOutsidePayload() throws {
        var b = try realGenBootloader()
        put(&b, 0x18 + 12, UInt32(0x301))  // code_size past the 0x300-byte payload
        let e = genBootloaderError(b)
        #expect(e?.field == "bl_desc.code_off")
        #expect(e?.problem == .outOfBounds(offset: 0, size: 0x301, limit: 0x300))
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func genBootloaderDataOverflowsU32() throws {
        var b = try realGenBootloader()
        put(&b, 0x18 + 16, UInt32.max)     // data_off + data_size wraps in 32 bits
        let e = genBootloaderError(b)
        #expect(e?.field == "bl_desc.data_off")
        #expect(e?.problem == .outOfBounds(offset: UInt64(UInt32.max), size: 0x100, limit: 0x300))
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func genBootloaderWithoutCode() throws {
        var b = try realGenBootloader()
        put(&b, 0x18 + 12, UInt32(0))
        #expect(genBootloaderError(b)?.field == "bl_desc.code_size")
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func genBootloaderBadMagic() throws {
        var b = try realGenBootloader()
        put(&b, 0, UInt32(0x10df))
        #expect(genBootloaderError(b)?.problem == .badMagic(expected: 0x10de, found: 0x10df))
    }
}

