import Foundation
import Testing
import VGPUCore
import VGPUFirmware
import VGPUFirmwareFormats
import VGPUTestSupport

/// The GSP-FMC reader on Debian's real Hopper and Blackwell files, against binutils' `objcopy`, which
/// dumps each section on its own, and OpenSSL's SHA-384 of the dumped image.
@Suite(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
struct RealFMCImageTests {
    /// The bytes objcopy dumps for `section` of the real file `relative`.
    func dumped(_ relative: String, _ section: String, in dir: ScratchDirectory) throws -> [UInt8] {
        let out = dir.file("\(section).bin")
        let (output, status) = try Oracle.run("objcopy", ["-I", "elf32-little", "--dump-section", "\(section)=\(out)", RealFirmware.path(relative), dir.file("copy.elf")])
        try #require(status == 0, "\(output)")
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: out)))
    }

    /// GH100 signs with RSA-3072 (384-byte signature and key), Blackwell with 96 and 97 bytes; the hash
    /// is SHA-384 of the image on every chip (570 `g_kern_fsp_nvoc.c:216-238` asserts the sizes).
    @Test(arguments: [("gh100", 384, 384, 165_448), ("gb100", 96, 97, 197_448), ("gb202", 96, 97, 199_240)])
    func sectionsAreTheFilesOwn(chip: String, signature: Int, key: Int, image: Int) throws {
        let relative = "nvidia/\(chip)/gsp/fmc-570.144.bin"
        let fmc = try FMCImage(path: RealFirmware.path(relative))
        let dir = try ScratchDirectory("fmc-\(chip)")
        #expect(fmc.hash == (try dumped(relative, "hash", in: dir)))
        #expect(fmc.signature == (try dumped(relative, "signature", in: dir)) && fmc.signature.count == signature)
        #expect(fmc.publicKey == (try dumped(relative, "publickey", in: dir)) && fmc.publicKey.count == key)
        let imageBytes = try dumped(relative, "image", in: dir)
        #expect(try fmc.imageBytes() == imageBytes && imageBytes.count == image)
        let (digest, status) = try Oracle.run("openssl", ["dgst", "-sha384", "-r", dir.file("image.bin")])
        #expect(status == 0 && digest.hasPrefix(fmc.hash.map { String(format: "%02x", $0) }.joined()), "\(digest)")
    }

    /// An image whose bytes no longer hash to `hash` is refused by the verifier, naming the section.
    @Test func aChangedImageFailsItsHash() throws {
        let relative = "nvidia/gh100/gsp/fmc-570.144.bin"
        var bytes = try RealFirmware.bytes(relative)
        let fmc = try FMCImage(path: RealFirmware.path(relative))
        bytes[Int(fmc.image.offset) + 100] ^= 0x01
        let dir = try ScratchDirectory("fmc-changed")
        _ = try dir.write(relative, bytes)
        let file = FirmwareManifest.File(role: .fmc, path: relative, size: bytes.count, sha256: String(repeating: "0", count: 64))
        let report = FirmwareVerifier(root: FirmwareRoot(path: dir.path)).verify(file, pinned: false)
        let finding = try #require(report.findings.first)
        #expect(finding.kind == .malformed)
        #expect(finding.message.contains("hash: the image's SHA-384 is ") && finding.message.contains("the hash section says f3105e5c"), "\(finding.message)")
    }

    /// The GSP image's signature section per family (570.144: gh100, gb10x, gb20x and the CC variants
    /// of gh100 and gb10x; no cc_gb20x).
    @Test func theGSPImageSignsEveryFSPFamily() throws {
        let image = try GSPFirmwareImage(path: RealFirmware.path("nvidia/gh100/gsp/gsp-570.144.bin"))
        #expect(Set(image.signatureFamilies).isSuperset(of: ["gh100", "cc_gh100", "gb10x", "cc_gb10x", "gb20x"]))
        #expect(!image.signatureFamilies.contains("cc_gb20x"))
    }
}
