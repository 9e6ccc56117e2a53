import Testing
import VGPUAda
import VGPUCore
import VGPUFirmware
import VGPUTestSupport

struct AdaModuleTests {
    @Test func chipsDecodeToAda() throws {
        let m = try AdaModule()
        #expect(m.chips.map(\.name) == ["AD102", "AD103", "AD104", "AD106", "AD107"])
        for chip in m.chips { #expect(chip.architecture == .ada) }
    }

    @Test func embeddedManifestCoversEveryChipAtEveryRelease() throws {
        let m = try AdaModule()
        #expect(m.supportedReleases.map(\.description) == ["535.113.01", "570.144", "535.261.03"])
        for release in m.firmwareManifest.releases {
            #expect(release.chips.map(\.chip) == m.chips.map(\.firmwareDirectoryName))
            #expect(release.source.component == "non-free-firmware")
        }
        let linuxFirmware = try #require(m.firmwareManifest.release(m.defaultRelease))
        for chip in linuxFirmware.chips {
            #expect(chip.files.map(\.role) == [.gsp, .bootloader, .booterLoad, .booterUnload])
            #expect(chip.files[0].signatureSection == ".fwsignature_ad10x")
        }
    }

    @Test(.enabled(if: RealFirmware.shouldRun, Comment(rawValue: RealFirmware.skipReason)))
    func realFirmwareVerifiesForEveryChipAndRelease() throws {
        let m = try AdaModule()
        let verifier = FirmwareVerifier(root: FirmwareRoot(path: RealFirmware.root))
        for release in m.firmwareManifest.releases {
            for chip in release.chips {
                let report = verifier.verify(chip: chip, release: release)
                #expect(report.isOK, "\(chip.chip) \(release.version): \(report.files.flatMap(\.findings))")
                for file in report.files where file.role == .gsp {
                    #expect(file.signature?.range.size == 4096)
                }
            }
        }
    }
}
