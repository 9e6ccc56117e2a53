import Foundation
import Testing
import VGPUCore
import VGPUFirmware
import VGPUTestSupport

/// The verifier's findings on a scratch firmware root built for each case.
struct FirmwareVerifierTests {
    let dir: ScratchDirectory
    let root: String
    let gspBytes: [UInt8]
    let bootloaderBytes: [UInt8]

    init() throws {
        dir = try ScratchDirectory("verifier")
        root = dir.file("root")
        gspBytes = ELFImageBuilder.gspLike(version: "535.113.01").build().bytes
        bootloaderBytes = SyntheticBootloader.bytes()
        try dir.write("root/nvidia/ad102/gsp/gsp-535.113.01.bin", gspBytes)
        try dir.write("root/nvidia/ad102/gsp/bootloader-535.113.01.bin", bootloaderBytes)
    }

    func entry(_ role: FirmwareManifest.Role, _ path: String, _ bytes: [UInt8]) throws -> FirmwareManifest.File {
        let tmp = try dir.write("digest-input", bytes)
        return FirmwareManifest.File(role: role, path: path, size: bytes.count, sha256: try Oracle.sha256sum(tmp),
                                     fwversion: role == .gsp ? "535.113.01" : nil,
                                     signatureSection: role == .gsp ? ".fwsignature_ad10x" : nil)
    }

    func gspEntry() throws -> FirmwareManifest.File { try entry(.gsp, "nvidia/ad102/gsp/gsp-535.113.01.bin", gspBytes) }
    func bootloaderEntry() throws -> FirmwareManifest.File { try entry(.bootloader, "nvidia/ad102/gsp/bootloader-535.113.01.bin", bootloaderBytes) }

    func verify(_ file: FirmwareManifest.File) -> FirmwareFileReport {
        FirmwareVerifier(root: FirmwareRoot(path: root)).verify(file)
    }

    @Test func goodFilesVerify() throws {
        let g = verify(try gspEntry())
        #expect(g.findings == [])
        #expect(g.signature?.range.size == 4096)
        if case .gsp(let image)? = g.contents { #expect(image.version == "535.113.01") } else { Issue.record("not parsed as gsp") }
        #expect(verify(try bootloaderEntry()).isOK)
    }

    @Test func missingFile() throws {
        var e = try gspEntry()
        e.path = "nvidia/ad103/gsp/gsp-535.113.01.bin"
        let r = verify(e)
        #expect(r.findings.map(\.kind) == [.missing])
        #expect(r.findings[0].message.contains(e.path))
    }

    @Test func wrongSizeAndDigest() throws {
        var e = try bootloaderEntry()
        e.size += 1
        #expect(verify(e).findings.map(\.kind) == [.wrongSize])
        var d = try bootloaderEntry()
        d.sha256 = String(repeating: "0", count: 64)
        let r = verify(d)
        #expect(r.findings.map(\.kind) == [.wrongDigest])
        #expect(r.findings[0].message.contains(d.path))
    }

    @Test func wrongVersionAndMissingSection() throws {
        var e = try gspEntry()
        e.fwversion = "570.144"
        e.signatureSection = ".fwsignature_tu10x"
        let r = verify(e)
        #expect(r.findings.map(\.kind) == [.wrongVersion, .missingSection])
    }

    @Test func malformedFileIsReportedNotThrown() throws {
        var bad = bootloaderBytes
        put(&bad, 0, UInt32(0xdead))
        try dir.write("root/nvidia/ad102/gsp/bootloader-535.113.01.bin", bad)
        var e = try bootloaderEntry()
        e.sha256 = try Oracle.sha256sum(dir.file("root/nvidia/ad102/gsp/bootloader-535.113.01.bin"))
        let r = verify(e)
        #expect(r.findings.map(\.kind) == [.malformed])
        #expect(r.findings[0].message.contains("bin_hdr.bin_magic"))
    }

    @Test func linkInsideRootIsFollowed() throws {
        try dir.link("root/nvidia/ad104/gsp/gsp-535.113.01.bin", to: "../../ad102/gsp/gsp-535.113.01.bin")
        var e = try gspEntry()
        e.path = "nvidia/ad104/gsp/gsp-535.113.01.bin"
        let r = verify(e)
        #expect(r.isOK)
        #expect(r.resolvedPath?.hasSuffix("nvidia/ad102/gsp/gsp-535.113.01.bin") == true)
    }

    @Test func linkLeavingRootIsRefused() throws {
        try dir.write("outside/gsp.bin", gspBytes)
        try dir.link("root/nvidia/ad106/gsp/gsp-535.113.01.bin", to: dir.file("outside/gsp.bin"))
        try dir.link("root/nvidia/ad107", to: "../../outside")
        for path in ["nvidia/ad106/gsp/gsp-535.113.01.bin", "nvidia/ad107/gsp.bin"] {
            var e = try gspEntry()
            e.path = path
            let r = verify(e)
            #expect(r.findings.map(\.kind) == [.unsafePath], "\(path)")
            #expect(r.contents == nil)
        }
    }

    @Test func dotDotAndAbsolutePathsAreRefused() throws {
        for path in ["../root/nvidia/ad102/gsp/gsp-535.113.01.bin", root + "/nvidia/ad102/gsp/gsp-535.113.01.bin"] {
            var e = try gspEntry()
            e.path = path
            #expect(verify(e).findings.map(\.kind) == [.unsafePath], "\(path)")
        }
    }

    @Test func sharedFileIsExaminedOnce() throws {
        try dir.link("root/nvidia/ad104/gsp/gsp-535.113.01.bin", to: "../../ad102/gsp/gsp-535.113.01.bin")
        let verifier = FirmwareVerifier(root: FirmwareRoot(path: root))
        let first = verifier.verify(try gspEntry())
        // Replace the file behind both paths: a verifier that re-read it would now see a wrong digest.
        try dir.write("root/nvidia/ad102/gsp/gsp-535.113.01.bin", ELFImageBuilder.gspLike(version: "999.1").build().bytes)
        var e = try gspEntry()
        e.path = "nvidia/ad104/gsp/gsp-535.113.01.bin"
        let second = verifier.verify(e)
        #expect(first.sha256 == second.sha256)
        #expect(second.isOK)
        // A fresh verifier does see the change.
        #expect(!FirmwareVerifier(root: FirmwareRoot(path: root)).verify(e).isOK)
    }

    @Test func noDigestModeStillChecksSizeAndStructure() throws {
        var e = try gspEntry()
        e.sha256 = String(repeating: "1", count: 64)
        let r = FirmwareVerifier(root: FirmwareRoot(path: root), verifiesDigests: false).verify(e)
        #expect(r.sha256 == nil)
        #expect(r.isOK)
        e.size -= 1
        #expect(FirmwareVerifier(root: FirmwareRoot(path: root), verifiesDigests: false).verify(e).findings.map(\.kind) == [.wrongSize])
    }

    /// A prefetch and verifications from several threads at once give exactly what a plain verify
    /// gives, and each file is hashed once (the examination runs on the verifier's queue).
    @Test func prefetchedAndConcurrentVerificationsAgree() async throws {
        let files = [try gspEntry(), try bootloaderEntry()]
        let expected = files.map { verify($0) }
        let verifier = FirmwareVerifier(root: FirmwareRoot(path: root))
        verifier.prefetch(files)
        let reports = await withTaskGroup(of: [FirmwareFileReport].self) { group in
            for _ in 0..<8 { group.addTask { files.map { verifier.verify($0) } } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reports.count == 8)
        for r in reports { #expect(r == expected) }
        #expect(verifier.hashed == 2)
    }
}
