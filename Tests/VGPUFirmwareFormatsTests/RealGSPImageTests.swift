import Testing
import VGPUFirmware
import VGPUFirmwareFormats
import VGPUTestSupport

/// The GSP image reader on Debian's real firmware, checked against readelf and sha256sum.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct RealGSPImageTests {
    static let images = [
        // linux-firmware layout (firmware-nvidia-graphics), Ada's file is a link to ga102's
        "nvidia/ad102/gsp/gsp-535.113.01.bin",
        "nvidia/ad107/gsp/gsp-535.113.01.bin",
        "nvidia/tu102/gsp/gsp-535.113.01.bin",
        // 570.144 (firmware-nvidia-graphics from trixie-backports): a NOTE section (.note.gnu.build-id)
        "nvidia/ga102/gsp/gsp-570.144.bin",
        "nvidia/tu102/gsp/gsp-570.144.bin",
        // NVIDIA driver layout (firmware-nvidia-gsp)
        "nvidia/535.261.03/gsp_ga10x.bin",
        "nvidia/535.261.03/gsp_tu10x.bin",
    ]

    @Test("section table matches readelf -S -W", arguments: images)
    func sectionsMatchReadelf(relative: String) throws {
        let path = RealFirmware.path(relative)
        let image = try GSPFirmwareImage(path: path)
        let oracle = try Oracle.readelfSections(path)
        #expect(oracle.count == image.sections.count)
        for (ours, theirs) in zip(image.sections, oracle) {
            #expect(ours.index == theirs.index)
            #expect(ours.name == theirs.name)
            #expect(ours.typeName == theirs.type)
            #expect(ours.range.offset == theirs.offset)
            #expect(ours.range.size == theirs.size)
        }
        #expect(image.image == image.section(named: ".fwimage")?.range)
    }

    @Test("AD102 535.113.01: version, size, .fwimage, 4 KiB ad10x signature, families (GSP-FACTS section 2)")
    func ad102Facts() throws {
        let image = try GSPFirmwareImage(path: RealFirmware.path("nvidia/ad102/gsp/gsp-535.113.01.bin"))
        #expect(image.version == "535.113.01")
        #expect(image.fileSize == 38_061_600)
        #expect(image.elfType == 1)
        #expect(image.image == FileRange(offset: 0x40, size: 0x2448000))
        #expect(image.signatureFamilies == ["ad10x", "cc_gh100", "ga10x", "gh100"])
        let signature = try image.signatureSection(family: "ad10x")
        #expect(signature.range.size == 4096)
        let bytes = try image.readSection(signature)
        #expect(bytes.count == 4096)
        #expect(bytes.contains { $0 != 0 })
        #expect(throws: FirmwareError(file: image.path, field: ".fwsignature_tu10x", problem: .missingSection(".fwsignature_tu10x"))) {
            try image.signatureSection(family: "tu10x")
        }
    }

    @Test("driver layout gsp_ga10x.bin reads with the same scheme, version 535.261.03")
    func driverLayout() throws {
        let image = try GSPFirmwareImage(path: RealFirmware.path("nvidia/535.261.03/gsp_ga10x.bin"))
        #expect(image.version == "535.261.03")
        #expect(image.image.size == 0x2477000)
        #expect(image.signatureFamilies.contains("ad10x"))
    }

    @Test("streamed SHA-256 equals sha256sum and the published digest")
    func digest() throws {
        let path = RealFirmware.path("nvidia/ad102/gsp/gsp-535.113.01.bin")
        let ours = try FileDigest.sha256(path: path)
        #expect(ours.hex == "e30231ec0d317021770e16c81ae2c0553f728d0344248827582f78132c9447d4")
        #expect(ours.hex == (try Oracle.sha256sum(path)))
        #expect(ours.size == 38_061_600)
    }
}
