import Foundation
import Testing
import VGPUProbe
import VGPUTestSupport

/// `vgpu-probe firmware` as a user runs it: the built binary, its output and exit status.
struct FirmwareCommandTests {
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func ad102JSONOnRealFirmware() throws {
        let run = try ProbeBinary.run(["firmware", "--firmware-root", RealFirmware.root, "--chip", "ad102", "--json"])
        #expect(run.status == 0)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(doc["schema"] as? String == "vgpukit.firmware/1")
        #expect(doc["ok"] as? Bool == true)
        let chips = try #require(doc["chips"] as? [[String: Any]])
        #expect(chips.count == 1)
        let firmware = try #require(chips[0]["firmware"] as? [String: Any])
        let files = try #require(firmware["files"] as? [[String: Any]])
        #expect(files.map { $0["role"] as? String } == ["gsp", "bootloader", "booter_load", "booter_unload"])
        for file in files {
            #expect(file["sha256"] as? String == file["expectedSHA256"] as? String)
            #expect((file["findings"] as? [Any])?.isEmpty == true)
        }
        let gsp = try #require((files[0]["contents"] as? [String: Any])?["gsp"] as? [String: Any])
        #expect(gsp["version"] as? String == "535.113.01")
        let signature = try #require(files[0]["signature"] as? [String: Any])
        #expect(signature["name"] as? String == ".fwsignature_ad10x")
        #expect((signature["range"] as? [String: Any])?["size"] as? Int == 4096)
        #expect(run.stderr.isEmpty)
    }

    /// Release 570.144 verifies on every chip from the fetched root (Turing to Blackwell), with the AD10x
    /// scrubber, the TU1xx/GA100 generic bootloader and the Hopper/Blackwell FMC among the files;
    /// 535.113.01 still does on the 16 chips up to Ada.
    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func bothLinuxFirmwareReleasesVerify() throws {
        for release in ["570.144", "535.113.01"] {
            let run = try ProbeBinary.run(["firmware", "--firmware-root", RealFirmware.root, "--release", release, "--json"])
            #expect(run.status == 0, "\(release): \(run.stderr)")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let chips = try #require(doc["chips"] as? [[String: Any]])
            #expect(chips.compactMap { $0["chip"] as? String }.count == (release == "570.144" ? 24 : 16), "\(release)")
            let roles = Dictionary(uniqueKeysWithValues: chips.compactMap { c -> (String, [String])? in
                guard let name = c["chip"] as? String, let files = (c["firmware"] as? [String: Any])?["files"] as? [[String: Any]] else { return nil }
                for f in files { #expect((f["findings"] as? [Any])?.isEmpty == true, "\(release) \(name) \(f["path"] ?? "")") }
                return (name, files.compactMap { $0["role"] as? String })
            })
            let four = ["gsp", "bootloader", "booter_load", "booter_unload"]
            #expect(roles["AD104"] == (release == "570.144" ? four + ["scrubber"] : four))
            #expect(roles["GA100"] == (release == "570.144" ? four + ["gen_bootloader"] : four))
            #expect(roles["GA102"] == four)
            #expect(roles["TU117"] == (release == "570.144" ? four + ["gen_bootloader"] : four))
            // The FSP path's chips: the GSP image, the boot binary and the FMC; no booters.
            for chip in ["GH100", "GB100", "GB202", "GB207"] {
                #expect(roles[chip] == (release == "570.144" ? ["gsp", "bootloader", "fmc"] : nil), "\(chip)")
            }
        }
    }

    @Test func missingFilesExitOneAndNameThePath() throws {
        let dir = try ScratchDirectory()
        try dir.write("nvidia/ad102/gsp/readme", Array("x".utf8))
        let run = try ProbeBinary.run(["firmware", "--firmware-root", dir.path, "--chip", "AD102"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("missing"))
        #expect(run.stdout.contains("nvidia/ad102/gsp/gsp-535.113.01.bin"))
    }

    @Test func usageAndInputErrors() throws {
        let unknown = try ProbeBinary.run(["firmware", "--chip", "gv100", "--firmware-root", "/"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("unknown chip 'gv100'"))
        #expect(unknown.stdout.isEmpty)
        let badRelease = try ProbeBinary.run(["firmware", "--release", "latest"])
        #expect(badRelease.status == 64)
        let noRoot = try ProbeBinary.run(["firmware", "--firmware-root", "/nonexistent/firmware", "--json"])
        #expect(noRoot.status == 66)
        // No partial inventory on failure: the error document, whole.
        #expect(noRoot.stdout.hasPrefix("{") && noRoot.stdout.contains("vgpukit.error/1") && !noRoot.stdout.contains("chips"))
        let unsupported = try ProbeBinary.run(["firmware", "--chip", "ad102", "--release", "580.142", "--firmware-root", "/"])
        #expect(unsupported.status == 64)
        #expect(unsupported.stderr.contains("535.113.01") && unsupported.stderr.contains("570.144"))
    }

    @Test func helpTeaches() throws {
        let help = try ProbeBinary.run(["firmware", "--help"])
        #expect(help.status == 0)
        for phrase in ["--firmware-root", "--chip", "--json", "firmware-nvidia-graphics", "Exit status"] {
            #expect(help.stdout.contains(phrase), "\(phrase)")
        }
    }
}
